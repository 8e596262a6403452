package authn

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// DefaultBcryptCost is the production cost (≈ 250 ms on the 2-core target).
// Tests pass bcrypt.MinCost.
const DefaultBcryptCost = 12

// Password policy limits.
const (
	MinPasswordRunes = 8
	MaxPasswordBytes = 72 // bcrypt reads at most 72 bytes
)

// PasswordReason names the rule a password breaks. The values are stable
// codes for API answers.
type PasswordReason string

const (
	PasswordTooShort    PasswordReason = "TOO_SHORT"
	PasswordTooLong     PasswordReason = "TOO_LONG"
	PasswordNeedsLetter PasswordReason = "NEEDS_LETTER"
	PasswordNeedsDigit  PasswordReason = "NEEDS_DIGIT"
	PasswordRepeated    PasswordReason = "REPEATED_CHARACTER"
	PasswordInvalidText PasswordReason = "INVALID_TEXT"
)

// ErrWeakPassword matches every *PasswordPolicyError with errors.Is.
var ErrWeakPassword = errors.New("authn: password does not meet the policy")

// PasswordPolicyError says which rule a password breaks.
type PasswordPolicyError struct {
	Reason PasswordReason
}

func (e *PasswordPolicyError) Error() string {
	return fmt.Sprintf("authn: weak password: %s", e.Reason)
}

// Is makes errors.Is(err, ErrWeakPassword) true.
func (e *PasswordPolicyError) Is(target error) bool { return target == ErrWeakPassword }

// Message is the Korean explanation shown to the owner next to the field.
func (e *PasswordPolicyError) Message() string {
	switch e.Reason {
	case PasswordTooShort:
		return fmt.Sprintf("비밀번호는 %d자 이상이어야 합니다.", MinPasswordRunes)
	case PasswordTooLong:
		return "비밀번호가 너무 깁니다. 영문 기준 72자 이하로 입력해 주세요."
	case PasswordNeedsLetter:
		return "비밀번호에 문자를 한 개 이상 넣어 주세요."
	case PasswordNeedsDigit:
		return "비밀번호에 숫자를 한 개 이상 넣어 주세요."
	case PasswordRepeated:
		return "같은 문자만 반복한 비밀번호는 사용할 수 없습니다."
	default:
		return "비밀번호에 사용할 수 없는 문자가 있습니다."
	}
}

// ValidatePassword applies the sign-up policy: valid UTF-8 without control
// characters, at least MinPasswordRunes characters, at most MaxPasswordBytes
// bytes, at least one letter and one digit, not one character repeated. It
// returns a *PasswordPolicyError (matching ErrWeakPassword) or nil.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return &PasswordPolicyError{Reason: PasswordInvalidText}
	}
	if utf8.RuneCountInString(pw) < MinPasswordRunes {
		return &PasswordPolicyError{Reason: PasswordTooShort}
	}
	if len(pw) > MaxPasswordBytes {
		return &PasswordPolicyError{Reason: PasswordTooLong}
	}
	var letter, digit, varied bool
	first, _ := utf8.DecodeRuneInString(pw)
	for _, r := range pw {
		switch {
		case unicode.IsControl(r):
			return &PasswordPolicyError{Reason: PasswordInvalidText}
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		}
		if r != first {
			varied = true
		}
	}
	switch {
	case !varied:
		return &PasswordPolicyError{Reason: PasswordRepeated}
	case !letter:
		return &PasswordPolicyError{Reason: PasswordNeedsLetter}
	case !digit:
		return &PasswordPolicyError{Reason: PasswordNeedsDigit}
	}
	return nil
}

// HashPassword hashes pw with bcrypt at cost. It refuses passwords longer
// than 72 bytes (ErrPasswordTooLong) instead of letting bcrypt truncate them.
func HashPassword(pw string, cost int) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("authn: hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword compares pw with a stored bcrypt hash in constant time. It
// returns ErrPasswordMismatch on a wrong password, another error if the stored
// hash is damaged.
func CheckPassword(hash, pw string) error {
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword), errors.Is(err, bcrypt.ErrPasswordTooLong):
		return ErrPasswordMismatch
	default:
		return fmt.Errorf("authn: stored password hash unusable: %w", err)
	}
}

// Passwords bundles the configured bcrypt cost with the log-in helpers.
type Passwords struct {
	cost      int
	dummyOnce sync.Once
	dummy     string
	// compares counts bcrypt comparisons, so tests can show that a log-in
	// for an unknown account does the same work as one for a known account
	// without timing anything.
	compares atomic.Int64
}

// NewPasswords returns Passwords at cost; 0 means DefaultBcryptCost.
func NewPasswords(cost int) (*Passwords, error) {
	if cost == 0 {
		cost = DefaultBcryptCost
	}
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("authn: bcrypt cost %d out of range [%d, %d]", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	return &Passwords{cost: cost}, nil
}

// Cost is the configured bcrypt cost.
func (p *Passwords) Cost() int { return p.cost }

// Hash hashes pw at the configured cost.
func (p *Passwords) Hash(pw string) (string, error) { return HashPassword(pw, p.cost) }

// Check is CheckPassword.
func (p *Passwords) Check(hash, pw string) error {
	p.compares.Add(1)
	return CheckPassword(hash, pw)
}

// Compares is the number of bcrypt comparisons made so far by Check and
// CheckUnknownUser.
func (p *Passwords) Compares() int64 { return p.compares.Load() }

// CheckUnknownUser spends the same time as Check for a log-in with an unknown
// e-mail, so response times do not reveal which addresses have accounts. It
// always returns ErrPasswordMismatch.
func (p *Passwords) CheckUnknownUser(pw string) error {
	p.dummyOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte("autoevent-timing-equaliser"), p.cost)
		if err == nil {
			p.dummy = string(h)
		}
	})
	if p.dummy != "" {
		p.compares.Add(1)
		_ = bcrypt.CompareHashAndPassword([]byte(p.dummy), []byte(pw))
	}
	return ErrPasswordMismatch
}

// NeedsRehash reports whether a stored hash was made at another cost, so the
// service can re-hash it after a successful log-in.
func (p *Passwords) NeedsRehash(hash string) bool {
	c, err := bcrypt.Cost([]byte(hash))
	return err != nil || c != p.cost
}
