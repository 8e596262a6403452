package resilience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Every test that involves delays runs in a synctest bubble: time there is a
// fake clock that jumps forward when all goroutines are blocked, and it also
// drives failsafe-go's breaker clock and retry timers. A bubble also fails
// the test if a goroutine it started is still blocked at the end, which
// doubles as a leak check.

const testSystem = "test"

func status(code int) *StatusError { return &StatusError{System: testSystem, StatusCode: code} }

var err503 = status(503)

// newTestPolicy builds a policy with metrics on a private registry.
func newTestPolicy(t *testing.T, cfg Config) (*Policy, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	r, err := NewRegistry(map[string]Config{testSystem: cfg}, reg)
	if err != nil {
		t.Fatalf("NewRegistry: %v", err)
	}
	return r.Policy(testSystem), reg
}

// fail returns a fn that counts its calls and fails with err.
func fail(calls *atomic.Int64, err error) func(context.Context) (int, error) {
	return func(context.Context) (int, error) {
		calls.Add(1)
		return 0, err
	}
}

func succeed(context.Context) (int, error) { return 1, nil }

// metricValue reads one sample from reg; labels are name=value pairs.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue metrics
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func TestBreakerOpensAboveRateOnceMinCallsReached(t *testing.T) {
	tests := []struct {
		name       string
		pattern    string // one call per letter: f = failure, s = success
		maxRetries int
		want       State
	}{
		{"below min calls, all failing", "fffffffff", -1, Closed},
		{"exactly 50% is not above", "sfsfsfsfsf", -1, Closed},
		{"60% of 10 opens", "ssssffffff", -1, Open},
		{"60% of 10, failures first", "ffffffssss", -1, Open},
		{"half of 20", "ssssssssssffffffffff", -1, Closed},
		{"min calls reached by the last failure", "ffffffffff", -1, Open},
		// Each failing call makes 4 attempts; the breaker must still see
		// only 9 logical calls and stay closed.
		{"retried calls count once", "fffffffff", 3, Closed},
		{"retried calls open at the 10th call", "ffffffffff", 3, Open},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// A long window: retried calls take 7 s each on the fake clock.
				p, _ := newTestPolicy(t, Config{MaxRetries: tt.maxRetries, MinCalls: 10, Window: time.Hour, RetryBudgetRatio: -1})
				var attempts atomic.Int64
				for _, c := range tt.pattern {
					fn := succeed
					if c == 'f' {
						fn = fail(&attempts, err503)
					}
					_, _ = Do(t.Context(), p, fn)
				}
				if got := p.State(); got != tt.want {
					t.Errorf("state after %q = %v, want %v", tt.pattern, got, tt.want)
				}
				_, err := Do(t.Context(), p, succeed)
				if gotOpen := errors.Is(err, ErrOpen); gotOpen != (tt.want == Open) {
					t.Errorf("next call error = %v, want ErrOpen: %v", err, tt.want == Open)
				}
			})
		})
	}
}

func TestFailuresLeaveTheWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := newTestPolicy(t, Config{MaxRetries: -1, MinCalls: 10, Window: time.Minute})
		var calls atomic.Int64
		for range 9 {
			_, _ = Do(t.Context(), p, fail(&calls, err503))
		}
		time.Sleep(2 * time.Minute)
		_, _ = Do(t.Context(), p, fail(&calls, err503))
		if got := p.State(); got != Closed {
			t.Errorf("state = %v, want closed: 9 of the 10 failures are older than the window", got)
		}
	})
}

func TestClientErrorsDoNotOpenBreaker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := newTestPolicy(t, Config{MinCalls: 10})
		var calls atomic.Int64
		for range 20 {
			if _, err := Do(t.Context(), p, fail(&calls, status(404))); err == nil {
				t.Fatal("Do returned nil error for a 404")
			}
		}
		if got := p.State(); got != Closed {
			t.Errorf("state after 20 × 404 = %v, want closed", got)
		}
		if got := calls.Load(); got != 20 {
			t.Errorf("fn calls = %d, want 20 (no retries on 404)", got)
		}
	})
}

