package resilience

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
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
// request and every goroutine of the call must be gone afterwards.
func TestDeadlineCancelsHTTPRequestWithoutLeak(t *testing.T) {
	unblock := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
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
	start := time.Now()
	_, err = Do(context.Background(), p, func(ctx context.Context) (int, error) {
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
	elapsed := time.Since(start)
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want ErrTimeout", err)
	}
	// Two 40 ms attempts and a 10 ms delay; the third attempt would start
	// past the deadline, so the call ends early with the attempt timeout.
	if elapsed < 80*time.Millisecond || elapsed > 300*time.Millisecond {
		t.Errorf("Do returned after %v, want between 80ms and the 100ms deadline (+ scheduling)", elapsed)
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
