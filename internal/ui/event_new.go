package ui

import (
	"net/http"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/session"
)

// The first step of the event wizard: the owner picks a purpose; posting
// creates the event and starts its AI planning job.

// purposeCard is one choice on the purpose page.
type purposeCard struct {
	Code, Label, Hint string
}

var purposeCards = []purposeCard{
	{"NEW_CUSTOMERS", "신규 고객 유치", "처음 오는 손님을 늘리고 싶어요"},
	{"REVISIT", "재방문 유도", "한 번 온 손님이 다시 오게 하고 싶어요"},
	{"SALES", "매출 증대", "객단가와 매출을 올리고 싶어요"},
	{"AWARENESS", "인지도 향상", "우리 가게를 동네에 알리고 싶어요"},
	{"NEW_PRODUCT", "신메뉴/신상품 홍보", "새 메뉴·상품을 알리고 싶어요"},
	{"OTHER", "기타", "직접 적을게요"},
}

func (s *Site) handleEventNew(w http.ResponseWriter, r *http.Request) {
	if !session.Active(r) {
		http.Redirect(w, r, "/login?next=/app/events/new", http.StatusSeeOther)
		return
	}
	s.html.Render(w, r, http.StatusOK, "event_new.html", View{Title: "새 이벤트", SignedIn: true, Data: purposeCards,
		Form: map[string]string{"purpose": r.URL.Query().Get("purpose")}})
}

func (s *Site) handleEventCreate(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{"purpose": r.PostFormValue("purpose"), "purposeText": r.PostFormValue("purposeText")}
	again := func(status int, banner string, fields map[string]string) {
		s.html.Render(w, r, status, "event_new.html", View{Title: "새 이벤트", SignedIn: true, Data: purposeCards, Form: form, Error: banner, Fields: fields})
	}
	if !s.sessions.CheckCSRF(r) {
		again(http.StatusForbidden, "페이지가 만료되었어요. 다시 시도해 주세요.", nil)
		return
	}
	var ev event.Event
	if err := s.api.Call(w, r, "POST", "/api/v1/events", map[string]string{"purpose": form["purpose"], "purposeText": form["purposeText"]}, &ev); err != nil {
		if apiclient.NeedLogin(err) {
			http.Redirect(w, r, "/login?next=/app/events/new", http.StatusSeeOther)
			return
		}
		banner, fields := apiclient.FormErrors(err)
		again(http.StatusBadRequest, banner, fields)
		return
	}
	// The event exists now; a failure to start planning is retried from
	// the planning page, so the owner never creates it twice.
	var job jobDoc
	_ = s.api.Call(w, r, "POST", eventAPI(ev.ID)+"/recommendations", map[string]bool{"regenerate": false}, &job)
	http.Redirect(w, r, eventPath(ev.ID)+"/planning", http.StatusSeeOther)
}
