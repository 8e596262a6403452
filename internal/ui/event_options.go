package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The options step: the three recommended plans side by side, and the edit
// form of the picked one, whose save makes the event PLANNED.

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
	s.html.Render(w, r, http.StatusOK, "event_options.html", View{Title: "AI 추천 이벤트", SignedIn: true, Data: p, Form: form})
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
	f := map[string]string{"optionNumber": strconv.Itoa(o.OptionNumber), "title": o.Title, "benefit": o.Benefit, "description": o.Mechanics.Details,
		"startDate": start, "endDate": end, "method": string(o.ParticipationMethod.Type),
		"count": strconv.Itoa(o.ParticipationMethod.CouponCount), "headline": o.Copy.Headline, "body": o.Copy.Body,
		"hashtags": strings.Join(o.Copy.Hashtags, " ")}
	if saved != nil && saved.OptionNumber == o.OptionNumber {
		count := saved.WinnerCount
		if saved.Method == messages.MethodFirstCome {
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
		s.html.Render(w, r, status, "event_options.html", View{Title: "AI 추천 이벤트", SignedIn: true, Data: p, Form: form, Error: banner, Fields: fields})
	}
	if !s.sessions.CheckCSRF(r) {
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
	if err := s.api.Call(w, r, "PUT", eventAPI(id)+"/selection", body, &ev); err != nil {
		if apiclient.NeedLogin(err) {
			s.ownerError(w, r, err)
			return
		}
		banner, fields := apiclient.FormErrors(err)
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
	s.sessions.Flash(w, "이벤트 기획을 저장했어요. 내용을 확인하고 시작해 보세요.")
	http.Redirect(w, r, eventPath(id), http.StatusSeeOther)
}
