package resilience

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second},
		{"Sun, 01 Mar 2026 11:59:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNewStatusError(t *testing.T) {
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}}
	e := NewStatusError("anthropic", resp)
	if e.StatusCode != 429 || e.RetryAfter != 3*time.Second || e.System != "anthropic" {
		t.Errorf("NewStatusError = %+v, want anthropic 429 after 3s", e)
	}
	e.Code, e.Message = "rate_limit_error", "secret prompt text 010-1234-5678"
	if got := e.Error(); got != "anthropic: HTTP 429 (rate_limit_error)" {
		t.Errorf("Error() = %q", got)
	}
	if strings.Contains(e.Error(), "010") {
		t.Error("Error() includes the provider message")
	}
	resp.Header.Set("Retry-After-Ms", "1500")
	if got := NewStatusError("openai", resp).RetryAfter; got != 1500*time.Millisecond {
		t.Errorf("RetryAfter with Retry-After-Ms = %v, want 1.5s", got)
	}
}

// TestDeadlineCancelsHTTPRequestWithoutLeak uses the real clock and a real
// HTTP round trip: the server hangs, the deadline must abort the in-flight
// request (the server sees every request's context end) and every goroutine
// of the call must be gone afterwards. The 10 s waits only guard against a
// hang: without the deadline the server would hold the request forever.
func TestDeadlineCancelsHTTPRequestWithoutLeak(t *testing.T) {
	unblock := make(chan struct{})
	var started, aborted atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		select {
		case <-r.Context().Done():
			aborted.Add(1)
		case <-unblock:
		}
	}))
	defer srv.Close()
	defer close(unblock)
	client := srv.Client()

	before := runtime.NumGoroutine()
	p, err := New("hang", Config{Timeout: 40 * time.Millisecond, Deadline: 100 * time.Millisecond, BackoffBase: 10 * time.Millisecond, RetryBudgetRatio: -1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Do(context.Background(), p, func(ctx context.Context) (int, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			if err != nil {
				return 0, Permanent(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		})
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Do still running 10 s past its 100 ms deadline")
	}
	// Attempts are cut at 40 ms each; no attempt starts past the deadline,
	// so the call ends with the attempt timeout.
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want ErrTimeout", err)
	}
	for range 1000 {
		if started.Load() > 0 && aborted.Load() == started.Load() {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s, a := started.Load(), aborted.Load(); s == 0 || a != s {
		t.Errorf("server: %d requests, %d aborted by the client; want every one aborted", s, a)
	}

	client.CloseIdleConnections()
	var after int
	for range 100 {
		if after = runtime.NumGoroutine(); after <= before {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
