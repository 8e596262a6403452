package ui_test

import (
	"net/http"
	"net/url"
	"strings"
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

// Browsers drop tabs and newlines from a URL and read "\" as "/", so each of
// these is "//evil.example" (another site) by the time it is followed. The
// page, the form post and an already signed-in visit must all stay here.
func TestLoginNextRefusesDisguisedOrigins(t *testing.T) {
	attacks := []string{
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", " //evil.example",
		"/\\/evil.example", "\\/evil.example", "/%09/evil.example", "https:evil.example", "javascript:alert(1)",
		"//evil.example/%2e%2e", "/\x00/evil.example", "/ /evil.example",
	}
	for _, next := range attacks {
		// The query the attacker's link carries, raw (/%09/ reaches us as a tab).
		q := "/login?next=" + url.QueryEscape(next)
		if got := newBrowser(t, uitest.NewAPI(t)).Get(q).WantForm("/login").Fields.Get("next"); !sameOrigin(got) {
			t.Errorf("page next %q → %q, leaves the site", next, got)
		}
		signedIn(t, uitest.NewAPI(t)).Get(q).WantRedirect("/app")
		api := uitest.NewAPI(t).JSON("POST /api/v1/auth/login", http.StatusOK, obj{"accessToken": "at", "refreshToken": "rt", "expiresIn": 3600})
		b := newBrowser(t, api)
		b.Get("/login")
		b.Post("/login", url.Values{"email": {"o@example.com"}, "password": {"pw"}, "next": {next}}).WantRedirect("/app")
	}
	// The issue's own probe, as the browser sends it.
	signedIn(t, uitest.NewAPI(t)).Get("/login?next=/%09/evil.example").WantRedirect("/app")
	// Ordinary paths with a query survive.
	signedIn(t, uitest.NewAPI(t)).Get("/login?next=" + url.QueryEscape("/app/events/ev1/participants?page=2")).
		WantRedirect("/app/events/ev1/participants?page=2")
}

// sameOrigin resolves next the way a browser does (tabs and newlines
// removed, "\" read as "/") against this site.
func sameOrigin(next string) bool {
	next = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(strings.TrimSpace(next))
	base, _ := url.Parse("https://shop.example/login")
	u, err := base.Parse(next)
	return err == nil && u.Host == "shop.example"
}

// After log-in the owner is told about wrong passwords tried since the
// last one (there is no e-mail to tell them by).
func TestLoginShowsFailedAttempts(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("POST /api/v1/auth/login", http.StatusOK, obj{"accessToken": "at", "refreshToken": "rt", "expiresIn": 3600, "failedAttemptsSinceLastLogin": 7}).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		JSON("GET /api/v1/events", http.StatusOK, obj{"items": []obj{}})
	b := newBrowser(t, api)
	b.Get("/login")
	b.Post("/login", url.Values{"email": {"o@example.com"}, "password": {"pw"}}).WantRedirect("/app")
	b.Get("/app").WantHTML(http.StatusOK).WantText("지난 로그인 이후 틀린 비밀번호로 로그인한 시도가 7번 있었습니다.")
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
			WantHTML(http.StatusTooManyRequests).WantAlert("로그인 시도가 너무 많습니다. 2분 후 다시 시도해 주세요.")
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
