package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Caller sends one request to a service's public API on behalf of an
// incoming request: the caller's Authorization travels along, so the
// callee applies its own access checks (another owner's data stays a 404),
// as do the request id and the client address. Services' typed clients
// (<service>/client.go) are built on it, so a call between services takes
// the same path whether they share a process or not.
type Caller interface {
	Call(ctx context.Context, from *http.Request, method, path string, body any) (LocalResponse, error)
}

// InProcess calls through h without a socket. Given the app's router, the
// call is served by the callee's handler when it runs in this process,
// proxied to its process otherwise, or answered 503 when neither.
func InProcess(h http.Handler) Caller { return inProcess{h} }

type inProcess struct{ h http.Handler }

func (c inProcess) Call(ctx context.Context, from *http.Request, method, path string, body any) (LocalResponse, error) {
	if from == nil {
		return LocalResponse{}, errNoCaller
	}
	// The gateway already counted the request: not rate-limited twice.
	return ServeLocal(Internal(ctx), c.h, from, method, path, body, from.Header.Get("Authorization"))
}

// OverHTTP calls the API of the process at base (an absolute URL, such as
// a --service-urls entry) with client.
func OverHTTP(base string, client *http.Client) (Caller, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("httpapi: caller base %q: want an absolute URL", base)
	}
	if client == nil {
		client = http.DefaultClient
	}
	return overHTTP{base: strings.TrimSuffix(u.String(), "/"), client: client}, nil
}

type overHTTP struct {
	base   string
	client *http.Client
}

func (c overHTTP) Call(ctx context.Context, from *http.Request, method, path string, body any) (LocalResponse, error) {
	if from == nil {
		return LocalResponse{}, errNoCaller
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return LocalResponse{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return LocalResponse{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Request-Id", RequestID(from.Context()))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth := from.Header.Get("Authorization"); auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := c.client.Do(req)
	if err != nil {
		return LocalResponse{}, errUnreachable.Wrap(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8*MaxBody))
	if err != nil {
		return LocalResponse{}, errUnreachable.Wrap(err)
	}
	return LocalResponse{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: b}, nil
}
