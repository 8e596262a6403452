package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func TestLogout(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		JSON("GET /api/v1/events", http.StatusOK, obj{"items": []obj{}}).
		JSON("POST /api/v1/auth/logout", http.StatusNoContent, nil)
	b := signedIn(t, api)
	b.Get("/app").WantForm("/logout")
	b.Post("/logout", nil).WantRedirect("/login")
	var in map[string]string
	c := api.Last("POST", "/api/v1/auth/logout")
	c.Decode(t, &in)
	wantAuth(t, c)
	if in["refreshToken"] != uitest.RefreshToken {
		t.Errorf("logout body = %v, want the refresh token to revoke", in)
	}
	if b.Cookie(session.AccessCookie) != "" || b.Cookie(session.RefreshCookie) != "" {
		t.Errorf("session cookies survived the log-out")
	}
	b.Get("/login").WantHTML(http.StatusOK).WantText("로그아웃되었습니다.")
}

// A cross-site form must not sign the owner out.
func TestLogoutRefusesForeignForm(t *testing.T) {
	api := uitest.NewAPI(t)
	b := signedIn(t, api)
	b.Post("/logout", url.Values{"csrf": {"forged"}}).WantRedirect("/app")
	if api.Called("POST", "/api/v1/auth/logout") || b.Cookie(session.AccessCookie) == "" {
		t.Errorf("a forged log-out ended the session")
	}
}
