package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// errorRecorder stands in for the test an Env reports to, to see what the
// harness would fail it for.
type errorRecorder struct {
	testing.TB
	errs []string
}

func (r *errorRecorder) Helper() {}
func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

type thing struct {
	Name string `json:"name"`
}

// The harness fails a test on an answer the document does not describe and
// on a request the server took although the document would refuse it.
func TestHarnessChecksExchangesAgainstTheDocument(t *testing.T) {
	var answer atomic.Pointer[http.HandlerFunc] // the case's answer; the server reads it on its own goroutine
	r := httpapi.NewRouter(httpapi.RouterConfig{Title: "t", Version: "1"})
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/things", Service: "s", Request: thing{}, Response: thing{},
		Status: http.StatusCreated}, func(w http.ResponseWriter, req *http.Request) { (*answer.Load())(w, req) })
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, tt := range []struct {
		name   string
		body   string
		answer http.HandlerFunc
		want   string // in the reported error; "" for none
	}{
		{"documented", `{"name":"a"}`, func(w http.ResponseWriter, _ *http.Request) {
			httpapi.WriteJSON(w, http.StatusCreated, thing{Name: "a"})
		}, ""},
		{"problem", `{"name":"a"}`, func(w http.ResponseWriter, r *http.Request) {
			httpapi.WriteError(w, r, apperr.ErrNotFound)
		}, ""},
		{"undocumented status", `{"name":"a"}`, func(w http.ResponseWriter, _ *http.Request) {
			httpapi.WriteJSON(w, http.StatusOK, thing{Name: "a"})
		}, "status is not supported"},
		{"wrong shape", `{"name":"a"}`, func(w http.ResponseWriter, _ *http.Request) {
			httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"name": 1})
		}, "does not describe"},
		{"error not problem+json", `{"name":"a"}`, func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, "does not describe"},
		{"accepted bad request", `{"name":5}`, func(w http.ResponseWriter, _ *http.Request) {
			httpapi.WriteJSON(w, http.StatusCreated, thing{Name: "a"})
		}, "does not allow it"},
	} {
		answer.Store(&tt.answer)
		rec := &errorRecorder{TB: t}
		e := &Env{T: rec, URL: srv.URL, client: srv.Client()}
		e.Do("POST", "/api/v1/things", "", []byte(tt.body))
		got := strings.Join(rec.errs, "\n")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: harness reported %q, want %q", tt.name, got, tt.want)
		}
	}
}
