package participation

import "crypto/rand"

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
