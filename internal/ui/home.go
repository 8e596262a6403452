package ui

import (
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// homePage is the owner's "내 이벤트".
type homePage struct {
	User struct {
		OwnerName    string `json:"ownerName"`
		Verification string `json:"verification"`
	} `json:"user"`
	Store *struct {
		Name string `json:"name"`
	} `json:"store"`
	Events     []event.Event
	NextCursor string
	EventsErr  string
}

// handleHome is the owner's "내 이벤트" page: their events, newest first,
// with status badges and the way to the next step of each.
func (s *Site) handleHome(w http.ResponseWriter, r *http.Request) {
	var p homePage
	if err := s.api.Call(w, r, "GET", "/api/v1/users/me", nil, &p); err != nil {
		if apiclient.NeedLogin(err) {
			http.Redirect(w, r, "/login?next=/app", http.StatusSeeOther)
			return
		}
		s.errorPage(w, r, http.StatusBadGateway, "잠시 후 다시 시도해 주세요", "정보를 불러오지 못했습니다.")
		return
	}
	var page event.Page
	q := "/api/v1/events?limit=20"
	if c := r.URL.Query().Get("cursor"); c != "" && len(c) < 200 {
		q += "&cursor=" + url.QueryEscape(c)
	}
	if err := s.api.Call(w, r, "GET", q, nil, &page); err != nil {
		p.EventsErr, _ = apiclient.FormErrors(err)
	}
	p.Events, p.NextCursor = page.Items, page.NextCursor
	s.html.Render(w, r, http.StatusOK, "home.html", View{Title: "내 이벤트", SignedIn: true, Data: p})
}
