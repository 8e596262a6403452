package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// evJob is the job document of the recommendation job.
type evJob struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Progress  int    `json:"progress"`
	Message   string `json:"message"`
	ResultURL string `json:"resultUrl"`
	ErrorCode string `json:"errorCode"`
}

// evCreate creates a DRAFT event for the owner.
func evCreate(t *testing.T, e *Env, o Owner, purpose string) event.Event {
	t.Helper()
	res := e.Do("POST", "/api/v1/events", o.Token, map[string]string{"purpose": purpose})
	if res.Status != http.StatusCreated {
		t.Fatalf("create event: %d %s", res.Status, res.Body)
	}
	var ev event.Event
	res.JSON(t, &ev)
	return ev
}

// evRecommend starts the recommendation job and waits for it to finish.
func evRecommend(t *testing.T, e *Env, o Owner, id string, body any) (evJob, ai.Recommendation) {
	t.Helper()
	res := e.Do("POST", "/api/v1/events/"+id+"/recommendations", o.Token, body)
	if res.Status != http.StatusAccepted {
		t.Fatalf("start recommendation: %d %s", res.Status, res.Body)
	}
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/jobs/") {
		t.Errorf("Location = %q, want /api/v1/jobs/{id}", loc)
	}
	var job evJob
	res.JSON(t, &job)
	job = evWaitJob(t, e, o, job.ID)
	if job.Status != "COMPLETED" {
		t.Fatalf("job ended %s (%s)", job.Status, job.ErrorCode)
	}
	if want := "/api/v1/events/" + id + "/recommendations"; job.ResultURL != want {
		t.Errorf("resultUrl = %q, want %q", job.ResultURL, want)
	}
	res = e.Do("GET", job.ResultURL, o.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("result: %d %s", res.Status, res.Body)
	}
	var doc ai.Recommendation
	res.JSON(t, &doc)
	return job, doc
}

