package visit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	key1 = bytes.Repeat([]byte{1}, 32)
	key2 = bytes.Repeat([]byte{2}, 32)
	t0   = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
)

func signer(t *testing.T, keys ...[]byte) *Signer {
	t.Helper()
	s, err := New(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return s.WithClock(func() time.Time { return t0 })
}

func TestVerify(t *testing.T) {
	s := signer(t, key1)
	exp := t0.Add(30 * 24 * time.Hour)
	tok := s.Issue("evt-123", exp)

	if strings.ContainsAny(tok, "+/=") {
		t.Fatalf("token %q is not URL-safe", tok)
	}
	if len(tok) > 80 {
		t.Errorf("token is %d characters; keep QR codes small", len(tok))
	}

	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	other := signer(t, key2).Issue("evt-123", exp)

	tests := []struct {
		name    string
		token   string
		event   string
		now     time.Time
		wantErr error
	}{
		{"valid", tok, "evt-123", t0.Add(time.Hour), nil},
		{"valid until the last second", tok, "evt-123", exp.Add(-time.Second), nil},
		{"expired at expiry", tok, "evt-123", exp, ErrExpired},
		{"expired later", tok, "evt-123", exp.Add(48 * time.Hour), ErrExpired},
		{"wrong event", tok, "evt-999", t0, ErrWrongEvent},
		{"signed with another key", other, "evt-123", t0, ErrForged},
		{"expiry extended", flip(16), "evt-123", t0, ErrForged},
		{"event id edited", flip(18), "evt-123", t0, ErrForged},
		{"mac edited", flip(len(raw) - 1), "evt-123", t0, ErrForged},
		{"empty", "", "evt-123", t0, ErrMalformed},
		{"not base64", "!!!!", "evt-123", t0, ErrMalformed},
		{"truncated", tok[:len(tok)-4], "evt-123", t0, ErrMalformed},
		{"wrong version", flip(0), "evt-123", t0, ErrMalformed},
		{"huge", strings.Repeat("A", 5000), "evt-123", t0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Verify(tt.token, tt.event, tt.now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
		})
	}

	c, err := s.Parse(tok, "evt-123", t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.EventID != "evt-123" || !c.IssuedAt.Equal(t0) || !c.ExpiresAt.Equal(exp) {
		t.Fatalf("claims = %+v, want event evt-123 issued %v expiring %v", c, t0, exp)
	}
}

func TestKeyRotation(t *testing.T) {
	exp := t0.Add(time.Hour)
	old := signer(t, key1).Issue("e", exp)
	rotated := signer(t, key2, key1)
	if err := rotated.Verify(old, "e", t0); err != nil {
		t.Fatalf("token signed with the previous key: %v, want valid", err)
	}
	fresh := rotated.Issue("e", exp)
	if err := signer(t, key1).Verify(fresh, "e", t0); !errors.Is(err, ErrForged) {
		t.Fatalf("new token under the old key alone: %v, want ErrForged", err)
	}
}

func TestNewRejectsShortKeys(t *testing.T) {
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("New accepted a 5-byte key")
	}
	if _, err := New(key1, []byte("short")); err == nil {
		t.Fatal("New accepted a short previous key")
	}
}
