// Package bizno validates and formats Korean business registration numbers
// (사업자등록번호): ten digits written XXX-XX-XXXXX, the last one a check
// digit. Everything here is offline; whether the business exists and is
// active is the NTS status API's question (package user/nts).
package bizno

import (
	"errors"
	"strings"
)

// Errors returned by Normalize. Each is a distinct sentinel so the sign-up
// answer can say exactly what is wrong.
var (
	// ErrFormat: not ten digits after removing dashes and spaces.
	ErrFormat = errors.New("bizno: must be 10 digits")
	// ErrCheckDigit: ten digits, but the check digit does not match.
	ErrCheckDigit = errors.New("bizno: check digit mismatch")
	// ErrAllZero: 000-00-00000 satisfies the formula but is never issued.
	ErrAllZero = errors.New("bizno: all-zero number")
)

// Len is the number of digits in a business registration number.
const Len = 10

// maxInput bounds the work on user input; "124 - 81 - 00998" with generous
// spacing is far below it.
const maxInput = 40

// weights of the check digit algorithm for d0…d8.
var weights = [9]int{1, 3, 7, 1, 3, 7, 1, 3, 5}

// Normalize accepts a number with or without dashes and spaces (ASCII or
// full-width digits, the hyphen look-alikes a Korean keyboard or a copy from a
// PDF produces) and returns the ten plain digits. It returns ErrFormat,
// ErrAllZero or ErrCheckDigit.
func Normalize(s string) (string, error) {
	if len(s) > maxInput {
		return "", ErrFormat
	}
	var b strings.Builder
	b.Grow(Len)
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９': // full-width digits
			b.WriteRune('0' + (r - '０'))
		case isSeparator(r):
			continue
		default:
			return "", ErrFormat
		}
		if b.Len() > Len {
			return "", ErrFormat
		}
	}
	n := b.String()
	if len(n) != Len {
		return "", ErrFormat
	}
	if n == "0000000000" {
		return "", ErrAllZero
	}
	if !checkDigitOK(n) {
		return "", ErrCheckDigit
	}
	return n, nil
}

// Valid reports whether s normalises without error.
func Valid(s string) bool {
	_, err := Normalize(s)
	return err == nil
}

func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '\u00a0', // space, tab, hyphen-minus, no-break space
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', // hyphen … horizontal bar
		'\u2212', '\uff0d', '\u3000': // minus sign, full-width hyphen-minus, ideographic space
		return true
	}
	return false
}

// CheckDigit computes d9 from the first nine digits of n (which must hold at
// least nine ASCII digits): weights 1,3,7,1,3,7,1,3,5 on d0…d8, plus
// ⌊d8·5/10⌋, then (10 − sum mod 10) mod 10.
func CheckDigit(n string) int {
	sum := 0
	for i, w := range weights {
		sum += int(n[i]-'0') * w
	}
	sum += int(n[8]-'0') * 5 / 10
	return (10 - sum%10) % 10
}

func checkDigitOK(n string) bool { return CheckDigit(n) == int(n[9]-'0') }

// Format writes a number as XXX-XX-XXXXX. Input is normalised first; an
// invalid number returns "" (callers format only numbers they validated).
func Format(s string) string {
	n, err := Normalize(s)
	if err != nil {
		return ""
	}
	return n[:3] + "-" + n[3:5] + "-" + n[5:]
}

// Mask hides the serial part for display and logs: "124-81-*****". The
// first five digits say only the tax office and the kind of business. An
// invalid number returns "***-**-*****".
func Mask(s string) string {
	n, err := Normalize(s)
	if err != nil {
		return "***-**-*****"
	}
	return n[:3] + "-" + n[3:5] + "-*****"
}

// Kind is the kind of business, read from the middle two digits (d3 d4).
type Kind string

// Kinds by the middle two digits, as assigned by the National Tax Service.
const (
	KindIndividual         Kind = "INDIVIDUAL"          // 01–79 개인 과세사업자
	KindIndividualExempt   Kind = "INDIVIDUAL_EXEMPT"   // 90–99 개인 면세사업자
	KindIndividualOther    Kind = "INDIVIDUAL_OTHER"    // 80 아파트관리사무소·다단계판매원 등
	KindCorporation        Kind = "CORPORATION"         // 81, 86, 87, 88 영리법인 본점
	KindCorporationBranch  Kind = "CORPORATION_BRANCH"  // 85 영리법인 지점
	KindNonProfit          Kind = "NON_PROFIT"          // 82 비영리법인 본·지점
	KindGovernment         Kind = "GOVERNMENT"          // 83 국가·지방자치단체
	KindForeignCorporation Kind = "FOREIGN_CORPORATION" // 84 외국법인 본·지점·연락사무소
	KindReligious          Kind = "RELIGIOUS"           // 89 법인 아닌 종교단체
	KindUnknown            Kind = "UNKNOWN"             // 00, or an invalid number
)

// KindOf returns the kind of business of a number; KindUnknown when the
// number is invalid.
func KindOf(s string) Kind {
	n, err := Normalize(s)
	if err != nil {
		return KindUnknown
	}
	mid := int(n[3]-'0')*10 + int(n[4]-'0')
	switch {
	case mid >= 1 && mid <= 79:
		return KindIndividual
	case mid == 80:
		return KindIndividualOther
	case mid == 81, mid == 86, mid == 87, mid == 88:
		return KindCorporation
	case mid == 82:
		return KindNonProfit
	case mid == 83:
		return KindGovernment
	case mid == 84:
		return KindForeignCorporation
	case mid == 85:
		return KindCorporationBranch
	case mid == 89:
		return KindReligious
	case mid >= 90:
		return KindIndividualExempt
	}
	return KindUnknown
}

// Label is the Korean name of the kind, for the owner's screens.
func (k Kind) Label() string {
	switch k {
	case KindIndividual:
		return "개인사업자(과세)"
	case KindIndividualExempt:
		return "개인사업자(면세)"
	case KindIndividualOther:
		return "개인(비사업자 단체 등)"
	case KindCorporation:
		return "법인사업자(본점)"
	case KindCorporationBranch:
		return "법인사업자(지점)"
	case KindNonProfit:
		return "비영리법인"
	case KindGovernment:
		return "국가·지방자치단체"
	case KindForeignCorporation:
		return "외국법인"
	case KindReligious:
		return "종교단체"
	}
	return "알 수 없음"
}

// IsCorporation reports whether the kind is a for-profit corporation (head
// office or branch), domestic or foreign.
func (k Kind) IsCorporation() bool {
	return k == KindCorporation || k == KindCorporationBranch || k == KindForeignCorporation
}
