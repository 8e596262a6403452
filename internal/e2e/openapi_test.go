package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/httpapi/openapitest"
)

// The document the whole app serves loads and validates in two independent
// implementations.
func TestOpenAPIDocumentValidates(t *testing.T) {
	e := Start(t)
	res := e.Do("GET", "/api/v1/openapi.json", "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET openapi.json = %d", res.Status)
	}
	for _, err := range openapitest.Validate(res.Body) {
		t.Error(err)
	}
}

// A known path asked with another method answers 405 problem+json with the
// methods it takes; the document has no such operation.
func TestWrongMethodIs405(t *testing.T) {
	e := Start(t)
	for _, tt := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/stores/industries", "GET, HEAD"},
		{"PUT", "/api/v1/events", "GET, HEAD, POST"},
		{"GET", "/api/v1/events/x/draws/commitment", "POST"},
	} {
		res := e.Do(tt.method, tt.path, "", nil)
		if res.Status != http.StatusMethodNotAllowed || res.Header.Get("Allow") != tt.allow || res.Code() != "method_not_allowed" ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s = %d Allow %q %s, want 405 Allow %q method_not_allowed", tt.method, tt.path,
				res.Status, res.Header.Get("Allow"), res.Body, tt.allow)
		}
	}
}
