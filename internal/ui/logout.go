package ui

import (
	"net/http"

	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/user"
)

// Log-out: revokes the refresh token at the API and clears the session.

func (s *Site) handleLogout(w http.ResponseWriter, r *http.Request) {
	if !s.sessions.CheckCSRF(r) {
		// A cross-site form must not sign the owner out; a stale page just
		// lands back where it was.
		http.Redirect(w, r, "/app", http.StatusSeeOther)
		return
	}
	if session.Active(r) {
		// Revoke server-side too; the cookies go whatever the answer.
		_ = s.api.Call(w, r, "POST", "/api/v1/auth/logout", user.RefreshInput{RefreshToken: session.Token(r, session.RefreshCookie)}, nil)
	}
	s.sessions.End(w)
	s.sessions.Flash(w, "로그아웃되었습니다.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
