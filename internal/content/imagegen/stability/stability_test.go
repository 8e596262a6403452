package stability

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"mime"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content/imagegen"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	imagesim "github.com/autoevent/autoevent/internal/sandbox/imagegen"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExactContract checks the request as the API reference describes it
// and the handling of the documented answer.
func TestExactContract(t *testing.T) {
	answer := pngBytes(t, 768, 1344)
	var calls int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Method != http.MethodPost || r.URL.Path != "/v2beta/stable-image/generate/core" {
			t.Errorf("request %s %s, want POST /v2beta/stable-image/generate/core", r.Method, r.URL.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer sk-live" {
			t.Errorf("authorization %q", got)
		}
		if got := r.Header.Get("Accept"); got != "image/*" {
			t.Errorf("accept %q, want image/*", got)
		}
		if got := r.Header.Get("Stability-Client-ID"); got != "autoevent" {
			t.Errorf("stability-client-id %q", got)
		}
		mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "multipart/form-data" || params["boundary"] == "" {
			t.Errorf("content-type %q, want multipart/form-data with a boundary", r.Header.Get("Content-Type"))
		}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"prompt": "a calm cafe", "negative_prompt": "text, letters", "aspect_ratio": "9:16",
			"output_format": "png", "seed": "42", "style_preset": "photographic"}
		var names []string
		for k, v := range r.MultipartForm.Value {
			names = append(names, k)
			if len(v) != 1 || v[0] != want[k] {
				t.Errorf("field %s = %q, want %q", k, v, want[k])
			}
		}
		if len(names) != len(want) || len(r.MultipartForm.File) != 0 {
			t.Errorf("fields %v, want exactly %d text fields", names, len(want))
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Finish-Reason", "SUCCESS")
		w.Header().Set("Seed", "42")
		_, _ = w.Write(answer)
	}))
	defer ts.Close()
	c := New(Config{BaseURL: ts.URL, APIKey: "sk-live", ClientID: "autoevent",
		StylePresets: map[string]string{"simple": "photographic"}}, ts.Client())
	img, err := c.Generate(context.Background(), imagegen.Request{Prompt: "a calm cafe", NegativePrompt: "text, letters",
		Width: 1080, Height: 1920, Style: "simple", Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1080 || b.Dy() != 1920 || calls != 1 {
		t.Errorf("got %v after %d calls, want 1080x1920 after 1", b.Size(), calls)
	}
	if c.Name() != "stability" {
		t.Errorf("Name() = %q", c.Name())
	}
}

func TestSD3ModelGoesToTheSD3Service(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseMultipartForm(1 << 20)
		if r.URL.Path != "/v2beta/stable-image/generate/sd3" || r.PostFormValue("model") != "sd3.5-large" {
			t.Errorf("path %s model %q", r.URL.Path, r.PostFormValue("model"))
		}
		if _, ok := r.MultipartForm.Value["seed"]; ok {
			t.Error("seed 0 must be left out (the API then picks one)")
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(pngBytes(t, 64, 64))
	}))
	defer ts.Close()
	_, err := New(Config{BaseURL: ts.URL, APIKey: "k", Model: "sd3.5-large"}, ts.Client()).
		Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 100, Height: 100})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAspectRatio(t *testing.T) {
	for _, tt := range []struct {
		w, h int
		want string
	}{
		{1080, 1080, "1:1"}, {1080, 1350, "4:5"}, {1080, 1920, "9:16"}, {1920, 1080, "16:9"},
		{2480, 3508, "2:3"}, {800, 400, "16:9"}, {1200, 630, "16:9"}, {640, 1536, "9:21"},
	} {
		if got := AspectRatio(tt.w, tt.h); got != tt.want {
			t.Errorf("AspectRatio(%d, %d) = %s, want %s", tt.w, tt.h, got, tt.want)
		}
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
		policy     bool
		retryAfter time.Duration
	}{
		{"bad request", 400, nil, `{"id":"a","name":"bad_request","errors":["prompt: is required"]}`, "bad_request", false, false, 0},
		{"bad key", 401, nil, `{"id":"a","name":"unauthorized","errors":["authorization: invalid"]}`, "unauthorized", false, false, 0},
		{"no credits", 402, nil, `{"id":"a","name":"payment_required","errors":["insufficient balance"]}`, "payment_required", false, false, 0},
		{"moderated", 403, nil, `{"id":"a","name":"content_moderation","errors":["flagged"]}`, "content_moderation", false, true, 0},
		{"timeout", 408, nil, `{"id":"a","name":"request_timeout","errors":["x"]}`, "request_timeout", true, false, 0},
		{"rate limit", 429, map[string]string{"Retry-After": "60"}, `{"id":"a","name":"rate_limit_exceeded","errors":["150 per 10 s"]}`, "rate_limit_exceeded", true, false, time.Minute},
		{"internal", 500, nil, `{"id":"a","name":"internal_error","errors":["x"]}`, "internal_error", true, false, 0},
		{"gateway html", 502, nil, `<html>bad gateway</html>`, "", true, false, 0},
		{"filtered output", 0, map[string]string{"Finish-Reason": "CONTENT_FILTERED", "Content-Type": "image/png"}, "", "content_filtered", false, true, 0},
		{"not an image", 0, map[string]string{"Content-Type": "text/html"}, "<html></html>", "bad_answer", false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				if w.Header().Get("Content-Type") == "" {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(max(tt.status, 200))
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			_, err := New(Config{BaseURL: ts.URL, APIKey: "k"}, ts.Client()).
				Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 10, Height: 10})
			var pe *imagegen.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ProviderError", err)
			}
			if pe.Provider != "stability" || pe.StatusCode != tt.status || pe.Code != tt.code || pe.RetryAfter != tt.retryAfter {
				t.Errorf("got %+v, want status %d code %q retry-after %v", pe, tt.status, tt.code, tt.retryAfter)
			}
			if pe.Retryable() != tt.retryable || resilience.IsRetryable(err) != tt.retryable {
				t.Errorf("retryable %v / policy %v, want %v", pe.Retryable(), resilience.IsRetryable(err), tt.retryable)
			}
			if errors.Is(err, imagegen.ErrContentPolicy) != tt.policy {
				t.Errorf("content policy = %v, want %v", !tt.policy, tt.policy)
			}
		})
	}
}

