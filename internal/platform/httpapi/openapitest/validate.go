// Package openapitest checks an OpenAPI document with two independent
// implementations, kin-openapi and libopenapi, for the tests of the
// generator and of the served document. Only tests import it.
package openapitest

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// Validate returns everything either validator finds wrong with spec.
func Validate(spec []byte) []error {
	return append(kin(spec), pb33f(spec)...)
}

func kin(spec []byte) []error {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return []error{fmt.Errorf("kin-openapi: load: %w", err)}
	}
	if err := doc.Validate(context.Background()); err != nil {
		return []error{fmt.Errorf("kin-openapi: validate: %w", err)}
	}
	return nil
}

func pb33f(spec []byte) []error {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return []error{fmt.Errorf("libopenapi: parse: %w", err)}
	}
	v, errs := validator.NewValidator(doc)
	var out []error
	for _, err := range errs {
		out = append(out, fmt.Errorf("libopenapi: build model: %w", err))
	}
	if v == nil {
		return out
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, ve := range verrs {
			out = append(out, fmt.Errorf("libopenapi: %s: %s", ve.Message, ve.Reason))
			for _, se := range ve.SchemaValidationErrors {
				out = append(out, fmt.Errorf("libopenapi:   at %s (%s): %s", se.FieldPath, se.KeywordLocation, se.Reason))
			}
		}
	}
	return out
}
