package nts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/resilience"
	ntsclient "github.com/autoevent/autoevent/internal/user/nts"
)

const key = "sandbox+key/with=="

var fixedNow = func() time.Time { return time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC) }

func start(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.ServiceKey == "" {
		cfg.ServiceKey = key
	}
	if cfg.Now == nil {
		cfg.Now = fixedNow
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func client(t *testing.T, base, serviceKey string) *ntsclient.Client {
	t.Helper()
	c, err := ntsclient.New(ntsclient.Config{BaseURL: base, ServiceKey: serviceKey})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return c
}

// post sends a raw request, for the cases the real client refuses to make.
func post(t *testing.T, srv *httptest.Server, method, query, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+StatusPath+"?"+query, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content-type = %q, want application/json", ct)
	}
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("answer is not JSON: %s", raw)
	}
	return resp.StatusCode, m
}

func keyQuery(k string) string { return url.Values{"serviceKey": {k}}.Encode() }

func TestStatesThroughTheRealClient(t *testing.T) {
	s, srv := start(t, Config{Overrides: map[string]State{
		"1208147521": StateSuspended,
		"2208162517": StateClosed,
		"1028142945": StateUnregistered,
	}})
	c := client(t, srv.URL, key)
	numbers := []string{"1248100998", "1208147521", "2208162517", "1028142945", "1248100999"}
	got, err := c.Status(context.Background(), numbers)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	want := []struct {
		state ntsclient.State
		text  string
	}{
		{ntsclient.StateActive, "계속사업자"},
		{ntsclient.StateSuspended, "휴업자"},
		{ntsclient.StateClosed, "폐업자"},
		{ntsclient.StateUnregistered, ""},
		{ntsclient.StateUnregistered, ""}, // wrong check digit
	}
	for i, w := range want {
		if got[i].Number != numbers[i] || got[i].State != w.state || got[i].Text != w.text {
			t.Errorf("%s: got %+v, want state %s text %q", numbers[i], got[i], w.state, w.text)
		}
	}
	if !strings.HasPrefix(got[4].TaxType, ntsclient.UnregisteredText) {
		t.Errorf("unregistered tax_type = %q", got[4].TaxType)
	}
	wantClosed := time.Date(2025, 3, 14, 0, 0, 0, 0, time.FixedZone("KST", 9*3600))
	if !got[2].ClosedOn.Equal(wantClosed) {
		t.Errorf("ClosedOn = %v, want %v", got[2].ClosedOn, wantClosed)
	}
	if !got[0].ClosedOn.IsZero() {
		t.Errorf("active ClosedOn = %v, want zero", got[0].ClosedOn)
	}
	if s.Requests() != 1 {
		t.Errorf("Requests = %d, want 1", s.Requests())
	}

	// Overrides change at run time and win over the mode.
	if err := s.SetMode(ModeClosed); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOverride("1248100998", StateActive); err != nil {
		t.Fatal(err)
	}
	st, _ := c.Lookup(context.Background(), "1248100998")
	if st.State != ntsclient.StateActive {
		t.Errorf("override under closed mode: %s, want ACTIVE", st.State)
	}
	s.ClearOverrides()
	st, _ = c.Lookup(context.Background(), "1248100998")
	if st.State != ntsclient.StateClosed {
		t.Errorf("closed mode after clearing overrides: %s, want CLOSED", st.State)
	}
}

func TestGlobalModes(t *testing.T) {
	tests := []struct {
		mode Mode
		want ntsclient.State
	}{
		{ModeActive, ntsclient.StateActive},
		{ModeSuspended, ntsclient.StateSuspended},
		{ModeClosed, ntsclient.StateClosed},
	}
	for _, tc := range tests {
		_, srv := start(t, Config{Mode: tc.mode})
		st, err := client(t, srv.URL, key).Lookup(context.Background(), "1208147521")
		if err != nil || st.State != tc.want {
			t.Errorf("mode %s: %+v, %v; want %s", tc.mode, st, err, tc.want)
		}
	}
}

