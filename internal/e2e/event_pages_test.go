package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestEventWizardWithoutJS runs the wizard with plain form posts and page
// loads, as a browser without JavaScript would: the planning page carries
// a meta refresh and redirects to the options once they are ready; the
// job-status route answers JSON; another owner's pages are 404.
func TestEventWizardWithoutJS(t *testing.T) {
	e := Start(t, evRemoteAI("3"), noLimits)
	evSetFaults(t, e, `{"anthropic":{"latency":"300ms"},"openai":{"latency":"200ms"}}`)
	o := e.SignupOwner("FLOWER", "경기도 성남시 분당구")
	p := newPageClient(t, e.URL, false)
	lg := p.get("/login")
	res := p.post("/login", url.Values{"csrf": {csrfOf(t, lg.Body)}, "email": {o.Email}, "password": {o.Password}, "next": {"/app"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}

	form := p.get("/app/events/new")
	bad := p.post("/app/events", url.Values{"csrf": {csrfOf(t, form.Body)}, "purpose": {"OTHER"}})
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, "기타 목적을 간단히 적어 주세요") {
		t.Errorf("OTHER without text: %d, want 400 with the inline message", bad.Status)
	}
	res = p.post("/app/events", url.Values{"csrf": {csrfOf(t, form.Body)}, "purpose": {"AWARENESS"}})
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "/planning") {
		t.Fatalf("create: %d → %q, want 303 to the planning page", res.Status, res.Location)
	}
	planning := res.Location
	id := strings.TrimSuffix(strings.TrimPrefix(planning, "/app/events/"), "/planning")

	pg := p.get(planning)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `http-equiv="refresh"`) || !strings.Contains(pg.Body, "AI가 이벤트를 기획하고 있어요") {
		t.Fatalf("planning page: %d, want the progress page with a meta refresh", pg.Status)
	}
	js := p.get("/app/events/" + id + "/job-status")
	if js.Status != http.StatusOK || !strings.Contains(js.Body, `"progress"`) {
		t.Errorf("job-status: %d %s", js.Status, js.Body)
	}
	// Refresh as the meta tag would until the page moves on.
	deadline := time.Now().Add(10 * time.Second)
	for pg.Status == http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		pg = p.get(planning)
	}
	if pg.Status != http.StatusSeeOther || !strings.HasSuffix(pg.Location, "/options") {
		t.Fatalf("planning after the job: %d → %q, want 303 to the options", pg.Status, pg.Location)
	}
	opts := p.get(pg.Location + "?pick=3")
	if strings.Count(opts.Body, `class="card ev-option`) != 3 || !strings.Contains(opts.Body, `id="edit"`) || !strings.Contains(opts.Body, "Claude &#43; GPT") {
		t.Fatalf("options page lacks three cards, the edit form or the provider")
	}
	today := time.Now().In(kstE2E)
	sel := url.Values{"csrf": {csrfOf(t, opts.Body)}, "optionNumber": {"3"}, "title": {"봄맞이 꽃다발 이벤트"}, "benefit": {"미니 꽃다발 증정"},
		"description": {"매장 QR로 응모하세요"}, "startDate": {today.Format(time.DateOnly)}, "endDate": {today.AddDate(0, 0, 6).Format(time.DateOnly)},
		"method": {"LOTTERY"}, "count": {"3"}, "headline": {"꽃 선물 받으세요"}, "body": {"추첨으로 3분께"}, "hashtags": {"#꽃집 #분당"}}
	res = p.post("/app/events/"+id+"/selection", sel)
	if res.Status != http.StatusSeeOther || res.Location != "/app/events/"+id {
		t.Fatalf("selection: %d → %q", res.Status, res.Location)
	}
	detail := p.get(res.Location)
	if !strings.Contains(detail.Body, "봄맞이 꽃다발 이벤트") || !strings.Contains(detail.Body, "승인하고 시작하기") {
		t.Fatalf("detail page lacks the plan or the approve button")
	}
	res = p.post("/app/events/"+id+"/approve", url.Values{"csrf": {csrfOf(t, detail.Body)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	if got := evGet(t, e, o, id); got.Status != "ACTIVE" || got.Plan.WinnerCount != 3 || got.Plan.Description != "매장 QR로 응모하세요" {
		t.Errorf("after approve: %s winners %d description %q", got.Status, got.Plan.WinnerCount, got.Plan.Description)
	}

	// Another owner sees none of it.
	m := e.SignupOwner("FLOWER", "경기도 성남시 분당구")
	q := newPageClient(t, e.URL, false)
	lg = q.get("/login")
	q.post("/login", url.Values{"csrf": {csrfOf(t, lg.Body)}, "email": {m.Email}, "password": {m.Password}, "next": {"/app"}})
	for _, path := range []string{"/app/events/" + id, "/app/events/" + id + "/options", "/app/events/" + id + "/planning", "/app/events/" + id + "/job-status"} {
		if got := q.get(path); got.Status != http.StatusNotFound {
			t.Errorf("other owner GET %s: %d, want 404", path, got.Status)
		}
	}
	if home := q.get("/app"); strings.Contains(home.Body, "봄맞이 꽃다발 이벤트") {
		t.Errorf("other owner's home lists the event")
	}
}
