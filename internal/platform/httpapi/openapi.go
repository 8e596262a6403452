package httpapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// Answer documents an answer of a route besides its success status and its
// problem+json errors: a 303 to a result that exists, a 202 pointing at the
// job still computing it.
type Answer struct {
	Status      int
	Description string   // default: the status text
	Body        any      // zero value of the JSON body type, or nil for none
	Headers     []string // headers the answer always carries, e.g. Location
}

// Param documents an optional query or header parameter of a route.
type Param struct {
	In          string // "query" (default) or "header"
	Name        string
	Type        string // JSON Schema type: "string" (default) or "integer"
	Description string
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z0-9_]+)\.{0,3}\}`)

// headerSchemas describes the response headers routes may declare.
var headerSchemas = map[string]map[string]any{
	"Location":    {"description": "URL of the resource, the result or the job's status", "schema": map[string]any{"type": "string"}},
	"Retry-After": {"description": "Seconds to wait before asking again", "schema": map[string]any{"type": "integer"}},
}

const problemRef = "#/components/responses/Problem"

// OpenAPI returns the OpenAPI 3.1 description of the registered routes,
// generated from the route declarations and their Go body types.
func (r *Router) OpenAPI() []byte {
	g := newSchemaGen()
	problem := map[string]any{"description": "RFC 9457 problem details with a stable code",
		"content": map[string]any{"application/problem+json": map[string]any{"schema": g.schema(Problem{})}}}

	paths := map[string]map[string]any{}
	for _, rt := range r.sortedRoutes() {
		op := map[string]any{
			"summary":     rt.Summary,
			"tags":        []string{rt.Service},
			"operationId": operationID(rt),
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, p := range rt.Params {
			in, typ := cmp.Or(p.In, "query"), cmp.Or(p.Type, "string")
			param := map[string]any{"name": p.Name, "in": in, "required": false, "schema": map[string]any{"type": typ}}
			if p.Description != "" {
				param["description"] = p.Description
			}
			params = append(params, param)
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": !rt.BodyOptional,
				"content": map[string]any{"application/json": map[string]any{"schema": g.requestSchema(rt.Request)}}}
		}
		responses := map[string]any{
			strconv.Itoa(rt.Status): g.answer(Answer{Status: rt.Status, Body: rt.Response, Headers: rt.Headers}, rt.MediaType),
			// Errors are problem+json whatever their status; a route's
			// summary names the codes worth knowing.
			"4XX": map[string]any{"$ref": problemRef},
			"5XX": map[string]any{"$ref": problemRef},
		}
		for _, a := range rt.Also {
			responses[strconv.Itoa(a.Status)] = g.answer(a, "")
		}
		op["responses"] = responses
		if rt.Access == Owner {
			op["security"] = []any{map[string]any{"bearerAuth": []string{}}}
		} else {
			op["security"] = []any{} // public: no credentials
		}
		path := pathParam.ReplaceAllString(rt.Pattern, "{$1}")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.Method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": r.cfg.Title, "version": r.cfg.Version},
		"paths":   paths,
		"components": map[string]any{
			"schemas":   g.components(),
			"responses": map[string]any{"Problem": problem},
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{
				"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("httpapi: openapi: %v", err)) // only maps, strings and reflected schemas: cannot fail
	}
	return b
}

// answer documents one response; a non-JSON body (PNG, PDF, CSV, an event
// stream) is named by its media type alone.
func (g *schemaGen) answer(a Answer, mediaType string) map[string]any {
	desc := a.Description
	if desc == "" {
		desc = http.StatusText(a.Status)
	}
	res := map[string]any{"description": desc}
	switch {
	case mediaType != "":
		res["content"] = map[string]any{mediaType: map[string]any{}}
	case a.Body != nil:
		res["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(a.Body)}}
	}
	if len(a.Headers) > 0 {
		hs := map[string]any{}
		for _, h := range a.Headers {
			d, ok := headerSchemas[h]
			if !ok {
				d = map[string]any{"schema": map[string]any{"type": "string"}}
			}
			hs[h] = mergeMap(d, map[string]any{"required": true})
		}
		res["headers"] = hs
	}
	return res
}

func mergeMap(a, b map[string]any) map[string]any {
	m := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// schemaGen turns Go body types into JSON Schemas under
// components/schemas, each Go type under one name.
type schemaGen struct {
	ref      *jsonschema.Reflector
	defs     map[string]*jsonschema.Schema
	requests []*jsonschema.Schema // roots of request bodies
	names    map[reflect.Type]string
	types    map[string]reflect.Type
}

func newSchemaGen() *schemaGen {
	g := &schemaGen{defs: map[string]*jsonschema.Schema{}, names: map[reflect.Type]string{}, types: map[string]reflect.Type{}}
	g.ref = &jsonschema.Reflector{Anonymous: true, AllowAdditionalProperties: false, Namer: g.name}
	return g
}

var notNameChar = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// name is a type's component name: its Go name, prefixed with its package's
// when another package already uses that name (announce.Input, event.Input).
func (g *schemaGen) name(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	n := notNameChar.ReplaceAllString(t.Name(), "_")
	if n == "" {
		return ""
	}
	for i := 0; ; i++ {
		other, taken := g.types[n]
		if !taken || other == t {
			break
		}
		pkg := path.Base(t.PkgPath())
		n = strings.ToUpper(pkg[:1]) + pkg[1:] + notNameChar.ReplaceAllString(t.Name(), "_")
		if i > 0 {
			n += strconv.Itoa(i + 1)
		}
	}
	g.names[t], g.types[n] = n, t
	return n
}

// schema returns the schema of v's type: a reference to its component, or
// the schema itself for unnamed types ([]Industry, map[string]string). The
// reflector's nested definitions move to components/schemas and every
// reference follows them there.
func (g *schemaGen) schema(v any) json.RawMessage { return g.encode(g.reflect(v)) }

// requestSchema is schema for a request body.
func (g *schemaGen) requestSchema(v any) json.RawMessage {
	s := g.reflect(v)
	s.Required = nil
	g.requests = append(g.requests, s)
	return g.encode(s)
}

func (g *schemaGen) reflect(v any) *jsonschema.Schema {
	s := g.ref.Reflect(v)
	for name, def := range s.Definitions {
		if _, done := g.defs[name]; done {
			continue
		}
		if t := g.types[name]; t != nil && t.Kind() == reflect.Struct {
			allowNull(t, def)
		}
		g.defs[name] = def
	}
	s.Version, s.ID, s.Definitions = "", "", nil
	return s
}

var refName = regexp.MustCompile(`"\$ref":"#/\$defs/([^"]+)"`)

