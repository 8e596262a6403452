package openai

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
	client "github.com/autoevent/autoevent/internal/ai/openai"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

func copyPrompt(t *testing.T) ai.Prompt {
	t.Helper()
	p, err := ai.NewPlanner(nil)
	if err != nil {
		t.Fatal(err)
	}
	req := ai.Request{EventID: "e1", StoreName: "꽃피는날", Industry: ai.IndustryFlower, Region: ai.Region{Sido: "서울", Sigungu: "마포구"},
		Purpose: messages.PurposeSales, ReferenceDate: time.Date(2026, 4, 25, 0, 0, 0, 0, kst.Location)}
	a, draft := p.Plan(req)
	return ai.CopyPrompt(req, a, draft)
}

func start(t *testing.T, cfg Config, format string) (*Server, *client.Client) {
	t.Helper()
	s := New(cfg)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, err := client.New(client.Config{BaseURL: hs.URL, APIKey: "sk-sandbox", Model: "gpt-4o", ResponseFormat: format}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestAnswersValidCopy(t *testing.T) {
	for _, format := range []string{client.FormatJSONSchema, client.FormatJSONObject, client.FormatNone} {
		_, c := start(t, Config{APIKey: "sk-sandbox", Faults: aisim.Faults{Latency: 30 * time.Millisecond}, Seed: 3}, format)
		text, err := c.Complete(context.Background(), copyPrompt(t))
		if err != nil {
			t.Fatalf("%s: Complete: %v", format, err)
		}
		copies, err := ai.ParseCopies(text)
		if err != nil {
			t.Fatalf("%s: sandbox copy does not parse: %v", format, err)
		}
		if copies[0].Headline == "" || len(copies[2].Hashtags) == 0 {
			t.Errorf("%s: copies = %+v", format, copies)
		}
	}
}

func TestFailureInjection(t *testing.T) {
	tests := []struct {
		status    int
		wantCode  string
		wantAfter time.Duration
	}{
		{429, "rate_limit_exceeded", 1500 * time.Millisecond},
		{503, "server_error", 1500 * time.Millisecond},
		{500, "server_error", 0},
	}
	for _, tt := range tests {
		s, c := start(t, Config{Faults: aisim.Faults{ErrorRate: 1, ErrorStatus: tt.status, RetryAfter: 1500 * time.Millisecond}}, "")
		_, err := c.Complete(context.Background(), copyPrompt(t))
		var pe *ai.ProviderError
		if !errors.As(err, &pe) || pe.StatusCode != tt.status || pe.Code != tt.wantCode || pe.RetryAfter != tt.wantAfter {
			t.Errorf("status %d: err = %+v, want code %s retry-after %v", tt.status, err, tt.wantCode, tt.wantAfter)
		}
		if st := s.Stats(); st.Errors != 1 {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestMalformedEveryTime(t *testing.T) {
	s, c := start(t, Config{Faults: aisim.Faults{MalformedRate: 1, MalformedRepairs: true}, Seed: 5}, "")
	p := copyPrompt(t)
	for i := range 2 {
		text, err := c.Complete(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		_, perr := ai.ParseCopies(text)
		if !errors.Is(perr, ai.ErrInvalidOutput) {
			t.Fatalf("attempt %d parsed; want spoiled output", i)
		}
		p = ai.RepairPrompt(p, text, perr)
	}
	if st := s.Stats(); st.Malformed != 2 {
		t.Errorf("stats = %+v, want 2 malformed", st)
	}
}

func TestRejectsLikeTheAPI(t *testing.T) {
	s := New(Config{APIKey: "k"})
	tests := []struct {
		name, path, auth, body string
		status                 int
	}{
		{"ok", "/v1/chat/completions", "Bearer k", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, 200},
		{"bad key", "/v1/chat/completions", "Bearer x", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, 401},
		{"no model", "/v1/chat/completions", "Bearer k", `{"messages":[{"role":"user","content":"hi"}]}`, 400},
		{"json mode without the word", "/v1/chat/completions", "Bearer k", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}`, 400},
		{"schema without name", "/v1/chat/completions", "Bearer k", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"schema":{}}}}`, 400},
		{"bad role", "/v1/chat/completions", "Bearer k", `{"model":"m","messages":[{"role":"robot","content":"hi"}]}`, 400},
		{"unknown path", "/v1/completions", "Bearer k", `{}`, 404},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
		req.Header.Set("Authorization", tt.auth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if tt.status == 200 && body["object"] != "chat.completion" {
			t.Errorf("%s: body %s", tt.name, rec.Body)
		}
		if tt.status != 200 {
			if e, ok := body["error"].(map[string]any); !ok || e["message"] == "" {
				t.Errorf("%s: error body %s", tt.name, rec.Body)
			}
		}
	}
}
