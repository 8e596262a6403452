package ui

import (
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The event detail: the chosen plan, and the lifecycle actions (approve and
// start, end, cancel) with links to participants and the draw.

// detailPage is the event detail.
type detailPage struct {
	Provider   string
	Event      event.Event
	CanApprove bool
	CanEnd     bool
	CanCancel  bool
	CanPlan    bool
	Running    bool
	Confirm    string // the action whose confirmation step opens ("end", "cancel")
	// Share is how customers reach a running event: its public link (the
	// QR poster's target); empty when the participation view is missing.
	Share struct {
		PublicURL string `json:"publicUrl"`
		Phase     string `json:"phase"`
	}
}

func (s *Site) handleEventDetail(w http.ResponseWriter, r *http.Request) {
	var ev event.Event
	if err := s.api.Call(w, r, "GET", eventAPI(r.PathValue("id")), nil, &ev); err != nil {
		s.ownerError(w, r, err)
		return
	}
	p := detailPage{Event: ev, Provider: providerLabel(ev.AIProvider),
		CanApprove: ev.Plan != nil && event.CanTransition(ev.Status, event.StatusApproved),
		CanEnd:     event.CanTransition(ev.Status, event.StatusEnded),
		CanCancel:  event.CanTransition(ev.Status, event.StatusCancelled),
		CanPlan:    ev.Status == event.StatusDraft || ev.Status == event.StatusPlanned,
		Running:    ev.Status == event.StatusApproved || ev.Status == event.StatusActive || ev.Status == event.StatusEnded,
		Confirm:    r.URL.Query().Get("confirm"),
	}
	if p.Running {
		// The link and poster are the first thing an owner needs after
		// approval; without them the page still works (the approval is
		// copied to participation asynchronously).
		_ = s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(ev.ID)+"/participation", nil, &p.Share)
	}
	s.html.Render(w, r, http.StatusOK, "event_detail.html", View{Title: eventTitle(ev), SignedIn: true, Data: p})
}

// eventAction posts one lifecycle action and returns to the detail page.
func (s *Site) eventAction(action, done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !s.sessions.CheckCSRF(r) {
			s.sessions.FlashError(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
			http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
			return
		}
		if (action == "end" || action == "cancel") && r.PostFormValue("confirm") != "on" {
			// One click must not end or cancel an event: the form's
			// checkbox is the confirmation (browsers without "required"
			// land here and see the step again).
			s.sessions.FlashError(w, "확인란에 체크해야 "+map[string]string{"end": "종료", "cancel": "취소"}[action]+"할 수 있어요.")
			http.Redirect(w, r, eventPath(id)+"?confirm="+action, http.StatusSeeOther)
			return
		}
		var body any
		if action == "approve" {
			body = map[string]any{"channels": []string{}}
		}
		var ev event.Event
		if err := s.api.Call(w, r, "POST", eventAPI(id)+"/"+action, body, &ev); err != nil {
			if apiclient.NeedLogin(err) {
				s.ownerError(w, r, err)
				return
			}
			banner, _ := apiclient.FormErrors(err)
			s.sessions.FlashError(w, banner)
		} else {
			s.sessions.Flash(w, done)
		}
		http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
	}
}
