package ui

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// What the event pages share: their URLs, the AI job and recommendation of
// an event as the API reports them, and how an event and its planner are
// named on screen.
//
//	/app/events/new            purpose cards → POST creates the event and starts the AI job (event_new.go)
//	/app/events/{id}/planning  live progress (wizard.js polls job-status; meta refresh without JS) (event_planning.go)
//	/app/events/{id}/options   three option cards, pick one, edit, save (PLANNED) (event_options.go)
//	/app/events/{id}           detail: approve and start, end, cancel; links to participants and draw (event_detail.go)

func eventPath(id string) string { return "/app/events/" + url.PathEscape(id) }
func eventAPI(id string) string  { return "/api/v1/events/" + url.PathEscape(id) }

// jobDoc is the job status document of the API.
type jobDoc struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Progress  int    `json:"progress"`
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
	ResultURL string `json:"resultUrl"`
}

// planState is where the recommendation of an event stands.
type planState struct {
	Event event.Event
	Job   *jobDoc
	Doc   *ai.Recommendation
}

// loadPlan reads the event and its recommendation (or running job).
func (s *Site) loadPlan(w http.ResponseWriter, r *http.Request) (planState, error) {
	var st planState
	id := r.PathValue("id")
	if err := s.api.Call(w, r, "GET", eventAPI(id), nil, &st.Event); err != nil {
		return st, err
	}
	// 200 is the document, 202 the running job, 404 nothing yet.
	var raw json.RawMessage
	if err := s.api.Call(w, r, "GET", eventAPI(id)+"/recommendations", nil, &raw); err != nil {
		if apiclient.NeedLogin(err) {
			return st, err
		}
		return st, nil
	}
	var probe struct {
		EventID string `json:"eventId"`
	}
	_ = json.Unmarshal(raw, &probe)
	if probe.EventID != "" {
		var doc ai.Recommendation
		if err := json.Unmarshal(raw, &doc); err == nil {
			st.Doc = &doc
		}
		return st, nil
	}
	var job jobDoc
	if json.Unmarshal(raw, &job) == nil && job.ID != "" {
		st.Job = &job
	}
	return st, nil
}

func eventTitle(e event.Event) string {
	if e.Plan != nil {
		return e.Plan.Title
	}
	return messages.Purpose(e.Purpose).Label() + " 이벤트"
}

// providerLabel says in words who planned the options (the document's
// aiProvider: "local", "anthropic+openai", "local-fallback", ...).
func providerLabel(p string) string {
	switch p {
	case "":
		return ""
	case ai.ProviderLocal:
		return "AutoEvent 기획 엔진"
	case ai.ProviderLocalFallback, ai.ProviderLocalFallback + "+" + ai.NameOpenAI:
		return "AutoEvent 기획 엔진 (외부 AI 응답 지연으로 대체)"
	case ai.ProviderCacheFallback:
		return "이전 추천 결과 (외부 AI 응답 지연)"
	case ai.NameAnthropic + "+" + ai.NameOpenAI:
		return "Claude + GPT"
	case ai.NameAnthropic + "+" + ai.ProviderLocalCopy:
		return "Claude + AutoEvent 문구"
	}
	return p
}
