package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// eventRoutes registers the event wizard and the event detail page:
//
//	/app/events/new            purpose cards → POST creates the event and starts the AI job
//	/app/events/{id}/planning  live progress (wizard.js polls job-status; meta refresh without JS)
//	/app/events/{id}/options   three option cards, pick one, edit, save (PLANNED)
//	/app/events/{id}           detail: approve and start, end, cancel; links to participants and draw
func (s *Site) eventRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /app/events/new", s.handleEventNew)
	mux.HandleFunc("POST /app/events", s.handleEventCreate)
	mux.HandleFunc("GET /app/events/{id}", s.handleEventDetail)
	mux.HandleFunc("GET /app/events/{id}/planning", s.handleEventPlanning)
	mux.HandleFunc("GET /app/events/{id}/job-status", s.handleEventJobStatus)
	mux.HandleFunc("POST /app/events/{id}/recommend", s.handleEventRecommend)
	mux.HandleFunc("GET /app/events/{id}/options", s.handleEventOptions)
	mux.HandleFunc("POST /app/events/{id}/selection", s.handleEventSelection)
	mux.HandleFunc("POST /app/events/{id}/approve", s.eventAction("approve", "이벤트를 시작했어요. 매장 QR 포스터를 붙이고 손님을 맞아 보세요!"))
	mux.HandleFunc("POST /app/events/{id}/end", s.eventAction("end", "이벤트를 종료했어요."))
	mux.HandleFunc("POST /app/events/{id}/cancel", s.eventAction("cancel", "이벤트를 취소했어요."))
}

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

func eventPath(id string) string { return "/app/events/" + url.PathEscape(id) }
func eventAPI(id string) string  { return "/api/v1/events/" + url.PathEscape(id) }

func (s *Site) handleEventNew(w http.ResponseWriter, r *http.Request) {
	if !hasSession(r) {
		http.Redirect(w, r, "/login?next=/app/events/new", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "event_new.html", View{Title: "새 이벤트", SignedIn: true, Data: purposeCards,
		Form: map[string]string{"purpose": r.URL.Query().Get("purpose")}})
}

// jobDoc is the job status document of the API.
type jobDoc struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Progress  int    `json:"progress"`
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
	ResultURL string `json:"resultUrl"`
}

