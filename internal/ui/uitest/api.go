// Package uitest tests server-rendered pages without a browser: a stub of
// the JSON API the pages call (API), a cookie-keeping client that drives
// the site (Browser), and checks on the HTML it gets back (Page). A page
// test stubs the API answers the page needs, renders the page and checks
// status, text, forms with their CSRF tokens, and what reached the API:
//
//	api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, ev)
//	b := uitest.NewBrowser(t, siteCalling(api)).SignIn()
//	b.Get("/app/events/e1").WantHTML(http.StatusOK).WantText("승인하고 시작하기").
//		WantForms("/logout", "/app/events/e1/approve")
//	b.Post("/app/events/e1/approve", nil).WantRedirect("/app/events/e1")
//	api.Last("POST", "/api/v1/events/e1/approve")
//
// where siteCalling builds the site with api as its API handler (see
// newBrowser in internal/ui/site_test.go).
package uitest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// Call is one request the pages sent to the API.
type Call struct {
	Method, Path, Query string
	Auth                string // the Authorization header
	Body                []byte
}

// Decode reads the call's JSON body into v, failing the test when it is
// not JSON.
func (c Call) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(c.Body, v); err != nil {
		t.Fatalf("%s %s: body %q: %v", c.Method, c.Path, c.Body, err)
	}
}

// API stands in for the JSON API router. Routes use http.ServeMux patterns
// ("GET /api/v1/events/{id}"); a request no route matches is answered 404
// problem+json with code "stub_not_found" (logged, so a test that forgot a
// stub says so). Every request is recorded.
type API struct {
	t      testing.TB
	mux    *http.ServeMux
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	calls  []Call
}

// NewAPI returns an API with no routes.
func NewAPI(t testing.TB) *API {
	return &API{t: t, mux: http.NewServeMux(), routes: map[string]http.HandlerFunc{}}
}

// Handle answers pattern with h. Stubbing a pattern again replaces its
// answer, so a test can start from a shared set of stubs and change one.
func (a *API) Handle(pattern string, h http.HandlerFunc) *API {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.routes[pattern]; !ok {
		a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			a.mu.Lock()
			h := a.routes[pattern]
			a.mu.Unlock()
			h(w, r)
		})
	}
	a.routes[pattern] = h
	return a
}

// JSON answers pattern with v as JSON.
func (a *API) JSON(pattern string, status int, v any) *API {
	return a.Handle(pattern, func(w http.ResponseWriter, r *http.Request) { httpapi.WriteJSON(w, status, v) })
}

// Raw answers pattern with a body of the given content type (files).
func (a *API) Raw(pattern, contentType string, body []byte) *API {
	return a.Handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}

// Error answers pattern with err as problem+json, as the API's error
// writer does (the status follows err's kind), without its server log.
func (a *API) Error(pattern string, err *apperr.Error) *API {
	return a.Handle(pattern, func(w http.ResponseWriter, r *http.Request) { WriteProblem(w, r, err) })
}

// WriteProblem answers err as the API does, for handlers of Handle.
func WriteProblem(w http.ResponseWriter, r *http.Request, err *apperr.Error) {
	p := httpapi.ProblemOf(r, err)
	if err.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(err.RetryAfter.Seconds()))))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// Problem answers pattern with a problem of the given kind, code and
// message, and field errors as "field", "message" pairs.
func (a *API) Problem(pattern string, kind apperr.Kind, code, message string, fieldMessages ...string) *API {
	e := apperr.New(kind, code, message)
	for i := 0; i+1 < len(fieldMessages); i += 2 {
		e = e.WithField(fieldMessages[i], "invalid", fieldMessages[i+1])
	}
	return a.Error(pattern, e)
}

// ServeHTTP records the call and answers it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil { // requests served in process may have none
		body, _ = io.ReadAll(r.Body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	a.mu.Lock()
	a.calls = append(a.calls, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Auth: r.Header.Get("Authorization"), Body: body})
	a.mu.Unlock()
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.t.Logf("uitest: no stub for %s %s: answering 404", r.Method, r.URL.Path)
		WriteProblem(w, r, apperr.New(apperr.NotFound, "stub_not_found", "no stub for this route"))
		return
	}
	a.mux.ServeHTTP(w, r)
}

// Calls returns the recorded calls.
func (a *API) Calls() []Call {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Call(nil), a.calls...)
}

// Last returns the last call of method to path, failing the test when
// there was none.
func (a *API) Last(method, path string) Call {
	a.t.Helper()
	calls := a.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Method == method && calls[i].Path == path {
			return calls[i]
		}
	}
	a.t.Fatalf("no %s %s call to the API; calls: %v", method, path, summary(calls))
	return Call{}
}

// Called reports whether method path was called.
func (a *API) Called(method, path string) bool {
	for _, c := range a.Calls() {
		if c.Method == method && c.Path == path {
			return true
		}
	}
	return false
}

func summary(calls []Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Method + " " + c.Path
	}
	return out
}
