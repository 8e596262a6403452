package ui_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func TestLoginPage(t *testing.T) {
	api := uitest.NewAPI(t).JSON("GET /api/v1/auth/oidc", http.StatusOK, obj{"enabled": true, "name": "KT 계정"})
	b := newBrowser(t, api)
	p := b.Get("/login?next=/app/events/ev1").WantHTML(http.StatusOK).WantTitle("로그인 · AutoEvent").
		WantText("KT 계정으로 로그인").
		WantForms("/login", "/auth/oidc/login")
	if f := p.WantForm("/login"); f.Fields.Get("next") != "/app/events/ev1" {
		t.Errorf("next = %q", f.Fields.Get("next"))
	}
	// Without federation the page has only the password form.
	newBrowser(t, uitest.NewAPI(t)).Get("/login").WantHTML(http.StatusOK).WantForms("/login").WantNoText("으로 로그인")
}

func TestLoginPageKeepsRedirectsOnSite(t *testing.T) {
	for _, next := range []string{"//evil.example", "/\\evil.example", "https://evil.example", "app"} {
		p := newBrowser(t, uitest.NewAPI(t)).Get("/login?next=" + url.QueryEscape(next))
		if got := p.WantForm("/login").Fields.Get("next"); got != "/app" {
			t.Errorf("next %q → %q, want /app", next, got)
		}
	}
	signedIn(t, uitest.NewAPI(t)).Get("/login?next=//evil.example").WantRedirect("/app")
}

func TestLoginLogsIn(t *testing.T) {
	api := uitest.NewAPI(t).JSON("POST /api/v1/auth/login", http.StatusOK, obj{"accessToken": "at", "refreshToken": "rt", "expiresIn": 3600})
	b := newBrowser(t, api)
	b.Get("/login")
	b.Post("/login", url.Values{"email": {" owner@example.com "}, "password": {"pw"}, "next": {"/app/store"}}).WantRedirect("/app/store")
	var in map[string]string
	api.Last("POST", "/api/v1/auth/login").Decode(t, &in)
	if in["email"] != "owner@example.com" || in["password"] != "pw" {
		t.Errorf("login body = %v", in)
	}
	if api.Last("POST", "/api/v1/auth/login").Auth != "" {
		t.Errorf("log-in sent credentials")
	}
	if b.Cookie(session.AccessCookie) != "at" {
		t.Errorf("no session after log-in")
	}
}

func TestLoginErrors(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("POST /api/v1/auth/login", apperr.Unauthenticated, "invalid_credentials", "이메일 또는 비밀번호가 올바르지 않습니다.")
		b := newBrowser(t, api)
		b.Get("/login")
		p := b.Post("/login", url.Values{"email": {"owner@example.com"}, "password": {"bad"}}).
			WantHTML(http.StatusUnauthorized).WantAlert("이메일 또는 비밀번호가 올바르지 않습니다.")
		if p.WantForm("/login").Fields.Get("email") != "owner@example.com" {
			t.Errorf("email not refilled")
		}
		if api.Called("POST", "/api/v1/auth/refresh") {
			t.Errorf("a wrong password triggered a token refresh")
		}
	})
	t.Run("locked", func(t *testing.T) {
		e := apperr.New(apperr.TooManyRequests, "login_locked", "로그인 시도가 너무 많습니다.")
		e.RetryAfter = 90 * time.Second
		b := newBrowser(t, uitest.NewAPI(t).Error("POST /api/v1/auth/login", e))
		b.Get("/login")
		p := b.Post("/login", url.Values{"email": {"owner@example.com"}, "password": {"pw"}}).
			WantHTML(http.StatusTooManyRequests).WantAlert("로그인 시도가 너무 많습니다.")
		if p.Header.Get("Retry-After") != "90" {
			t.Errorf("Retry-After = %q, want the API's 90", p.Header.Get("Retry-After"))
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := uitest.NewAPI(t)
		b := newBrowser(t, api)
		b.Post("/login", url.Values{"csrf": {""}, "email": {"owner@example.com"}}).WantHTML(http.StatusForbidden).WantAlert(csrfExpired)
		if api.Called("POST", "/api/v1/auth/login") {
			t.Errorf("a refused form reached the API")
		}
	})
}
