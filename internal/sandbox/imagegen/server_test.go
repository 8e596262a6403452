package imagegen

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	sim := New(cfg)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/imagegen/", http.StripPrefix("/sandbox/imagegen", sim))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return sim, ts
}

func stabilityRequest(t *testing.T, url, key string, fields map[string]string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "image/*")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return req
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("answer is not a PNG: %v", err)
	}
	return img
}

func TestStabilityAnswersImageBytes(t *testing.T) {
	_, ts := newTestServer(t, Config{APIKey: "sk-test", Seed: 1})
	url := ts.URL + "/sandbox/imagegen/stability/v2beta/stable-image/generate/core"
	resp, body := do(t, stabilityRequest(t, url, "sk-test", map[string]string{
		"prompt": "minimal clean background", "aspect_ratio": "9:16", "output_format": "png", "seed": "7"}))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "image/png" {
		t.Errorf("content-type %q, want image/png", got)
	}
	if got := resp.Header.Get("Finish-Reason"); got != "SUCCESS" {
		t.Errorf("finish-reason %q", got)
	}
	if got := resp.Header.Get("Seed"); got != "7" {
		t.Errorf("seed header %q, want 7", got)
	}
	if b := decodePNG(t, body).Bounds(); b.Dx() != 768 || b.Dy() != 1344 {
		t.Errorf("9:16 answer is %v, want 768x1344", b.Size())
	}

	// Accept: application/json answers base64 in JSON.
	req := stabilityRequest(t, url, "sk-test", map[string]string{"prompt": "vibrant festive"})
	req.Header.Set("Accept", "application/json")
	resp, body = do(t, req)
	var out struct {
		Image        string `json:"image"`
		FinishReason string `json:"finish_reason"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || out.FinishReason != "SUCCESS" {
		t.Fatalf("json answer: %d %.200s", resp.StatusCode, body)
	}
	raw, err := base64.StdEncoding.DecodeString(out.Image)
	if err != nil {
		t.Fatal(err)
	}
	if b := decodePNG(t, raw).Bounds(); b.Dx() != 1024 || b.Dy() != 1024 {
		t.Errorf("default 1:1 answer is %v", b.Size())
	}
}

func TestStabilityRejectsLikeTheAPI(t *testing.T) {
	_, ts := newTestServer(t, Config{APIKey: "sk-test"})
	url := ts.URL + "/sandbox/imagegen/stability/v2beta/stable-image/generate/core"
	tests := []struct {
		name    string
		key     string
		fields  map[string]string
		status  int
		errName string
	}{
		{"no key", "", map[string]string{"prompt": "x"}, 401, "unauthorized"},
		{"wrong key", "sk-wrong", map[string]string{"prompt": "x"}, 401, "unauthorized"},
		{"no prompt", "sk-test", map[string]string{"aspect_ratio": "1:1"}, 400, "bad_request"},
		{"bad ratio", "sk-test", map[string]string{"prompt": "x", "aspect_ratio": "3:1"}, 400, "bad_request"},
		{"bad seed", "sk-test", map[string]string{"prompt": "x", "seed": "4294967295"}, 400, "bad_request"},
		{"moderated", "sk-test", map[string]string{"prompt": "x " + blockedWord}, 403, "content_moderation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, stabilityRequest(t, url, tt.key, tt.fields))
			var e struct {
				ID     string   `json:"id"`
				Name   string   `json:"name"`
				Errors []string `json:"errors"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if resp.StatusCode != tt.status || e.Name != tt.errName || e.ID == "" || len(e.Errors) == 0 {
				t.Errorf("got %d %+v, want %d %s", resp.StatusCode, e, tt.status, tt.errName)
			}
		})
	}
}

