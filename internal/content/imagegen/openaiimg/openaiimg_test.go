package openaiimg

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content/imagegen"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	imagesim "github.com/autoevent/autoevent/internal/sandbox/imagegen"
)

func pngB64(t *testing.T, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func TestExactContract(t *testing.T) {
	tests := []struct {
		model    string
		w, h     int
		wantBody map[string]any
	}{
		{"gpt-image-1", 1080, 1920, map[string]any{"model": "gpt-image-1", "n": 1.0, "size": "1024x1536", "output_format": "png", "quality": "medium"}},
		{"gpt-image-1", 1920, 1080, map[string]any{"model": "gpt-image-1", "n": 1.0, "size": "1536x1024", "output_format": "png", "quality": "medium"}},
		{"dall-e-3", 1080, 1920, map[string]any{"model": "dall-e-3", "n": 1.0, "size": "1024x1792", "response_format": "b64_json", "quality": "hd"}},
		{"dall-e-3", 1080, 1080, map[string]any{"model": "dall-e-3", "n": 1.0, "size": "1024x1024", "response_format": "b64_json", "quality": "hd"}},
	}
	for _, tt := range tests {
		t.Run(tt.model+"/"+tt.wantBody["size"].(string), func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/v1/images/generations" {
					t.Errorf("request %s %s", r.Method, r.URL.Path)
				}
				if r.Header.Get("Authorization") != "Bearer sk-live" || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("headers %v", r.Header)
				}
				if r.Header.Get("OpenAI-Organization") != "org-1" {
					t.Errorf("organization %q", r.Header.Get("OpenAI-Organization"))
				}
				raw, _ := io.ReadAll(r.Body)
				var body map[string]any
				if err := json.Unmarshal(raw, &body); err != nil {
					t.Fatal(err)
				}
				prompt, _ := body["prompt"].(string)
				if !strings.HasPrefix(prompt, "a calm cafe") || !strings.Contains(prompt, "Avoid: text, letters.") {
					t.Errorf("prompt %q lacks the prompt or the negative prompt", prompt)
				}
				delete(body, "prompt")
				if len(body) != len(tt.wantBody) {
					t.Errorf("body %v, want exactly %v", body, tt.wantBody)
				}
				for k, v := range tt.wantBody {
					if body[k] != v {
						t.Errorf("%s = %v, want %v", k, body[k], v)
					}
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"created":1,"data":[{"b64_json":"` + pngB64(t, 1024, 1536) + `"}]}`))
			}))
			defer ts.Close()
			// A BaseURL ending in /v1 works too (the chat client accepts both).
			c := New(Config{BaseURL: ts.URL + "/v1", APIKey: "sk-live", Model: tt.model, Quality: tt.wantBody["quality"].(string), Organization: "org-1"}, ts.Client())
			img, err := c.Generate(context.Background(), imagegen.Request{Prompt: "a calm cafe", NegativePrompt: "text, letters", Width: tt.w, Height: tt.h})
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
				t.Errorf("size %v, want %dx%d", b.Size(), tt.w, tt.h)
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		code       string
		retryable  bool
		sentinel   error
		retryAfter time.Duration
	}{
		{"bad size", 400, nil, `{"error":{"message":"Invalid value","type":"invalid_request_error","param":"size","code":"invalid_value"}}`, "invalid_value", false, nil, 0},
		{"refused", 400, nil, `{"error":{"message":"rejected by our safety system","type":"image_generation_user_error","param":null,"code":"moderation_blocked"}}`, "moderation_blocked", false, imagegen.ErrContentPolicy, 0},
		{"dall-e refused", 400, nil, `{"error":{"message":"x","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}`, "content_policy_violation", false, imagegen.ErrContentPolicy, 0},
		{"bad key", 401, nil, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, "invalid_api_key", false, nil, 0},
		{"not verified", 403, nil, `{"error":{"message":"organization must be verified","type":"invalid_request_error","param":null,"code":null}}`, "invalid_request_error", false, nil, 0},
		{"rate limit", 429, map[string]string{"Retry-After": "2", "Retry-After-Ms": "1500"}, `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`, "rate_limit_exceeded", true, nil, 1500 * time.Millisecond},
		{"quota", 429, nil, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`, "insufficient_quota", false, imagegen.ErrQuota, 0},
		{"server", 500, nil, `{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`, "server_error", true, nil, 0},
		{"overloaded", 503, map[string]string{"Retry-After": "7"}, `{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}`, "server_error", true, nil, 7 * time.Second},
		{"no image", 200, nil, `{"created":1,"data":[{"url":"https://example.com/a.png"}]}`, "bad_answer", false, nil, 0},
		{"not json", 200, nil, `<html>`, "bad_answer", false, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			_, err := New(Config{BaseURL: ts.URL, APIKey: "k"}, ts.Client()).
				Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 10, Height: 10})
			var pe *imagegen.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ProviderError", err)
			}
			wantStatus := tt.status
			if wantStatus == 200 {
				wantStatus = 0
			}
			if pe.Provider != "openai" || pe.StatusCode != wantStatus || pe.Code != tt.code || pe.RetryAfter != tt.retryAfter {
				t.Errorf("got %+v, want status %d code %q retry-after %v", pe, wantStatus, tt.code, tt.retryAfter)
			}
			if pe.Retryable() != tt.retryable || resilience.IsRetryable(err) != tt.retryable {
				t.Errorf("retryable %v / policy %v, want %v", pe.Retryable(), resilience.IsRetryable(err), tt.retryable)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("%v is not %v", err, tt.sentinel)
			}
		})
	}
}

func TestNearestSize(t *testing.T) {
	for _, tt := range []struct {
		model string
		w, h  int
		want  string
	}{
		{"gpt-image-1", 1080, 1080, "1024x1024"}, {"gpt-image-1", 1080, 1350, "1024x1536"},
		{"gpt-image-1", 1080, 1920, "1024x1536"}, {"gpt-image-1.5", 1920, 1080, "1536x1024"},
		{"dall-e-3", 1920, 1080, "1792x1024"}, {"dall-e-3", 2480, 3508, "1024x1792"}, {"dall-e-2", 1920, 1080, "1024x1024"},
	} {
		if got := NearestSize(tt.model, tt.w, tt.h).String(); got != tt.want {
			t.Errorf("NearestSize(%s, %d, %d) = %s, want %s", tt.model, tt.w, tt.h, got, tt.want)
		}
	}
	if err := (Config{APIKey: "k", Model: "midjourney"}).Validate(); err == nil {
		t.Error("unknown model accepted")
	}
}

func TestAgainstTheSimulator(t *testing.T) {
	sim := imagesim.New(imagesim.Config{APIKey: "sk-sim", Seed: 2})
	ts := httptest.NewServer(http.StripPrefix("/sim", sim))
	defer ts.Close()
	prompt, neg := imagegen.Prompt("trendy", "FLOWER", "봄맞이 할인", "전 품목 10%")
	req := imagegen.Request{Prompt: prompt, NegativePrompt: neg, Width: 480, Height: 270, Style: "trendy"}
	for _, model := range []string{"gpt-image-1", "dall-e-3"} {
		img, err := New(Config{BaseURL: ts.URL + "/sim/openai", APIKey: "sk-sim", Model: model}, ts.Client()).
			Generate(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		if b := img.Bounds(); b.Dx() != 480 || b.Dy() != 270 {
			t.Errorf("%s: size %v", model, b.Size())
		}
	}
	_, err := New(Config{BaseURL: ts.URL + "/sim/openai", APIKey: "sk-wrong"}, ts.Client()).Generate(context.Background(), req)
	var pe *imagegen.ProviderError
	if !errors.As(err, &pe) || pe.StatusCode != 401 || pe.Code != "invalid_api_key" || resilience.IsRetryable(err) {
		t.Errorf("wrong key: %v, want a final 401 invalid_api_key", err)
	}
	c := New(Config{BaseURL: ts.URL + "/sim/openai", APIKey: "sk-sim"}, ts.Client())
	sim.SetFaults(imagesim.Faults{ErrorRate: 1, ErrorStatus: 429, RetryAfter: 3 * time.Second})
	_, err = c.Generate(context.Background(), req)
	if !errors.As(err, &pe) || pe.StatusCode != 429 || pe.RetryAfter != 3*time.Second || !resilience.IsRetryable(err) {
		t.Errorf("rate limited: %v (%+v), want retryable with 3s", err, pe)
	}
	sim.SetFaults(imagesim.Faults{ErrorRate: 1, ErrorStatus: 502})
	_, err = c.Generate(context.Background(), req)
	if !errors.As(err, &pe) || pe.StatusCode != 502 || !resilience.IsRetryable(err) {
		t.Errorf("502: %v, want retryable", err)
	}
	sim.SetFaults(imagesim.Faults{})
	_, err = c.Generate(context.Background(), imagegen.Request{Prompt: "sandbox-blocked", Width: 64, Height: 64})
	if !errors.Is(err, imagegen.ErrContentPolicy) || resilience.IsRetryable(err) {
		t.Errorf("blocked prompt: %v", err)
	}
}
