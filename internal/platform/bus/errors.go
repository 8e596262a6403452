package bus

import "errors"

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrConfig reports an invalid Config.
	ErrConfig = errors.New("bus: invalid config")
	// ErrSubject reports a subject outside the bus's namespaces or with
	// wildcards or empty tokens.
	ErrSubject = errors.New("bus: invalid subject")
	// ErrName reports an invalid consumer or queue name.
	ErrName = errors.New("bus: invalid name")
	// ErrPayload reports a payload that is not valid JSON.
	ErrPayload = errors.New("bus: invalid payload")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("bus: closed")
)

// permanent marks a handler error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps a handler error so the message goes to the dead-letter
// stream at once instead of being retried (for example a payload that does
// not decode). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was wrapped with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
