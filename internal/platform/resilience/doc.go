// Package resilience is the one wrapper every external call goes through:
// NTS, Claude, OpenAI, image providers, the distribution channels, SMS.
//
// A client stays plain (one HTTP request, one error); the policy is applied
// where the client is wired:
//
//	reg, _ := resilience.NewRegistry(cfg.Resilience, promRegistry)
//	status, err := resilience.Do(ctx, reg.Policy("nts"), func(ctx context.Context) (nts.Status, error) {
//		return ntsClient.Lookup(ctx, number)
//	})
//
// Each call runs through, outermost first:
//
//	overall Deadline → Bulkhead (optional) → CircuitBreaker → Retry → per-attempt Timeout → fn
//
// The breaker sits outside the retry, so a call and its retries count as one
// logical success or failure. The breaker opens when more than
// FailureRateThreshold of the calls in the sliding Window failed, once at
// least MinCalls were made; after OpenFor it lets HalfOpenProbes calls
// through, the first failing probe opens it again, and HalfOpenProbes
// successes close it. Probes are never retried.
//
// Retries happen only for errors IsRetryable accepts (network errors,
// timeouts, HTTP 5xx, 429 and Anthropic's 529), never for other 4xx, never for
// an error wrapped with Permanent, and for a context marked NonIdempotent only
// when the error proves the request was not processed. Backoff is 1 s, 2 s,
// 4 s with ±20 % jitter; a server's Retry-After is the minimum delay. A
// token-bucket retry budget keeps retries to about RetryBudgetRatio of calls.
//
// Circuit breaking, bulkhead and retry scheduling are failsafe-go's; this
// package decides what is retryable, enforces the budget and the timeouts, and
// exports Prometheus metrics. Tests drive time with testing/synctest, whose
// fake clock also drives failsafe-go's breaker and retry timers, so a 30 s
// half-open delay takes no real time.
package resilience
