package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/aisim"
	client "github.com/autoevent/autoevent/internal/ai/anthropic"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

func brief(t *testing.T) (ai.Prompt, []ai.Slot) {
	t.Helper()
	p, err := ai.NewPlanner(nil)
	if err != nil {
		t.Fatal(err)
	}
	req := ai.Request{EventID: "e1", StoreName: "빵굽는집", Industry: ai.IndustryBakery, Region: ai.Region{Sido: "대전", Sigungu: "유성구"},
		Purpose: messages.PurposeNewProduct, ReferenceDate: time.Date(2025, 12, 5, 0, 0, 0, 0, kst.Location)}
	a, draft := p.Plan(req)
	pr := ai.ProductsPrompt(req, a, draft)
	pr.MaxTokens = 4096
	return pr, ai.SlotsOf(draft)
}

func start(t *testing.T, cfg Config) (*Server, *client.Client) {
	t.Helper()
	s := New(cfg)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, err := client.New(client.Config{BaseURL: hs.URL, APIKey: "sk-sandbox"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestAnswersAValidPlan(t *testing.T) {
	_, c := start(t, Config{Faults: aisim.Faults{Latency: 50 * time.Millisecond}, Seed: 1})
	p, slots := brief(t)
	begin := time.Now()
	text, err := c.Complete(context.Background(), p)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if d := time.Since(begin); d < 50*time.Millisecond {
		t.Errorf("answered in %v, want at least the 50ms latency", d)
	}
	opts, err := ai.ParseProducts(text, slots)
	if err != nil {
		t.Fatalf("sandbox plan does not parse: %v", err)
	}
	if len(opts) != 3 || opts[0].Mechanics.Type != slots[0].MechanicsType {
		t.Errorf("options = %d, first mechanic %s", len(opts), opts[0].Mechanics.Type)
	}
}

func TestFailureInjection(t *testing.T) {
	tests := []struct {
		status    int
		wantType  string
		wantAfter time.Duration
	}{
		{529, "overloaded_error", 2 * time.Second},
		{429, "rate_limit_error", 2 * time.Second},
		{500, "api_error", 0},
	}
	for _, tt := range tests {
		s, c := start(t, Config{Faults: aisim.Faults{ErrorRate: 1, ErrorStatus: tt.status, RetryAfter: 1500 * time.Millisecond}})
		p, _ := brief(t)
		_, err := c.Complete(context.Background(), p)
		var pe *ai.ProviderError
		if !errors.As(err, &pe) || pe.StatusCode != tt.status || pe.Type != tt.wantType || pe.RetryAfter != tt.wantAfter {
			t.Errorf("status %d: err = %+v, want type %s retry-after %v", tt.status, err, tt.wantType, tt.wantAfter)
		}
		if st := s.Stats(); st.Requests != 1 || st.Errors != 1 {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestMalformedThenRepaired(t *testing.T) {
	s, c := start(t, Config{Faults: aisim.Faults{MalformedRate: 1}, Seed: 7})
	p, slots := brief(t)
	text, err := c.Complete(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	_, perr := ai.ParseProducts(text, slots)
	if !errors.Is(perr, ai.ErrInvalidOutput) {
		t.Fatalf("first answer parsed (%v); the sandbox should have spoiled it", perr)
	}
	text, err = c.Complete(context.Background(), ai.RepairPrompt(p, text, perr))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ai.ParseProducts(text, slots); err != nil {
		t.Errorf("repair answer invalid: %v", err)
	}
	if st := s.Stats(); st.Malformed != 1 || st.Requests != 2 {
		t.Errorf("stats = %+v, want 1 malformed of 2", st)
	}
}

func TestRejectsLikeTheAPI(t *testing.T) {
	s := New(Config{APIKey: "right"})
	good := `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`
	tests := []struct {
		name, path, key, version, body string
		status                         int
		errType                        string
	}{
		{"ok", "/v1/messages", "right", "2023-06-01", good, 200, ""},
		{"no key", "/v1/messages", "", "2023-06-01", good, 401, "authentication_error"},
		{"wrong key", "/v1/messages", "wrong", "2023-06-01", good, 401, "authentication_error"},
		{"no version", "/v1/messages", "right", "", good, 400, "invalid_request_error"},
		{"no max_tokens", "/v1/messages", "right", "2023-06-01", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, 400, "invalid_request_error"},
		{"assistant first", "/v1/messages", "right", "2023-06-01", `{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":"hi"}]}`, 400, "invalid_request_error"},
		{"block content", "/v1/messages", "right", "2023-06-01", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`, 200, ""},
		{"unknown path", "/v1/complete", "right", "2023-06-01", good, 404, "not_found_error"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
		req.Header.Set("content-type", "application/json")
		if tt.key != "" {
			req.Header.Set("x-api-key", tt.key)
		}
		if tt.version != "" {
			req.Header.Set("anthropic-version", tt.version)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		var body struct {
			Type  string `json:"type"`
			Error struct{ Type, Message string }
			Role  string `json:"role"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if tt.errType != "" && (body.Type != "error" || body.Error.Type != tt.errType) {
			t.Errorf("%s: body %s, want error type %s", tt.name, rec.Body, tt.errType)
		}
		if tt.status == 200 && (body.Type != "message" || body.Role != "assistant") {
			t.Errorf("%s: body %s, want a message", tt.name, rec.Body)
		}
	}
}
