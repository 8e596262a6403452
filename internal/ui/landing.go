package ui

import "net/http"

func (s *Site) handleLanding(w http.ResponseWriter, r *http.Request) {
	if hasSession(r) {
		http.Redirect(w, r, "/app", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "landing.html", View{Title: "AI가 만드는 우리 가게 이벤트"})
}
