// Package visit signs and checks the store-visit tokens printed in the
// in-store QR code: an entry that arrives with a valid token for its event
// gets the draw's visit bonus. A token that is forged, meant for another
// event or expired is reported with a distinct error; the participation
// service then ignores the token (the entry still counts, without bonus).
//
// Token format (version 1), URL-safe base64 without padding of:
//
//	0x01 | issuedAt (8 bytes, big-endian Unix seconds) | expiresAt (8 bytes) |
//	len(eventID) (1 byte) | eventID | HMAC-SHA256(key, all preceding bytes)[:16]
//
// The MAC is truncated to 128 bits to keep the QR code small; that is the
// strength of a 128-bit key, ample for a coupon-sized bonus. The payload is
// not secret (anyone can read the event id and dates); it cannot be changed.
package visit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Errors returned by Verify.
var (
	ErrMalformed  = errors.New("visit: malformed token")
	ErrForged     = errors.New("visit: token signature is not valid")
	ErrWrongEvent = errors.New("visit: token belongs to another event")
	ErrExpired    = errors.New("visit: token has expired")
)

// MinKeyLen is the minimum HMAC key length in bytes.
const MinKeyLen = 32

const (
	version   = 1
	macLen    = 16
	headerLen = 1 + 8 + 8 + 1
	maxEvent  = 255
)

// Signer issues and verifies tokens. The first key signs; every key
// verifies, so a key can be rotated without invalidating printed posters.
type Signer struct {
	keys [][]byte
	now  func() time.Time
}

// New returns a Signer. current signs new tokens; previous keys are still
// accepted. Keys come from configuration and must be at least MinKeyLen
// bytes.
func New(current []byte, previous ...[]byte) (*Signer, error) {
	keys := append([][]byte{current}, previous...)
	for i, k := range keys {
		if len(k) < MinKeyLen {
			return nil, fmt.Errorf("visit: key %d is %d bytes, want at least %d", i, len(k), MinKeyLen)
		}
	}
	s := &Signer{now: time.Now}
	for _, k := range keys {
		s.keys = append(s.keys, append([]byte(nil), k...))
	}
	return s, nil
}

// WithClock returns a copy of s that reads the issue time from now (tests).
func (s *Signer) WithClock(now func() time.Time) *Signer {
	c := *s
	c.now = now
	return &c
}

// Issue returns a token for eventID valid until expiresAt (typically the end
// of the event period). Event ids longer than 255 bytes are a programming
// error upstream; they are cut so that Issue cannot fail, and the resulting
// token then never verifies for the full id.
func (s *Signer) Issue(eventID string, expiresAt time.Time) string {
	if len(eventID) > maxEvent {
		eventID = eventID[:maxEvent]
	}
	b := make([]byte, 0, headerLen+len(eventID)+macLen)
	b = append(b, version)
	b = binary.BigEndian.AppendUint64(b, uint64(s.now().Unix()))
	b = binary.BigEndian.AppendUint64(b, uint64(expiresAt.Unix()))
	b = append(b, byte(len(eventID)))
	b = append(b, eventID...)
	b = append(b, mac(s.keys[0], b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Claims is what a valid token says.
type Claims struct {
	EventID   string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Verify checks token for eventID at time now and returns ErrMalformed,
// ErrForged, ErrWrongEvent or ErrExpired (checked in that order), or nil.
func (s *Signer) Verify(token, eventID string, now time.Time) error {
	_, err := s.Parse(token, eventID, now)
	return err
}

// Parse is Verify returning the claims of a valid token.
func (s *Signer) Parse(token, eventID string, now time.Time) (Claims, error) {
	if len(token) > 2*(headerLen+maxEvent+macLen) {
		return Claims{}, ErrMalformed
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < headerLen+macLen || b[0] != version {
		return Claims{}, ErrMalformed
	}
	n := int(b[headerLen-1])
	if len(b) != headerLen+n+macLen {
		return Claims{}, ErrMalformed
	}
	body, sig := b[:headerLen+n], b[headerLen+n:]
	ok := false
	for _, k := range s.keys {
		// hmac.Equal is constant-time; every key is tried so timing does
		// not reveal which one matched.
		if hmac.Equal(mac(k, body), sig) {
			ok = true
		}
	}
	if !ok {
		return Claims{}, ErrForged
	}
	c := Claims{
		EventID:   string(body[headerLen:]),
		IssuedAt:  time.Unix(int64(binary.BigEndian.Uint64(body[1:9])), 0),
		ExpiresAt: time.Unix(int64(binary.BigEndian.Uint64(body[9:17])), 0),
	}
	if c.EventID != eventID {
		return Claims{}, ErrWrongEvent
	}
	if !now.Before(c.ExpiresAt) {
		return Claims{}, ErrExpired
	}
	return c, nil
}

func mac(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)[:macLen]
}
