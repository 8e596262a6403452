package ui

import (
	"encoding/json"
	"net/http"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The planning step: live progress of the AI job (wizard.js polls
// job-status; a meta refresh does without JavaScript), and the way to ask
// for a plan again.

type planningPage struct {
	Event    event.Event
	Job      *jobDoc
	Failed   bool
	Progress int
	Message  string
}

func (s *Site) handleEventPlanning(w http.ResponseWriter, r *http.Request) {
	st, err := s.loadPlan(w, r)
	if err != nil {
		s.ownerError(w, r, err)
		return
	}
	if st.Doc != nil {
		http.Redirect(w, r, eventPath(st.Event.ID)+"/options", http.StatusSeeOther)
		return
	}
	p := planningPage{Event: st.Event, Job: st.Job, Progress: 5, Message: "AI에게 기획을 맡기는 중"}
	if st.Job != nil {
		p.Progress, p.Message = max(st.Job.Progress, 5), st.Job.Message
	}
	if st.Job == nil {
		// No job running and no result: the last job failed or never started.
		p.Failed = true
	}
	s.html.Render(w, r, http.StatusOK, "event_planning.html", View{Title: "AI 기획 중", SignedIn: true, Data: p})
}

// handleEventJobStatus answers wizard.js: the job's progress and, once the
// result exists, where to go next. (The page's JavaScript cannot send the
// bearer token — it lives in an HttpOnly cookie — so it asks this page
// route, which calls the API with the session.)
func (s *Site) handleEventJobStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.loadPlan(w, r)
	out := map[string]any{"status": "UNKNOWN", "progress": 0, "message": "", "done": false}
	code := http.StatusOK
	switch {
	case err != nil:
		code = http.StatusNotFound
		out["message"] = "이벤트를 찾을 수 없어요."
	case st.Doc != nil:
		out["status"], out["progress"], out["message"], out["done"] = "COMPLETED", 100, "완료", true
		out["next"] = eventPath(st.Event.ID) + "/options"
	case st.Job != nil:
		out["status"], out["progress"], out["message"] = st.Job.Status, st.Job.Progress, st.Job.Message
	default:
		out["status"], out["message"] = "FAILED", "기획을 완료하지 못했어요. 다시 시도해 주세요."
		out["next"] = eventPath(r.PathValue("id")) + "/planning"
		out["done"] = true
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Site) handleEventRecommend(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.sessions.CheckCSRF(r) {
		s.sessions.FlashError(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
		http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
		return
	}
	var job jobDoc
	regenerate := r.PostFormValue("regenerate") == "1"
	if err := s.api.Call(w, r, "POST", eventAPI(id)+"/recommendations", map[string]bool{"regenerate": regenerate}, &job); err != nil {
		if apiclient.NeedLogin(err) {
			s.ownerError(w, r, err)
			return
		}
		banner, _ := apiclient.FormErrors(err)
		s.sessions.FlashError(w, banner)
		http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, eventPath(id)+"/planning", http.StatusSeeOther)
}
