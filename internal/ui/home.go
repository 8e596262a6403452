package ui

import "net/http"

// handleHome is the owner's "내 이벤트" page.
func (s *Site) handleHome(w http.ResponseWriter, r *http.Request) {
	var me struct {
		User struct {
			OwnerName    string `json:"ownerName"`
			Verification string `json:"verification"`
		} `json:"user"`
		Store *struct {
			Name string `json:"name"`
		} `json:"store"`
	}
	if err := s.call(w, r, "GET", "/api/v1/users/me", nil, &me); err != nil {
		if needLogin(err) {
			http.Redirect(w, r, "/login?next=/app", http.StatusSeeOther)
			return
		}
		s.errorPage(w, r, http.StatusBadGateway, "잠시 후 다시 시도해 주세요", "정보를 불러오지 못했습니다.")
		return
	}
	s.render(w, r, http.StatusOK, "home.html", View{Title: "내 이벤트", SignedIn: true, Data: me})
}
