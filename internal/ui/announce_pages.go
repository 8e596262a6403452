package ui

import (
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// announceRoutes registers the owner's announcement form and the
// customers' opt-out page (the link at the end of every advertising
// message).
func (s *Site) announceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /app/events/{id}/announce", s.handleAnnouncePage)
	mux.HandleFunc("POST /app/events/{id}/announce", s.handleAnnounce)
	mux.HandleFunc("GET /u/{token}", s.handleOptOutPage)
	mux.HandleFunc("POST /u/{token}", s.handleOptOut)
}

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
	if err := s.call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/participation", nil, &p.Event); err != nil {
		s.ownerError(w, r, err)
		return
	}
	var list announce.List
	if err := s.call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/announcements", nil, &list); err != nil {
		s.ownerError(w, r, err)
		return
	}
	p.Items = list.Items
	if pv, ok := v.Data.(*announce.Announcement); ok {
		p.Preview = pv
	}
	v.Title = "지난 참여자에게 알리기"
	v.Data = p
	s.render(w, r, status, "announce.html", v)
}

// handleAnnounce shows the preview first (recipients, time, the message as
// received); only the confirmation form (confirm=1) sends.
func (s *Site) handleAnnounce(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(r) {
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
		if err = s.call(w, r, "POST", base+"/preview", in, &out); err == nil {
			s.renderAnnouncePage(w, r, http.StatusOK, View{Form: form, Data: &out})
			return
		}
	} else if err = s.call(w, r, "POST", base, in, &out); err == nil {
		msg := "지난 참여자 " + groupDigits(int64(out.Recipients)) + "명에게 광고 문자를 보내고 있어요."
		if out.ScheduledAt.After(out.CreatedAt) {
			msg = "지금은 광고 문자를 보낼 수 없는 시간(21시~08시)이라 " + datetimeKST(out.ScheduledAt) + "에 " +
				groupDigits(int64(out.Recipients)) + "명에게 보낼게요."
		}
		s.flash(w, msg)
		http.Redirect(w, r, "/app/events/"+url.PathEscape(id)+"/announce", http.StatusSeeOther)
		return
	}
	if needLogin(err) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape("/app/events/"+id+"/announce"), http.StatusSeeOther)
		return
	}
	v := View{Form: form}
	v.Error, v.Fields = formErrors(err)
	s.renderAnnouncePage(w, r, http.StatusUnprocessableEntity, v)
}

func (s *Site) handleOptOutPage(w http.ResponseWriter, r *http.Request) {
	var info announce.OptOutInfo
	if _, err := s.callPublic(r, "GET", "/api/v1/public/optout/"+url.PathEscape(r.PathValue("token")), nil, &info); err != nil {
		s.optOutError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "optout.html", View{Title: "광고 수신거부", Layout: "public", Data: info})
}

func (s *Site) handleOptOut(w http.ResponseWriter, r *http.Request) {
	path := "/api/v1/public/optout/" + url.PathEscape(r.PathValue("token"))
	var info announce.OptOutInfo
	if !s.checkCSRF(r) {
		if _, err := s.callPublic(r, "GET", path, nil, &info); err != nil {
			s.optOutError(w, r, err)
			return
		}
		s.render(w, r, http.StatusForbidden, "optout.html", View{Title: "광고 수신거부", Layout: "public", Data: info,
			Error: "페이지가 만료되었어요. 다시 눌러 주세요."})
		return
	}
	if _, err := s.callPublic(r, "POST", path, nil, &info); err != nil {
		s.optOutError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "optout.html", View{Title: "광고 수신거부", Layout: "public", Data: info})
}

// optOutError tells an unknown link apart from a failure: a customer must
// never believe the link is wrong when the opt-out simply did not go
// through.
func (s *Site) optOutError(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.KindOf(err) == apperr.NotFound {
		s.render(w, r, http.StatusNotFound, "error.html", View{Title: "링크를 찾을 수 없어요", Layout: "public",
			Data: map[string]string{"Heading": "링크를 찾을 수 없어요", "Message": "문자에 있는 수신거부 주소를 다시 확인해 주세요."}})
		return
	}
	s.render(w, r, http.StatusServiceUnavailable, "error.html", View{Title: "잠시 후 다시 시도해 주세요", Layout: "public",
		Data: map[string]string{"Heading": "수신거부를 처리하지 못했어요", "Message": "일시적인 오류예요. 잠시 후 이 주소를 다시 열어 주세요."}})
}