func TestHalfOpenAdmitsOnlyProbes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const probes = 3
		// Retries stay on: a probe must not use them.
		p, reg := newTestPolicy(t, Config{MinCalls: 10, HalfOpenProbes: probes, OpenFor: 30 * time.Second})
		var calls atomic.Int64
		for range 10 {
			_, _ = Do(t.Context(), p, fail(&calls, err503))
		}
		if got := p.State(); got != Open {
			t.Fatalf("state = %v, want open", got)
		}
		if got := metricValue(t, reg, "autoevent_circuit_breaker_state", "system", testSystem); got != 2 {
			t.Errorf("state gauge = %v, want 2 (open)", got)
		}

		time.Sleep(29 * time.Second)
		if _, err := Do(t.Context(), p, succeed); !errors.Is(err, ErrOpen) {
			t.Fatalf("call at 29 s: err = %v, want ErrOpen", err)
		}
		time.Sleep(time.Second)

		// 100 concurrent callers against the breaker that is now due to
		// half-open: exactly `probes` get through, the rest fail fast.
		var entered, rejected atomic.Int64
		results := make(chan error)
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for range 100 {
			wg.Go(func() {
				_, err := Do(t.Context(), p, func(context.Context) (int, error) {
					entered.Add(1)
					return 0, <-results
				})
				if errors.Is(err, ErrOpen) {
					rejected.Add(1)
				}
				errs <- err
			})
		}
		synctest.Wait()
		if got := entered.Load(); got != probes {
			t.Errorf("probes admitted = %d, want %d", got, probes)
		}
		if got := rejected.Load(); got != 100-probes {
			t.Errorf("callers rejected with ErrOpen = %d, want %d", got, 100-probes)
		}
		if got := p.State(); got != HalfOpen {
			t.Errorf("state with probes in flight = %v, want half-open", got)
		}
		if got := metricValue(t, reg, "autoevent_circuit_breaker_state", "system", testSystem); got != 1 {
			t.Errorf("state gauge = %v, want 1 (half-open)", got)
		}

		// The first probe failure re-opens the breaker, without a retry.
		results <- err503
		synctest.Wait()
		if got := p.State(); got != Open {
			t.Errorf("state after first probe failure = %v, want open", got)
		}
		results <- nil
		results <- nil
		wg.Wait()
		if got := entered.Load(); got != probes {
			t.Errorf("fn calls = %d, want %d (probes are not retried)", got, probes)
		}
		if _, err := Do(t.Context(), p, succeed); !errors.Is(err, ErrOpen) {
			t.Errorf("call after re-open: err = %v, want ErrOpen", err)
		}

		// After another OpenFor, `probes` successes close it.
		time.Sleep(30 * time.Second)
		for i := range probes {
			if _, err := Do(t.Context(), p, succeed); err != nil {
				t.Fatalf("probe %d: %v", i, err)
			}
		}
		if got := p.State(); got != Closed {
			t.Errorf("state after %d successful probes = %v, want closed", probes, got)
		}
		if got := metricValue(t, reg, "autoevent_circuit_breaker_state", "system", testSystem); got != 0 {
			t.Errorf("state gauge = %v, want 0 (closed)", got)
		}
	})
}

