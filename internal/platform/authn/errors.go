// Package authn holds the authentication building blocks shared by the
// services: JWT access tokens with rotating signing keys, opaque refresh
// tokens, bcrypt passwords with a password policy, AES-256-GCM field
// encryption with keyed lookup hashes, and HTTP helpers that put verified
// claims into the request context.
//
// The package never writes HTTP responses and never logs: it returns the
// errors below and the HTTP layer maps them to statuses in one place.
package authn

import "errors"

// ErrUnauthenticated is the root of every "who are you?" failure. Every token
// error below matches it with errors.Is, so the HTTP layer can map this one
// sentinel to 401 and still tell the reasons apart when it wants to.
var ErrUnauthenticated = errors.New("authn: unauthenticated")

// Token and credential errors. Each one wraps ErrUnauthenticated.
var (
	// ErrMissingToken: no Authorization header (or no bearer token) was sent.
	ErrMissingToken = authError("missing bearer token", ErrUnauthenticated)
	// ErrMalformedAuthHeader: an Authorization header that is not "Bearer <token>".
	ErrMalformedAuthHeader = authError("malformed authorization header", ErrUnauthenticated)
	// ErrTokenInvalid: the token is malformed, its signature or algorithm is
	// wrong, or its issuer, audience or required claims do not match.
	ErrTokenInvalid = authError("invalid token", ErrUnauthenticated)
	// ErrUnknownKey: the token names a key id this process does not know
	// (an old key that was dropped, or a forged header). Also ErrTokenInvalid.
	ErrUnknownKey = authError("unknown signing key", ErrTokenInvalid)
	// ErrTokenExpired: the token was valid but its lifetime has passed.
	ErrTokenExpired = authError("token expired", ErrUnauthenticated)
	// ErrTokenRevoked: the token was revoked (log-out, refresh family revoked).
	ErrTokenRevoked = authError("token revoked", ErrUnauthenticated)
	// ErrRefreshReused: a refresh token that was already rotated was presented
	// again. The caller must revoke the whole token family: either the owner or
	// a thief holds a copy, and we cannot tell which.
	ErrRefreshReused = authError("refresh token reused", ErrTokenRevoked)
	// ErrPasswordMismatch: the password does not match the stored hash.
	ErrPasswordMismatch = authError("password mismatch", ErrUnauthenticated)
)

// Configuration and crypto errors. These are not ErrUnauthenticated: they mean
// the process is misconfigured or stored data is damaged.
var (
	// ErrWeakSecret: a signing secret or key is shorter than required.
	ErrWeakSecret = errors.New("authn: secret too short")
	// ErrBadKey: a key could not be decoded or has the wrong length.
	ErrBadKey = errors.New("authn: bad key")
	// ErrDecrypt: a ciphertext failed authentication (tampered, truncated, or
	// encrypted under a key we do not hold). Deliberately carries no detail.
	ErrDecrypt = errors.New("authn: decryption failed")
	// ErrPasswordTooLong: bcrypt only reads 72 bytes; longer input is refused
	// rather than silently truncated.
	ErrPasswordTooLong = errors.New("authn: password longer than 72 bytes")
)

// chainedError is a sentinel that also matches its parent with errors.Is.
type chainedError struct {
	msg    string
	parent error
}

func authError(msg string, parent error) error {
	return &chainedError{msg: "authn: " + msg, parent: parent}
}

func (e *chainedError) Error() string { return e.msg }
func (e *chainedError) Unwrap() error { return e.parent }