func TestFaultsAnswerRetryAfter(t *testing.T) {
	sim, ts := newTestServer(t, Config{APIKey: "k"})
	sim.SetFaults(Faults{ErrorRate: 1, ErrorStatus: 429})
	url := ts.URL + "/sandbox/imagegen/stability/v2beta/stable-image/generate/ultra"
	resp, body := do(t, stabilityRequest(t, url, "k", map[string]string{"prompt": "x"}))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || !strings.Contains(string(body), "rate_limit_exceeded") {
		t.Errorf("got %d retry-after %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	sim.SetFaults(Faults{})
	resp, _ = do(t, stabilityRequest(t, url, "k", map[string]string{"prompt": "x"}))
	if resp.StatusCode != 200 {
		t.Errorf("after clearing faults: %d", resp.StatusCode)
	}
	if st := sim.Stats(); st.Requests != 2 || st.Errors != 1 || st.Images != 1 {
		t.Errorf("stats %+v, want 2 requests, 1 error, 1 image", st)
	}
}

func openaiPost(t *testing.T, url, key string, body any) (*http.Response, []byte) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return do(t, req)
}

func TestOpenAIImages(t *testing.T) {
	_, ts := newTestServer(t, Config{APIKey: "sk-o"})
	url := ts.URL + "/sandbox/imagegen/openai/v1/images/generations"

	resp, body := openaiPost(t, url, "sk-o", map[string]any{"model": "gpt-image-1", "prompt": "modern trendy", "size": "1024x1536", "n": 1})
	var out struct {
		Data []struct{ B64JSON, URL string } `json:"data"`
	}
	_ = json.Unmarshal(body, &out)
	if resp.StatusCode != 200 || len(out.Data) != 1 {
		t.Fatalf("gpt-image-1: %d %.300s", resp.StatusCode, body)
	}
	var item map[string]string
	_ = json.Unmarshal(mustField(t, body), &item)
	raw, _ := base64.StdEncoding.DecodeString(item["b64_json"])
	if b := decodePNG(t, raw).Bounds(); b.Dx() != 1024 || b.Dy() != 1536 {
		t.Errorf("size %v, want 1024x1536", b.Size())
	}

	// dall-e-3 without response_format answers a URL the simulator serves.
	resp, body = openaiPost(t, url, "sk-o", map[string]any{"model": "dall-e-3", "prompt": "vibrant", "size": "1792x1024"})
	_ = json.Unmarshal(mustField(t, body), &item)
	if resp.StatusCode != 200 || !strings.HasPrefix(item["url"], ts.URL+"/sandbox/imagegen/openai/files/") {
		t.Fatalf("dall-e-3 url answer: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodGet, item["url"], nil)
	resp, body = do(t, req)
	if b := decodePNG(t, body).Bounds(); resp.StatusCode != 200 || b.Dx() != 1792 {
		t.Errorf("fetching the url: %d %v", resp.StatusCode, b)
	}

	errs := []struct {
		name   string
		key    string
		body   map[string]any
		status int
		code   string
	}{
		{"wrong key", "sk-x", map[string]any{"model": "gpt-image-1", "prompt": "x"}, 401, "invalid_api_key"},
		{"bad size", "sk-o", map[string]any{"model": "gpt-image-1", "prompt": "x", "size": "1080x1080"}, 400, "invalid_value"},
		{"response_format on gpt-image", "sk-o", map[string]any{"model": "gpt-image-1", "prompt": "x", "response_format": "b64_json"}, 400, "unknown_parameter"},
		{"unknown field", "sk-o", map[string]any{"model": "dall-e-3", "prompt": "x", "negative_prompt": "y"}, 400, "unknown_parameter"},
		{"blocked", "sk-o", map[string]any{"model": "gpt-image-1", "prompt": blockedWord}, 400, "moderation_blocked"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := openaiPost(t, url, tt.key, tt.body)
			var e struct {
				Error struct{ Message, Type, Code string } `json:"error"`
			}
			_ = json.Unmarshal(body, &e)
			if resp.StatusCode != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.code)
			}
		})
	}
}

