package authn

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
	"time"
)

func TestNewRefreshToken(t *testing.T) {
	tok, hash := NewRefreshToken()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: decoded %d bytes, err %v; want 32 bytes base64url", tok, len(raw), err)
	}
	sum := sha256.Sum256([]byte(tok))
	if want := hex.EncodeToString(sum[:]); hash != want {
		t.Errorf("hash = %s, want sha256 hex %s", hash, want)
	}
	if HashRefreshToken(tok) != hash {
		t.Error("HashRefreshToken disagrees with NewRefreshToken")
	}
	if err := CheckRefreshTokenFormat(tok); err != nil {
		t.Errorf("CheckRefreshTokenFormat(fresh token) = %v", err)
	}

	seen := map[string]bool{}
	for range 100 {
		tok, _ := NewRefreshToken()
		if seen[tok] {
			t.Fatal("duplicate refresh token")
		}
		seen[tok] = true
	}
	if NewFamilyID() == NewFamilyID() {
		t.Error("family ids repeat")
	}
}

func TestCheckRefreshTokenFormat(t *testing.T) {
	good, _ := NewRefreshToken()
	for _, bad := range []string{"", "short", good + "A", good[:42] + "!", good[:42] + "=", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig"} {
		if err := CheckRefreshTokenFormat(bad); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("CheckRefreshTokenFormat(%q) = %v, want ErrTokenInvalid", bad, err)
		}
	}
}

func TestCheckRefresh(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	live := RefreshRecord{FamilyID: "f", ExpiresAt: now.Add(DefaultRefreshTTL)}
	tests := []struct {
		name string
		rec  RefreshRecord
		want error
	}{
		{"fresh", live, nil},
		{"expired", RefreshRecord{ExpiresAt: now}, ErrTokenExpired},
		{"used once already", RefreshRecord{ExpiresAt: live.ExpiresAt, UsedAt: now.Add(-time.Minute)}, ErrRefreshReused},
		{"revoked", RefreshRecord{ExpiresAt: live.ExpiresAt, RevokedAt: now.Add(-time.Minute)}, ErrTokenRevoked},
		{"used and family revoked", RefreshRecord{ExpiresAt: live.ExpiresAt, UsedAt: now, RevokedAt: now}, ErrTokenRevoked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRefresh(tc.rec, now)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("err = %v, want %v (and ErrUnauthenticated)", err, tc.want)
			}
		})
	}
	// Reuse is a kind of revocation for callers that only check that.
	if !errors.Is(ErrRefreshReused, ErrTokenRevoked) {
		t.Error("ErrRefreshReused should match ErrTokenRevoked")
	}
}
