// Package httpapi holds the HTTP conventions every service shares: JSON in and
// out, RFC 9457 problem+json errors with stable codes, the route registry that
// applies authentication and rate limits and generates the OpenAPI document,
// and the middleware chain of the gateway.
package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Problem is an RFC 9457 problem details body with our stable code.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	Code      string              `json:"code"`
	Errors    []apperr.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"requestId,omitempty"`
}

// statusOf is the one place where error kinds become HTTP statuses.
var statusOf = map[apperr.Kind]int{
	apperr.Internal:         http.StatusInternalServerError,
	apperr.Invalid:          http.StatusBadRequest,
	apperr.Unauthenticated:  http.StatusUnauthorized,
	apperr.Forbidden:        http.StatusForbidden,
	apperr.NotFound:         http.StatusNotFound,
	apperr.Conflict:         http.StatusConflict,
	apperr.Unprocessable:    http.StatusUnprocessableEntity,
	apperr.TooLarge:         http.StatusRequestEntityTooLarge,
	apperr.TooManyRequests:  http.StatusTooManyRequests,
	apperr.Unavailable:      http.StatusServiceUnavailable,
	apperr.Gone:             http.StatusGone,
	apperr.MethodNotAllowed: http.StatusMethodNotAllowed,
}

// ErrorOf turns a problem answer received from another service back into
// an *apperr.Error, so it travels on with the same kind and code. Statuses
// without a kind of their own (502, 504) count as Unavailable.
func ErrorOf(status int, p Problem) *apperr.Error {
	kind := apperr.Internal
	for k, st := range statusOf {
		if st == status {
			kind = k
		}
	}
	if status == http.StatusBadGateway || status == http.StatusGatewayTimeout {
		kind = apperr.Unavailable
	}
	return &apperr.Error{Kind: kind, Code: p.Code, Message: p.Detail, Fields: p.Errors}
}

// StatusOf maps an error to its HTTP status.
func StatusOf(err error) int { return statusOf[apperr.KindOf(err)] }

// ProblemOf builds the problem body for err. Unclassified errors become a
// generic 500 whose text reveals nothing.
func ProblemOf(r *http.Request, err error) Problem {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.Internal {
		e = apperr.ErrInternal
	}
	status := statusOf[e.Kind]
	p := Problem{
		Type:   "https://autoevent.kr/problems/" + e.Code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: e.Message,
		Code:   e.Code,
		Errors: e.Fields,
	}
	if r != nil {
		p.Instance = r.URL.Path
		p.RequestID = RequestID(r.Context())
	}
	return p
}

// WriteError answers err as problem+json and logs server-side failures with
// their cause.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(r, err)
	if p.Status >= 500 {
		slog.ErrorContext(r.Context(), "request failed", "err", err, "path", r.URL.Path, "requestId", p.RequestID)
	}
	if e, ok := apperr.As(err); ok && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON answers v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// MaxBody is the default request body limit for JSON endpoints.
const MaxBody = 1 << 20

// DecodeJSON reads a JSON body of at most MaxBody bytes into v, rejecting
// unknown fields and trailing data.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return DecodeJSONLimit(w, r, v, MaxBody)
}

// DecodeJSONLimit is DecodeJSON with an explicit limit.
func DecodeJSONLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.ErrTooLarge.Wrap(err)
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return apperr.ErrInvalidJSON.WithField(typeErr.Field, "invalid_type", "값의 형식이 올바르지 않습니다.").Wrap(err)
		}
		return apperr.ErrInvalidJSON.Wrap(err)
	}
	if dec.More() {
		return apperr.ErrInvalidJSON
	}
	return nil
}
