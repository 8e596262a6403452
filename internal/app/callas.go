package app

import (
	"context"
	"net/http"

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
	res, err := httpapi.ServeLocal(httpapi.Internal(ctx), a.router, r, method, path, body, r.Header.Get("Authorization"))
	if err != nil {
		return 0, err
	}
	return res.Status, res.Decode(out)
}
