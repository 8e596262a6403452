package ai

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/testenv/barrier"
)

// fakeModel answers like a model would: from the brief's reference, with a
// script of per-call behaviours ("ok", "garbage", "fail529", "hang").
type fakeModel struct {
	script []string // consumed in order; the last one repeats
	// meet, when set, holds each call at the barrier as party until every
	// party's call has started.
	meet  *barrier.Barrier
	party string
	calls atomic.Int32
	mu    sync.Mutex
	seen  []Prompt
	ended []error // the context's error for each call it ended
}

func (f *fakeModel) Complete(ctx context.Context, p Prompt) (string, error) {
	n := int(f.calls.Add(1)) - 1
	f.mu.Lock()
	f.seen = append(f.seen, p)
	f.mu.Unlock()
	step := f.script[min(n, len(f.script)-1)]
	if f.meet != nil {
		if err := f.meet.Arrive(ctx, f.party); err != nil {
			return "", err
		}
	}
	if step == "hang" {
		<-ctx.Done()
		f.mu.Lock()
		f.ended = append(f.ended, ctx.Err())
		f.mu.Unlock()
		return "", ctx.Err()
	}
	switch step {
	case "fail529":
		return "", &ProviderError{Provider: "fake", StatusCode: 529, Type: "overloaded_error"}
	case "garbage":
		return "죄송합니다, JSON을 만들 수 없습니다.", nil
	}
	b, err := ParseBrief(p.Messages[0].Content)
	if err != nil {
		return "", err
	}
	if b.Task == TaskCopy {
		var cs []map[string]any
		for _, o := range b.Reference {
			cs = append(cs, map[string]any{"optionNumber": o.OptionNumber, "headline": "GPT " + o.Copy.Headline,
				"body": o.Copy.Body, "hashtags": o.Copy.Hashtags})
		}
		raw, _ := json.Marshal(map[string]any{"copies": cs})
		return string(raw), nil
	}
	opts := b.Reference
	for i := range opts {
		opts[i].Title = "Claude " + opts[i].Title
	}
	raw, _ := json.Marshal(map[string]any{"recommendations": opts})
	return string(raw), nil
}

func newTestRecommender(t *testing.T, cfg Config) *Recommender {
	t.Helper()
	if cfg.Planner == nil {
		cfg.Planner = testPlanner(t)
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return refDate }
	}
	r, err := NewRecommender(cfg)
	if err != nil {
		t.Fatalf("NewRecommender: %v", err)
	}
	return r
}

