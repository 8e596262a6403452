// Package phone normalises, validates and masks Korean mobile numbers, and
// masks personal names for published winner lists.
//
// The canonical form is the domestic digit string, e.g. "01012345678": it is
// what the participation service hashes for the one-entry-per-phone rule and
// what SMS providers take as the recipient. Accepted mobile prefixes are 010
// (8-digit subscriber number) and the legacy 011, 016, 017, 018, 019 (7 or 8
// digits). Landlines (02, 031 …), 070 internet phones, 050x safe numbers and
// 012/013/015 service numbers are rejected.
//
// Errors never contain the input: it is personal data.
package phone

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrInvalid is matched (errors.Is) by every *InvalidError.
var ErrInvalid = errors.New("phone: not a valid Korean mobile number")

// Reason says why a number was rejected.
type Reason string

// Reasons for rejection.
const (
	ReasonEmpty      Reason = "empty"
	ReasonCharacters Reason = "characters" // letters or symbols other than + - . ( ) and spaces
	ReasonCountry    Reason = "country"    // an international number outside +82
	ReasonNotMobile  Reason = "not_mobile" // landline, 070, or an unknown prefix
	ReasonLength     Reason = "length"     // too few or too many digits for the prefix
)

// InvalidError is the typed validation error.
type InvalidError struct {
	Reason Reason
}

func (e *InvalidError) Error() string { return ErrInvalid.Error() + " (" + string(e.Reason) + ")" }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Message is a Korean explanation for the entry form.
func (e *InvalidError) Message() string {
	switch e.Reason {
	case ReasonEmpty:
		return "휴대전화 번호를 입력해 주세요."
	case ReasonNotMobile:
		return "휴대전화 번호만 사용할 수 있어요. (예: 010-1234-5678)"
	case ReasonCountry:
		return "국내 휴대전화 번호만 사용할 수 있어요."
	default:
		return "휴대전화 번호를 다시 확인해 주세요. (예: 010-1234-5678)"
	}
}

func invalid(r Reason) error { return &InvalidError{Reason: r} }

// Normalize returns the canonical form ("01012345678") of a Korean mobile
// number written as "010-1234-5678", "010 1234 5678", "010.1234.5678",
// "(010) 1234-5678", "+82 10-1234-5678", "+82-10-…", "82 10…", "+82 010…" or
// with full-width digits, or an *InvalidError.
func Normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid(ReasonEmpty)
	}
	digits := make([]byte, 0, 16)
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r >= '０' && r <= '９': // full-width digits from Korean IMEs
			digits = append(digits, byte('0'+r-'０'))
		case r == '+' && i == 0:
			plus = true
		case r == '-' || r == '.' || r == ' ' || r == '(' || r == ')' || r == '\u00a0' || r == '\t':
		default:
			return "", invalid(ReasonCharacters)
		}
		if len(digits) > 15 { // E.164 maximum; stops absurd inputs early
			return "", invalid(ReasonLength)
		}
	}
	d := string(digits)
	switch {
	case strings.HasPrefix(d, "82") && (plus || !strings.HasPrefix(d, "0")):
		// +82 10 1234 5678, 82 10…, and the common "+82 010…" mistake.
		d = strings.TrimPrefix(d, "82")
		if !strings.HasPrefix(d, "0") {
			d = "0" + d
		}
	case plus:
		return "", invalid(ReasonCountry)
	case strings.HasPrefix(d, "0082"): // international dialling prefix
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "0082"), "0")
	}
	if err := validate(d); err != nil {
		return "", err
	}
	return d, nil
}

// Valid reports whether s normalises to a Korean mobile number.
func Valid(s string) bool {
	_, err := Normalize(s)
	return err == nil
}

func validate(d string) error {
	if len(d) < 3 || !strings.HasPrefix(d, "01") {
		if len(d) < 3 && strings.HasPrefix("01", d) {
			return invalid(ReasonLength)
		}
		return invalid(ReasonNotMobile)
	}
	sub := len(d) - 3
	switch d[:3] {
	case "010":
		if sub != 8 {
			return invalid(ReasonLength)
		}
	case "011", "016", "017", "018", "019":
		if sub != 7 && sub != 8 {
			return invalid(ReasonLength)
		}
	default:
		return invalid(ReasonNotMobile)
	}
	return nil
}

// canonical returns the canonical form of s, accepting already-canonical
// input without re-parsing.
func canonical(s string) (string, bool) {
	d, err := Normalize(s)
	return d, err == nil
}

// Format returns the hyphenated form: "010-1234-5678", or "011-123-4567" for
// a 7-digit legacy subscriber number. It returns "" for an invalid number.
func Format(s string) string {
	d, ok := canonical(s)
	if !ok {
		return ""
	}
	mid := len(d) - 7 // the middle group has 3 or 4 digits
	return d[:3] + "-" + d[3:3+mid] + "-" + d[3+mid:]
}

// Mask hides the middle group: "010-****-5678" ("011-***-4567" for a 7-digit
// legacy number). It returns "***-****-****" for an invalid number so that
// no digits leak.
func Mask(s string) string {
	d, ok := canonical(s)
	if !ok {
		return "***-****-****"
	}
	mid := len(d) - 7
	return d[:3] + "-" + strings.Repeat("*", mid) + "-" + d[len(d)-4:]
}

// Last4 returns the last four digits (the owner's search key), or "".
func Last4(s string) string {
	d, ok := canonical(s)
	if !ok {
		return ""
	}
	return d[len(d)-4:]
}

// MaskName masks a personal name so that only its owner recognises it:
// "김민수" → "김*수", "김민" → "김*", "남궁민수" → "남**수", a single
// character → "*". Surrounding spaces are dropped.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch n {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		r, _ := utf8.DecodeRuneInString(name)
		return string(r) + "*"
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	return string(first) + strings.Repeat("*", n-2) + string(last)
}
