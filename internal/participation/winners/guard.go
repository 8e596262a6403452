package winners

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// Limiter counts events in a fixed window (cache.Cache satisfies it).
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
}

// ErrRateLimited means a provider's rate limit did not free up in time;
// nothing was sent.
var ErrRateLimited = errors.New("winners: provider rate limit reached")

// GuardConfig configures Guard.
type GuardConfig struct {
	Name    string             // provider name, part of the rate-limit key ("sens-alimtalk")
	Policy  *resilience.Policy // breaker, retry (only when provably not sent), timeouts
	Limiter Limiter            // shared by every process (Redis in scaled mode)
	Limit   int                // messages per Window; 0 = no limit
	Window  time.Duration      // default 1 s
	MaxWait time.Duration      // how long Deliver waits for the limit (default 10 s)
	// Failover marks the 알림톡 provider: a call that certainly did not go
	// out (breaker open, rate limit) is reported as notify.ErrRejected so
	// the Dispatcher sends the SMS instead.
	Failover bool
}

// GuardedProvider is a notify.Provider (and Tracker) with the per-provider
// rate limit and the resilience policy applied around the plain adapter.
type GuardedProvider struct {
	p   notify.Provider
	cfg GuardConfig
}

var (
	_ notify.Provider = (*GuardedProvider)(nil)
	_ notify.Tracker  = (*GuardedProvider)(nil)
)

// Guard wraps p.
func Guard(p notify.Provider, cfg GuardConfig) (*GuardedProvider, error) {
	if p == nil || cfg.Policy == nil {
		return nil, errors.New("winners: guard needs a provider and a policy")
	}
	if cfg.Limit > 0 && cfg.Limiter == nil {
		return nil, errors.New("winners: a rate limit needs a limiter")
	}
	if cfg.Window <= 0 {
		cfg.Window = time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 10 * time.Second
	}
	return &GuardedProvider{p: p, cfg: cfg}, nil
}

// Deliver implements notify.Provider. Sends are not idempotent: the policy
// retries only errors proving the request was not processed.
func (g *GuardedProvider) Deliver(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	err := g.wait(ctx)
	var r notify.Receipt
	if err == nil {
		r, err = resilience.Do(resilience.NonIdempotent(ctx), g.cfg.Policy, func(ctx context.Context) (notify.Receipt, error) {
			return g.p.Deliver(ctx, d)
		})
	}
	if err != nil && g.cfg.Failover &&
		(errors.Is(err, resilience.ErrOpen) || errors.Is(err, resilience.ErrBulkheadFull) || errors.Is(err, ErrRateLimited)) {
		return r, notSentError{err}
	}
	return r, err
}

// Track implements notify.Tracker (a read: retried normally).
func (g *GuardedProvider) Track(ctx context.Context, r notify.Receipt) (notify.DeliveryStatus, error) {
	t, ok := g.p.(notify.Tracker)
	if !ok {
		return notify.DeliveryStatus{}, fmt.Errorf("%w: %s cannot be tracked", notify.ErrNoProvider, g.cfg.Name)
	}
	return resilience.Do(ctx, g.cfg.Policy, func(ctx context.Context) (notify.DeliveryStatus, error) { return t.Track(ctx, r) })
}

// wait blocks until the provider's rate limit grants one message. A
// broken limiter fails open: a missed limit is better than no winner
// messages.
func (g *GuardedProvider) wait(ctx context.Context) error {
	if g.cfg.Limit <= 0 {
		return nil
	}
	deadline := time.Now().Add(g.cfg.MaxWait)
	for {
		ok, retry, err := g.cfg.Limiter.Allow(ctx, "notify:rate:"+g.cfg.Name, g.cfg.Limit, g.cfg.Window)
		if err != nil || ok {
			return nil
		}
		retry = max(retry, 10*time.Millisecond)
		if time.Now().Add(retry).After(deadline) {
			return ErrRateLimited
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// notSentError reports a 알림톡 that certainly did not leave, so that the
// Dispatcher may fall back to SMS.
type notSentError struct{ err error }

func (e notSentError) Error() string        { return e.err.Error() }
func (e notSentError) Unwrap() error        { return e.err }
func (e notSentError) Is(target error) bool { return target == notify.ErrRejected }
