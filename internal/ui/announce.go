package ui

import (
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/render"
)

// The owner's announcement to past participants who agreed to advertising:
// preview first, then send.

// announcePage is the data of announce.html.
type announcePage struct {
	EventID string
	Event   map[string]any
	Items   []announce.Announcement
	Preview *announce.Announcement // shown for confirmation before sending
}

func (s *Site) handleAnnouncePage(w http.ResponseWriter, r *http.Request) {
	s.renderAnnouncePage(w, r, http.StatusOK, View{})
}

func (s *Site) renderAnnouncePage(w http.ResponseWriter, r *http.Request, status int, v View) {
	id := r.PathValue("id")
	p := announcePage{EventID: id}
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/participation", nil, &p.Event); err != nil {
		s.ownerError(w, r, err)
		return
	}
	var list announce.List
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/announcements", nil, &list); err != nil {
		s.ownerError(w, r, err)
		return
	}
	p.Items = list.Items
	if pv, ok := v.Data.(*announce.Announcement); ok {
		p.Preview = pv
	}
	v.Title = "지난 참여자에게 알리기"
	v.Data = p
	s.html.Render(w, r, status, "announce.html", v)
}

// handleAnnounce shows the preview first (recipients, time, the message as
// received); only the confirmation form (confirm=1) sends.
func (s *Site) handleAnnounce(w http.ResponseWriter, r *http.Request) {
	if !s.sessions.CheckCSRF(r) {
		s.errorPage(w, r, http.StatusForbidden, "요청을 처리할 수 없습니다", "페이지를 새로 고친 뒤 다시 시도해 주세요.")
		return
	}
	id := r.PathValue("id")
	form := map[string]string{"message": r.PostFormValue("message"), "contact": r.PostFormValue("contact")}
	in := announce.Input{Message: form["message"], Contact: form["contact"]}
	base := "/api/v1/events/" + url.PathEscape(id) + "/announcements"
	var out announce.Announcement
	var err error
	if r.PostFormValue("confirm") != "1" {
		if err = s.api.Call(w, r, "POST", base+"/preview", in, &out); err == nil {
			s.renderAnnouncePage(w, r, http.StatusOK, View{Form: form, Data: &out})
			return
		}
	} else if err = s.api.Call(w, r, "POST", base, in, &out); err == nil {
		msg := "지난 참여자 " + render.Digits(int64(out.Recipients)) + "명에게 광고 문자를 보내고 있어요."
		if out.ScheduledAt.After(out.CreatedAt) {
			msg = "지금은 광고 문자를 보낼 수 없는 시간(21시~08시)이라 " + render.DatetimeKST(out.ScheduledAt) + "에 " +
				render.Digits(int64(out.Recipients)) + "명에게 보낼게요."
		}
		s.sessions.Flash(w, msg)
		http.Redirect(w, r, "/app/events/"+url.PathEscape(id)+"/announce", http.StatusSeeOther)
		return
	}
	if apiclient.NeedLogin(err) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape("/app/events/"+id+"/announce"), http.StatusSeeOther)
		return
	}
	v := View{Form: form}
	v.Error, v.Fields = apiclient.FormErrors(err)
	s.renderAnnouncePage(w, r, http.StatusUnprocessableEntity, v)
}

// handleAnnounceCancel withdraws a scheduled announcement before it is sent.
func (s *Site) handleAnnounceCancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	back := "/app/events/" + url.PathEscape(id) + "/announce"
	if !s.sessions.CheckCSRF(r) {
		s.sessions.FlashError(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	err := s.api.Call(w, r, "DELETE", "/api/v1/events/"+url.PathEscape(id)+"/announcements/"+url.PathEscape(r.PathValue("aid")), nil, nil)
	switch {
	case apiclient.NeedLogin(err):
		http.Redirect(w, r, "/login?next="+url.QueryEscape(back), http.StatusSeeOther)
		return
	case err != nil:
		banner, _ := apiclient.FormErrors(err)
		s.sessions.FlashError(w, banner)
	default:
		s.sessions.Flash(w, "예약한 알림을 취소했어요. 아무에게도 보내지 않았어요.")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
