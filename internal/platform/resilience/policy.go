package resilience

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/retrypolicy"
)

// State is a circuit breaker state; its value is the one the
// autoevent_circuit_breaker_state gauge reports.
type State int

// Breaker states.
const (
	Closed   State = 0
	HalfOpen State = 1
	Open     State = 2
)

func (s State) String() string {
	switch s {
	case HalfOpen:
		return "half-open"
	case Open:
		return "open"
	default:
		return "closed"
	}
}

// Policy is the resilience policy of one external system. It is safe for
// concurrent use; all calls to the system must share it so the breaker, the
// bulkhead and the retry budget see them all.
type Policy struct {
	system  string
	cfg     Config
	breaker circuitbreaker.CircuitBreaker[any]
	exec    failsafe.Executor[any]
	budget  *retryBudget
	m       *metrics // nil: no metrics
}

// New builds the policy of system from cfg (zero fields take Defaults).
// Policies from New have no metrics; the app gets them from a Registry.
func New(system string, cfg Config) (*Policy, error) {
	return newPolicy(system, cfg, nil)
}

func newPolicy(system string, cfg Config, m *metrics) (*Policy, error) {
	cfg, err := cfg.resolve(system)
	if err != nil {
		return nil, err
	}
	p := &Policy{system: system, cfg: cfg, m: m, budget: newRetryBudget(cfg.RetryBudgetRatio, cfg.RetryBudgetReserve)}

	// failsafe-go opens at rate >= threshold; the design says "above", so
	// nudge the threshold to the next float: 5 failures of 10 stay closed.
	threshold := math.Nextafter(cfg.FailureRateThreshold, 1)
	p.breaker = circuitbreaker.NewBuilder[any]().
		HandleIf(func(_ any, err error) bool { return isFailure(err) }).
		WithFailureRateThreshold(threshold, uint(cfg.MinCalls), cfg.Window).
		WithDelay(cfg.OpenFor).
		WithSuccessThreshold(uint(cfg.HalfOpenProbes)).
		Build()

	// The retry decision is made per attempt in p.attempt (it needs the
	// context, the attempt number and the breaker state); failsafe-go
	// schedules the retry and waits the delay, cancellably.
	retry := retrypolicy.NewBuilder[any]().
		WithMaxRetries(max(cfg.MaxRetries, 0)).
		ReturnLastFailure().
		AbortIf(func(_ any, err error) bool {
			var ae *attemptError
			return !errors.As(err, &ae) || !ae.retry
		}).
		WithDelayFunc(func(exec failsafe.ExecutionAttempt[any]) time.Duration {
			var ae *attemptError
			if errors.As(exec.LastError(), &ae) {
				return ae.delay
			}
			return 0
		}).
		OnRetry(func(failsafe.ExecutionEvent[any]) {
			if p.m != nil {
				p.m.retries.WithLabelValues(system).Inc()
			}
		}).
		Build()

	policies := []failsafe.Policy[any]{}
	if cfg.MaxConcurrent > 0 {
		policies = append(policies, bulkhead.NewBuilder[any](uint(cfg.MaxConcurrent)).WithMaxWaitTime(cfg.MaxWait).Build())
	}
	policies = append(policies, p.breaker, retry)
	p.exec = failsafe.With(policies...)
	return p, nil
}

// System returns the system name the policy was built for.
func (p *Policy) System() string { return p.system }

// Config returns the effective configuration, defaults filled in.
func (p *Policy) Config() Config { return p.cfg }

// State returns the breaker's state. An open breaker whose OpenFor has passed
// reports Open until the next call half-opens it.
func (p *Policy) State() State {
	switch p.breaker.State() {
	case circuitbreaker.HalfOpenState:
		return HalfOpen
	case circuitbreaker.OpenState:
		return Open
	default:
		return Closed
	}
}

// Do calls fn under p: bulkhead, breaker, retries, per-attempt timeout and
// overall deadline. fn must honour its context. The error is fn's last error
// (a *StatusError stays reachable with errors.As), or ErrOpen,
// ErrBulkheadFull or ErrTimeout wrapped with the system name, or the caller's
// context error.
func Do[T any](ctx context.Context, p *Policy, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	p.budget.call()
	if p.m != nil {
		p.m.calls.WithLabelValues(p.system).Inc()
	}

	callCtx := ctx
	if p.cfg.Deadline > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, p.cfg.Deadline)
		defer cancel()
	}

	v, err := p.exec.WithContext(callCtx).GetWithExecution(func(exec failsafe.Execution[any]) (any, error) {
		return p.attempt(exec, func(ctx context.Context) (any, error) { return fn(ctx) })
	})
	if err == nil {
		t, _ := v.(T) // v is nil when T is an interface and fn returned nil
		return t, nil
	}
	if ae, ok := err.(*attemptError); ok && ae.panicked != nil {
		panic(ae.panicked)
	}
	err = p.finish(ctx, callCtx, err)
	return zero, err
}

