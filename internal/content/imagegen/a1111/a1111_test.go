package a1111

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
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/sdapi/v1/txt2img" {
			t.Errorf("request %s %s, want POST /sdapi/v1/txt2img", r.Method, r.URL.Path)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("content-type %q", r.Header.Get("Content-Type"))
		}
		if u, p, ok := r.BasicAuth(); !ok || u != "painter" || p != "s3cret:x" {
			t.Errorf("basic auth %q %q %v", u, p, ok)
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"prompt": "a calm cafe", "negative_prompt": "text", "width": 576.0, "height": 1024.0,
			"steps": 20.0, "cfg_scale": 6.5, "sampler_name": "Euler a", "seed": 42.0, "batch_size": 1.0, "n_iter": 1.0,
			"send_images": true, "save_images": false}
		for k, v := range want {
			if body[k] != v {
				t.Errorf("%s = %v, want %v", k, body[k], v)
			}
		}
		if o, _ := body["override_settings"].(map[string]any); o["sd_model_checkpoint"] != "sd_xl_base_1.0" {
			t.Errorf("override_settings %v", body["override_settings"])
		}
		if len(body) != len(want)+1 {
			t.Errorf("body has %d fields, want %d: %v", len(body), len(want)+1, body)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"images": []string{pngB64(t, 576, 1024)},
			"parameters": map[string]any{}, "info": `{"seed": 42}`})
	}))
	defer ts.Close()
	c := New(Config{BaseURL: ts.URL + "/", APIKey: "painter:s3cret:x", Model: "sd_xl_base_1.0", Sampler: "Euler a",
		Steps: 20, CFGScale: 6.5}, ts.Client())
	img, err := c.Generate(context.Background(), imagegen.Request{Prompt: "a calm cafe", NegativePrompt: "text",
		Width: 1080, Height: 1920, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1080 || b.Dy() != 1920 {
		t.Errorf("size %v", b.Size())
	}
}

func TestPaintSize(t *testing.T) {
	for _, tt := range []struct{ w, h, max, ww, wh int }{
		{1080, 1920, 1024, 576, 1024}, {1920, 1080, 1024, 1024, 576}, {1080, 1080, 1024, 1024, 1024},
		{1080, 1350, 1024, 832, 1024}, {2480, 3508, 768, 512, 768}, {10, 2000, 1024, 64, 1024},
	} {
		if w, h := PaintSize(tt.w, tt.h, tt.max); w != tt.ww || h != tt.wh {
			t.Errorf("PaintSize(%d, %d, %d) = %dx%d, want %dx%d", tt.w, tt.h, tt.max, w, h, tt.ww, tt.wh)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		code      string
		retryable bool
	}{
		{"bad login", 401, `{"error":"HTTPException","detail":"Incorrect username or password","body":"","errors":"401: Incorrect username or password"}`, "HTTPException", false},
		{"no sampler", 404, `{"error":"HTTPException","detail":"Sampler not found","body":"","errors":"404: Sampler not found"}`, "HTTPException", false},
		{"validation", 422, `{"detail":[{"loc":["body","width"],"msg":"value is not a valid integer","type":"type_error.integer"}]}`, "validation_error", false},
		{"out of memory", 500, `{"error":"OutOfMemoryError","detail":"","body":"","errors":"CUDA out of memory"}`, "OutOfMemoryError", true},
		{"proxy", 502, `bad gateway`, "", true},
		{"no images", 200, `{"images":[],"parameters":{},"info":"{}"}`, "bad_answer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			_, err := New(Config{BaseURL: ts.URL}, ts.Client()).
				Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 10, Height: 10})
			var pe *imagegen.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ProviderError", err)
			}
			wantStatus := tt.status
			if wantStatus == 200 {
				wantStatus = 0
			}
			if pe.Provider != "a1111" || pe.StatusCode != wantStatus || pe.Code != tt.code {
				t.Errorf("got %+v, want status %d code %q", pe, wantStatus, tt.code)
			}
			if pe.Retryable() != tt.retryable || resilience.IsRetryable(err) != tt.retryable {
				t.Errorf("retryable %v / policy %v, want %v", pe.Retryable(), resilience.IsRetryable(err), tt.retryable)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	if err := (Config{}).Validate(); err == nil {
		t.Error("empty BaseURL accepted")
	}
	if _, err := New(Config{BaseURL: "ftp://x"}, nil).Generate(context.Background(), imagegen.Request{Prompt: "p", Width: 1, Height: 1}); err == nil {
		t.Error("ftp BaseURL accepted")
	}
	if u, p := Credentials("only-password"); u != "autoevent" || p != "only-password" {
		t.Errorf("Credentials = %q %q", u, p)
	}
}

func TestAgainstTheSimulator(t *testing.T) {
	sim := imagesim.New(imagesim.Config{APIKey: "painter:secret", Seed: 3})
	ts := httptest.NewServer(http.StripPrefix("/sim", sim))
	defer ts.Close()
	base := ts.URL + "/sim/a1111"
	prompt, neg := imagegen.Prompt("simple", "BAKERY", "오픈 기념", "빵 1개 증정")
	req := imagegen.Request{Prompt: prompt, NegativePrompt: neg, Width: 1080, Height: 1350, Seed: 5}
	img, err := New(Config{BaseURL: base, APIKey: "painter:secret", MaxSide: 512}, ts.Client()).Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1080 || b.Dy() != 1350 {
		t.Errorf("size %v", b.Size())
	}
	_, err = New(Config{BaseURL: base, APIKey: "painter:wrong"}, ts.Client()).Generate(context.Background(), req)
	var pe *imagegen.ProviderError
	if !errors.As(err, &pe) || pe.StatusCode != 401 || resilience.IsRetryable(err) {
		t.Errorf("wrong password: %v, want a final 401", err)
	}
	c := New(Config{BaseURL: base, APIKey: "painter:secret", MaxSide: 256}, ts.Client())
	sim.SetFaults(imagesim.Faults{ErrorRate: 1, ErrorStatus: 503, RetryAfter: time.Second})
	_, err = c.Generate(context.Background(), req)
	if !errors.As(err, &pe) || pe.StatusCode != 503 || pe.RetryAfter != time.Second || !resilience.IsRetryable(err) {
		t.Errorf("503: %v, want retryable with 1s", err)
	}
	// Latency beyond the caller's deadline: a timeout the policy retries.
	sim.SetFaults(imagesim.Faults{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Generate(ctx, req)
	if !errors.As(err, &pe) || pe.Code != "timeout" || !errors.Is(err, context.DeadlineExceeded) || !resilience.IsRetryable(err) {
		t.Errorf("slow box: %v, want a retryable timeout", err)
	}
	// A caller that gives up is not the provider's failure.
	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = c.Generate(ctx, req)
	if !errors.Is(err, context.Canceled) || errors.As(err, &pe) {
		t.Errorf("cancelled: %v, want plain context.Canceled", err)
	}
}
