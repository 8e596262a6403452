package resilience

import (
	"fmt"
	"strings"
	"time"
)

// Config tunes the policy of one external system. In every field the zero
// value means "the default for this system" (see Defaults) and, where turning
// the feature off makes sense, a negative value means "off". So a config file
// only names what it changes.
type Config struct {
	// Timeout bounds one attempt; its context is cancelled when it expires.
	// Negative: no per-attempt timeout.
	Timeout time.Duration
	// Deadline bounds the whole call, retries and backoff included.
	// Default: room for every attempt and every backoff delay. Negative: only
	// the caller's context bounds the call.
	Deadline time.Duration

	// MaxRetries is the number of retries after the first attempt (default 3).
	// Negative: no retries.
	MaxRetries int
	// BackoffBase is the first retry delay (default 1 s); each next one doubles.
	BackoffBase time.Duration
	// BackoffMax caps a computed backoff delay (default 4 s).
	BackoffMax time.Duration
	// Jitter varies each backoff delay by ±Jitter×delay (default 0.2).
	// Negative: no jitter.
	Jitter float64
	// MaxRetryAfter is the longest server Retry-After the policy waits for
	// (default 30 s); a longer one ends the call with the server's error
	// instead of holding the caller.
	MaxRetryAfter time.Duration
	// RetryBudgetRatio is the share of calls that may be retried once the
	// reserve is spent (default 0.2). Negative: no budget.
	RetryBudgetRatio float64
	// RetryBudgetReserve is the number of retries available before the
	// ratio applies, so a quiet system can still retry (default 10).
	RetryBudgetReserve int

	// FailureRateThreshold opens the breaker when the failure rate in the
	// window is above it (default 0.5). Must be in (0, 1).
	FailureRateThreshold float64
	// MinCalls is the number of calls the window must hold before the
	// breaker may open (default 10).
	MinCalls int
	// Window is the sliding window of the failure rate (default 60 s).
	Window time.Duration
	// OpenFor is how long the breaker stays open before half-opening
	// (default 30 s).
	OpenFor time.Duration
	// HalfOpenProbes is how many calls a half-open breaker lets through at
	// once and how many must succeed to close it (default 3).
	HalfOpenProbes int

	// MaxConcurrent caps concurrent calls (the bulkhead). Default: 10 for
	// "channel.*" systems, none otherwise. Negative: none.
	MaxConcurrent int
	// MaxWait is how long a call waits for a bulkhead slot before failing
	// with ErrBulkheadFull (default 0: fail at once).
	MaxWait time.Duration
}

// Defaults returns the configuration used for system when nothing is set.
// Per-attempt timeouts follow DESIGN.md: NTS 5 s, AI 30 s, images 20 s,
// channels and everything else 10 s. Channels ("channel.*") get a bulkhead
// of 10 concurrent calls each.
func Defaults(system string) Config {
	c := Config{
		Timeout:              10 * time.Second,
		MaxRetries:           3,
		BackoffBase:          time.Second,
		BackoffMax:           4 * time.Second,
		Jitter:               0.2,
		MaxRetryAfter:        30 * time.Second,
		RetryBudgetRatio:     0.2,
		RetryBudgetReserve:   10,
		FailureRateThreshold: 0.5,
		MinCalls:             10,
		Window:               time.Minute,
		OpenFor:              30 * time.Second,
		HalfOpenProbes:       3,
		MaxConcurrent:        -1,
	}
	switch {
	case system == "nts":
		c.Timeout = 5 * time.Second
	case system == "anthropic", system == "openai", strings.HasPrefix(system, "ai."):
		c.Timeout = 30 * time.Second
	case system == "images", strings.HasPrefix(system, "images."):
		c.Timeout = 20 * time.Second
	case strings.HasPrefix(system, "channel."):
		c.MaxConcurrent = 10
	}
	c.Deadline = defaultDeadline(c)
	return c
}

// defaultDeadline leaves room for every attempt and every (jittered) delay.
func defaultDeadline(c Config) time.Duration {
	if c.Timeout <= 0 {
		return -1
	}
	retries := max(c.MaxRetries, 0)
	d := time.Duration(retries+1) * c.Timeout
	for i := range retries {
		d += time.Duration(float64(backoffDelay(c, i+1)) * (1 + max(c.Jitter, 0)))
	}
	return d
}

// resolve fills zero fields from the system's defaults and validates.
func (c Config) resolve(system string) (Config, error) {
	d := Defaults(system)
	setDur := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setFloat := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setDur(&c.Timeout, d.Timeout)
	setInt(&c.MaxRetries, d.MaxRetries)
	setDur(&c.BackoffBase, d.BackoffBase)
	setDur(&c.BackoffMax, d.BackoffMax)
	setFloat(&c.Jitter, d.Jitter)
	setDur(&c.MaxRetryAfter, d.MaxRetryAfter)
	setFloat(&c.RetryBudgetRatio, d.RetryBudgetRatio)
	setInt(&c.RetryBudgetReserve, d.RetryBudgetReserve)
	setFloat(&c.FailureRateThreshold, d.FailureRateThreshold)
	setInt(&c.MinCalls, d.MinCalls)
	setDur(&c.Window, d.Window)
	setDur(&c.OpenFor, d.OpenFor)
	setInt(&c.HalfOpenProbes, d.HalfOpenProbes)
	setInt(&c.MaxConcurrent, d.MaxConcurrent)
	if c.Deadline == 0 {
		c.Deadline = defaultDeadline(c)
	}

	switch {
	case c.FailureRateThreshold <= 0 || c.FailureRateThreshold >= 1:
		return c, fmt.Errorf("resilience %s: FailureRateThreshold %v must be in (0, 1)", system, c.FailureRateThreshold)
	case c.MinCalls < 1:
		return c, fmt.Errorf("resilience %s: MinCalls %d must be positive", system, c.MinCalls)
	case c.HalfOpenProbes < 1:
		return c, fmt.Errorf("resilience %s: HalfOpenProbes %d must be positive", system, c.HalfOpenProbes)
	case c.Window < 0 || c.OpenFor < 0 || c.BackoffBase < 0 || c.BackoffMax < 0 || c.MaxRetryAfter < 0 || c.MaxWait < 0:
		return c, fmt.Errorf("resilience %s: durations other than Timeout and Deadline must not be negative", system)
	case c.RetryBudgetReserve < 0:
		return c, fmt.Errorf("resilience %s: RetryBudgetReserve %d must not be negative", system, c.RetryBudgetReserve)
	case c.Jitter >= 1:
		return c, fmt.Errorf("resilience %s: Jitter %v must be below 1", system, c.Jitter)
	}
	return c, nil
}

// backoffDelay is the un-jittered delay before retry number n (1-based).
func backoffDelay(c Config, n int) time.Duration {
	ceiling := max(c.BackoffMax, c.BackoffBase)
	d := c.BackoffBase
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}