func TestRecommendProviders(t *testing.T) {
	prev := validDoc(t)
	prev.EventID = baseRequest().EventID
	prev.Recommendations[0].Title = "지난번 추천"
	previous := func(context.Context, string) (Recommendation, bool) { return prev, true }

	tests := []struct {
		name         string
		products     []string // nil: no product provider
		copy         []string // nil: no copy provider
		previous     PreviousFunc
		wantProvider string
		wantTitle    string // prefix of option 1's title
		wantHeadline string // prefix of option 1's headline
		wantCalls    [2]int32
	}{
		{"local only", nil, nil, nil, "local", "", "", [2]int32{0, 0}},
		{"both ok", []string{"ok"}, []string{"ok"}, nil, "anthropic+openai", "Claude ", "GPT ", [2]int32{1, 1}},
		{"repair products", []string{"garbage", "ok"}, []string{"ok"}, nil, "anthropic+openai", "Claude ", "GPT ", [2]int32{2, 1}},
		{"repair copy", []string{"ok"}, []string{"garbage", "ok"}, nil, "anthropic+openai", "Claude ", "GPT ", [2]int32{1, 2}},
		{"copy fails", []string{"ok"}, []string{"fail529"}, nil, "anthropic+local-copy", "Claude ", "", [2]int32{1, 1}},
		{"copy invalid twice", []string{"ok"}, []string{"garbage"}, nil, "anthropic+local-copy", "Claude ", "", [2]int32{1, 2}},
		{"products fail, copy ok", []string{"fail529"}, []string{"ok"}, nil, "local-fallback+openai", "", "GPT ", [2]int32{1, 1}},
		{"products invalid twice", []string{"garbage"}, []string{"ok"}, nil, "local-fallback+openai", "", "GPT ", [2]int32{2, 1}},
		{"both fail", []string{"fail529"}, []string{"fail529"}, nil, "local-fallback", "", "", [2]int32{1, 1}},
		{"both fail, previous result", []string{"fail529"}, []string{"fail529"}, previous, "cache-fallback", "지난번 추천", "", [2]int32{1, 1}},
		{"products ok ignores previous", []string{"ok"}, []string{"ok"}, previous, "anthropic+openai", "Claude ", "GPT ", [2]int32{1, 1}},
		{"copy provider only", nil, []string{"ok"}, nil, "local+openai", "", "GPT ", [2]int32{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Previous: tt.previous}
			var pm, cm *fakeModel
			if tt.products != nil {
				pm = &fakeModel{script: tt.products}
				cfg.Products = pm
			}
			if tt.copy != nil {
				cm = &fakeModel{script: tt.copy}
				cfg.Copy = cm
			}
			var attempts []Attempt
			var mu sync.Mutex
			cfg.Observe = func(a Attempt) { mu.Lock(); attempts = append(attempts, a); mu.Unlock() }
			r := newTestRecommender(t, cfg)
			doc, err := r.Recommend(context.Background(), baseRequest())
			if err != nil {
				t.Fatalf("Recommend: %v", err)
			}
			if doc.AIProvider != tt.wantProvider {
				t.Errorf("AIProvider = %q, want %q", doc.AIProvider, tt.wantProvider)
			}
			if err := doc.Validate(); err != nil {
				t.Errorf("document invalid: %v", err)
			}
			if len(doc.Recommendations) != 3 {
				t.Fatalf("got %d options, want 3", len(doc.Recommendations))
			}
			o := doc.Recommendations[0]
			if !strings.HasPrefix(o.Title, tt.wantTitle) || (tt.wantTitle == "" && strings.HasPrefix(o.Title, "Claude")) {
				t.Errorf("option 1 title = %q, want prefix %q", o.Title, tt.wantTitle)
			}
			if !strings.HasPrefix(o.Copy.Headline, tt.wantHeadline) || (tt.wantHeadline == "" && strings.HasPrefix(o.Copy.Headline, "GPT")) {
				t.Errorf("option 1 headline = %q, want prefix %q", o.Copy.Headline, tt.wantHeadline)
			}
			var calls [2]int32
			if pm != nil {
				calls[0] = pm.calls.Load()
			}
			if cm != nil {
				calls[1] = cm.calls.Load()
			}
			if calls != tt.wantCalls {
				t.Errorf("calls (products, copy) = %v, want %v", calls, tt.wantCalls)
			}
			if int32(len(attempts)) != calls[0]+calls[1] {
				t.Errorf("observed %d attempts, want %d", len(attempts), calls[0]+calls[1])
			}
		})
	}
}

func TestRecommendRepairSendsTheProblem(t *testing.T) {
	pm := &fakeModel{script: []string{"garbage", "ok"}}
	r := newTestRecommender(t, Config{Products: pm})
	if _, err := r.Recommend(context.Background(), baseRequest()); err != nil {
		t.Fatal(err)
	}
	if len(pm.seen) != 2 {
		t.Fatalf("products calls = %d, want 2", len(pm.seen))
	}
	rep := pm.seen[1].Messages
	if len(rep) != 3 || rep[1].Role != RoleAssistant || !strings.Contains(rep[1].Content, "죄송합니다") ||
		!strings.Contains(rep[2].Content, "no JSON object") {
		t.Errorf("repair turn = %+v, want the bad answer echoed and the problem named", rep)
	}
	if pm.seen[0].MaxTokens != 4096 {
		t.Errorf("products MaxTokens = %d, want 4096", pm.seen[0].MaxTokens)
	}
}