// components encodes the collected schemas. A property of a response is
// required when encoding/json always writes it (no omitempty); a request
// body lists none as required, as the services accept what a client leaves
// out and refuse, with the field named, what they need.
func (g *schemaGen) components() map[string]json.RawMessage {
	inRequest := map[string]bool{}
	todo := slices.Clone(g.requests)
	for len(todo) > 0 {
		s := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		b, _ := json.Marshal(s)
		for _, m := range refName.FindAllSubmatch(b, -1) {
			if name := string(m[1]); !inRequest[name] && g.defs[name] != nil {
				inRequest[name] = true
				todo = append(todo, g.defs[name])
			}
		}
	}
	out := make(map[string]json.RawMessage, len(g.defs))
	for name, def := range g.defs {
		if inRequest[name] {
			def.Required = nil
		}
		out[name] = g.encode(def)
	}
	return out
}

var defsRef = []byte(`"$ref":"#/$defs/`)

func (g *schemaGen) encode(s *jsonschema.Schema) json.RawMessage {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("httpapi: openapi: schema: %v", err))
	}
	// Compact JSON: this byte sequence cannot occur inside a string value,
	// where the quotes would be escaped.
	return bytes.ReplaceAll(b, defsRef, []byte(`"$ref":"#/components/schemas/`))
}

// allowNull lets the properties of struct t that encoding/json writes as
// null (nil slices, maps and pointers without omitempty) be null.
func allowNull(t reflect.Type, s *jsonschema.Schema) {
	if s.Properties == nil {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				allowNull(ft, s) // embedded fields are flattened
				continue
			}
		}
		if !f.IsExported() || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		switch f.Type.Kind() {
		case reflect.Slice, reflect.Map, reflect.Pointer:
			if p, ok := s.Properties.Get(name); ok && p != nil {
				inner := *p
				inner.Description = ""
				s.Properties.Set(name, &jsonschema.Schema{Description: p.Description,
					AnyOf: []*jsonschema.Schema{&inner, {Type: "null"}}})
			}
		}
	}
}

func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.Split(strings.TrimPrefix(rt.Pattern, "/api/v1/"), "/") {
		part = strings.Trim(part, "{}.")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
