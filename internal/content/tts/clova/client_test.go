package clova

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

const text = "우리동네 카페 오픈 이벤트에 참여하세요!"

// TestExactContract checks the request against the API reference: method,
// path, both key headers, the form content type and every form field.
func TestExactContract(t *testing.T) {
	wav := tts.Melody(text)
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Method != http.MethodPost {
			t.Errorf("method = %s, want POST", r.Method)
		}
		if r.URL.Path != "/tts-premium/v1/tts" {
			t.Errorf("path = %s, want /tts-premium/v1/tts", r.URL.Path)
		}
		if r.URL.RawQuery != "" {
			t.Errorf("query = %q, want none (fields go in the body)", r.URL.RawQuery)
		}
		if got := r.Header.Get("X-NCP-APIGW-API-KEY-ID"); got != "client-id" {
			t.Errorf("X-NCP-APIGW-API-KEY-ID = %q", got)
		}
		if got := r.Header.Get("X-NCP-APIGW-API-KEY"); got != "client-secret" {
			t.Errorf("X-NCP-APIGW-API-KEY = %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type = %q", got)
		}
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
		want := url.Values{
			"speaker": {"vdain"}, "text": {text}, "volume": {"2"}, "speed": {"-1"},
			"pitch": {"0"}, "emotion": {"2"}, "format": {"wav"}, "sampling-rate": {"24000"},
		}
		if len(form) != len(want) {
			t.Errorf("form has %d fields %v, want %d", len(form), form, len(want))
		}
		for k, v := range want {
			if form.Get(k) != v[0] {
				t.Errorf("form %s = %q, want %q", k, form.Get(k), v[0])
			}
		}
		w.Header().Set("Content-Type", "audio/wav")
		_, _ = w.Write(wav.Data)
	}))
	defer srv.Close()

	c := New(Config{BaseURL: srv.URL, ClientID: "client-id", ClientSecret: "client-secret", Speaker: "vdain",
		Volume: 2, Speed: -1, Emotion: 2, Format: "wav", SamplingRate: 24000}, srv.Client())
	a, err := c.Synthesize(context.Background(), "  "+text+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("calls = %d, want 1", calls)
	}
	if a.ContentType != tts.ContentTypeWAV || a.Duration != wav.Duration || len(a.Data) != len(wav.Data) {
		t.Errorf("audio = %s %v %d bytes, want %s %v %d bytes", a.ContentType, a.Duration, len(a.Data), tts.ContentTypeWAV, wav.Duration, len(wav.Data))
	}
}

func TestDefaultForm(t *testing.T) {
	c := New(Config{ClientID: "id", ClientSecret: "secret"}, nil)
	if c.endpoint != "https://naveropenapi.apigw.ntruss.com/tts-premium/v1/tts" {
		t.Errorf("endpoint = %s", c.endpoint)
	}
	got := c.Form("안녕하세요").Encode()
	want := "format=mp3&pitch=0&speaker=nara&speed=0&text=%EC%95%88%EB%85%95%ED%95%98%EC%84%B8%EC%9A%94&volume=0"
	if got != want {
		t.Errorf("form = %s\nwant   %s", got, want)
	}
	// A base URL given with the API prefix is not doubled.
	if c := New(Config{BaseURL: "http://sim.local/tts-premium/v1/", ClientID: "id", ClientSecret: "s"}, nil); c.endpoint != "http://sim.local/tts-premium/v1/tts" {
		t.Errorf("endpoint = %s", c.endpoint)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		code       string
		retryable  bool
		retryAfter time.Duration
	}{
		{"text too long", 400, `{"error":{"errorCode":"VS06","message":"text parameter exceeds max length."}}`, nil, "VS06", false, 0},
		{"unsupported speaker", 400, `{"error":{"errorCode":"VS02","message":"Unsupported speaker."}}`, nil, "VS02", false, 0},
		{"auth", 401, `{"error":{"errorCode":"200","message":"Authentication Failed"}}`, nil, "200", false, 0},
		{"quota", 429, `{"error":{"errorCode":"400","message":"Quota Exceeded"}}`, nil, "400", true, 0},
		{"rate limited", 429, `{"error":{"errorCode":"420","message":"Rate Limited"}}`, map[string]string{"Retry-After": "3"}, "420", true, 3 * time.Second},
		{"endpoint error", 503, `{"error":{"errorCode":"500","message":"Endpoint Error"}}`, nil, "500", true, 0},
		{"unexpected", 500, `{"error":{"errorCode":"900","message":"Unexpected Error"}}`, nil, "900", true, 0},
		{"not json", 502, `<html>bad gateway</html>`, nil, "", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			_, err := New(Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "s"}, srv.Client()).Synthesize(context.Background(), text)
			var se *resilience.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *resilience.StatusError", err, err)
			}
			if se.StatusCode != tt.status || se.Code != tt.code || se.Retryable() != tt.retryable || se.RetryAfter != tt.retryAfter {
				t.Errorf("got status %d code %q retryable %v after %v, want %d %q %v %v",
					se.StatusCode, se.Code, se.Retryable(), se.RetryAfter, tt.status, tt.code, tt.retryable, tt.retryAfter)
			}
			if resilience.IsRetryable(err) != tt.retryable {
				t.Errorf("resilience.IsRetryable = %v, want %v", !tt.retryable, tt.retryable)
			}
			if se.System != "clova" || strings.Contains(err.Error(), text) {
				t.Errorf("Error() = %q: want the system and no user text", err.Error())
			}
		})
	}
}

func TestRefusedBeforeCalling(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	defer srv.Close()
	ok := Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "s"}
	if _, err := New(ok, srv.Client()).Synthesize(context.Background(), strings.Repeat("가", MaxTextLength+1)); !errors.Is(err, ErrTextTooLong) {
		t.Errorf("2001 characters: err = %v, want ErrTextTooLong", err)
	}
	if _, err := New(ok, srv.Client()).Synthesize(context.Background(), " "); !errors.Is(err, tts.ErrEmptyText) {
		t.Errorf("blank: err = %v, want tts.ErrEmptyText", err)
	}
	for _, bad := range []Config{
		{BaseURL: srv.URL},
		{BaseURL: srv.URL, ClientID: "id", ClientSecret: "s", Speed: 9},
		{BaseURL: srv.URL, ClientID: "id", ClientSecret: "s", Format: "ogg"},
		{BaseURL: srv.URL, ClientID: "id", ClientSecret: "s", SamplingRate: 24000}, // mp3
		{BaseURL: "ftp://x", ClientID: "id", ClientSecret: "s"},
	} {
		if bad.Validate() == nil {
			t.Errorf("Validate(%+v) = nil, want an error", bad)
		}
		if _, err := New(bad, srv.Client()).Synthesize(context.Background(), text); err == nil {
			t.Errorf("Synthesize with %+v: nil error", bad)
		}
	}
	if calls != 0 {
		t.Errorf("server called %d times, want 0", calls)
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", ok, err)
	}
}

func TestNotAudio(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/mpeg")
		_, _ = io.WriteString(w, "<html>maintenance</html>")
	}))
	defer srv.Close()
	_, err := New(Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "s"}, srv.Client()).Synthesize(context.Background(), text)
	if !errors.Is(err, tts.ErrNotAudio) {
		t.Errorf("err = %v, want tts.ErrNotAudio", err)
	}
}