func evWaitJob(t *testing.T, e *Env, o Owner, jobID string) evJob {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var job evJob
	for time.Now().Before(deadline) {
		res := e.Do("GET", "/api/v1/jobs/"+jobID, o.Token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("job status: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &job)
		if job.Status == "COMPLETED" || job.Status == "FAILED" {
			return job
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s still %s after 20s", jobID, job.Status)
	return job
}

func evGet(t *testing.T, e *Env, o Owner, id string) event.Event {
	t.Helper()
	res := e.Do("GET", "/api/v1/events/"+id, o.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("get event: %d %s", res.Status, res.Body)
	}
	var ev event.Event
	res.JSON(t, &ev)
	return ev
}

// TestEventLifecycleAPI walks one event through the whole lifecycle on both
// databases: create (DRAFT, EventCreated), recommend (three options),
// select with edits (PLANNED), approve with no channels (ACTIVE, the
// participation service gets EventApproved and opens entries), end
// (ENDED), and checks that the illegal steps on the way answer 409.
func TestEventLifecycleAPI(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("BAKERY", "서울특별시 마포구")
		ev := evCreate(t, e, o, "NEW_CUSTOMERS")
		if ev.Status != event.StatusDraft || ev.Purpose != messages.PurposeNewCustomers || ev.ID == "" || ev.CreatedAt.IsZero() {
			t.Fatalf("created %+v, want a DRAFT NEW_CUSTOMERS event with id and createdAt", ev)
		}
		if ev.StoreName != "테스트 가게" || ev.Industry != "BAKERY" || ev.RegionSido == "" {
			t.Errorf("store snapshot = %q %q %q, want the owner's store", ev.StoreName, ev.Industry, ev.RegionSido)
		}

		// Before any job: 404 on the result; approving a DRAFT is illegal.
		if res := e.Do("GET", "/api/v1/events/"+ev.ID+"/recommendations", o.Token, nil); res.Status != http.StatusNotFound {
			t.Errorf("result before the job: %d, want 404", res.Status)
		}
		if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/approve", o.Token, map[string]any{"channels": []string{}}); res.Status != http.StatusConflict || res.Code() != "invalid_transition" {
			t.Errorf("approve DRAFT: %d %s, want 409 invalid_transition", res.Status, res.Code())
		}

		job, doc := evRecommend(t, e, o, ev.ID, nil)
		if len(doc.Recommendations) != 3 || doc.AIProvider != ai.ProviderLocal || doc.EventID != ev.ID {
			t.Fatalf("recommendation: %d options by %q for %q", len(doc.Recommendations), doc.AIProvider, doc.EventID)
		}
		if err := doc.Validate(); err != nil {
			t.Errorf("recommendation does not validate: %v", err)
		}
		// POST again without regenerate: 303 to the existing result.
		if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/recommendations", o.Token, nil); res.Status != http.StatusSeeOther || res.Header.Get("Location") != job.ResultURL {
			t.Errorf("second POST: %d Location %q, want 303 to %s", res.Status, res.Header.Get("Location"), job.ResultURL)
		}

		// The event service records the recommendation (consumer).
		waitFor(t, "event records aiProvider", func() bool { return evGet(t, e, o, ev.ID).AIProvider == ai.ProviderLocal })

		// Select option 2 with edits.
		opt := doc.Recommendations[1]
		today := time.Now().In(kst.Location)
		start, end := today.Format(time.DateOnly), today.AddDate(0, 0, 6).Format(time.DateOnly)
		sel := map[string]any{"optionNumber": 2, "title": "가을 신메뉴 시식 이벤트", "startDate": start, "endDate": end,
			"benefit": "소금빵 1개 무료", "participationMethod": map[string]any{"type": "FIRST_COME", "couponCount": 30},
			"copy": map[string]any{"headline": "소금빵 드세요", "body": "선착순 30명", "hashtags": []string{"소금빵", "#마포"}}}
		res := e.Do("PUT", "/api/v1/events/"+ev.ID+"/selection", o.Token, sel)
		if res.Status != http.StatusOK {
			t.Fatalf("selection: %d %s", res.Status, res.Body)
		}
		var planned event.Event
		res.JSON(t, &planned)
		p := planned.Plan
		if planned.Status != event.StatusPlanned || p == nil || p.OptionNumber != 2 || p.Title != "가을 신메뉴 시식 이벤트" ||
			p.Method != messages.MethodFirstCome || p.CouponCount != 30 || p.WinnerCount != 0 || p.Benefit != "소금빵 1개 무료" ||
			p.Concept != opt.Concept || strings.Join(p.Copy.Hashtags, ",") != "#소금빵,#마포" || p.StartDate != start || p.EndDate != end {
			t.Fatalf("planned = %s %+v", planned.Status, p)
		}

		// Approve with no channels: ACTIVE at once (the period has begun).
		res = e.Do("POST", "/api/v1/events/"+ev.ID+"/approve", o.Token, map[string]any{"channels": []string{}})
		if res.Status != http.StatusOK {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		var active event.Event
		res.JSON(t, &active)
		if active.Status != event.StatusActive || active.ApprovedAt.IsZero() {
			t.Fatalf("approved = %s, want ACTIVE", active.Status)
		}
		// Participation consumes EventApproved (every field filled) and
		// takes entries.
		waitFor(t, "participation has the event", func() bool {
			return e.Do("GET", "/api/v1/events/"+ev.ID+"/participation", o.Token, nil).Status == http.StatusOK
		})

		for _, step := range []struct{ method, path, code string }{
			{"PUT", "/selection", "invalid_transition"},
			{"POST", "/approve", "invalid_transition"},
			{"POST", "/cancel", "invalid_transition"},
			{"DELETE", "", "event_not_deletable"},
			{"PATCH", "", "event_not_editable"},
			{"POST", "/recommendations", "event_already_planned"},
		} {
			var body any
			switch {
			case step.method == "PUT":
				body = sel
			case step.method == "PATCH":
				body = map[string]string{"purpose": "SALES"}
			case step.path == "/approve":
				body = map[string]any{"channels": []string{}}
			}
			res := e.Do(step.method, "/api/v1/events/"+ev.ID+step.path, o.Token, body)
			if res.Status != http.StatusConflict || res.Code() != step.code {
				t.Errorf("%s %s on ACTIVE: %d %s, want 409 %s", step.method, step.path, res.Status, res.Code(), step.code)
			}
		}

		res = e.Do("POST", "/api/v1/events/"+ev.ID+"/end", o.Token, nil)
		var ended event.Event
		res.JSON(t, &ended)
		if res.Status != http.StatusOK || ended.Status != event.StatusEnded || ended.EndReason != messages.EndOwner {
			t.Fatalf("end: %d %s %s", res.Status, ended.Status, ended.EndReason)
		}
		if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/end", o.Token, nil); res.Status != http.StatusConflict || res.Code() != "invalid_transition" {
			t.Errorf("end twice: %d %s, want 409 invalid_transition", res.Status, res.Code())
		}
	})
}

