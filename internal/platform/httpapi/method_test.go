package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A known path asked with a method it does not take answers 405 with the
// methods it does take; an unknown path stays 404.
func TestWrongMethod(t *testing.T) {
	r := docRouter()
	nop := func(http.ResponseWriter, *http.Request) {}
	// A literal segment beside a wildcard one: both stay routable.
	r.Handle(Route{Method: "POST", Pattern: "/api/v1/items/{id}/draws/commitment", Service: "s"}, nop)
	r.Handle(Route{Method: "GET", Pattern: "/api/v1/items/{id}/draws/{drawId}", Service: "s"}, nop)
	for _, tt := range []struct {
		method, path string
		status       int
		allow, code  string
	}{
		{"PUT", "/api/v1/items", 405, "GET, HEAD, POST", "method_not_allowed"},
		{"POST", "/api/v1/items/x", 405, "DELETE", "method_not_allowed"},
		{"DELETE", "/api/v1/items/x/draws/commitment", 405, "GET, HEAD, POST", "method_not_allowed"},
		{"POST", "/api/v1/items/x/draws/7", 405, "GET, HEAD", "method_not_allowed"},
		{"POST", "/api/v1/openapi.json", 405, "GET, HEAD", "method_not_allowed"},
		{"GET", "/api/v1/nothing", 404, "", "route_not_found"},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != tt.status || rec.Header().Get("Allow") != tt.allow || p.Code != tt.code || p.Status != tt.status ||
			rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s = %d Allow %q %s %s, want %d Allow %q %s", tt.method, tt.path, rec.Code, rec.Header().Get("Allow"),
				rec.Header().Get("Content-Type"), rec.Body, tt.status, tt.allow, tt.code)
		}
	}
}
