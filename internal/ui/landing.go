package ui

import (
	"net/http"

	"github.com/autoevent/autoevent/internal/ui/session"
)

// The landing page for visitors; a signed-in owner goes straight to the app.

func (s *Site) handleLanding(w http.ResponseWriter, r *http.Request) {
	if session.Active(r) {
		http.Redirect(w, r, "/app", http.StatusSeeOther)
		return
	}
	s.html.Render(w, r, http.StatusOK, "landing.html", View{Title: "AI가 만드는 우리 가게 이벤트"})
}
