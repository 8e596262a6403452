package openai

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
)

var schema = &ai.JSONSchema{Name: "event_copies", Strict: true, Schema: map[string]any{
	"type": "object", "properties": map[string]any{"copies": map[string]any{"type": "array"}},
	"required": []any{"copies"}, "additionalProperties": false,
}}

var prompt = ai.Prompt{
	System:    "카피라이터 지시",
	Messages:  []ai.Message{{Role: ai.RoleUser, Content: "홍보 문구를 JSON으로"}},
	MaxTokens: 800,
	Schema:    schema,
}

// A real-shaped Chat Completions answer.
const okAnswer = `{
  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  "object": "chat.completion",
  "created": 1741569952,
  "model": "gpt-4o-2024-08-06",
  "choices": [{
    "index": 0,
    "message": {"role": "assistant", "content": "{\"copies\":[]}", "refusal": null, "annotations": []},
    "logprobs": null,
    "finish_reason": "stop"
  }],
  "usage": {"prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29},
  "service_tier": "default",
  "system_fingerprint": "fp_50cad350e4"
}`

func decode(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	raw, _ := io.ReadAll(r.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	return m
}

func TestCompleteRequestContract(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		prompt ai.Prompt
		path   string // server mount, e.g. a compatible server under a prefix
		want   map[string]any
		auth   string
	}{
		{
			name: "openai json_schema", cfg: Config{APIKey: "sk-test", Model: "gpt-4o"}, prompt: prompt,
			auth: "Bearer sk-test",
			want: map[string]any{
				"model": "gpt-4o",
				"messages": []any{
					map[string]any{"role": "system", "content": "카피라이터 지시"},
					map[string]any{"role": "user", "content": "홍보 문구를 JSON으로"},
				},
				"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
					"name": "event_copies", "strict": true, "schema": map[string]any{
						"type": "object", "properties": map[string]any{"copies": map[string]any{"type": "array"}},
						"required": []any{"copies"}, "additionalProperties": false,
					}}},
				"max_completion_tokens": float64(800),
			},
		},
		{
			name:   "json_object without schema, max_tokens field, compatible server under /v1 prefix, no key",
			cfg:    Config{Model: "qwen2.5:7b", ResponseFormat: FormatJSONObject, MaxTokensField: "max_tokens"},
			prompt: ai.Prompt{Messages: []ai.Message{{Role: ai.RoleUser, Content: "JSON please"}}, MaxTokens: 64, Schema: schema},
			path:   "/v1",
			want: map[string]any{
				"model":           "qwen2.5:7b",
				"messages":        []any{map[string]any{"role": "user", "content": "JSON please"}},
				"response_format": map[string]any{"type": "json_object"},
				"max_tokens":      float64(64),
			},
		},
		{
			name: "no response_format", cfg: Config{APIKey: "k", Model: "m", ResponseFormat: FormatNone}, path: "/llm",
			prompt: ai.Prompt{Messages: []ai.Message{{Role: ai.RoleUser, Content: "x"}}}, auth: "Bearer k",
			want: map[string]any{"model": "m", "messages": []any{map[string]any{"role": "user", "content": "x"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				wantPath := "/v1/chat/completions"
				if tt.path == "/llm" {
					wantPath = "/llm/v1/chat/completions"
				}
				if r.Method != http.MethodPost || r.URL.Path != wantPath {
					t.Errorf("%s %s, want POST %s", r.Method, r.URL.Path, wantPath)
				}
				if got := r.Header.Get("Authorization"); got != tt.auth {
					t.Errorf("Authorization = %q, want %q", got, tt.auth)
				}
				if got := r.Header.Get("Content-Type"); got != "application/json" {
					t.Errorf("Content-Type = %q", got)
				}
				if body := decode(t, r); !reflect.DeepEqual(body, tt.want) {
					t.Errorf("body = %v\nwant   %v", body, tt.want)
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, okAnswer)
			}))
			defer srv.Close()
			cfg := tt.cfg
			cfg.BaseURL = srv.URL + tt.path
			c, err := New(cfg, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got, err := c.Complete(context.Background(), tt.prompt)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if got != `{"copies":[]}` {
				t.Errorf("content = %q", got)
			}
		})
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
		{"rate limited", 429, map[string]string{"retry-after": "3", "x-ratelimit-reset-requests": "3s"},
			`{"error":{"message":"Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 500, Used 500, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
			"requests", "rate_limit_exceeded", true, 3 * time.Second},
		{"retry-after-ms", 429, map[string]string{"retry-after-ms": "1500", "retry-after": "2"},
			`{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
			"requests", "rate_limit_exceeded", true, 1500 * time.Millisecond},
		{"quota", 429, nil,
			`{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`,
			"insufficient_quota", "insufficient_quota", false, 0},
		{"server error", 500, nil, `{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`, "server_error", "", true, 0},
		{"unavailable", 503, map[string]string{"retry-after": "1"}, `{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}`, "server_error", "", true, time.Second},
		{"bad key", 401, nil, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, "invalid_request_error", "invalid_api_key", false, 0},
		{"numeric code (compatible server)", 400, nil, `{"error":{"message":"bad","type":"BadRequestError","param":null,"code":400}}`, "BadRequestError", "400", false, 0},
		{"plain text", 502, nil, `upstream connect error`, "Bad Gateway", "", true, 0},
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
			c, _ := New(Config{BaseURL: srv.URL, APIKey: "k"}, nil)
			_, err := c.Complete(context.Background(), prompt)
			var pe *ai.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want *ai.ProviderError", err)
			}
			if pe.Provider != "openai" || pe.StatusCode != tt.status || pe.Type != tt.wantType || pe.Code != tt.wantCode {
				t.Errorf("error = %+v, want status %d type %q code %q", pe, tt.status, tt.wantType, tt.wantCode)
			}
			if pe.Retryable() != tt.wantRetry || pe.RetryAfter != tt.wantAfter {
				t.Errorf("retryable %v after %v, want %v after %v", pe.Retryable(), pe.RetryAfter, tt.wantRetry, tt.wantAfter)
			}
		})
	}
}

func TestCompleteOddAnswers(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
	}{
		{"refusal", `{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}`, ai.ErrInvalidOutput},
		{"null content", `{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}`, ai.ErrInvalidOutput},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, tt.body) }))
		c, _ := New(Config{BaseURL: srv.URL}, nil)
		_, err := c.Complete(context.Background(), prompt)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		srv.Close()
	}
	// No choices at all is a broken response, not model output.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"choices":[]}`) }))
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL}, nil)
	var pe *ai.ProviderError
	if _, err := c.Complete(context.Background(), prompt); !errors.As(err, &pe) || pe.Type != "invalid_response" {
		t.Errorf("empty choices: err = %v, want invalid_response ProviderError", err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []Config{
		{}, // api.openai.com needs a key
		{BaseURL: "localhost:8080"},
		{BaseURL: "http://x", ResponseFormat: "yaml"},
		{BaseURL: "http://x", MaxTokensField: "tokens"},
	} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}
