package resilience

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseOverrides reads per-system settings written as
// "system.key=value" pairs separated by ';' or ',', for example
// "nts.timeout=3s;anthropic.max-retries=2;channel.instagram.max-concurrent=4".
// The system is everything before the last dot. Keys: timeout, deadline,
// max-retries, backoff-base, backoff-max, jitter, max-retry-after,
// retry-budget-ratio, retry-budget-reserve, failure-rate, min-calls, window,
// open-for, half-open-probes, max-concurrent, max-wait.
func ParseOverrides(s string) (map[string]Config, error) {
	out := map[string]Config{}
	for _, pair := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		pair = strings.TrimSpace(pair)
		lhs, val, ok := strings.Cut(pair, "=")
		dot := strings.LastIndexByte(lhs, '.')
		if !ok || dot <= 0 {
			return nil, fmt.Errorf("resilience: %q is not system.key=value", pair)
		}
		system, key := strings.TrimSpace(lhs[:dot]), strings.TrimSpace(lhs[dot+1:])
		c := out[system]
		if err := setKey(&c, key, strings.TrimSpace(val)); err != nil {
			return nil, fmt.Errorf("resilience: %s: %w", pair, err)
		}
		out[system] = c
	}
	return out, nil
}

func setKey(c *Config, key, val string) error {
	dur := map[string]*time.Duration{"timeout": &c.Timeout, "deadline": &c.Deadline, "backoff-base": &c.BackoffBase,
		"backoff-max": &c.BackoffMax, "max-retry-after": &c.MaxRetryAfter, "window": &c.Window, "open-for": &c.OpenFor, "max-wait": &c.MaxWait}
	ints := map[string]*int{"max-retries": &c.MaxRetries, "retry-budget-reserve": &c.RetryBudgetReserve, "min-calls": &c.MinCalls,
		"half-open-probes": &c.HalfOpenProbes, "max-concurrent": &c.MaxConcurrent}
	floats := map[string]*float64{"jitter": &c.Jitter, "retry-budget-ratio": &c.RetryBudgetRatio, "failure-rate": &c.FailureRateThreshold}
	if p, ok := dur[key]; ok {
		d, err := time.ParseDuration(val)
		*p = d
		return err
	}
	if p, ok := ints[key]; ok {
		n, err := strconv.Atoi(val)
		*p = n
		return err
	}
	if p, ok := floats[key]; ok {
		f, err := strconv.ParseFloat(val, 64)
		*p = f
		return err
	}
	return fmt.Errorf("unknown key %q", key)
}
