package clova_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content/tts"
	clovaclient "github.com/autoevent/autoevent/internal/content/tts/clova"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	"github.com/autoevent/autoevent/internal/sandbox/clova"
)

const text = "링고비즈 안내입니다. 우리동네 카페에서 12월 26일까지 아메리카노를 무료로 드려요."

func start(t *testing.T, cfg clova.Config) (*clova.Server, string) {
	t.Helper()
	sim := clova.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func TestRoundTrip(t *testing.T) {
	_, base := start(t, clova.Config{ClientID: "id", ClientSecret: "secret"})
	for _, tc := range []struct {
		format string
		rate   int
		want   string
	}{
		{"wav", 0, tts.ContentTypeWAV},
		{"wav", 8000, tts.ContentTypeWAV},
		{"mp3", 0, tts.ContentTypeMP3},
	} {
		if tc.format == "mp3" {
			if _, err := exec.LookPath("ffmpeg"); err != nil {
				tc.want = tts.ContentTypeWAV // documented fallback
			}
		}
		c := clovaclient.New(clovaclient.Config{BaseURL: base, ClientID: "id", ClientSecret: "secret", Format: tc.format, SamplingRate: tc.rate}, nil)
		a, err := c.Synthesize(context.Background(), text)
		if err != nil {
			t.Fatalf("%s/%d: %v", tc.format, tc.rate, err)
		}
		if a.ContentType != tc.want || a.Duration < time.Second || a.Duration > 30*time.Second {
			t.Errorf("%s/%d: %s %v, want %s lasting seconds", tc.format, tc.rate, a.ContentType, a.Duration, tc.want)
		}
		if tc.rate != 0 {
			w, err := tts.ParseWAV(a.Data)
			if err != nil || w.SampleRate != tc.rate {
				t.Errorf("sampling-rate %d: got %d (%v)", tc.rate, w.SampleRate, err)
			}
		}
	}
	// Exactly 2,000 characters is within the limit.
	c := clovaclient.New(clovaclient.Config{BaseURL: base, ClientID: "id", ClientSecret: "secret", Format: "wav"}, nil)
	if _, err := c.Synthesize(context.Background(), strings.Repeat("가나다라 ", 400)); err != nil {
		t.Errorf("2,000 characters: %v", err)
	}
}

func TestContractErrors(t *testing.T) {
	_, base := start(t, clova.Config{ClientID: "id", ClientSecret: "secret", Synthesizer: &tts.Local{}})
	ok := url.Values{"speaker": {"nara"}, "text": {text}, "format": {"wav"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range ok {
			f[kk] = vv
		}
		if v == "<del>" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	tests := []struct {
		name   string
		path   string
		id     string
		form   url.Values
		status int
		code   string
	}{
		{"ok", "/tts-premium/v1/tts", "id", ok, 200, ""},
		{"wrong key", "/tts-premium/v1/tts", "other", ok, 401, "200"},
		{"unknown path", "/tts/v1/tts", "id", ok, 404, "300"},
		{"no speaker", "/tts-premium/v1/tts", "id", with("speaker", "<del>"), 400, "VS01"},
		{"unknown speaker", "/tts-premium/v1/tts", "id", with("speaker", "robot"), 400, "VS02"},
		{"bad speed", "/tts-premium/v1/tts", "id", with("speed", "11"), 400, "VS04"},
		{"no text", "/tts-premium/v1/tts", "id", with("text", " "), 400, "VS05"},
		{"long text", "/tts-premium/v1/tts", "id", with("text", strings.Repeat("가", 2001)), 400, "VS06"},
		{"bad volume", "/tts-premium/v1/tts", "id", with("volume", "6"), 400, "VS07"},
		{"bad pitch", "/tts-premium/v1/tts", "id", with("pitch", "x"), 400, "VS08"},
		{"bad format", "/tts-premium/v1/tts", "id", with("format", "ogg"), 400, "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, base+tt.path, strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-NCP-APIGW-API-KEY-ID", tt.id)
			req.Header.Set("X-NCP-APIGW-API-KEY", "secret")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.code == "" {
				return
			}
			var doc struct {
				Error struct{ ErrorCode, Message string } `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.Error.ErrorCode != tt.code || doc.Error.Message == "" {
				t.Errorf("error doc = %+v (%v), want errorCode %s", doc, err, tt.code)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	sim, base := start(t, clova.Config{Synthesizer: &tts.Local{}})
	c := clovaclient.New(clovaclient.Config{BaseURL: base, ClientID: "any", ClientSecret: "any", Format: "wav"}, nil)

	sim.SetFaults(clova.Faults{ErrorRate: 1, ErrorStatus: 503, RetryAfter: 2 * time.Second})
	_, err := c.Synthesize(context.Background(), text)
	var se *resilience.StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 || se.Code != "500" || !se.Retryable() || se.RetryAfter != 2*time.Second {
		t.Fatalf("503: err = %v %+v", err, se)
	}
	sim.SetFaults(clova.Faults{ErrorRate: 1, ErrorStatus: 429})
	if _, err := c.Synthesize(context.Background(), text); !errors.As(err, &se) || se.StatusCode != 429 || !resilience.IsRetryable(err) {
		t.Fatalf("429: err = %v", err)
	}

	sim.SetFaults(clova.Faults{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Synthesize(ctx, text); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("latency: err = %v, want deadline exceeded", err)
	}

	sim.SetFaults(clova.Faults{})
	if _, err := c.Synthesize(context.Background(), text); err != nil {
		t.Fatalf("healthy again: %v", err)
	}
	if st := sim.Stats(); st.Requests != 4 || st.Errors != 2 {
		t.Errorf("stats = %+v, want 4 requests, 2 errors", st)
	}
}