// TestOpenBreakerFailsFast: an open breaker rejects without calling fn and
// without waiting on any timer (on the fake clock no time passes). The
// wall-time figure is BenchmarkOpenBreakerReject's.
func TestOpenBreakerFailsFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := newTestPolicy(t, Config{MaxRetries: -1})
		var calls atomic.Int64
		for range 10 {
			_, _ = Do(t.Context(), p, fail(&calls, err503))
		}
		opened := calls.Load()
		for range 1000 {
			start := time.Now()
			_, err := Do(t.Context(), p, fail(&calls, err503))
			if waited := time.Since(start); waited != 0 {
				t.Fatalf("rejected call waited %v on the clock, want 0", waited)
			}
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("err = %v, want ErrOpen", err)
			}
			if !strings.HasPrefix(err.Error(), testSystem+": ") {
				t.Fatalf("err = %q, want it prefixed with the system name", err)
			}
		}
		if got := calls.Load() - opened; got != 0 {
			t.Errorf("fn called %d times while open, want 0", got)
		}
	})
}

// BenchmarkOpenBreakerReject measures a rejection by an open breaker on the
// real clock (the target: p99 ≤ 5 ms; docs/benchmarks.md):
//
//	go test -run '^$' -bench OpenBreakerReject ./internal/platform/resilience/
func BenchmarkOpenBreakerReject(b *testing.B) {
	p, err := New(testSystem, Config{MaxRetries: -1})
	if err != nil {
		b.Fatal(err)
	}
	var calls atomic.Int64
	for range 10 {
		_, _ = Do(context.Background(), p, fail(&calls, err503))
	}
	var d []time.Duration
	for b.Loop() {
		start := time.Now()
		_, err := Do(context.Background(), p, succeed)
		d = append(d, time.Since(start))
		if !errors.Is(err, ErrOpen) {
			b.Fatalf("err = %v, want ErrOpen", err)
		}
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds())/1e6, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds())/1e6, "p99-ms")
}

// attemptTimes runs one failing call and returns the fake-clock delays
// between its attempts.
func attemptTimes(t *testing.T, p *Policy, err error) []time.Duration {
	t.Helper()
	var times []time.Time
	_, _ = Do(t.Context(), p, func(context.Context) (int, error) {
		times = append(times, time.Now())
		return 0, err
	})
	var delays []time.Duration
	for i := 1; i < len(times); i++ {
		delays = append(delays, times[i].Sub(times[i-1]))
	}
	return delays
}

func TestBackoffDelays(t *testing.T) {
	base := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	t.Run("exact without jitter", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, _ := newTestPolicy(t, Config{Jitter: -1})
			got := attemptTimes(t, p, err503)
			if fmt.Sprint(got) != fmt.Sprint(base) {
				t.Errorf("delays = %v, want %v", got, base)
			}
		})
	})
	t.Run("default jitter stays within 20%", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var varied bool
			for range 20 {
				p, _ := newTestPolicy(t, Config{})
				got := attemptTimes(t, p, err503)
				if len(got) != len(base) {
					t.Fatalf("delays = %v, want %d of them", got, len(base))
				}
				for i, d := range got {
					lo, hi := base[i]*8/10, base[i]*12/10
					if d < lo || d > hi {
						t.Errorf("delay %d = %v, want within [%v, %v]", i+1, d, lo, hi)
					}
					varied = varied || d != base[i]
				}
			}
			if !varied {
				t.Error("20 calls never jittered a delay")
			}
		})
	})
	t.Run("retry-after is the minimum delay", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, _ := newTestPolicy(t, Config{Jitter: -1})
			err := &StatusError{System: testSystem, StatusCode: 429, RetryAfter: 3 * time.Second}
			got := attemptTimes(t, p, err)
			want := []time.Duration{3 * time.Second, 3 * time.Second, 4 * time.Second}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("delays = %v, want %v", got, want)
			}
		})
	})
	t.Run("retry-after beyond the cap is not waited for", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p, _ := newTestPolicy(t, Config{MaxRetryAfter: 30 * time.Second})
			err := &StatusError{System: testSystem, StatusCode: 429, RetryAfter: time.Minute}
			if got := attemptTimes(t, p, err); len(got) != 0 {
				t.Errorf("delays = %v, want no retry", got)
			}
		})
	})
}

