package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi/openapitest"
)

// Body types that exercise what the generator must get right: nested and
// shared types, a name two packages use (FieldError here and in apperr),
// fields that encode as null, and an embedded struct.
type (
	FieldError struct {
		Path string `json:"path"`
	}
	docItem struct {
		Name  string            `json:"name"`
		At    time.Time         `json:"at"`
		Tags  []string          `json:"tags"`
		Meta  map[string]string `json:"meta,omitempty"`
		Owner *docOwner         `json:"owner"`
	}
	docOwner struct {
		ID string `json:"id"`
	}
	docBase struct {
		Items []docItem `json:"items"`
	}
	docPage struct {
		docBase
		Errors []FieldError         `json:"errors"`
		Apperr []apperr.FieldError  `json:"apperr,omitempty"`
		Next   string               `json:"next,omitempty"`
		ByName map[string]*docOwner `json:"byName"`
	}
	docInput struct {
		Regenerate bool `json:"regenerate"`
	}
)

func docRouter() *Router {
	r := NewRouter(RouterConfig{Title: "test", Version: "1"})
	nop := func(http.ResponseWriter, *http.Request) {}
	r.Handle(Route{Method: "GET", Pattern: "/api/v1/items", Service: "s", Access: Owner, Response: docPage{},
		Params: []Param{{Name: "limit", Type: "integer"}, {In: "header", Name: "Idempotency-Key"}}}, nop)
	r.Handle(Route{Method: "POST", Pattern: "/api/v1/items", Service: "s", Access: Owner, Request: docInput{}, BodyOptional: true,
		Response: docItem{}, Status: http.StatusAccepted, Headers: []string{"Location", "Retry-After"},
		Also: []Answer{{Status: http.StatusSeeOther, Body: map[string]string{}, Headers: []string{"Location"}}}}, nop)
	r.Handle(Route{Method: "GET", Pattern: "/api/v1/public/kinds", Service: "s", Response: []docOwner{}}, nop)
	r.Handle(Route{Method: "GET", Pattern: "/api/v1/items/{id}/qr.png", Service: "s", Access: Owner, MediaType: "image/png"}, nop)
	r.Handle(Route{Method: "DELETE", Pattern: "/api/v1/items/{id}", Service: "s", Access: Owner, Status: http.StatusNoContent}, nop)
	return r
}

func TestOpenAPIValidates(t *testing.T) {
	for _, err := range openapitest.Validate(docRouter().OpenAPI()) {
		t.Error(err)
	}
}

func TestOpenAPIDescribesEachRoute(t *testing.T) {
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	spec := docRouter().OpenAPI()
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(spec), "#/$defs/") {
		t.Error("a $ref still points into $defs")
	}
	op := func(path, method string) string {
		b, _ := json.Marshal(doc.Paths[path][method])
		return string(b)
	}
	for _, tt := range []struct{ path, method, want string }{
		{"/api/v1/items", "post", `"required":false`},
		{"/api/v1/items", "post", `"303":{"content":{"application/json"`},
		{"/api/v1/items", "post", `"Retry-After":{`},
		{"/api/v1/items", "get", `"security":[{"bearerAuth":[]}]`},
		{"/api/v1/items", "get", `{"in":"query","name":"limit","required":false,"schema":{"type":"integer"}}`},
		{"/api/v1/items", "get", `{"in":"header","name":"Idempotency-Key","required":false,"schema":{"type":"string"}}`},
		{"/api/v1/public/kinds", "get", `"security":[]`},
		{"/api/v1/public/kinds", "get", `"type":"array"`},
		{"/api/v1/items/{id}/qr.png", "get", `"content":{"image/png":{}}`},
		{"/api/v1/items/{id}", "delete", `"4XX":{"$ref":"#/components/responses/Problem"}`},
	} {
		if got := op(tt.path, tt.method); !strings.Contains(got, tt.want) {
			t.Errorf("%s %s = %s, want it to contain %s", tt.method, tt.path, got, tt.want)
		}
	}
	for name, want := range map[string]string{
		"docItem": `"owner":{"anyOf":[{"$ref":"#/components/schemas/docOwner"},{"type":"null"}]}`,
		"docPage": `"items":{"anyOf":[{"items":{"$ref":"#/components/schemas/docItem"},"type":"array"},{"type":"null"}]}`,
		// The first FieldError (apperr's, in Problem) keeps its name; the
		// other one is named with its package.
		"FieldError":        `"message"`,
		"HttpapiFieldError": `"path"`,
	} {
		var b bytes.Buffer
		_ = json.Compact(&b, doc.Components.Schemas[name])
		if got := b.String(); !strings.Contains(got, want) {
			t.Errorf("schema %s = %s, want it to contain %s", name, got, want)
		}
	}
	// A request body requires nothing: the services name what is missing.
	if got := string(doc.Components.Schemas["docInput"]); strings.Contains(got, "required") {
		t.Errorf("request schema docInput = %s, want no required properties", got)
	}
}
