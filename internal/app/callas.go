package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// callAs runs an API request through the router with the caller's
// Authorization header, so the callee applies its own access checks
// (another owner's data stays a 404). Problems come back as *apperr.Error.
func (a *App) callAs(ctx context.Context, r *http.Request, method, path string, body, out any) error {
	_, err := a.callAsStatus(ctx, r, method, path, body, out)
	return err
}

func (a *App) callAsStatus(ctx context.Context, r *http.Request, method, path string, body, out any) (int, error) {
	if r == nil {
		return 0, apperr.ErrUnauthenticated
	}
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	ctx = httpapi.Internal(ctx)
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequestWithContext(ctx, method, path, rd)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, path, nil)
	}
	if err != nil {
		return 0, err
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", r.Header.Get("Authorization"))
	req.Header.Set("X-Request-Id", httpapi.RequestID(r.Context()))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	a.router.ServeHTTP(rec, req)
	if rec.Code >= 400 {
		var p httpapi.Problem
		if json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Code == "" {
			return rec.Code, fmt.Errorf("app: %s %s answered %d", method, path, rec.Code)
		}
		return rec.Code, httpapi.ErrorOf(rec.Code, p)
	}
	if out != nil && rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			return rec.Code, fmt.Errorf("app: %s %s: %w", method, path, err)
		}
	}
	return rec.Code, nil
}