func (s *Site) handleEventCreate(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{"purpose": r.PostFormValue("purpose"), "purposeText": r.PostFormValue("purposeText")}
	again := func(status int, banner string, fields map[string]string) {
		s.render(w, r, status, "event_new.html", View{Title: "새 이벤트", SignedIn: true, Data: purposeCards, Form: form, Error: banner, Fields: fields})
	}
	if !s.checkCSRF(r) {
		again(http.StatusForbidden, "페이지가 만료되었어요. 다시 시도해 주세요.", nil)
		return
	}
	var ev event.Event
	if err := s.call(w, r, "POST", "/api/v1/events", map[string]string{"purpose": form["purpose"], "purposeText": form["purposeText"]}, &ev); err != nil {
		if needLogin(err) {
			http.Redirect(w, r, "/login?next=/app/events/new", http.StatusSeeOther)
			return
		}
		banner, fields := formErrors(err)
		again(http.StatusBadRequest, banner, fields)
		return
	}
	// The event exists now; a failure to start planning is retried from
	// the planning page, so the owner never creates it twice.
	var job jobDoc
	_ = s.call(w, r, "POST", eventAPI(ev.ID)+"/recommendations", map[string]bool{"regenerate": false}, &job)
	http.Redirect(w, r, eventPath(ev.ID)+"/planning", http.StatusSeeOther)
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
	if err := s.call(w, r, "GET", eventAPI(id), nil, &st.Event); err != nil {
		return st, err
	}
	// 200 is the document, 202 the running job, 404 nothing yet.
	var raw json.RawMessage
	if err := s.call(w, r, "GET", eventAPI(id)+"/recommendations", nil, &raw); err != nil {
		if needLogin(err) {
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
	s.render(w, r, http.StatusOK, "event_planning.html", View{Title: "AI 기획 중", SignedIn: true, Data: p})
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
	if !s.checkCSRF(r) {
		s.flash(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
		http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
		return
	}
	var job jobDoc
	regenerate := r.PostFormValue("regenerate") == "1"
	if err := s.call(w, r, "POST", eventAPI(id)+"/recommendations", map[string]bool{"regenerate": regenerate}, &job); err != nil {
		if needLogin(err) {
			s.ownerError(w, r, err)
			return
		}
		banner, _ := formErrors(err)
		s.flash(w, banner)
		http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, eventPath(id)+"/planning", http.StatusSeeOther)
}

// optionsPage shows the three options and the edit form of the picked one.
type optionsPage struct {
	Provider string // who served the options, in words
	Event    event.Event
	Doc      ai.Recommendation
	Pick     int
	Picked   *ai.Option
}

func (s *Site) handleEventOptions(w http.ResponseWriter, r *http.Request) {
	st, err := s.loadPlan(w, r)
	if err != nil {
		s.ownerError(w, r, err)
		return
	}
	if st.Doc == nil {
		http.Redirect(w, r, eventPath(st.Event.ID)+"/planning", http.StatusSeeOther)
		return
	}
	pick, _ := strconv.Atoi(r.URL.Query().Get("pick"))
	if pick == 0 && st.Event.Plan != nil {
		pick = st.Event.Plan.OptionNumber
	}
	p := optionsPage{Event: st.Event, Doc: *st.Doc, Pick: pick, Provider: providerLabel(st.Doc.AIProvider)}
	var form map[string]string
	for i := range p.Doc.Recommendations {
		if p.Doc.Recommendations[i].OptionNumber == pick {
			p.Picked = &p.Doc.Recommendations[i]
			form = optionForm(*p.Picked, st.Event.Plan)
		}
	}
	s.render(w, r, http.StatusOK, "event_options.html", View{Title: "AI 추천 이벤트", SignedIn: true, Data: p, Form: form})
}

// optionForm prefills the edit form from the option, or from the saved
// plan when the owner already chose this option.
func optionForm(o ai.Option, saved *event.Plan) map[string]string {
	today := time.Now().In(kst.Location)
	start, end := o.Duration.StartDate, o.Duration.EndDate
	if start == "" || start < today.Format(time.DateOnly) {
		start = today.Format(time.DateOnly)
		end = today.AddDate(0, 0, max(o.Duration.RecommendedDays, 1)-1).Format(time.DateOnly)
	}
	f := map[string]string{"optionNumber": strconv.Itoa(o.OptionNumber), "title": o.Title, "benefit": o.Title, "description": o.Mechanics.Details,
		"startDate": start, "endDate": end, "method": string(o.ParticipationMethod.Type),
		"count": strconv.Itoa(o.ParticipationMethod.CouponCount), "headline": o.Copy.Headline, "body": o.Copy.Body,
		"hashtags": strings.Join(o.Copy.Hashtags, " ")}
	if saved != nil && saved.OptionNumber == o.OptionNumber {
		count := saved.WinnerCount
		if saved.Method == ai.ParticipationFirstCome {
			count = saved.CouponCount
		}
		f["title"], f["benefit"], f["startDate"], f["endDate"] = saved.Title, saved.Benefit, saved.StartDate, saved.EndDate
		f["description"] = saved.Description
		f["method"], f["count"] = string(saved.Method), strconv.Itoa(count)
		f["headline"], f["body"], f["hashtags"] = saved.Copy.Headline, saved.Copy.Body, strings.Join(saved.Copy.Hashtags, " ")
	}
	return f
}

func (s *Site) handleEventSelection(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	keys := []string{"optionNumber", "title", "benefit", "description", "startDate", "endDate", "method", "count", "headline", "body", "hashtags"}
	form := map[string]string{}
	for _, k := range keys {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	again := func(status int, banner string, fields map[string]string) {
		st, err := s.loadPlan(w, r)
		if err != nil || st.Doc == nil {
			s.ownerError(w, r, err)
			return
		}
		p := optionsPage{Event: st.Event, Doc: *st.Doc, Provider: providerLabel(st.Doc.AIProvider)}
		p.Pick, _ = strconv.Atoi(form["optionNumber"])
		for i := range p.Doc.Recommendations {
			if p.Doc.Recommendations[i].OptionNumber == p.Pick {
				p.Picked = &p.Doc.Recommendations[i]
			}
		}
		s.render(w, r, status, "event_options.html", View{Title: "AI 추천 이벤트", SignedIn: true, Data: p, Form: form, Error: banner, Fields: fields})
	}
	if !s.checkCSRF(r) {
		again(http.StatusForbidden, "페이지가 만료되었어요. 다시 시도해 주세요.", nil)
		return
	}
	n, _ := strconv.Atoi(form["optionNumber"])
	count, cerr := strconv.Atoi(strings.ReplaceAll(form["count"], ",", ""))
	if cerr != nil {
		again(http.StatusBadRequest, "", map[string]string{"count": "숫자로 입력해 주세요."})
		return
	}
	body := map[string]any{"optionNumber": n, "title": form["title"], "benefit": form["benefit"], "description": form["description"],
		"startDate": form["startDate"], "endDate": form["endDate"],
		"participationMethod": map[string]any{"type": form["method"], "couponCount": count},
		"copy":                map[string]any{"headline": form["headline"], "body": form["body"], "hashtags": strings.Fields(form["hashtags"])}}
	var ev event.Event
	if err := s.call(w, r, "PUT", eventAPI(id)+"/selection", body, &ev); err != nil {
		if needLogin(err) {
			s.ownerError(w, r, err)
			return
		}
		banner, fields := formErrors(err)
		// API field names → form field names.
		for api, f := range map[string]string{"couponCount": "count", "winnerCount": "count", "participationMethod.type": "method",
			"copy.headline": "headline", "copy.body": "body", "copy.hashtags": "hashtags"} {
			if m, ok := fields[api]; ok {
				fields[f] = m
			}
		}
		again(http.StatusBadRequest, banner, fields)
		return
	}
	s.flash(w, "이벤트 기획을 저장했어요. 내용을 확인하고 시작해 보세요.")
	http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
}

// detailPage is the event detail.
type detailPage struct {
	Provider   string
	Event      event.Event
	CanApprove bool
	CanEnd     bool
	CanCancel  bool
	CanPlan    bool
	Running    bool
}

func (s *Site) handleEventDetail(w http.ResponseWriter, r *http.Request) {
	var ev event.Event
	if err := s.call(w, r, "GET", eventAPI(r.PathValue("id")), nil, &ev); err != nil {
		s.ownerError(w, r, err)
		return
	}
	p := detailPage{Event: ev, Provider: providerLabel(ev.AIProvider),
		CanApprove: ev.Plan != nil && event.CanTransition(ev.Status, event.StatusApproved),
		CanEnd:     event.CanTransition(ev.Status, event.StatusEnded),
		CanCancel:  event.CanTransition(ev.Status, event.StatusCancelled),
		CanPlan:    ev.Status == event.StatusDraft || ev.Status == event.StatusPlanned,
		Running:    ev.Status == event.StatusApproved || ev.Status == event.StatusActive || ev.Status == event.StatusEnded,
	}
	s.render(w, r, http.StatusOK, "event_detail.html", View{Title: eventTitle(ev), SignedIn: true, Data: p})
}

func eventTitle(e event.Event) string {
	if e.Plan != nil {
		return e.Plan.Title
	}
	return ai.Purpose(e.Purpose).Label() + " 이벤트"
}

// eventAction posts one lifecycle action and returns to the detail page.
func (s *Site) eventAction(action, done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !s.checkCSRF(r) {
			s.flash(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
			http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
			return
		}
		var body any
		if action == "approve" {
			body = map[string]any{"channels": []string{}}
		}
		var ev event.Event
		if err := s.call(w, r, "POST", eventAPI(id)+"/"+action, body, &ev); err != nil {
			if needLogin(err) {
				s.ownerError(w, r, err)
				return
			}
			banner, _ := formErrors(err)
			s.flash(w, banner)
		} else {
			s.flash(w, done)
		}
		http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
	}
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