// mustField returns data[0] of an Images answer.
func mustField(t *testing.T, body []byte) []byte {
	t.Helper()
	var out struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out.Data) == 0 {
		t.Fatalf("no data[0] in %.300s", body)
	}
	return out.Data[0]
}

func TestA1111(t *testing.T) {
	_, ts := newTestServer(t, Config{APIKey: "painter:secret", Seed: 3})
	url := ts.URL + "/sandbox/imagegen/a1111/sdapi/v1/txt2img"
	post := func(user, pass string, body any) (*http.Response, []byte) {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		return do(t, req)
	}
	resp, body := post("painter", "wrong", map[string]any{"prompt": "x"})
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "Basic" || !strings.Contains(string(body), "Incorrect username or password") {
		t.Errorf("bad login: %d %s", resp.StatusCode, body)
	}
	resp, body = post("painter", "secret", map[string]any{"prompt": "x", "sampler_name": "Nope"})
	if resp.StatusCode != 404 || !strings.Contains(string(body), "Sampler not found") {
		t.Errorf("unknown sampler: %d %s", resp.StatusCode, body)
	}
	resp, body = post("painter", "secret", map[string]any{"prompt": "pastel minimal", "negative_prompt": "text",
		"width": 576, "height": 1024, "steps": 20, "seed": 99, "sampler_name": "DPM++ 2M"})
	var out struct {
		Images     []string       `json:"images"`
		Parameters map[string]any `json:"parameters"`
		Info       string         `json:"info"`
	}
	if err := json.Unmarshal(body, &out); err != nil || resp.StatusCode != 200 || len(out.Images) != 1 {
		t.Fatalf("txt2img: %d %.300s", resp.StatusCode, body)
	}
	var info struct {
		Seed          int64 `json:"seed"`
		Width, Height int
	}
	if err := json.Unmarshal([]byte(out.Info), &info); err != nil || info.Seed != 99 || info.Width != 576 {
		t.Errorf("info %q: %+v %v", out.Info, info, err)
	}
	raw, _ := base64.StdEncoding.DecodeString(out.Images[0])
	if b := decodePNG(t, raw).Bounds(); b.Dx() != 576 || b.Dy() != 1024 {
		t.Errorf("size %v", b.Size())
	}
}

func TestPicturesDependOnSeedAndPrompt(t *testing.T) {
	prompt := "minimal clean background"
	a := Paint(64, 64, prompt, PaintSeed(1, 5, prompt))
	b := Paint(64, 64, prompt, PaintSeed(1, 5, prompt))
	c := Paint(64, 64, prompt, PaintSeed(1, 6, prompt))
	other := "vibrant festive background"
	d := Paint(64, 64, other, PaintSeed(1, 5, other))
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("same seed and prompt painted different pictures")
	}
	if bytes.Equal(a.Pix, c.Pix) || bytes.Equal(a.Pix, d.Pix) {
		t.Error("another seed or prompt painted the same picture")
	}
}

func TestConcurrentRequestsWithFaults(t *testing.T) {
	sim, ts := newTestServer(t, Config{APIKey: "k", Seed: 9})
	sim.SetFaults(Faults{ErrorRate: 0.5, ErrorStatus: 503})
	url := ts.URL + "/sandbox/imagegen/a1111/sdapi/v1/txt2img"
	const n = 24
	statuses := make(chan int, n)
	for range n {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"prompt":"pastel","width":64,"height":64,"steps":1}`))
			req.SetBasicAuth("autoevent", "k")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	ok, failed := 0, 0
	for range n {
		switch s := <-statuses; s {
		case 200:
			ok++
		case 503:
			failed++
		default:
			t.Errorf("status %d", s)
		}
	}
	st := sim.Stats()
	if st.Requests != n || st.Errors != int64(failed) || st.Images != int64(ok) || ok+failed != n {
		t.Errorf("stats %+v after %d ok and %d failed", st, ok, failed)
	}
	if ok == 0 || failed == 0 {
		t.Errorf("error rate 0.5 gave %d ok and %d failed of %d", ok, failed, n)
	}
}
