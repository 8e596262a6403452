package ui

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// tokens is the log-in / refresh answer of the user API.
type tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
	TokenType    string `json:"tokenType"`
}

// apiResult is a raw API answer.
type apiResult = httpapi.LocalResponse

// call runs one API request in process with the session's access token
// (see callRaw). Problem answers come back as *apperr.Error so pages can
// show the message and the field errors inline.
func (s *Site) call(w http.ResponseWriter, r *http.Request, method, path string, body, out any) error {
	res, err := s.callRaw(w, r, method, path, body)
	if err != nil {
		return err
	}
	return res.Decode(out)
}

// callRaw runs one API request in process with the session's access token
// and, when that has expired, refreshes it once and retries. It returns the
// raw answer (for files).
func (s *Site) callRaw(w http.ResponseWriter, r *http.Request, method, path string, body any) (apiResult, error) {
	res, err := s.do(r, method, path, body, bearer(r, accessCookie))
	if err == nil && res.Status == http.StatusUnauthorized && hasSession(r) && sessionExpired(res) {
		if t, ok := s.refresh(w, r); ok {
			res, err = s.do(r, method, path, body, t.AccessToken)
		}
	}
	return res, err
}

// sessionExpired reports whether a 401 is about the access token itself
// (worth one refresh), not a business refusal such as a wrong password.
func sessionExpired(res apiResult) bool {
	var p httpapi.Problem
	_ = json.Unmarshal(res.Body, &p)
	switch p.Code {
	case "token_expired", "invalid_token", "unauthenticated":
		return true
	}
	return false
}

// callPublic runs an API request without credentials.
func (s *Site) callPublic(r *http.Request, method, path string, body, out any) (apiResult, error) {
	res, err := s.do(r, method, path, body, "")
	if err != nil {
		return res, err
	}
	return res, res.Decode(out)
}

func (s *Site) refresh(w http.ResponseWriter, r *http.Request) (tokens, bool) {
	rt := bearer(r, refreshCookie)
	if rt == "" {
		return tokens{}, false
	}
	res, err := s.do(r, "POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": rt}, "")
	var t tokens
	if err != nil || res.Decode(&t) != nil {
		s.endSession(w)
		return tokens{}, false
	}
	s.startSession(w, t)
	// Later calls in this request use the new token.
	r.AddCookie(&http.Cookie{Name: accessCookie, Value: t.AccessToken})
	return t, true
}

func bearer(r *http.Request, cookie string) string {
	// The last cookie of a name wins, so a refreshed token added to the
	// request during this request is the one used.
	var v string
	for _, c := range r.Cookies() {
		if c.Name == cookie {
			v = c.Value
		}
	}
	return v
}

func (s *Site) do(r *http.Request, method, path string, body any, token string) (apiResult, error) {
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	return httpapi.ServeLocal(r.Context(), s.cfg.API, r, method, path, body, auth)
}

// formErrors turns an API error into the page's banner and inline messages.
func formErrors(err error) (banner string, fields map[string]string) {
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

// needLogin reports whether err means the session is gone.
func needLogin(err error) bool { return apperr.KindOf(err) == apperr.Unauthenticated }
