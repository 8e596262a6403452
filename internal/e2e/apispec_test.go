package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// apiSpec is a loaded OpenAPI document and the router that finds its
// operations. Apps of one build serve the same document, so it is loaded
// once per distinct document, not once per app.
type apiSpec struct {
	router routers.Router
}

var specs sync.Map // sha256 of the document → *apiSpec

func loadSpec(b []byte) (*apiSpec, error) {
	sum := sha256.Sum256(b)
	if s, ok := specs.Load(sum); ok {
		return s.(*apiSpec), nil
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	s, _ := specs.LoadOrStore(sum, &apiSpec{router: router})
	return s.(*apiSpec), nil
}

// spec is the document this app serves, fetched on first use.
func (e *Env) spec() (*apiSpec, error) {
	e.specOnce.Do(func() {
		res, err := e.client.Get(e.URL + "/api/v1/openapi.json")
		if err != nil {
			e.specErr = err
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET openapi.json = %d", res.StatusCode)
		}
		if err != nil {
			e.specErr = err
			return
		}
		e.specDoc, e.specErr = loadSpec(b)
	})
	return e.specDoc, e.specErr
}

// checkExchange fails the test when an answer of a documented operation
// does not match the document (an undocumented status, a body that breaks
// its schema, a missing media type or required header), or when the server
// accepted a request that the document says it would refuse. Requests the
// document has no operation for (unknown paths, wrong methods, pages) are
// left to the tests that make them.
func (e *Env) checkExchange(req *http.Request, sent []byte, res Response) {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return
	}
	s, err := e.spec()
	if err != nil {
		e.T.Errorf("OpenAPI document of %s: %v", e.URL, err)
		return
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		return
	}
	reqIn := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if res.Status < 300 {
		// Tests send bad requests on purpose; one the server took must be
		// one the document allows.
		req.Body = io.NopCloser(bytes.NewReader(sent))
		if err := openapi3filter.ValidateRequest(context.Background(), reqIn); err != nil {
			e.T.Errorf("%s %s was accepted (%d) but the OpenAPI document does not allow it: %v\nbody: %s",
				req.Method, req.URL.Path, res.Status, err, sent)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn,
		Status:                 res.Status,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		body := string(res.Body)
		if len(body) > 2000 {
			body = body[:2000] + "…"
		}
		e.T.Errorf("%s %s answered %d %s, which the OpenAPI document does not describe: %v\nbody: %s",
			req.Method, req.URL.Path, res.Status, res.Header.Get("Content-Type"), err, body)
	}
}
