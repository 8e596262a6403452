package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// A route is served here, proxied to the process that runs its service, or
// answered 503 service_not_running when neither, with the request id; the
// handler of an absent service is never called.
func TestRoutesOfServicesElsewhere(t *testing.T) {
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"servedBy": "remote"})
	}))
	defer remote.Close()
	base, _ := url.Parse(remote.URL)
	r := NewRouter(RouterConfig{
		Remotes: map[string]*url.URL{"far": base},
		Runs:    func(service string) bool { return service == "here" },
	})
	handle := func(service string) {
		r.Handle(Route{Method: "GET", Pattern: "/api/v1/" + service, Service: service}, func(w http.ResponseWriter, _ *http.Request) {
			if service != "here" {
				panic("handler of a service that does not run here was called")
			}
			WriteJSON(w, http.StatusOK, map[string]string{"servedBy": "here"})
		})
	}
	for _, s := range []string{"here", "far", "absent"} {
		handle(s)
	}
	h := Chain(r, RequestIDs(slog.New(slog.NewTextHandler(io.Discard, nil))), Recover())

	for _, tt := range []struct {
		service, want string
		status        int
	}{{"here", "here", 200}, {"far", "remote", 200}, {"absent", "", 503}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/"+tt.service, nil))
		if rec.Code != tt.status {
			t.Errorf("%s: status = %d, want %d (%s)", tt.service, rec.Code, tt.status, rec.Body)
			continue
		}
		if tt.status != 200 {
			var p Problem
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			if p.Code != "service_not_running" || p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-Id") {
				t.Errorf("%s: problem = %+v, want service_not_running with the request id %q", tt.service, p, rec.Header().Get("X-Request-Id"))
			}
			continue
		}
		var got map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &got)
		if got["servedBy"] != tt.want {
			t.Errorf("%s: served by %q, want %q", tt.service, got["servedBy"], tt.want)
		}
	}
	// The absent service's routes are still documented.
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Paths["/api/v1/absent"]; !ok {
		t.Error("the route of the absent service is missing from the OpenAPI document")
	}
}