func TestRawWireAnswers(t *testing.T) {
	_, srv := start(t, Config{})
	var hundredOne []string
	for range MaxBatch + 1 {
		hundredOne = append(hundredOne, "1248100998")
	}
	tooMany, _ := json.Marshal(map[string]any{"b_no": hundredOne})

	tests := []struct {
		name       string
		method     string
		query      string
		body       string
		wantStatus int
		wantField  string
		wantValue  any
	}{
		{"active", "POST", keyQuery(key), `{"b_no":["1248100998"]}`, 200, "status_code", "OK"},
		{"no key", "POST", "", `{"b_no":["1248100998"]}`, 401, "code", float64(-4)},
		{"wrong key", "POST", keyQuery("other"), `{"b_no":["1248100998"]}`, 401, "msg", "등록되지 않은 인증키 입니다."},
		{"key encoded twice", "POST", "serviceKey=" + url.QueryEscape(url.QueryEscape(key)), `{"b_no":["1248100998"]}`, 401, "code", float64(-4)},
		{"malformed json", "POST", keyQuery(key), `{"b_no":["1248100998"`, 400, "status_code", "BAD_JSON_REQUEST"},
		{"b_no not a list", "POST", keyQuery(key), `{"b_no":"1248100998"}`, 400, "status_code", "BAD_JSON_REQUEST"},
		{"no b_no", "POST", keyQuery(key), `{}`, 411, "status_code", "REQUEST_DATA_MALFORMED"},
		{"empty b_no", "POST", keyQuery(key), `{"b_no":[]}`, 411, "status_code", "REQUEST_DATA_MALFORMED"},
		{"101 numbers", "POST", keyQuery(key), string(tooMany), 413, "status_code", "TOO_LARGE_REQUEST"},
		{"GET", "GET", keyQuery(key), ``, 405, "status_code", "HTTP_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, srv, tc.method, tc.query, tc.body)
			if status != tc.wantStatus || body[tc.wantField] != tc.wantValue {
				t.Errorf("answer %d %v, want %d with %s=%v", status, body, tc.wantStatus, tc.wantField, tc.wantValue)
			}
		})
	}

	// The 200 answer carries every documented field.
	_, body := post(t, srv, "POST", keyQuery(key), `{"b_no":["1248100998","1248100999"]}`)
	if body["request_cnt"] != float64(2) || body["match_cnt"] != float64(1) {
		t.Errorf("counts = request %v match %v, want 2 and 1", body["request_cnt"], body["match_cnt"])
	}
	data, _ := body["data"].([]any)
	if len(data) != 2 {
		t.Fatalf("data has %d rows, want 2", len(data))
	}
	row, _ := data[0].(map[string]any)
	for _, f := range []string{"b_no", "b_stt", "b_stt_cd", "tax_type", "tax_type_cd", "end_dt", "utcc_yn", "tax_type_change_dt", "invoice_apply_dt", "rbf_tax_type", "rbf_tax_type_cd"} {
		if _, ok := row[f]; !ok {
			t.Errorf("row lacks %q: %v", f, row)
		}
	}
	if unreg, _ := data[1].(map[string]any); unreg["b_stt_cd"] != "" {
		t.Errorf("unregistered b_stt_cd = %v, want empty", unreg["b_stt_cd"])
	}

	// Mounted under a prefix, the handler still answers; elsewhere it is 404.
	resp, err := http.Post(srv.URL+"/sandbox/nts"+StatusPath+"?"+keyQuery(key), "application/json", strings.NewReader(`{"b_no":["1248100998"]}`))
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("under prefix: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	resp, _ = http.Post(srv.URL+"/api/nts-businessman/v1/validate?"+keyQuery(key), "application/json", strings.NewReader(`{}`))
	if resp.StatusCode != 404 {
		t.Errorf("other path: %d, want 404", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestWrongKeyThroughClient(t *testing.T) {
	_, srv := start(t, Config{})
	_, err := client(t, srv.URL, "not-the-key").Lookup(context.Background(), "1248100998")
	var se *resilience.StatusError
	if !errors.Is(err, ntsclient.ErrServiceKey) || !errors.As(err, &se) || se.StatusCode != 401 {
		t.Errorf("err = %v, want ErrServiceKey with a 401 StatusError", err)
	}
}

func TestFailingMode(t *testing.T) {
	s, srv := start(t, Config{Mode: ModeFailing})
	c := client(t, srv.URL, key)
	_, err := c.Lookup(context.Background(), "1248100998")
	var se *resilience.StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 || se.Code != "INTERNAL_ERROR" || !resilience.IsRetryable(err) {
		t.Fatalf("err = %v, want retryable 503 INTERNAL_ERROR", err)
	}
	if err := s.SetFailure(429, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err = c.Lookup(context.Background(), "1248100998")
	if !errors.As(err, &se) || se.StatusCode != 429 || se.RetryAfter != 3*time.Second {
		t.Errorf("err = %v, want 429 with Retry-After 3s", err)
	}
	if err := s.SetFailure(200, 0); err == nil {
		t.Error("SetFailure(200) accepted")
	}
	_ = s.SetMode(ModeActive)
	if st, err := c.Lookup(context.Background(), "1248100998"); err != nil || st.State != ntsclient.StateActive {
		t.Errorf("after recovery: %+v, %v", st, err)
	}
}

func TestSlowMode(t *testing.T) {
	s, srv := start(t, Config{Mode: ModeSlow, Latency: 150 * time.Millisecond})
	c := client(t, srv.URL, key)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := c.Lookup(ctx, "1248100998"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("short deadline: err = %v, want DeadlineExceeded", err)
	}

	begin := time.Now()
	st, err := c.Lookup(context.Background(), "1248100998")
	if err != nil || st.State != ntsclient.StateActive {
		t.Fatalf("slow answer: %+v, %v", st, err)
	}
	if d := time.Since(begin); d < 150*time.Millisecond {
		t.Errorf("answered after %v, want ≥ 150ms", d)
	}

	// SetLatency replaces the delay at run time: from an hour (a short
	// deadline runs out) to none (the answer comes well inside a 30 s
	// guard that an hour-long delay could never meet).
	s.SetLatency(time.Hour)
	short, cancelShort := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancelShort()
	if _, err := c.Lookup(short, "1248100998"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("after SetLatency(1h): err = %v, want DeadlineExceeded", err)
	}
	s.SetLatency(0)
	_ = s.SetMode(ModeActive)
	guard, cancelGuard := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelGuard()
	if st, err := c.Lookup(guard, "1248100998"); err != nil || st.State != ntsclient.StateActive {
		t.Errorf("after SetLatency(0): %+v, %v; want an answer without the delay", st, err)
	}
}

func TestConfigValidation(t *testing.T) {
	bad := []Config{
		{Mode: "sideways"},
		{FailStatus: 200},
		{Latency: -time.Second},
		{Overrides: map[string]State{"124-81-00998": StateClosed}},
		{Overrides: map[string]State{"1248100998": "GONE"}},
	}
	for i, cfg := range bad {
		if _, err := New(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	for in, want := range map[string]Mode{"": ModeActive, "Closed": ModeClosed, " slow ": ModeSlow, "failing": ModeFailing} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode("down"); err == nil {
		t.Error("ParseMode(down) accepted")
	}
	s, _ := New(Config{})
	if err := s.SetOverride("12", StateClosed); err == nil {
		t.Error("SetOverride(short) accepted")
	}
	if err := s.SetMode("nope"); err == nil {
		t.Error("SetMode(nope) accepted")
	}
}

// Any non-empty key is accepted when none is configured.
func TestAnyKeyWhenUnconfigured(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if _, err := client(t, srv.URL, "whatever").Lookup(context.Background(), "1248100998"); err != nil {
		t.Errorf("unconfigured key: %v", err)
	}
}