func TestRetryClassification(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "https://example.invalid", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "https://example.invalid", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	tests := []struct {
		name          string
		err           error
		nonIdempotent bool
		wantAttempts  int64
	}{
		{"400", status(400), false, 1},
		{"401", status(401), false, 1},
		{"404", status(404), false, 1},
		{"422", status(422), false, 1},
		{"500", status(500), false, 4},
		{"501", status(501), false, 1},
		{"503", status(503), false, 4},
		{"429", status(429), false, 4},
		{"529 overloaded", status(529), false, 4},
		{"wrapped 503", fmt.Errorf("nts lookup: %w", status(503)), false, 4},
		{"dial refused", dial, false, 4},
		{"connection reset", reset, false, 4},
		{"unexpected EOF", io.ErrUnexpectedEOF, false, 4},
		{"deadline exceeded", context.DeadlineExceeded, false, 4},
		{"unknown error", errors.New("decode: bad json"), false, 1},
		{"permanent 503", Permanent(status(503)), false, 1},
		{"non-idempotent 503", status(503), true, 1},
		{"non-idempotent reset", reset, true, 1},
		{"non-idempotent 429", status(429), true, 4},
		{"non-idempotent 529", status(529), true, 4},
		{"non-idempotent dial refused", dial, true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, _ := newTestPolicy(t, Config{})
				ctx := t.Context()
				if tt.nonIdempotent {
					ctx = NonIdempotent(ctx)
				}
				var calls atomic.Int64
				_, err := Do(ctx, p, fail(&calls, tt.err))
				if got := calls.Load(); got != tt.wantAttempts {
					t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
				}
				if !errors.Is(err, tt.err) {
					t.Errorf("Do error = %v, want it to wrap %v", err, tt.err)
				}
				var ae *attemptError
				if errors.As(err, &ae) {
					t.Errorf("Do error leaks the internal attemptError: %v", err)
				}
			})
		})
	}
}

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.Canceled, false},
		{fmt.Errorf("%w: x", ErrOpen), false},
		{fmt.Errorf("%w: x", ErrTimeout), true},
		{&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, false},
		{&net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}, true},
		{status(408), false},
		{status(502), true},
	}
	for _, tt := range tests {
		if got := IsRetryable(tt.err); got != tt.want {
			t.Errorf("IsRetryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestRetryBudgetCapsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const calls = 50
		// MinCalls above the call count keeps the breaker out of the way.
		p, reg := newTestPolicy(t, Config{RetryBudgetRatio: 0.2, RetryBudgetReserve: 2, MinCalls: 1000})
		var attempts atomic.Int64
		for range calls {
			_, _ = Do(t.Context(), p, fail(&attempts, err503))
		}
		retries := attempts.Load() - calls
		// The bucket starts full with 2 tokens, so the first call's deposit
		// is lost to the ceiling: 2 + floor(49 × 0.2) = 11.
		if retries != 11 {
			t.Errorf("retries = %d, want 11 (≤ reserve 2 + 20%% of %d calls)", retries, calls)
		}
		if got := metricValue(t, reg, "autoevent_resilience_retries_total", "system", testSystem); got != float64(retries) {
			t.Errorf("retries_total = %v, want %d", got, retries)
		}
		if got := metricValue(t, reg, "autoevent_resilience_retry_budget_exhausted_total", "system", testSystem); got == 0 {
			t.Error("retry_budget_exhausted_total = 0, want > 0")
		}
	})
}

func TestTimeoutsCancelTheAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, reg := newTestPolicy(t, Config{Timeout: time.Second, Deadline: 2500 * time.Millisecond, Jitter: -1})
		var attempts atomic.Int64
		var leaked sync.WaitGroup
		start := time.Now()
		_, err := Do(t.Context(), p, func(ctx context.Context) (int, error) {
			attempts.Add(1)
			// Work on a goroutine of its own, as an HTTP transport does;
			// it must end when the context is cancelled.
			done := make(chan error, 1)
			leaked.Go(func() {
				<-ctx.Done()
				done <- ctx.Err()
			})
			return 0, <-done
		})
		elapsed := time.Since(start)
		// Attempt 1 times out at 1 s, waits 1 s, attempt 2 is cut by the
		// 2.5 s deadline.
		if got := attempts.Load(); got != 2 {
			t.Errorf("attempts = %d, want 2", got)
		}
		if elapsed != 2500*time.Millisecond {
			t.Errorf("Do returned after %v, want 2.5s", elapsed)
		}
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want ErrTimeout and context.DeadlineExceeded", err)
		}
		if got := metricValue(t, reg, "autoevent_resilience_failures_total", "system", testSystem, "reason", ReasonTimeout); got != 1 {
			t.Errorf("failures_total{reason=timeout} = %v, want 1", got)
		}
		leaked.Wait() // returns at once if every attempt's goroutine ended
	})
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := newTestPolicy(t, Config{Timeout: time.Second, Jitter: -1})
		var attempts atomic.Int64
		v, err := Do(t.Context(), p, func(ctx context.Context) (int, error) {
			if attempts.Add(1) == 1 {
				<-ctx.Done()
				return 0, ctx.Err()
			}
			return 42, nil
		})
		if err != nil || v != 42 {
			t.Errorf("Do = %d, %v; want 42, nil", v, err)
		}
		if got := attempts.Load(); got != 2 {
			t.Errorf("attempts = %d, want 2", got)
		}
	})
}

func TestCallerCancellationIsNotAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, reg := newTestPolicy(t, Config{MinCalls: 1})
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			time.Sleep(100 * time.Millisecond)
			cancel()
		}()
		_, err := Do(ctx, p, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if got := p.State(); got != Closed {
			t.Errorf("state = %v, want closed (cancellation is not the system's failure)", got)
		}
		if got := metricValue(t, reg, "autoevent_resilience_failures_total", "system", testSystem); got != 0 {
			t.Errorf("failures_total = %v, want 0", got)
		}
	})
}

func TestBulkheadRejectsBeyondCapacity(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, reg := newTestPolicy(t, Config{MaxConcurrent: 2})
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				_, _ = Do(t.Context(), p, func(context.Context) (int, error) {
					<-release
					return 1, nil
				})
			})
		}
		synctest.Wait()
		var called bool
		start := time.Now()
		_, err := Do(t.Context(), p, func(context.Context) (int, error) {
			called = true
			return 1, nil
		})
		if !errors.Is(err, ErrBulkheadFull) {
			t.Errorf("third concurrent call: err = %v, want ErrBulkheadFull", err)
		}
		if called {
			t.Error("third concurrent call ran fn")
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("rejection waited %v, want 0", waited)
		}
		if got := metricValue(t, reg, "autoevent_resilience_failures_total", "system", testSystem, "reason", ReasonBulkhead); got != 1 {
			t.Errorf("failures_total{reason=bulkhead_full} = %v, want 1", got)
		}
		close(release)
		wg.Wait()
		if _, err := Do(t.Context(), p, succeed); err != nil {
			t.Errorf("call after release: %v", err)
		}
	})
}

func TestBulkheadMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := newTestPolicy(t, Config{MaxConcurrent: 1, MaxWait: time.Second})
		release := make(chan struct{})
		go func() {
			_, _ = Do(t.Context(), p, func(context.Context) (int, error) {
				<-release
				return 1, nil
			})
		}()
		synctest.Wait()
		go func() {
			time.Sleep(500 * time.Millisecond)
			close(release)
		}()
		start := time.Now()
		if _, err := Do(t.Context(), p, succeed); err != nil {
			t.Errorf("waiting call: %v", err)
		}
		if waited := time.Since(start); waited != 500*time.Millisecond {
			t.Errorf("waited %v for a slot, want 500ms", waited)
		}
	})
}

