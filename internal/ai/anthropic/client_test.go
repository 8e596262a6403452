package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
)

var prompt = ai.Prompt{
	System:    "시스템 지시",
	Messages:  []ai.Message{{Role: ai.RoleUser, Content: "기획안을 JSON으로"}, {Role: ai.RoleAssistant, Content: "{"}, {Role: ai.RoleUser, Content: "다시"}},
	MaxTokens: 1234,
}

// A real-shaped Messages API answer: two text blocks and a non-text block.
const okAnswer = `{
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5-20250929",
  "content": [
    {"type": "text", "text": "{\"recommendations\":"},
    {"type": "thinking", "thinking": "ignored", "signature": "x"},
    {"type": "text", "text": "[]}"}
  ],
  "stop_reason": "end_turn",
  "stop_sequence": null,
  "usage": {"input_tokens": 2095, "output_tokens": 503}
}`

func newClient(t *testing.T, url string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url, APIKey: "sk-ant-test", Model: "claude-test"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestCompleteRequestContract(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		checks := []struct{ name, got, want string }{
			{"method", r.Method, http.MethodPost},
			{"path", r.URL.Path, "/v1/messages"},
			{"x-api-key", r.Header.Get("x-api-key"), "sk-ant-test"},
			{"anthropic-version", r.Header.Get("anthropic-version"), "2023-06-01"},
			{"content-type", r.Header.Get("content-type"), "application/json"},
			{"authorization (must be absent)", r.Header.Get("Authorization"), ""},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		want := map[string]any{
			"model":      "claude-test",
			"max_tokens": float64(1234),
			"system":     "시스템 지시",
			"messages": []any{
				map[string]any{"role": "user", "content": "기획안을 JSON으로"},
				map[string]any{"role": "assistant", "content": "{"},
				map[string]any{"role": "user", "content": "다시"},
			},
		}
		if !reflect.DeepEqual(body, want) {
			t.Errorf("body = %v\nwant   %v", body, want)
		}
		w.Header().Set("content-type", "application/json")
		io.WriteString(w, okAnswer)
	}))
	defer srv.Close()

	got, err := newClient(t, srv.URL).Complete(context.Background(), prompt)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if got != `{"recommendations":[]}` {
		t.Errorf("text = %q, want the joined text blocks", got)
	}
}

func TestCompleteDefaults(t *testing.T) {
	var body MessagesRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/messages" {
			t.Errorf("path = %q", r.URL.Path)
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		io.WriteString(w, okAnswer)
	}))
	defer srv.Close()
	// A base URL given with /v1 must not double it.
	c, err := New(Config{BaseURL: srv.URL + "/v1/", APIKey: "k"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Complete(context.Background(), ai.Prompt{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}}); err != nil {
		t.Fatal(err)
	}
	if body.Model != DefaultModel || body.MaxTokens != DefaultMaxTokens || body.System != "" {
		t.Errorf("defaults: model %q max_tokens %d system %q", body.Model, body.MaxTokens, body.System)
	}
}

func TestCompleteErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		wantType  string
		wantCode  string
		wantRetry bool
		wantAfter time.Duration
	}{
		{"rate limited", 429, map[string]string{"retry-after": "7"},
			`{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}`,
			"rate_limit_error", "", true, 7 * time.Second},
		{"spend limit", 429, nil,
			`{"type":"error","error":{"type":"rate_limit_error","message":"spend limit","details":{"error_code":"enforced_spend_limit_reached"}}}`,
			"rate_limit_error", "enforced_spend_limit_reached", false, 0},
		{"overloaded", 529, map[string]string{"retry-after": "2"},
			`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}`,
			"overloaded_error", "", true, 2 * time.Second},
		{"overloaded without retry-after", 529, nil,
			`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, "overloaded_error", "", true, 0},
		{"api error", 500, nil, `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`, "api_error", "", true, 0},
		{"bad request", 400, nil, `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}`, "invalid_request_error", "", false, 0},
		{"auth", 401, nil, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`, "authentication_error", "", false, 0},
		{"proxy html", 502, nil, `<html><body>Bad Gateway</body></html>`, "Bad Gateway", "", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			_, err := newClient(t, srv.URL).Complete(context.Background(), prompt)
			var pe *ai.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want *ai.ProviderError", err)
			}
			if pe.Provider != "anthropic" || pe.StatusCode != tt.status || pe.Type != tt.wantType || pe.Code != tt.wantCode {
				t.Errorf("error = %+v, want status %d type %q code %q", pe, tt.status, tt.wantType, tt.wantCode)
			}
			if pe.Retryable() != tt.wantRetry || pe.RetryAfter != tt.wantAfter {
				t.Errorf("retryable %v after %v, want %v after %v", pe.Retryable(), pe.RetryAfter, tt.wantRetry, tt.wantAfter)
			}
			if strings.Contains(err.Error(), "Number of request tokens") {
				t.Errorf("Error() leaks the provider message: %q", err)
			}
		})
	}
}

func TestCompleteRejectsBadInput(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1")
	if _, err := c.Complete(context.Background(), ai.Prompt{Messages: []ai.Message{{Role: ai.RoleAssistant, Content: "x"}}}); !errors.Is(err, ai.ErrInvalidRequest) {
		t.Errorf("assistant-first prompt: err = %v, want ErrInvalidRequest", err)
	}
	for _, cfg := range []Config{{APIKey: ""}, {APIKey: "k", BaseURL: "ftp://x"}, {APIKey: "k", MaxTokens: -1}} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}

func TestCompleteHonoursContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := newClient(t, srv.URL).Complete(ctx, prompt); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}
