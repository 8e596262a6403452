// Package imagegen is the seam to remote image generators: Stability AI
// (imagegen/stability), OpenAI Images (imagegen/openaiimg) and a self-hosted
// AUTOMATIC1111 Stable Diffusion web UI (imagegen/a1111). A provider paints
// a background picture only; the content renderer writes the Korean text on
// top, because image models cannot be trusted to spell Hangul.
//
// Adapters are plain: one HTTP request per Generate, no retries, breaker or
// timeout of their own. The composition root wraps calls with the
// resilience policy; ProviderError unwraps to a *resilience.StatusError so
// the policy tells retryable answers (408, 429, 5xx, connection errors) from
// final ones (400, 401, 402, 403, content policy).
package imagegen

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// Request asks for one background picture of Width×Height pixels. The
// adapter asks the provider for the nearest size it supports and scales and
// crops the answer to exactly Width×Height.
type Request struct {
	Prompt, NegativePrompt string
	Width, Height          int
	// Style is the card style ("simple", "vivid", "trendy"); adapters may
	// map it to a provider preset. The prompt already describes it.
	Style string
	// Seed makes a generation repeatable where the provider allows it;
	// 0 lets the provider choose.
	Seed int64
}

// MaxSide bounds the requested size: the largest channel size is 1920 px
// and a poster background is 2480×3508 at most.
const MaxSide = 4096

// Validate reports a request no provider should be sent.
func (r Request) Validate() error {
	switch {
	case strings.TrimSpace(r.Prompt) == "":
		return errors.New("imagegen: empty prompt")
	case r.Width <= 0 || r.Height <= 0 || r.Width > MaxSide || r.Height > MaxSide:
		return fmt.Errorf("imagegen: size %dx%d out of range 1..%d", r.Width, r.Height, MaxSide)
	}
	return nil
}

// Generator paints a picture for a request.
type Generator interface {
	// Name is the provider's name for metrics and the asset's "provider".
	Name() string
	// Generate returns an image of exactly r.Width×r.Height. Errors from
	// the provider are *ProviderError.
	Generate(ctx context.Context, r Request) (image.Image, error)
}

// ErrContentPolicy is what a provider's safety system refused (a prompt or
// an output it flagged). Retrying the same prompt will not help.
var ErrContentPolicy = errors.New("content policy")

// ErrQuota is an exhausted account (OpenAI answers it as 429
// insufficient_quota): final until someone pays, unlike a rate limit.
var ErrQuota = errors.New("quota exhausted")

// ProviderError is a failed provider call: an HTTP error answer
// (StatusCode ≥ 400), a connection failure (StatusCode 0, Err set), a 2xx
// answer that was not a usable image (StatusCode 0, Code "bad_answer") or a
// filtered output (Err ErrContentPolicy).
type ProviderError struct {
	Provider   string
	StatusCode int    // HTTP status of an error answer; 0 for no answer or an unusable 2xx
	Code       string // the provider's error code, e.g. "rate_limit_exceeded"
	RetryAfter time.Duration
	// Message is the provider's error text, kept for debugging but left out
	// of Error(): providers echo prompts, and errors end up in logs.
	Message string
	// Err is the cause: the transport error, ErrContentPolicy, or what was
	// wrong with the answer.
	Err error
}

func (e *ProviderError) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.StatusCode != 0 {
		b.WriteString(": HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Retryable reports whether another attempt may succeed: 408, 429, 5xx
// other than 501, and connection errors and timeouts without an answer.
// 400, 401, 402, 403, 404 and content-policy refusals are final.
func (e *ProviderError) Retryable() bool {
	switch {
	case errors.Is(e.Err, ErrContentPolicy) || errors.Is(e.Err, ErrQuota):
		return false
	case e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusTooManyRequests:
		return true
	case e.StatusCode >= 500:
		return e.StatusCode != http.StatusNotImplemented
	case e.StatusCode != 0:
		return false
	}
	return e.Err != nil && resilience.IsRetryable(e.Err)
}

// Timeout lets resilience.IsRetryable retry a 408 answer, which its status
// table (429/5xx) does not cover; the server gave up waiting for us, so the
// request is safe to repeat.
func (e *ProviderError) Timeout() bool { return e.StatusCode == http.StatusRequestTimeout }

// Unwrap exposes the cause and, for error answers other than 408, a
// *resilience.StatusError, so the resilience policy retries 429/5xx, honours
// Retry-After and does not count a 4xx against the provider's breaker.
func (e *ProviderError) Unwrap() []error {
	var errs []error
	if e.StatusCode >= 400 && e.StatusCode != http.StatusRequestTimeout {
		se := &resilience.StatusError{System: e.Provider, StatusCode: e.StatusCode,
			RetryAfter: e.RetryAfter, Code: e.Code, Message: e.Message}
		if se.Retryable() && !e.Retryable() {
			// e.g. 429 insufficient_quota: still a failure for the breaker.
			errs = append(errs, resilience.Permanent(se))
		} else {
			errs = append(errs, se)
		}
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// HTTPError starts the ProviderError for a non-2xx answer: status and
// Retry-After (seconds, HTTP date or OpenAI's retry-after-ms). The adapter
// fills Code and Message from the provider's error body.
func HTTPError(provider string, resp *http.Response) *ProviderError {
	se := resilience.NewStatusError(provider, resp)
	return &ProviderError{Provider: provider, StatusCode: resp.StatusCode, RetryAfter: se.RetryAfter}
}

// TransportError wraps an error from http.Client.Do or from reading the
// body. A caller that cancelled gets its plain context.Canceled back, so it
// is neither retried nor counted against the provider; a deadline is the
// provider being slow (Code "timeout", retryable).
func TransportError(ctx context.Context, provider string, err error) error {
	if errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.Canceled) {
		return err
	}
	e := &ProviderError{Provider: provider, Err: err}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Code = "timeout"
	}
	return e
}

// BadAnswer is a 2xx answer that carried no usable image. It is not retried
// (the same request is likely to get the same answer) but counts against
// the provider's breaker.
func BadAnswer(provider string, format string, args ...any) *ProviderError {
	return &ProviderError{Provider: provider, Code: "bad_answer", Err: fmt.Errorf(format, args...)}
}
