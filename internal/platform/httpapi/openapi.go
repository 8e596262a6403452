package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z0-9_]+)\.{0,3}\}`)

// OpenAPI returns the OpenAPI 3.1 description of the registered routes,
// generated from the route declarations and their Go body types.
func (r *Router) OpenAPI() []byte {
	ref := &jsonschema.Reflector{DoNotReference: false, ExpandedStruct: false, AllowAdditionalProperties: false}
	schemas := map[string]any{}
	schemaFor := func(v any) map[string]any {
		if v == nil {
			return nil
		}
		s := ref.Reflect(v)
		for name, def := range s.Definitions {
			schemas[name] = def
		}
		s.Definitions = nil
		name := reflect.Indirect(reflect.ValueOf(v)).Type().Name()
		if s.Ref != "" {
			return map[string]any{"$ref": strings.Replace(s.Ref, "#/$defs/", "#/components/schemas/", 1)}
		}
		if name != "" {
			schemas[name] = s
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		return map[string]any{"type": "object"}
	}
	problem := map[string]any{"description": "RFC 9457 problem details",
		"content": map[string]any{"application/problem+json": map[string]any{"schema": schemaFor(Problem{})}}}

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
		if len(params) > 0 {
			op["parameters"] = params
		}
		if s := schemaFor(rt.Request); s != nil {
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": s}}}
		}
		ok := map[string]any{"description": http.StatusText(rt.Status)}
		if s := schemaFor(rt.Response); s != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": s}}
		}
		op["responses"] = map[string]any{strconv.Itoa(rt.Status): ok, "default": problem}
		if rt.Access == Owner {
			op["security"] = []any{map[string]any{"bearerAuth": []string{}}}
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
			"schemas": schemas,
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{
				"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
}

func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.Split(strings.TrimPrefix(rt.Pattern, "/api/v1/"), "/") {
		part = strings.Trim(part, "{}.")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
