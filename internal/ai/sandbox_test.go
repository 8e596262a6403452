package ai_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/aisim"
	"github.com/autoevent/autoevent/internal/ai/anthropic"
	"github.com/autoevent/autoevent/internal/ai/openai"
	"github.com/autoevent/autoevent/internal/ai/providers"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/internal/platform/testenv/barrier"
	sbanthropic "github.com/autoevent/autoevent/internal/sandbox/anthropic"
	sbopenai "github.com/autoevent/autoevent/internal/sandbox/openai"
)

var req = ai.Request{
	EventID: "7d0c3f0e-5a7b-4b8e-9f0e-3c2d1b0a9f8e", StoreName: "골목식당", Industry: ai.IndustryRestaurant,
	Region: ai.Region{Sido: "부산광역시", Sigungu: "부산진구"}, Purpose: messages.PurposeRevisit,
	ReferenceDate: time.Date(2025, 12, 10, 0, 0, 0, 0, kst.Location),
}

// sandboxes starts both simulators and a Recommender wired to them through
// the real clients, as the embedded mode does.
func sandboxes(tb testing.TB, claude, gpt aisim.Faults, cfg ai.Config) (*ai.Recommender, *sbanthropic.Server, *sbopenai.Server) {
	tb.Helper()
	return sandboxesMeeting(tb, nil, claude, gpt, cfg)
}

// sandboxesMeeting is sandboxes with every request to a simulator held at
// meet (parties "anthropic" and "openai") when meet is not nil.
func sandboxesMeeting(tb testing.TB, meet *barrier.Barrier, claude, gpt aisim.Faults, cfg ai.Config) (*ai.Recommender, *sbanthropic.Server, *sbopenai.Server) {
	tb.Helper()
	a := sbanthropic.New(sbanthropic.Config{Faults: claude, Seed: 11})
	o := sbopenai.New(sbopenai.Config{Faults: gpt, Seed: 12})
	var ah, oh http.Handler = a, o
	if meet != nil {
		ah, oh = meet.Handler("anthropic", a), meet.Handler("openai", o)
	}
	as, os := httptest.NewServer(ah), httptest.NewServer(oh)
	tb.Cleanup(as.Close)
	tb.Cleanup(os.Close)
	pc := providers.Config{
		Mode:      providers.ModeRemote,
		Anthropic: anthropic.Config{BaseURL: as.URL, APIKey: "sk-ant-sandbox"},
		OpenAI:    openai.Config{BaseURL: os.URL, APIKey: "sk-sandbox"},
	}
	if err := providers.Apply(pc, nil, &cfg); err != nil {
		tb.Fatal(err)
	}
	r, err := ai.NewRecommender(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return r, a, o
}

// TestSandboxProvidersInParallel: each simulator holds its request until the
// other has one too, so a recommendation served by both proves the two
// calls over real HTTP were in flight at once (one after the other, the
// first would give up at the barrier and the answer would fall back). The
// latency figures live in BenchmarkRecommendSandbox.
func TestSandboxProvidersInParallel(t *testing.T) {
	meet := barrier.New("anthropic", "openai")
	r, _, _ := sandboxesMeeting(t, meet, aisim.Faults{}, aisim.Faults{}, ai.Config{})
	doc, err := r.Recommend(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !meet.Met() {
		t.Error("the two provider requests were never in flight at once")
	}
	if doc.AIProvider != "anthropic+openai" {
		t.Fatalf("AIProvider = %q, want anthropic+openai", doc.AIProvider)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxFailuresFallBack(t *testing.T) {
	prev := func(context.Context, string) (ai.Recommendation, bool) { return ai.Recommendation{}, false }
	tests := []struct {
		name        string
		claude, gpt aisim.Faults
		want        string
	}{
		{"both healthy", aisim.Faults{}, aisim.Faults{}, "anthropic+openai"},
		{"both down (529 / 500)", aisim.Faults{ErrorRate: 1, ErrorStatus: 529}, aisim.Faults{ErrorRate: 1, ErrorStatus: 500}, "local-fallback"},
		{"claude rate limited", aisim.Faults{ErrorRate: 1, ErrorStatus: 429, RetryAfter: time.Second}, aisim.Faults{}, "local-fallback+openai"},
		{"gpt down", aisim.Faults{}, aisim.Faults{ErrorRate: 1, ErrorStatus: 503}, "anthropic+local-copy"},
		{"malformed once, repaired", aisim.Faults{MalformedRate: 1}, aisim.Faults{MalformedRate: 1}, "anthropic+openai"},
		{"malformed always", aisim.Faults{MalformedRate: 1, MalformedRepairs: true}, aisim.Faults{MalformedRate: 1, MalformedRepairs: true}, "local-fallback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, a, o := sandboxes(t, tt.claude, tt.gpt, ai.Config{Previous: prev})
			doc, err := r.Recommend(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if doc.AIProvider != tt.want {
				t.Errorf("AIProvider = %q, want %q", doc.AIProvider, tt.want)
			}
			if err := doc.Validate(); err != nil || len(doc.Recommendations) != 3 {
				t.Errorf("document: %d options, %v", len(doc.Recommendations), err)
			}
			t.Logf("claude %+v, gpt %+v", a.Stats(), o.Stats())
		})
	}
}

// BenchmarkRecommendSandbox measures a remote recommendation against the
// sandboxes. Latencies come from AUTOEVENT_BENCH_CLAUDE_LATENCY and
// AUTOEVENT_BENCH_GPT_LATENCY (default 500ms / 400ms); the seed bar is
// 5s / 4s → ≤ 5.3s:
//
//	AUTOEVENT_BENCH_CLAUDE_LATENCY=5s AUTOEVENT_BENCH_GPT_LATENCY=4s \
//	  go test -run '^$' -bench RecommendSandbox -benchtime 3x ./internal/ai/
func BenchmarkRecommendSandbox(b *testing.B) {
	dur := func(env string, def time.Duration) time.Duration {
		if v := os.Getenv(env); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				b.Fatalf("%s: %v", env, err)
			}
			return d
		}
		return def
	}
	claude := dur("AUTOEVENT_BENCH_CLAUDE_LATENCY", 500*time.Millisecond)
	gpt := dur("AUTOEVENT_BENCH_GPT_LATENCY", 400*time.Millisecond)
	r, _, _ := sandboxes(b, aisim.Faults{Latency: claude}, aisim.Faults{Latency: gpt}, ai.Config{})
	var worst time.Duration
	for b.Loop() {
		start := time.Now()
		doc, err := r.Recommend(context.Background(), req)
		if err != nil || doc.AIProvider != "anthropic+openai" {
			b.Fatalf("Recommend: %v (%s)", err, doc.AIProvider)
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	b.ReportMetric(float64((worst - max(claude, gpt)).Milliseconds()), "overhead-ms")
}
