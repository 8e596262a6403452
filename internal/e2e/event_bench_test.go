package e2e

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"
)

// evTimedRecommendation starts a recommendation through the API and polls
// the job every 5 ms; it returns the client-side wall time from the POST
// to the job's COMPLETED status, and the provider that served.
func evTimedRecommendation(tb testing.TB, e *Env, o Owner, purpose string) (time.Duration, string) {
	tb.Helper()
	res := e.Do("POST", "/api/v1/events", o.Token, map[string]string{"purpose": purpose})
	var ev struct{ ID string }
	res.JSON(tb, &ev)
	start := time.Now()
	res = e.Do("POST", "/api/v1/events/"+ev.ID+"/recommendations", o.Token, nil)
	if res.Status != http.StatusAccepted {
		tb.Fatalf("start: %d %s", res.Status, res.Body)
	}
	var job evJob
	res.JSON(tb, &job)
	for job.Status != "COMPLETED" {
		if job.Status == "FAILED" || time.Since(start) > 40*time.Second {
			tb.Fatalf("job %s: %s", job.ID, job.Status)
		}
		time.Sleep(5 * time.Millisecond)
		e.Do("GET", "/api/v1/jobs/"+job.ID, o.Token, nil).JSON(tb, &job)
	}
	elapsed := time.Since(start)
	var doc struct {
		AIProvider string `json:"aiProvider"`
	}
	e.Do("GET", job.ResultURL, o.Token, nil).JSON(tb, &doc)
	return elapsed, doc.AIProvider
}

// TestEventRemoteLatencyScaled: with the sandbox providers at 500 ms
// (Claude) and 400 ms (GPT) — the seed's 5 s / 4 s scaled down — a
// recommendation through the real path (API → outbox → ai-job queue →
// worker → both providers in parallel over loopback HTTP → validation →
// DB + outbox → job COMPLETED) finishes within the slower provider + 300 ms
// (DESIGN §6). Sequential calls would take 900 ms.
func TestEventRemoteLatencyScaled(t *testing.T) {
	e := Start(t, evRemoteAI("3"), noLimits)
	evSetFaults(t, e, `{"anthropic":{"latency":"500ms"},"openai":{"latency":"400ms"}}`)
	o := e.SignupOwner("CAFE", "서울특별시 강남구")
	evTimedRecommendation(t, e, o, "SALES") // warm up connections
	var worst time.Duration
	for range 3 {
		d, who := evTimedRecommendation(t, e, o, "NEW_CUSTOMERS")
		if who != "anthropic+openai" {
			t.Fatalf("served by %q, want anthropic+openai", who)
		}
		worst = max(worst, d)
	}
	t.Logf("remote recommendation, sandboxes 500ms/400ms: worst of 3 = %v", worst)
	if worst < 500*time.Millisecond || worst > 800*time.Millisecond {
		t.Errorf("worst %v, want 500–800ms (slower provider + ≤ 300ms)", worst)
	}
}

// BenchmarkEventRecommendRemote measures the same path with configurable
// sandbox latencies (default 500ms / 400ms); the seed figures:
//
//	AUTOEVENT_BENCH_CLAUDE_LATENCY=5s AUTOEVENT_BENCH_GPT_LATENCY=4s \
//	  go test -run '^$' -bench EventRecommendRemote -benchtime 3x ./internal/e2e/
func BenchmarkEventRecommendRemote(b *testing.B) {
	get := func(env, def string) string {
		if v := os.Getenv(env); v != "" {
			return v
		}
		return def
	}
	claude, gpt := get("AUTOEVENT_BENCH_CLAUDE_LATENCY", "500ms"), get("AUTOEVENT_BENCH_GPT_LATENCY", "400ms")
	e := Start(b, evRemoteAI("3"), noLimits)
	res := e.Do("PUT", "/sandbox/ai/faults", "", []byte(fmt.Sprintf(`{"anthropic":{"latency":%q},"openai":{"latency":%q}}`, claude, gpt)))
	if res.Status != http.StatusOK {
		b.Fatalf("faults: %d", res.Status)
	}
	o := e.SignupOwner("CAFE", "서울특별시 강남구")
	evTimedRecommendation(b, e, o, "SALES")
	var worst time.Duration
	for b.Loop() {
		d, who := evTimedRecommendation(b, e, o, "NEW_CUSTOMERS")
		if who != "anthropic+openai" {
			b.Fatalf("served by %q", who)
		}
		worst = max(worst, d)
	}
	slow, _ := time.ParseDuration(claude)
	if g, _ := time.ParseDuration(gpt); g > slow {
		slow = g
	}
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	b.ReportMetric(float64((worst - slow).Milliseconds()), "overhead-ms")
}

// TestEventCachedResultLatency: a cached recommendation is served in
// ≤ 5 ms at p99 over loopback HTTP (JWT check, cache read, owner check,
// JSON encode of the ~10 KB document).
func TestEventCachedResultLatency(t *testing.T) {
	e := Start(t, noLimits)
	o := e.SignupOwner("BAKERY", "서울특별시 마포구")
	// For the notes: the local planner's whole job path, POST to COMPLETED.
	evTimedRecommendation(t, e, o, "SALES")
	var local []time.Duration
	for range 5 {
		d, _ := evTimedRecommendation(t, e, o, "REVISIT")
		local = append(local, d)
	}
	slices.Sort(local)
	t.Logf("local planner job, POST → COMPLETED (5 ms polling): median %v, worst %v", local[2], local[4])
	ev := evCreate(t, e, o, "NEW_CUSTOMERS")
	job, _ := evRecommend(t, e, o, ev.ID, nil)
	const n = 500
	lat := make([]time.Duration, 0, n)
	for i := range n + 50 {
		start := time.Now()
		res := e.Do("GET", job.ResultURL, o.Token, nil)
		d := time.Since(start)
		if res.Status != http.StatusOK {
			t.Fatalf("GET: %d", res.Status)
		}
		if i >= 50 { // warm-up
			lat = append(lat, d)
		}
	}
	slices.Sort(lat)
	p50, p99 := lat[n/2], lat[n*99/100]
	t.Logf("cached recommendation GET over loopback: p50 %v, p99 %v, max %v (n=%d)", p50, p99, lat[n-1], n)
	if p99 > 5*time.Millisecond {
		t.Errorf("p99 %v, want ≤ 5ms", p99)
	}
}