// TestEventDraftEditDeleteCancel covers the draft operations and the list.
func TestEventDraftEditDeleteCancel(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "부산광역시 해운대구")
		a := evCreate(t, e, o, "REVISIT")
		res := e.Do("PATCH", "/api/v1/events/"+a.ID, o.Token, map[string]string{"purpose": "OTHER", "purposeText": "단골 감사 이벤트"})
		var upd event.Event
		res.JSON(t, &upd)
		if res.Status != http.StatusOK || upd.Purpose != messages.PurposeOther || upd.PurposeText != "단골 감사 이벤트" {
			t.Fatalf("patch: %d %+v", res.Status, upd)
		}
		if res := e.Do("DELETE", "/api/v1/events/"+a.ID, o.Token, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/events/"+a.ID, o.Token, nil); res.Status != http.StatusNotFound || res.Code() != "event_not_found" {
			t.Errorf("after delete: %d %s, want 404 event_not_found", res.Status, res.Code())
		}

		b := evCreate(t, e, o, "SALES")
		res = e.Do("POST", "/api/v1/events/"+b.ID+"/cancel", o.Token, nil)
		var c event.Event
		res.JSON(t, &c)
		if res.Status != http.StatusOK || c.Status != event.StatusCancelled {
			t.Fatalf("cancel: %d %s", res.Status, c.Status)
		}
		if res := e.Do("POST", "/api/v1/events/"+b.ID+"/cancel", o.Token, nil); res.Status != http.StatusConflict || res.Code() != "invalid_transition" {
			t.Errorf("cancel twice: %d %s, want 409 invalid_transition", res.Status, res.Code())
		}

		// Paging: 5 events, pages of 2, newest first, cancelled hidden.
		var want []string
		for range 5 {
			want = append([]string{evCreate(t, e, o, "AWARENESS").ID}, want...)
		}
		var got []string
		cursor := ""
		for pages := 0; pages < 5; pages++ {
			res := e.Do("GET", "/api/v1/events?limit=2&cursor="+cursor, o.Token, nil)
			var p event.Page
			res.JSON(t, &p)
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("paged list = %v, want %v", got, want)
		}
		res = e.Do("GET", "/api/v1/events?status=CANCELLED", o.Token, nil)
		var cp event.Page
		res.JSON(t, &cp)
		if len(cp.Items) != 1 || cp.Items[0].ID != b.ID {
			t.Errorf("cancelled list = %d items, want just %s", len(cp.Items), b.ID)
		}
	})
}