func TestConnectionErrorIsRetryable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	_, err := New(Config{BaseURL: url, APIKey: "k"}, nil).
		Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 10, Height: 10})
	var pe *imagegen.ProviderError
	if !errors.As(err, &pe) || pe.StatusCode != 0 || !pe.Retryable() || !resilience.IsRetryable(err) {
		t.Errorf("closed server: %v, want a retryable ProviderError", err)
	}
}

func TestConfigErrorsAreReturned(t *testing.T) {
	_, err := New(Config{}, nil).Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 10, Height: 10})
	if err == nil || resilience.IsRetryable(err) {
		t.Errorf("missing key: %v, want a final error", err)
	}
}

func TestAgainstTheSimulator(t *testing.T) {
	sim := imagesim.New(imagesim.Config{APIKey: "sk-sim", Seed: 1})
	ts := httptest.NewServer(http.StripPrefix("/sim", sim))
	defer ts.Close()
	prompt, neg := imagegen.Prompt("vivid", "CAFE", "크리스마스 이벤트", "커피 1+1")
	req := imagegen.Request{Prompt: prompt, NegativePrompt: neg, Width: 432, Height: 540, Style: "vivid", Seed: 9}
	for _, model := range []string{"core", "sd3.5-medium"} {
		img, err := New(Config{BaseURL: ts.URL + "/sim/stability", APIKey: "sk-sim", Model: model}, ts.Client()).
			Generate(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		if b := img.Bounds(); b.Dx() != 432 || b.Dy() != 540 {
			t.Errorf("%s: size %v", model, b.Size())
		}
	}

	// A wrong key is final.
	_, err := New(Config{BaseURL: ts.URL + "/sim/stability", APIKey: "sk-wrong"}, ts.Client()).Generate(context.Background(), req)
	var pe *imagegen.ProviderError
	if !errors.As(err, &pe) || pe.StatusCode != 401 || pe.Retryable() || resilience.IsRetryable(err) {
		t.Errorf("wrong key: %v, want a final 401", err)
	}

	// Injected faults are retryable, with the Retry-After.
	c := New(Config{BaseURL: ts.URL + "/sim/stability", APIKey: "sk-sim"}, ts.Client())
	for _, status := range []int{429, 500, 503} {
		sim.SetFaults(imagesim.Faults{ErrorRate: 1, ErrorStatus: status, RetryAfter: 2 * time.Second})
		_, err = c.Generate(context.Background(), req)
		if !errors.As(err, &pe) || pe.StatusCode != status || !pe.Retryable() || !resilience.IsRetryable(err) {
			t.Errorf("fault %d: %v, want a retryable ProviderError", status, err)
		}
		if status != 500 && pe.RetryAfter != 2*time.Second {
			t.Errorf("fault %d: retry-after %v, want 2s", status, pe.RetryAfter)
		}
	}
	sim.SetFaults(imagesim.Faults{})

	// The simulator's content moderation is final and says why.
	_, err = c.Generate(context.Background(), imagegen.Request{Prompt: "sandbox-blocked", Width: 64, Height: 64})
	if !errors.Is(err, imagegen.ErrContentPolicy) || resilience.IsRetryable(err) {
		t.Errorf("moderated prompt: %v", err)
	}
	_, err = c.Generate(context.Background(), imagegen.Request{Prompt: "sandbox-filtered", Width: 64, Height: 64})
	if !errors.As(err, &pe) || pe.Code != "content_filtered" || !errors.Is(err, imagegen.ErrContentPolicy) || resilience.IsRetryable(err) {
		t.Errorf("filtered output: %v", err)
	}
	if got := sim.Stats(); got.Images != 3 || got.Requests != 8 {
		t.Errorf("simulator stats %+v, want 3 images of 8 requests", got)
	}
}
