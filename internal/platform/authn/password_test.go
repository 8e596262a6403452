package authn

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		pw   string
		want PasswordReason // "" = valid
	}{
		{"abcd1234", ""},
		{"사장님비밀번호1", ""},
		{"Correct horse 7 battery", ""},
		{strings.Repeat("a1", 36), ""}, // exactly 72 bytes
		{"abc123", PasswordTooShort},
		{"", PasswordTooShort},
		{"한글7자비번1", PasswordTooShort}, // 7 runes although 19 bytes
		{strings.Repeat("a1", 36) + "x", PasswordTooLong},
		{strings.Repeat("가", 24) + "1", PasswordTooLong}, // 25 runes, 73 bytes
		{"abcdefgh", PasswordNeedsDigit},
		{"12345678", PasswordNeedsLetter},
		{"!!!!!!!!", PasswordRepeated},
		{"aaaaaaaaaa", PasswordRepeated},
		{"abcd\x001234", PasswordInvalidText},
		{"abcd1234\xff", PasswordInvalidText},
	}
	for _, tc := range tests {
		err := ValidatePassword(tc.pw)
		if tc.want == "" {
			if err != nil {
				t.Errorf("ValidatePassword(%q) = %v, want nil", tc.pw, err)
			}
			continue
		}
		var pe *PasswordPolicyError
		if !errors.As(err, &pe) || pe.Reason != tc.want {
			t.Errorf("ValidatePassword(%q) = %v, want reason %s", tc.pw, err, tc.want)
			continue
		}
		if !errors.Is(err, ErrWeakPassword) {
			t.Errorf("ValidatePassword(%q): %v does not match ErrWeakPassword", tc.pw, err)
		}
		if !strings.Contains(pe.Message(), "비밀번호") {
			t.Errorf("Message() = %q, want a Korean explanation", pe.Message())
		}
	}
}

func TestHashAndCheckPassword(t *testing.T) {
	p, err := NewPasswords(bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p.Hash("abcd1234")
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(h, "$2a$04$") {
		t.Errorf("hash %q is not bcrypt at cost 4", h)
	}
	if h2, _ := p.Hash("abcd1234"); h2 == h {
		t.Error("two hashes of one password are equal; salt missing")
	}
	if err := p.Check(h, "abcd1234"); err != nil {
		t.Errorf("Check(right password) = %v", err)
	}
	for _, wrong := range []string{"abcd1235", "", "ABCD1234", "abcd1234 "} {
		if err := p.Check(h, wrong); !errors.Is(err, ErrPasswordMismatch) || !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("Check(%q) = %v, want ErrPasswordMismatch", wrong, err)
		}
	}
	if err := p.Check("not-a-bcrypt-hash", "abcd1234"); err == nil || errors.Is(err, ErrPasswordMismatch) {
		t.Errorf("Check(damaged hash) = %v, want a non-mismatch error", err)
	}
	if _, err := p.Hash(strings.Repeat("a", 73)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("Hash(73 bytes) = %v, want ErrPasswordTooLong", err)
	}
	if err := p.CheckUnknownUser("abcd1234"); !errors.Is(err, ErrPasswordMismatch) {
		t.Errorf("CheckUnknownUser = %v, want ErrPasswordMismatch", err)
	}
	if p.NeedsRehash(h) {
		t.Error("NeedsRehash(same cost) = true")
	}
	p5, _ := NewPasswords(5)
	if !p5.NeedsRehash(h) {
		t.Error("NeedsRehash(other cost) = false")
	}
}

func TestNewPasswordsCost(t *testing.T) {
	p, err := NewPasswords(0)
	if err != nil || p.Cost() != DefaultBcryptCost {
		t.Errorf("NewPasswords(0) = cost %v, err %v; want %d", p.Cost(), err, DefaultBcryptCost)
	}
	for _, bad := range []int{1, 3, 32, -1} {
		if _, err := NewPasswords(bad); err == nil {
			t.Errorf("NewPasswords(%d) succeeded", bad)
		}
	}
}
