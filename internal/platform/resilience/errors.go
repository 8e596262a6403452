package resilience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
)

// Errors a policy returns itself, wrapped with the system name. Test them
// with errors.Is.
var (
	// ErrOpen: the circuit breaker is open (or half-open with every probe
	// slot taken); the call was not made.
	ErrOpen = circuitbreaker.ErrOpen
	// ErrBulkheadFull: the system's concurrency limit was reached; the call
	// was not made.
	ErrBulkheadFull = bulkhead.ErrFull
	// ErrTimeout: an attempt or the whole call ran out of time. The error
	// also matches context.DeadlineExceeded when that is what fn returned.
	ErrTimeout = errors.New("timeout")
)

// StatusError is an HTTP error answer from an external system. Clients return
// it (or wrap it) for every non-2xx response so the policy can tell
// retryable answers from final ones.
type StatusError struct {
	System     string        // "nts", "anthropic", ...
	StatusCode int           // HTTP status
	RetryAfter time.Duration // the server's Retry-After, 0 when absent
	Code       string        // the provider's error code, e.g. "overloaded_error"
	// Message is the provider's error message. It is kept for debugging but
	// left out of Error(), because provider text may echo personal data and
	// errors end up in logs.
	Message string
}

func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString(e.System)
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	return b.String()
}

// Retryable reports whether the status is worth retrying: 429, and 5xx other
// than 501 (Anthropic's 529 "overloaded" included).
func (e *StatusError) Retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests ||
		(e.StatusCode >= 500 && e.StatusCode != http.StatusNotImplemented)
}

// clientError reports a 4xx other than 429: the request itself was wrong, so
// the dependency is healthy and the answer is final.
func (e *StatusError) clientError() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusTooManyRequests
}

// NewStatusError builds a StatusError from a response's status line and
// Retry-After header. It does not read the body: the client fills Code and
// Message from the provider's error format.
func NewStatusError(system string, resp *http.Response) *StatusError {
	e := &StatusError{System: system, StatusCode: resp.StatusCode}
	e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if ms, err := strconv.ParseInt(resp.Header.Get("Retry-After-Ms"), 10, 64); err == nil && ms > 0 {
		e.RetryAfter = time.Duration(ms) * time.Millisecond
	}
	return e
}

// ParseRetryAfter reads an HTTP Retry-After value: delay-seconds or an
// HTTP-date (RFC 9110 §10.2.3). It returns 0 for an empty, malformed or past
// value.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not retryable, e.g. a non-idempotent request whose
// outcome is unknown. It still counts as a failure for the breaker unless the
// error underneath is a 4xx answer. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

type nonIdempotentKey struct{}

// NonIdempotent marks the calls made with ctx as not safe to repeat (a post
// to a channel, an SMS). Such a call is retried only when the error proves
// the request was not processed: a refused or failed connection (dial, DNS)
// or a 429/529 answer.
func NonIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, nonIdempotentKey{}, true)
}

func isNonIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(nonIdempotentKey{}).(bool)
	return v
}

// IsRetryable reports whether err is worth another attempt: network errors,
// timeouts, HTTP 5xx (not 501), 429 and 529. It is false for nil, for other
// 4xx answers, for errors marked Permanent, for cancellation, and for errors
// it does not recognise (a client with another transient error should return
// one with a Timeout() or Temporary() method returning true).
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var perm *permanentError
	if errors.As(err, &perm) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrOpen) || errors.Is(err, ErrBulkheadFull) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Retryable()
	}
	if errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	var to interface{ Timeout() bool }
	if errors.As(err, &to) && to.Timeout() {
		return true
	}
	var tmp interface{ Temporary() bool }
	return errors.As(err, &tmp) && tmp.Temporary()
}

// notProcessed reports whether err proves the server did not act on the
// request, so even a non-idempotent call may be repeated.
func notProcessed(err error) bool {
	var perm *permanentError
	if errors.As(err, &perm) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.StatusCode == http.StatusTooManyRequests || se.StatusCode == 529
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isClientError reports a 4xx answer other than 429.
func isClientError(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.clientError()
}

// isFailure decides what the breaker counts against the system: every error
// except a 4xx answer (the system worked; the request was wrong) and the
// caller's own cancellation.
func isFailure(err error) bool {
	return err != nil && !isClientError(err) && !errors.Is(err, context.Canceled)
}

// attemptError carries this package's retry decision for one failed attempt
// through failsafe-go's retry policy (AbortIf and the delay function read it).
// Do unwraps it before returning.
type attemptError struct {
	err      error
	retry    bool
	delay    time.Duration
	panicked any // fn's panic value, re-raised by Do
}

func (e *attemptError) Error() string { return e.err.Error() }
func (e *attemptError) Unwrap() error { return e.err }

func wrapSystem(system string, err error) error {
	return fmt.Errorf("%s: %w", system, err)
}
