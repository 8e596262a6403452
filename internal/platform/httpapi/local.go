package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

// LocalResponse is the answer to a request served in process.
type LocalResponse struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
}

// ServeLocal runs one JSON request through h without a socket, on behalf of
// the request from: it carries from's client address, forwarded-for header
// and request id, and the given Authorization value ("" for none). The web
// pages and service-to-service calls use it so they go through the same
// router, access checks, limits and proxying as any client.
func ServeLocal(ctx context.Context, h http.Handler, from *http.Request, method, path string, body any, authorization string) (LocalResponse, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return LocalResponse{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return LocalResponse{}, err
	}
	req.RemoteAddr = from.RemoteAddr
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Request-Id", RequestID(from.Context()))
	if fwd := from.Header.Get("X-Forwarded-For"); fwd != "" {
		req.Header.Set("X-Forwarded-For", fwd)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return LocalResponse{Method: method, Path: path, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}, nil
}

// Decode reads a success body into out (when out is not nil) or turns a
// problem answer back into an *apperr.Error with its kind and code.
func (r LocalResponse) Decode(out any) error {
	if r.Status >= 400 {
		var p Problem
		if err := json.Unmarshal(r.Body, &p); err != nil || p.Code == "" {
			return fmt.Errorf("httpapi: %s %s answered %d", r.Method, r.Path, r.Status)
		}
		return ErrorOf(r.Status, p)
	}
	if out == nil || len(r.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Body, out); err != nil {
		return fmt.Errorf("httpapi: %s %s: %w", r.Method, r.Path, err)
	}
	return nil
}