// TestRecommendRunsProvidersInParallel: each fake blocks until the other
// has been entered, so the recommendation completes through both providers
// only if both calls are in flight at once; called one after the other, the
// first gives up at the barrier's guard and the answer falls back.
func TestRecommendRunsProvidersInParallel(t *testing.T) {
	meet := barrier.New("products", "copy")
	pm := &fakeModel{script: []string{"ok"}, meet: meet, party: "products"}
	cm := &fakeModel{script: []string{"ok"}, meet: meet, party: "copy"}
	r := newTestRecommender(t, Config{Products: pm, Copy: cm})
	doc, err := r.Recommend(context.Background(), baseRequest())
	if err != nil {
		t.Fatal(err)
	}
	if !meet.Met() {
		t.Error("the two provider calls were never in flight at once")
	}
	if doc.AIProvider != "anthropic+openai" {
		t.Fatalf("AIProvider = %q, want anthropic+openai", doc.AIProvider)
	}
}

// TestRecommendTimeoutFallsBack: providers that never answer are cut off by
// the Timeout (their contexts end with DeadlineExceeded) and the local plan
// is served. The 10 s wait only guards against a hang.
func TestRecommendTimeoutFallsBack(t *testing.T) {
	pm := &fakeModel{script: []string{"hang"}}
	cm := &fakeModel{script: []string{"hang"}}
	r := newTestRecommender(t, Config{Products: pm, Copy: cm, Timeout: 100 * time.Millisecond})
	type result struct {
		doc Recommendation
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := r.Recommend(context.Background(), baseRequest())
		done <- result{doc, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Recommend still running 10 s after its 100 ms timeout")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.doc.AIProvider != ProviderLocalFallback {
		t.Errorf("AIProvider = %q, want local-fallback", res.doc.AIProvider)
	}
	for name, m := range map[string]*fakeModel{"products": pm, "copy": cm} {
		m.mu.Lock()
		ended := slices.Clone(m.ended)
		m.mu.Unlock()
		if len(ended) == 0 || !errors.Is(ended[0], context.DeadlineExceeded) {
			t.Errorf("%s call ended with %v, want its context cut by the timeout (DeadlineExceeded)", name, ended)
		}
	}
}

func TestRecommendCallerCancel(t *testing.T) {
	pm := &fakeModel{script: []string{"hang"}}
	r := newTestRecommender(t, Config{Products: pm})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := r.Recommend(ctx, baseRequest()); !errors.Is(err, context.Canceled) {
		t.Errorf("Recommend after cancel = %v, want context.Canceled", err)
	}
}

func TestRecommendWrapperSeesEveryCall(t *testing.T) {
	var mu sync.Mutex
	systems := map[string]int{}
	wrap := func(ctx context.Context, system string, call func(context.Context) error) error {
		mu.Lock()
		systems[system]++
		mu.Unlock()
		return call(ctx)
	}
	r := newTestRecommender(t, Config{
		Products: &fakeModel{script: []string{"garbage", "ok"}},
		Copy:     &fakeModel{script: []string{"ok"}},
		Wrap:     wrap,
	})
	if _, err := r.Recommend(context.Background(), baseRequest()); err != nil {
		t.Fatal(err)
	}
	if systems["anthropic"] != 2 || systems["openai"] != 1 {
		t.Errorf("wrapper calls = %v, want anthropic:2 openai:1", systems)
	}
}

func TestRecommendRejectsBadRequest(t *testing.T) {
	r := newTestRecommender(t, Config{})
	req := baseRequest()
	req.Purpose = "PARTY"
	if _, err := r.Recommend(context.Background(), req); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Recommend(bad purpose) = %v, want ErrInvalidRequest", err)
	}
}

func TestRecommendLocalSetsTimes(t *testing.T) {
	r := newTestRecommender(t, Config{TTL: 2 * time.Hour})
	req := baseRequest()
	req.ReferenceDate = time.Time{}
	doc, err := r.Recommend(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.GeneratedAt.Equal(refDate) || !doc.ExpiresAt.Equal(refDate.Add(2*time.Hour)) {
		t.Errorf("generatedAt %v expiresAt %v, want %v and +2h", doc.GeneratedAt, doc.ExpiresAt, refDate)
	}
	if doc.EventID != req.EventID {
		t.Errorf("eventId = %q, want %q", doc.EventID, req.EventID)
	}
}
