package ai

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Wrapped errors keep these in their chain (errors.Is).
var (
	// ErrInvalidRequest: the planning request is incomplete or out of range.
	ErrInvalidRequest = errors.New("ai: invalid request")
	// ErrInvalidRecommendation: a recommendation document breaks the schema
	// or its numbers are inconsistent.
	ErrInvalidRecommendation = errors.New("ai: invalid recommendation")
	// ErrInvalidOutput: a model answered with text that is not the JSON asked
	// for (or that fails validation); the Recommender asks once to repair it.
	ErrInvalidOutput = errors.New("ai: invalid model output")
)

// ValidationError lists every problem found in a document.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "ai: invalid recommendation: " + strings.Join(e.Problems, "; ")
}

// Is makes errors.Is(err, ErrInvalidRecommendation) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRecommendation }

// ProviderError is a non-2xx answer from a remote model provider. It carries
// what the retry policy needs: the status code and the Retry-After delay.
// Message holds the provider's own short error message; it is deliberately
// left out of Error() so provider text does not end up in logs by default.
type ProviderError struct {
	Provider   string        // "anthropic", "openai"
	StatusCode int           // HTTP status
	Type       string        // provider error type, e.g. overloaded_error, rate_limit_error
	Code       string        // provider error code when given, e.g. insufficient_quota
	Message    string        // provider message (not logged by Error)
	RetryAfter time.Duration // from retry-after / retry-after-ms; 0 if absent
}

func (e *ProviderError) Error() string {
	s := fmt.Sprintf("%s: HTTP %d", e.Provider, e.StatusCode)
	if e.Type != "" {
		s += " " + e.Type
	}
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	return s
}

// HTTPStatusCode returns the HTTP status of the provider answer.
func (e *ProviderError) HTTPStatusCode() int { return e.StatusCode }

// RetryAfterDelay returns the delay the provider asked for (0 if none).
func (e *ProviderError) RetryAfterDelay() time.Duration { return e.RetryAfter }

// Retryable reports whether trying again later can succeed: rate limits
// (except spent quotas, which do not come back by waiting), timeouts,
// conflicts and server-side failures including Anthropic's 529 overloaded.
// Other 4xx (bad request, auth, permission) are permanent.
func (e *ProviderError) Retryable() bool {
	switch e.Code {
	case "insufficient_quota", "enforced_spend_limit_reached", "billing_hard_limit_reached":
		return false
	}
	switch {
	case e.StatusCode == http.StatusTooManyRequests,
		e.StatusCode == http.StatusRequestTimeout,
		e.StatusCode == http.StatusConflict,
		e.StatusCode >= 500:
		return true
	}
	return false
}

// ParseRetryAfter reads the delay from the retry-after-ms (milliseconds,
// used by OpenAI-compatible servers) or retry-after (seconds or HTTP date)
// header. It returns 0 when there is none or it cannot be read.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("retry-after"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
