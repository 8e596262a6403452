package participation

import (
	"crypto/rand"
	"strings"
	"unicode"
)

const (
	base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	// couponAlphabet is Crockford's base32: no I, L, O, U, so a code read
	// aloud at the counter is not mistaken.
	couponAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// EventCodeLen base58 characters carry 58^10 ≈ 2^58.6 possibilities:
	// unguessable by enumeration at any rate limit.
	EventCodeLen = 10
	couponLen    = 12 // 60 bits
)

// NewEventCode returns a random public event code from crypto/rand.
func NewEventCode() string {
	out := make([]byte, 0, EventCodeLen)
	buf := make([]byte, 32)
	for len(out) < EventCodeLen {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			// Rejection sampling keeps the characters uniform: 232 = 4·58.
			if b < 232 && len(out) < EventCodeLen {
				out = append(out, base58Alphabet[b%58])
			}
		}
	}
	return string(out)
}

// NewCouponCode returns a random coupon code formatted XXXX-XXXX-XXXX.
func NewCouponCode() string {
	var buf [couponLen]byte
	_, _ = rand.Read(buf[:])
	out := make([]byte, 0, couponLen+2)
	for i, b := range buf {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, couponAlphabet[b&31]) // 32 divides 256: uniform
	}
	return string(out)
}

// validCode reports whether s could be an event code (cheap filter before a
// lookup).
func validCode(s string) bool {
	if len(s) != EventCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !containsByte(base58Alphabet, s[i]) {
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// NormalizeCouponCode turns a coupon code as a person types it at the
// counter into its stored form XXXX-XXXX-XXXX: letter case, spaces, dashes
// (any dash), dots and full-width characters (a Korean keyboard's 전각
// mode) do not matter, and the letters the alphabet leaves out are read as
// the digits they look like, as Crockford's base32 decodes them: O → 0,
// I and L → 1. ok is false when the result cannot be a coupon code, so no
// lookup is spent on it. Every redemption path calls it.
func NormalizeCouponCode(s string) (code string, ok bool) {
	out := make([]byte, 0, couponLen+2)
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		switch {
		case unicode.IsSpace(r) || r == '.' || r == '_' || unicode.Is(unicode.Pd, r) || r == '\u2212':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r >= 0x80 || !strings.ContainsRune(couponAlphabet, r) || len(out) == couponLen+2 {
			return "", false
		}
		if len(out) == 4 || len(out) == 9 {
			out = append(out, '-')
		}
		out = append(out, byte(r))
	}
	if len(out) != couponLen+2 {
		return "", false
	}
	return string(out), true
}