func TestDoWithFallback(t *testing.T) {
	fallback := func(context.Context, error) (string, error) { return "cached", nil }
	tests := []struct {
		name         string
		err          error
		fallback     func(context.Context, error) (string, error)
		want         string
		wantDegraded bool
		wantErr      bool
	}{
		{"success", nil, fallback, "fresh", false, false},
		{"server error falls back", err503, fallback, "cached", true, false},
		{"timeout falls back", context.DeadlineExceeded, fallback, "cached", true, false},
		{"bad request does not fall back", status(400), fallback, "", false, true},
		{"failing fallback", err503, func(context.Context, error) (string, error) { return "", errors.New("no cache") }, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, reg := newTestPolicy(t, Config{MaxRetries: -1})
				got, degraded, err := DoWithFallback(t.Context(), p, func(context.Context) (string, error) {
					if tt.err != nil {
						return "", tt.err
					}
					return "fresh", nil
				}, tt.fallback)
				if got != tt.want || degraded != tt.wantDegraded || (err != nil) != tt.wantErr {
					t.Errorf("DoWithFallback = %q, %v, %v; want %q, %v, error %v", got, degraded, err, tt.want, tt.wantDegraded, tt.wantErr)
				}
				if tt.err != nil && err != nil && !errors.Is(err, tt.err) {
					t.Errorf("err = %v, want it to wrap %v", err, tt.err)
				}
				wantFallbacks := 0.0
				if tt.wantDegraded {
					wantFallbacks = 1
				}
				if got := metricValue(t, reg, "autoevent_resilience_fallbacks_total", "system", testSystem); got != wantFallbacks {
					t.Errorf("fallbacks_total = %v, want %v", got, wantFallbacks)
				}
			})
		})
	}
}

func TestFallbackOnOpenBreaker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := newTestPolicy(t, Config{MaxRetries: -1})
		var calls atomic.Int64
		for range 10 {
			_, _ = Do(t.Context(), p, fail(&calls, err503))
		}
		got, degraded, err := DoWithFallback(t.Context(), p, func(context.Context) (string, error) { return "fresh", nil },
			func(_ context.Context, err error) (string, error) {
				if !errors.Is(err, ErrOpen) {
					t.Errorf("fallback got %v, want ErrOpen", err)
				}
				return "manual-verification", nil
			})
		if got != "manual-verification" || !degraded || err != nil {
			t.Errorf("DoWithFallback = %q, %v, %v; want manual-verification, true, nil", got, degraded, err)
		}
	})
}

func TestMetricsCountLogicalCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, reg := newTestPolicy(t, Config{MinCalls: 1000})
		var calls atomic.Int64
		_, _ = Do(t.Context(), p, succeed)
		_, _ = Do(t.Context(), p, fail(&calls, err503))      // 1 + 3 retries
		_, _ = Do(t.Context(), p, fail(&calls, status(400))) // not a failure
		checks := []struct {
			name   string
			labels []string
			want   float64
		}{
			{"autoevent_resilience_calls_total", []string{"system", testSystem}, 3},
			{"autoevent_resilience_retries_total", []string{"system", testSystem}, 3},
			{"autoevent_resilience_failures_total", []string{"system", testSystem, "reason", ReasonError}, 1},
			{"autoevent_circuit_breaker_state", []string{"system", testSystem}, 0},
		}
		for _, c := range checks {
			if got := metricValue(t, reg, c.name, c.labels...); got != c.want {
				t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
			}
		}
	})
}

func TestPanicReleasesBulkheadAndPropagates(t *testing.T) {
	p, _ := newTestPolicy(t, Config{MaxConcurrent: 1})
	for range 2 {
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("recovered %v, want the fn's panic value boom", r)
				}
			}()
			_, _ = Do(t.Context(), p, func(context.Context) (int, error) { panic("boom") })
		}()
	}
	if _, err := Do(t.Context(), p, succeed); err != nil {
		t.Errorf("call after two panics: %v (the bulkhead slot leaked)", err)
	}
}
