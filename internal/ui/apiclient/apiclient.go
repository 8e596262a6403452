// Package apiclient is how the web pages call the JSON API. Pages never
// reach into service internals: they send the same requests as any client,
// in process through the API router, as the signed-in owner (the bearer
// token of the session cookie, refreshed once when it has expired) or
// anonymously.
package apiclient

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/ui/session"
)

// Result is a raw API answer.
type Result = httpapi.LocalResponse

// Client calls the API on behalf of the browser's request.
type Client struct {
	api      http.Handler
	sessions *session.Manager
}

// New returns a Client of the API router api.
func New(api http.Handler, sessions *session.Manager) *Client {
	return &Client{api: api, sessions: sessions}
}

// Call runs one API request with the session's access token (see CallRaw)
// and decodes a success into out (when not nil). Problem answers come back
// as *apperr.Error so pages can show the message and the field errors
// inline.
func (c *Client) Call(w http.ResponseWriter, r *http.Request, method, path string, body, out any) error {
	res, err := c.CallRaw(w, r, method, path, body)
	if err != nil {
		return err
	}
	return res.Decode(out)
}

// CallRaw runs one API request with the session's access token and, when
// that has expired, refreshes it once (updating the session cookies) and
// retries. It returns the raw answer (for files).
func (c *Client) CallRaw(w http.ResponseWriter, r *http.Request, method, path string, body any) (Result, error) {
	res, err := c.do(r, method, path, body, session.Token(r, session.AccessCookie))
	if err == nil && res.Status == http.StatusUnauthorized && session.Active(r) && sessionExpired(res) {
		if t, ok := c.refresh(w, r); ok {
			res, err = c.do(r, method, path, body, t.AccessToken)
		}
	}
	return res, err
}

// CallPublic runs an API request without credentials and decodes a success
// into out; the raw answer comes back too (status, headers).
func (c *Client) CallPublic(r *http.Request, method, path string, body, out any) (Result, error) {
	res, err := c.do(r, method, path, body, "")
	if err != nil {
		return res, err
	}
	return res, res.Decode(out)
}

// sessionExpired reports whether a 401 is about the access token itself
// (worth one refresh), not a business refusal such as a wrong password.
func sessionExpired(res Result) bool {
	var p httpapi.Problem
	_ = json.Unmarshal(res.Body, &p)
	switch p.Code {
	case "token_expired", "invalid_token", "unauthenticated":
		return true
	}
	return false
}

func (c *Client) refresh(w http.ResponseWriter, r *http.Request) (session.Tokens, bool) {
	rt := session.Token(r, session.RefreshCookie)
	if rt == "" {
		return session.Tokens{}, false
	}
	res, err := c.do(r, "POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": rt}, "")
	var t session.Tokens
	if err != nil || res.Decode(&t) != nil {
		c.sessions.End(w)
		return session.Tokens{}, false
	}
	c.sessions.Start(w, t)
	session.Use(r, t.AccessToken)
	return t, true
}

func (c *Client) do(r *http.Request, method, path string, body any, token string) (Result, error) {
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	return httpapi.ServeLocal(r.Context(), c.api, r, method, path, body, auth)
}

// FormErrors turns an API error into a page's banner and inline messages:
// field errors go next to their inputs, and the banner carries the message
// when there are none (or when the API says the whole form is invalid).
// Anything but an API answer becomes a generic "try again".
func FormErrors(err error) (banner string, fields map[string]string) {
	fields = map[string]string{}
	var e *apperr.Error
	if !errors.As(err, &e) {
		return "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.", fields
	}
	for _, f := range e.Fields {
		fields[f.Field] = f.Message
	}
	if len(fields) == 0 || e.Code == "validation_failed" {
		banner = e.Message
	}
	return banner, fields
}

// NeedLogin reports whether err means the session is gone.
func NeedLogin(err error) bool { return apperr.KindOf(err) == apperr.Unauthenticated }
