package notify

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// ErrUnencodable is matched (errors.Is) by an *UnencodableError: SMS/LMS
// travel as EUC-KR and NCP SENS refuses characters EUC-KR cannot encode
// (emoji among them). 알림톡 is UTF-8 and is not affected.
var ErrUnencodable = errors.New("notify: SMS/LMS text has characters EUC-KR cannot encode")

// UnencodableError lists the characters a text cannot be sent with.
type UnencodableError struct {
	Chars []string // as Unencodable returns them
}

func (e *UnencodableError) Error() string {
	return ErrUnencodable.Error() + ": " + strings.Join(e.Chars, " ")
}

// Is makes errors.Is(err, ErrUnencodable) true.
func (e *UnencodableError) Is(target error) bool { return target == ErrUnencodable }

// Unencodable returns the distinct characters of s that EUC-KR cannot
// encode, in order of first appearance; nil when s can be sent as SMS/LMS.
// Invisible ones (an emoji's variation selector or joiner) are written as
// "U+FE0F" so that a person can tell what to remove.
//
// golang.org/x/text's EUC-KR is Code Page 949, which also holds the 8,822
// Hangul syllables KS X 1001 lacks (e.g. 똠, 햏); Korean carriers and SMS
// gateways take them, so they are not reported.
func Unencodable(s string) []string {
	var out []string
	seen := map[rune]bool{}
	for _, r := range s {
		if r < utf8.RuneSelf || seen[r] || encodable(r) {
			continue
		}
		seen[r] = true
		out = append(out, show(r))
	}
	return out
}

// CheckEncodable returns an *UnencodableError when s cannot be sent as
// SMS/LMS.
func CheckEncodable(s string) error {
	if c := Unencodable(s); c != nil {
		return &UnencodableError{Chars: c}
	}
	return nil
}

// StripUnencodable drops what EUC-KR cannot encode, for the SMS copy of a
// message whose original (a 알림톡) keeps it.
func StripUnencodable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf || encodable(r) {
			return r
		}
		return -1
	}, s)
}

func encodable(r rune) bool {
	if r == utf8.RuneError {
		return false
	}
	var buf [utf8.UTFMax]byte
	_, err := korean.EUCKR.NewEncoder().Bytes(buf[:utf8.EncodeRune(buf[:], r)])
	return err == nil
}

func show(r rune) string {
	if unicode.IsGraphic(r) && !unicode.In(r, unicode.Mn, unicode.Me) {
		return string(r)
	}
	return fmt.Sprintf("U+%04X", r)
}