// TestEventBadInput: bad input answers 400 with a stable code and writes
// nothing.
func TestEventBadInput(t *testing.T) {
	e := Start(t)
	o := e.SignupOwner("RESTAURANT", "대구광역시 중구")
	ev := evCreate(t, e, o, "NEW_PRODUCT")
	_, doc := evRecommend(t, e, o, ev.ID, nil)
	if len(doc.Recommendations) != 3 {
		t.Fatal("no options")
	}
	long := strings.Repeat("가", 61)
	tests := []struct {
		name, method, path string
		body               any
		wantStatus         int
		wantCode           string
	}{
		{"unknown purpose", "POST", "/api/v1/events", map[string]string{"purpose": "WIN_LOTTO"}, 400, "invalid_purpose"},
		{"other without text", "POST", "/api/v1/events", map[string]string{"purpose": "OTHER"}, 400, "purpose_text_required"},
		{"purpose text too long", "POST", "/api/v1/events", map[string]string{"purpose": "SALES", "purposeText": strings.Repeat("가", 501)}, 400, "purpose_text_too_long"},
		{"unknown field", "POST", "/api/v1/events", map[string]string{"purpose": "SALES", "budget": "1"}, 400, "invalid_json"},
		{"not json", "POST", "/api/v1/events", []byte("{"), 400, "invalid_json"},
		{"bad limit", "GET", "/api/v1/events?limit=500", nil, 400, "invalid_limit"},
		{"bad cursor", "GET", "/api/v1/events?cursor=xyz", nil, 400, "invalid_cursor"},
		{"option 4", "PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 4}, 400, "invalid_option_number"},
		{"title too long", "PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 1, "title": long}, 400, "invalid_title"},
		{"end before start", "PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 1, "startDate": "2099-05-10", "endDate": "2099-05-01"}, 400, "invalid_period"},
		{"bad date", "PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 1, "startDate": "내일"}, 400, "invalid_start_date"},
		{"zero coupons", "PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 1, "participationMethod": map[string]any{"type": "FIRST_COME", "couponCount": 0}}, 400, "invalid_coupon_count"},
		{"bad method", "PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 1, "participationMethod": map[string]any{"type": "RAFFLE", "couponCount": 3}}, 400, "invalid_participation_method"},
		{"bad regenerate", "POST", "/api/v1/events/" + ev.ID + "/recommendations", map[string]any{"regenerate": "yes"}, 400, "invalid_json"},
		{"bad channel", "POST", "/api/v1/events/" + ev.ID + "/approve", map[string]any{"channels": []string{"MYSPACE"}}, 400, "invalid_channel"},
		{"bad status filter", "GET", "/api/v1/events?status=DONE", nil, 400, "invalid_status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Do(tt.method, tt.path, o.Token, tt.body)
			if res.Status != tt.wantStatus || res.Code() != tt.wantCode {
				t.Errorf("%s %s: %d %s, want %d %s (%s)", tt.method, tt.path, res.Status, res.Code(), tt.wantStatus, tt.wantCode, res.Body)
			}
		})
	}
	// Nothing was written: one event, still DRAFT without a plan.
	res := e.Do("GET", "/api/v1/events", o.Token, nil)
	var p event.Page
	res.JSON(t, &p)
	if len(p.Items) != 1 || p.Items[0].Status != event.StatusDraft || p.Items[0].Plan != nil {
		t.Errorf("after bad input: %d events, first %s plan %v; want one DRAFT without plan", len(p.Items), p.Items[0].Status, p.Items[0].Plan)
	}
}

// TestEventOwnerIsolation: another owner's event, job and recommendation
// are 404, and writes to them change nothing.
func TestEventOwnerIsolation(t *testing.T) {
	e := Start(t)
	alice := e.SignupOwner("CAFE", "서울특별시 성동구")
	mallory := e.SignupOwner("CAFE", "서울특별시 성동구")
	ev := evCreate(t, e, alice, "NEW_CUSTOMERS")
	job, _ := evRecommend(t, e, alice, ev.ID, nil)

	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/events/" + ev.ID, nil},
		{"PATCH", "/api/v1/events/" + ev.ID, map[string]string{"purpose": "SALES"}},
		{"DELETE", "/api/v1/events/" + ev.ID, nil},
		{"POST", "/api/v1/events/" + ev.ID + "/cancel", nil},
		{"PUT", "/api/v1/events/" + ev.ID + "/selection", map[string]any{"optionNumber": 1}},
		{"POST", "/api/v1/events/" + ev.ID + "/approve", map[string]any{"channels": []string{}}},
		{"POST", "/api/v1/events/" + ev.ID + "/end", nil},
		{"GET", "/api/v1/events/" + ev.ID + "/recommendations", nil},
		{"POST", "/api/v1/events/" + ev.ID + "/recommendations", map[string]bool{"regenerate": true}},
		{"GET", "/api/v1/jobs/" + job.ID, nil},
		{"GET", "/api/v1/jobs/" + job.ID + "/events", nil},
	} {
		res := e.Do(c.method, c.path, mallory.Token, c.body)
		if res.Status != http.StatusNotFound {
			t.Errorf("mallory %s %s: %d %s, want 404", c.method, c.path, res.Status, res.Body)
		}
	}
	res := e.Do("GET", "/api/v1/events", mallory.Token, nil)
	var p event.Page
	res.JSON(t, &p)
	if len(p.Items) != 0 {
		t.Errorf("mallory's list has %d events, want 0", len(p.Items))
	}
	if got := evGet(t, e, alice, ev.ID); got.Status != event.StatusDraft || got.Purpose != messages.PurposeNewCustomers {
		t.Errorf("alice's event after mallory: %s %s", got.Status, got.Purpose)
	}
}

// TestEventSoldOutAndPeriodEnd: the sold-out message ends a FIRST_COME
// event (once, however often it arrives), and an event whose period is
// over is ended by the ticker.
func TestEventSoldOutAndPeriodEnd(t *testing.T) {
	e := Start(t)
	o := e.SignupOwner("CAFE", "광주광역시 동구")
	ev := evCreate(t, e, o, "SALES")
	evRecommend(t, e, o, ev.ID, nil)
	today := time.Now().In(kst.Location).Format(time.DateOnly)
	sel := map[string]any{"optionNumber": 1, "startDate": today, "endDate": today,
		"participationMethod": map[string]any{"type": "FIRST_COME", "couponCount": 5}}
	if res := e.Do("PUT", "/api/v1/events/"+ev.ID+"/selection", o.Token, sel); res.Status != http.StatusOK {
		t.Fatalf("selection: %d %s", res.Status, res.Body)
	}
	if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/approve", o.Token, map[string]any{}); res.Status != http.StatusOK {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	for range 2 { // a duplicate publish is harmless
		if err := e.App.Publish(t.Context(), messages.CouponsSoldOut{EventID: ev.ID, Issued: 5, OccurredAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "sold out ends the event", func() bool { return evGet(t, e, o, ev.ID).Status == event.StatusEnded })
	if got := evGet(t, e, o, ev.ID); got.EndReason != messages.EndSoldOut {
		t.Errorf("end reason = %q, want SOLD_OUT", got.EndReason)
	}
}

// TestEventProviderFallback: with both sandbox providers failing, the
// owner still gets three options and the document says the local planner
// served them; with both healthy, Claude and GPT served them.
func TestEventProviderFallback(t *testing.T) {
	e := Start(t, evRemoteAI("-1"), noLimits)
	o := e.SignupOwner("HAIR", "인천광역시 연수구")

	evSetFaults(t, e, `{"anthropic":{"errorRate":1,"errorStatus":529,"retryAfter":"1s"},"openai":{"errorRate":1,"errorStatus":500}}`)
	ev := evCreate(t, e, o, "REVISIT")
	job, doc := evRecommend(t, e, o, ev.ID, nil)
	if doc.AIProvider != ai.ProviderLocalFallback || len(doc.Recommendations) != 3 {
		t.Errorf("both down: %q with %d options, want local-fallback with 3", doc.AIProvider, len(doc.Recommendations))
	}
	if !strings.Contains(job.Message, "AutoEvent 기획 엔진") {
		t.Errorf("job message %q does not say, in words an owner reads, who planned it", job.Message)
	}

	evSetFaults(t, e, `{"anthropic":{},"openai":{}}`)
	ev2 := evCreate(t, e, o, "REVISIT")
	_, doc = evRecommend(t, e, o, ev2.ID, nil)
	if doc.AIProvider != "anthropic+openai" || doc.Validate() != nil {
		t.Errorf("both healthy: %q (%v), want anthropic+openai", doc.AIProvider, doc.Validate())
	}

	// Regenerating while the providers are down serves the previous
	// result of the event first (the seed's cached-previous fallback).
	evSetFaults(t, e, `{"anthropic":{"errorRate":1,"errorStatus":503},"openai":{"errorRate":1,"errorStatus":503}}`)
	_, again := evRecommend(t, e, o, ev2.ID, map[string]bool{"regenerate": true})
	if again.AIProvider != ai.ProviderCacheFallback || again.Recommendations[0].Title != doc.Recommendations[0].Title {
		t.Errorf("regenerate while down: %q, want cache-fallback with the previous options", again.AIProvider)
	}
}

// evRemoteAI runs the AI service with the remote providers on the built-in
// sandboxes; retries as given (-1: none, so failures fall back at once).
func evRemoteAI(retries string) Option {
	return func(c *config.Config) {
		c.AIProvider = "remote"
		c.Resilience = "anthropic.max-retries=" + retries + ";openai.max-retries=" + retries
	}
}

func evSetFaults(t testing.TB, e *Env, body string) {
	t.Helper()
	res := e.Do("PUT", "/sandbox/ai/faults", "", []byte(body))
	if res.Status != http.StatusOK {
		t.Fatalf("set faults: %d %s", res.Status, res.Body)
	}
}

// TestEventOptionsDifferAcrossStores: the same request from different
// industries, regions and purposes gets different plans through the API.
func TestEventOptionsDifferAcrossStores(t *testing.T) {
	e := Start(t)
	seen := map[string]string{}
	for _, c := range []struct{ industry, region, purpose string }{
		{"CAFE", "서울특별시 강남구", "NEW_CUSTOMERS"},
		{"RESTAURANT", "서울특별시 강남구", "NEW_CUSTOMERS"},
		{"CAFE", "제주특별자치도 제주시", "NEW_CUSTOMERS"},
		{"CAFE", "서울특별시 강남구", "REVISIT"},
	} {
		o := e.SignupOwner(c.industry, c.region)
		ev := evCreate(t, e, o, c.purpose)
		_, doc := evRecommend(t, e, o, ev.ID, nil)
		var titles []string
		for _, op := range doc.Recommendations {
			titles = append(titles, op.Title)
		}
		sort.Strings(titles)
		key := strings.Join(titles, "|")
		name := fmt.Sprint(c)
		if prev, dup := seen[key]; dup {
			t.Errorf("%s got the same options as %s: %s", name, prev, key)
		}
		seen[key] = name
	}
}

// evJSON is a small helper for logging documents in failures.
func evJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
