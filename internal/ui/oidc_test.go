package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

const authorizeURL = "https://id.example.com/authorize?state=st1"

func oidcAPI(t *testing.T) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/auth/oidc", http.StatusOK, obj{"enabled": true, "name": "KT 계정"}).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		JSON("POST /api/v1/auth/oidc/login", http.StatusOK, obj{"authorizationUrl": authorizeURL, "state": "st1"}).
		JSON("POST /api/v1/auth/oidc/link", http.StatusOK, obj{"authorizationUrl": authorizeURL, "state": "st1"}).
		JSON("POST /api/v1/auth/oidc/login/finish", http.StatusOK, obj{"accessToken": "at", "refreshToken": "rt", "expiresIn": 3600}).
		JSON("POST /api/v1/auth/oidc/link/finish", http.StatusOK, obj{"linked": true, "name": "KT 계정"})
}

func TestOIDCLogin(t *testing.T) {
	api := oidcAPI(t)
	b := newBrowser(t, api)
	b.Get("/login?next=/app/store").WantForm("/auth/oidc/login")
	b.Post("/auth/oidc/login", url.Values{"next": {"/app/store"}}).WantRedirect(authorizeURL)
	b.Get(ui.OIDCCallbackPath + "?state=st1&code=c1").WantRedirect("/app/store")
	var in map[string]string
	api.Last("POST", "/api/v1/auth/oidc/login/finish").Decode(t, &in)
	if in["state"] != "st1" || in["code"] != "c1" {
		t.Errorf("finish body = %v", in)
	}
	if b.Cookie(session.AccessCookie) != "at" {
		t.Errorf("no session after the federated log-in")
	}
}

func TestOIDCLink(t *testing.T) {
	api := oidcAPI(t)
	b := signedIn(t, api)
	b.Get("/app/store").WantForm("/app/store/oidc")
	b.Post("/app/store/oidc", nil).WantRedirect(authorizeURL)
	wantAuth(t, api.Last("POST", "/api/v1/auth/oidc/link"))
	b.Get(ui.OIDCCallbackPath + "?state=st1&code=c1").WantRedirect("/app/store")
	wantAuth(t, api.Last("POST", "/api/v1/auth/oidc/link/finish"))
	b.Get("/app/store").WantText("‘KT 계정’ 연결을 완료했습니다.")
}

func TestOIDCCallbackErrors(t *testing.T) {
	const stateMsg = "로그인 요청이 만료되었거나 올바르지 않습니다. 처음부터 다시 시도해 주세요."
	start := func(t *testing.T, api *uitest.API) *uitest.Browser {
		b := newBrowser(t, api)
		b.Get("/login")
		b.Post("/auth/oidc/login", url.Values{"next": {"/app"}}).WantRedirect(authorizeURL)
		return b
	}
	t.Run("cancelled at the provider", func(t *testing.T) {
		b := start(t, oidcAPI(t))
		b.Get(ui.OIDCCallbackPath + "?error=access_denied&state=st1").WantHTML(http.StatusBadRequest).
			WantAlert("외부 계정 인증이 취소되었거나 완료되지 않았습니다.").WantForm("/login")
	})
	t.Run("wrong state", func(t *testing.T) {
		api := oidcAPI(t)
		b := start(t, api)
		b.Get(ui.OIDCCallbackPath + "?state=other&code=c1").WantHTML(http.StatusBadRequest).WantAlert(stateMsg)
		if api.Called("POST", "/api/v1/auth/oidc/login/finish") {
			t.Errorf("a callback with a wrong state reached the API")
		}
	})
	t.Run("flow started in another browser", func(t *testing.T) {
		newBrowser(t, oidcAPI(t)).Get(ui.OIDCCallbackPath + "?state=st1&code=c1").WantHTML(http.StatusBadRequest).WantAlert(stateMsg)
	})
	t.Run("provider refused", func(t *testing.T) {
		api := oidcAPI(t).Problem("POST /api/v1/auth/oidc/login/finish", apperr.Forbidden, "oidc_not_linked", "먼저 계정을 연결해 주세요.")
		b := start(t, api)
		b.Get(ui.OIDCCallbackPath + "?state=st1&code=c1").WantHTML(http.StatusForbidden).WantAlert("먼저 계정을 연결해 주세요.")
	})
	t.Run("stale token", func(t *testing.T) {
		api := oidcAPI(t)
		newBrowser(t, api).Post("/auth/oidc/login", url.Values{"csrf": {""}}).WantHTML(http.StatusForbidden).WantAlert(csrfExpired)
		if api.Called("POST", "/api/v1/auth/oidc/login") {
			t.Errorf("a refused form reached the API")
		}
	})
}
