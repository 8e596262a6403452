// Package apperr is the product's one error vocabulary. Services return
// *Error values (or sentinels wrapping them) carrying a Kind and a stable
// machine-readable Code; the HTTP layer maps Kind to a status in exactly one
// place (httpapi) and shows clients only the safe Message, never the cause.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for transport mapping.
type Kind int

// Kinds of error. The zero value is Internal so an unclassified error never
// leaks as a client error.
const (
	Internal Kind = iota
	Invalid
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	Unprocessable
	TooLarge
	TooManyRequests
	Unavailable
	Gone
	MethodNotAllowed // a known path asked with a method it does not take
)

// FieldError names one bad input field.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is a classified error with a stable code and a message safe to show.
type Error struct {
	Kind       Kind
	Code       string // stable, e.g. "business_number_check_digit"
	Message    string // safe for clients
	Fields     []FieldError
	RetryAfter time.Duration
	Cause      error // internal detail, logged, never shown
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Is makes errors.Is match two *Error values with the same code, so
// sentinels declared with New work after being wrapped or copied.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Code != ""
}

// New returns an error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Wrap returns a copy of e with cause attached.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Cause = cause
	return &c
}

// WithField returns a copy of e that names a bad field.
func (e *Error) WithField(field, code, message string) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), FieldError{Field: field, Code: code, Message: message})
	return &c
}

// InvalidField is the common case: one bad input field.
func InvalidField(field, code, message string) *Error {
	return &Error{Kind: Invalid, Code: code, Message: message,
		Fields: []FieldError{{Field: field, Code: code, Message: message}}}
}

// Validation collects field errors and returns nil when there were none.
type Validation struct{ fields []FieldError }

// Add records a bad field.
func (v *Validation) Add(field, code, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: message})
}

// Check records a bad field when ok is false.
func (v *Validation) Check(ok bool, field, code, message string) {
	if !ok {
		v.Add(field, code, message)
	}
}

// Err returns an Invalid error listing every bad field, or nil. With one
// field, its code becomes the error's code.
func (v *Validation) Err() error {
	switch len(v.fields) {
	case 0:
		return nil
	case 1:
		f := v.fields[0]
		return &Error{Kind: Invalid, Code: f.Code, Message: f.Message, Fields: v.fields}
	}
	return &Error{Kind: Invalid, Code: "validation_failed", Message: "입력값을 확인해 주세요.", Fields: v.fields}
}

// As extracts the *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of err (Internal when unclassified).
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// Common errors shared by every service.
var (
	ErrNotFound        = New(NotFound, "not_found", "요청한 리소스를 찾을 수 없습니다.")
	ErrUnauthenticated = New(Unauthenticated, "unauthenticated", "로그인이 필요합니다.")
	ErrForbidden       = New(Forbidden, "forbidden", "권한이 없습니다.")
	ErrInvalidJSON     = New(Invalid, "invalid_json", "요청 본문이 올바른 JSON이 아닙니다.")
	ErrTooLarge        = New(TooLarge, "body_too_large", "요청 본문이 너무 큽니다.")
	ErrRateLimited     = New(TooManyRequests, "rate_limited", "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")
	ErrUnavailable     = New(Unavailable, "unavailable", "일시적으로 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.")
	// ErrInternal is what clients see of any unclassified failure.
	ErrInternal = New(Internal, "internal", "서버 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.")
)
