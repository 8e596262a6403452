package authn

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// DefaultRefreshTTL is the refresh token lifetime (DESIGN.md §5: 7 days).
const DefaultRefreshTTL = 7 * 24 * time.Hour

const (
	refreshTokenBytes = 32
	// refreshTokenLen is the length of 32 bytes in unpadded base64url.
	refreshTokenLen = 43
)

// NewRefreshToken returns a fresh opaque refresh token (32 random bytes,
// base64url without padding) and the hash to store. Only the hash is stored,
// so a leaked database cannot be replayed as tokens; the plain token goes to
// the client once.
func NewRefreshToken() (token string, hash string) {
	b := make([]byte, refreshTokenBytes)
	_, _ = rand.Read(b) // never fails on Go ≥ 1.24
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashRefreshToken(token)
}

// HashRefreshToken is the lookup key for a presented refresh token:
// hex(SHA-256(token)). A plain hash suffices (no salt, no HMAC) because the
// token carries 256 bits of randomness.
func HashRefreshToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CheckRefreshTokenFormat rejects input that cannot be one of our refresh
// tokens before it reaches the database. It returns ErrTokenInvalid.
func CheckRefreshTokenFormat(token string) error {
	if len(token) != refreshTokenLen {
		return ErrTokenInvalid
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(token); err != nil {
		return ErrTokenInvalid
	}
	return nil
}

// NewFamilyID returns a random id for a refresh token family: the chain of
// tokens that descend from one log-in by rotation. Reuse of any rotated
// member revokes the whole family.
func NewFamilyID() string { return randomID(16) }

// RefreshRecord is what the user service stores per refresh token (besides
// its hash and owner). CheckRefresh applies the rotation rules to it.
type RefreshRecord struct {
	FamilyID  string
	ExpiresAt time.Time
	// UsedAt is when the token was exchanged for a new pair; zero if unused.
	UsedAt time.Time
	// RevokedAt is when the token (or its family) was revoked; zero if not.
	RevokedAt time.Time
}

// CheckRefresh decides whether the record may be exchanged at now:
//   - revoked (log-out, or the family was revoked earlier): ErrTokenRevoked;
//   - already used: ErrRefreshReused — the caller must revoke the family;
//   - expired: ErrTokenExpired;
//   - otherwise nil: mark it used, issue a new token in the same family, in
//     one transaction (a conditional update on UsedAt IS NULL, so two
//     concurrent refreshes cannot both win).
func CheckRefresh(r RefreshRecord, now time.Time) error {
	switch {
	case !r.RevokedAt.IsZero():
		return ErrTokenRevoked
	case !r.UsedAt.IsZero():
		return ErrRefreshReused
	case !now.Before(r.ExpiresAt):
		return ErrTokenExpired
	}
	return nil
}