// attempt runs one attempt under the per-attempt timeout and decides, while
// the facts are at hand, whether failsafe-go should retry it.
func (p *Policy) attempt(exec failsafe.Execution[any], fn func(context.Context) (any, error)) (any, error) {
	ctx := exec.Context()
	attemptCtx, cancel := ctx, context.CancelFunc(func() {})
	if p.cfg.Timeout > 0 {
		attemptCtx, cancel = context.WithTimeout(ctx, p.cfg.Timeout)
	}
	var panicked any
	v, err := func() (v any, err error) {
		// A panic must not skip failsafe-go's bookkeeping (a bulkhead slot
		// or a half-open permit would never be returned): carry it out as
		// an error and re-panic in Do.
		defer func() {
			if r := recover(); r != nil {
				panicked = r
				err = fmt.Errorf("%s: panic: %v", p.system, r)
			}
		}()
		return fn(attemptCtx)
	}()
	timedOut := ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded)
	cancel()
	if panicked != nil {
		return nil, &attemptError{err: err, panicked: panicked}
	}
	if err == nil {
		return v, nil
	}
	if timedOut {
		err = fmt.Errorf("%s: %w: attempt took over %v: %w", p.system, ErrTimeout, p.cfg.Timeout, err)
	}
	retry, delay := p.retryDecision(ctx, exec.Attempts(), err)
	return nil, &attemptError{err: err, retry: retry, delay: delay}
}

// retryDecision reports whether attempt number n (1-based), which failed with
// err, should be retried, and after what delay.
func (p *Policy) retryDecision(ctx context.Context, n int, err error) (bool, time.Duration) {
	switch {
	case n > p.cfg.MaxRetries, ctx.Err() != nil:
		return false, 0
	case isNonIdempotent(ctx) && !notProcessed(err):
		return false, 0
	case !IsRetryable(err):
		return false, 0
	case !p.breaker.IsClosed():
		// A half-open breaker's call is a probe: one attempt decides.
		// An open one has seen enough failures from other calls.
		return false, 0
	}

	delay := backoffDelay(p.cfg, n)
	if p.cfg.Jitter > 0 {
		delay = time.Duration(float64(delay) * (1 + p.cfg.Jitter*(2*rand.Float64()-1)))
	}
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		if se.RetryAfter > p.cfg.MaxRetryAfter {
			return false, 0
		}
		delay = max(delay, se.RetryAfter)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= delay {
		// The retry could not start before the deadline: fail now with
		// the real error rather than wait for a bare DeadlineExceeded.
		return false, 0
	}
	if !p.budget.tryRetry() {
		if p.m != nil {
			p.m.budgetExhausted.WithLabelValues(p.system).Inc()
		}
		return false, 0
	}
	return true, delay
}

// finish turns failsafe-go's final error into the error Do returns and
// records the failure metric.
func (p *Policy) finish(ctx, callCtx context.Context, err error) error {
	if ae, ok := err.(*attemptError); ok {
		err = ae.err
	}
	reason := ReasonError
	switch {
	case errors.Is(err, ErrOpen):
		err, reason = wrapSystem(p.system, err), ReasonCircuitOpen
	case errors.Is(err, ErrBulkheadFull):
		err, reason = wrapSystem(p.system, err), ReasonBulkhead
	case ctx.Err() != nil:
		// The caller gave up or ran out of time: not the system's failure.
		// Keep fn's error when it has one; it usually wraps ctx.Err().
		if !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return err
	case callCtx.Err() != nil:
		err, reason = fmt.Errorf("%s: %w: call took over %v: %w", p.system, ErrTimeout, p.cfg.Deadline, err), ReasonTimeout
	case errors.Is(err, ErrTimeout):
		reason = ReasonTimeout
	case isClientError(err):
		return err
	}
	if p.m != nil {
		p.m.failures.WithLabelValues(p.system, reason).Inc()
	}
	return err
}

// DoWithFallback is Do, but when the system fails (error, timeout, open
// breaker, full bulkhead) it answers with fallback instead and reports
// degraded = true. A 4xx answer and the caller's cancellation are returned
// as errors without a fallback: a fallback would hide a wrong request. When
// the fallback fails too, both errors are returned.
func DoWithFallback[T any](ctx context.Context, p *Policy, fn func(context.Context) (T, error),
	fallback func(ctx context.Context, err error) (T, error),
) (v T, degraded bool, err error) {
	v, err = Do(ctx, p, fn)
	if err == nil || ctx.Err() != nil || isClientError(err) {
		return v, false, err
	}
	fv, ferr := fallback(ctx, err)
	if ferr != nil {
		var zero T
		return zero, false, errors.Join(err, fmt.Errorf("%s: fallback: %w", p.system, ferr))
	}
	if p.m != nil {
		p.m.fallbacks.WithLabelValues(p.system).Inc()
	}
	return fv, true, nil
}
