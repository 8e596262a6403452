package authn

import (
	"context"
	"net/http"
	"strings"
)

type claimsKey struct{}

// WithClaims returns ctx carrying the verified claims.
func WithClaims(ctx context.Context, c Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// ClaimsFrom returns the claims put in ctx by WithClaims (or the middleware).
func ClaimsFrom(ctx context.Context) (Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(Claims)
	return c, ok
}

// BearerToken extracts the token from "Authorization: Bearer <token>"
// (RFC 6750 §2.1; the scheme is case-insensitive). It returns ErrMissingToken
// when there is no Authorization header and ErrMalformedAuthHeader when the
// header is not a single well-formed bearer credential.
func BearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	switch len(values) {
	case 0:
		return "", ErrMissingToken
	case 1:
	default:
		return "", ErrMalformedAuthHeader
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", ErrMalformedAuthHeader
	}
	token = strings.TrimLeft(token, " ")
	if token == "" || len(token) > maxTokenBytes || !isB64Token(token) {
		return "", ErrMalformedAuthHeader
	}
	return token, nil
}

// isB64Token checks the RFC 6750 b64token syntax: 1*( ALPHA / DIGIT /
// "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// TokenVerifier is what the middleware needs; *Verifier implements it.
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (Claims, error)
}

// ErrorHandler writes the answer for an authentication failure. The HTTP
// layer supplies it (problem+json for the API, a redirect for pages).
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// Middleware requires a valid bearer token: it verifies it, stores the claims
// with WithClaims and calls next, or calls onError with ErrMissingToken,
// ErrMalformedAuthHeader, ErrTokenExpired, ErrTokenInvalid, ErrUnknownKey,
// ErrTokenRevoked, or a revocation-store error that is not ErrUnauthenticated.
func Middleware(v TokenVerifier, onError ErrorHandler) func(http.Handler) http.Handler {
	return middleware(v, onError, false)
}

// OptionalMiddleware is Middleware for routes that also serve anonymous
// callers: without an Authorization header next runs with no claims; a header
// that is present but bad is still an error.
func OptionalMiddleware(v TokenVerifier, onError ErrorHandler) func(http.Handler) http.Handler {
	return middleware(v, onError, true)
}

func middleware(v TokenVerifier, onError ErrorHandler, optional bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, err := BearerToken(r)
			if err == ErrMissingToken && optional {
				next.ServeHTTP(w, r)
				return
			}
			if err != nil {
				onError(w, r, err)
				return
			}
			c, err := v.Verify(r.Context(), token)
			if err != nil {
				onError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithClaims(r.Context(), c)))
		})
	}
}
