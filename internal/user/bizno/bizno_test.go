package bizno

import (
	"errors"
	"strings"
	"testing"
)

// Real, published numbers (external-apis.md): each passes the check digit.
var realNumbers = []string{"124-81-00998", "120-81-47521", "220-81-62517", "102-81-42945"}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{"124-81-00998", "1248100998", nil},
		{"1248100998", "1248100998", nil},
		{"124 81 00998", "1248100998", nil},
		{" 120-81-47521 ", "1208147521", nil},
		{"220–81–62517", "2208162517", nil}, // en dashes
		{"１０２－８１－４２９４５", "1028142945", nil}, // full-width
		{"102-8142945", "1028142945", nil},
		{"124-81-00999", "", ErrCheckDigit},
		{"124-81-00988", "", ErrCheckDigit},
		{"000-00-00000", "", ErrAllZero},
		{"0000000000", "", ErrAllZero},
		{"", "", ErrFormat},
		{"124-81-0099", "", ErrFormat},
		{"124-81-009980", "", ErrFormat},
		{"124-81-0099a", "", ErrFormat},
		{"124.81.00998", "", ErrFormat},
		{"١٢٤٨١٠٠٩٩٨", "", ErrFormat}, // Arabic-Indic digits are not accepted
		{strings.Repeat(" ", 50) + "1248100998", "", ErrFormat},
	}
	for _, tc := range tests {
		got, err := Normalize(tc.in)
		if got != tc.want || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestRealNumbersPass(t *testing.T) {
	for _, n := range realNumbers {
		if !Valid(n) {
			t.Errorf("Valid(%q) = false, want true", n)
		}
	}
}

// Every single-digit substitution of a real number must fail: weights 1, 3
// and 7 are coprime to 10, and d8's combined term 5·d8 + ⌊5·d8/10⌋ takes ten
// different values mod 10.
func TestAlteredNumbersFail(t *testing.T) {
	for _, n := range realNumbers {
		digits, _ := Normalize(n)
		for pos := range Len {
			for d := byte('0'); d <= '9'; d++ {
				if digits[pos] == d {
					continue
				}
				altered := digits[:pos] + string(d) + digits[pos+1:]
				if _, err := Normalize(altered); !errors.Is(err, ErrCheckDigit) {
					t.Errorf("Normalize(%s) (from %s, position %d) err = %v, want ErrCheckDigit", altered, digits, pos, err)
				}
			}
		}
	}
}

func TestCheckDigit(t *testing.T) {
	// 1,2,4,8,1,0,0,9,9: 1+6+28+8+3+0+0+27+45 = 118, + ⌊45/10⌋ = 122 → 8.
	if got := CheckDigit("124810099"); got != 8 {
		t.Errorf("CheckDigit(124810099) = %d, want 8", got)
	}
	if got := CheckDigit("000000000"); got != 0 {
		t.Errorf("CheckDigit(000000000) = %d, want 0 (which is why all-zero needs its own rule)", got)
	}
}

func TestFormatAndMask(t *testing.T) {
	tests := []struct{ in, format, mask string }{
		{"1248100998", "124-81-00998", "124-81-*****"},
		{"120 81 47521", "120-81-47521", "120-81-*****"},
		{"1248100999", "", "***-**-*****"},
		{"garbage", "", "***-**-*****"},
	}
	for _, tc := range tests {
		if got := Format(tc.in); got != tc.format {
			t.Errorf("Format(%q) = %q, want %q", tc.in, got, tc.format)
		}
		if got := Mask(tc.in); got != tc.mask {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.mask)
		}
	}
}

// withMiddle builds a valid number with the given middle two digits.
func withMiddle(mid string) string {
	n := "123" + mid + "4567"
	return n + string(rune('0'+CheckDigit(n)))
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		mid  string
		want Kind
	}{
		{"01", KindIndividual}, {"45", KindIndividual}, {"79", KindIndividual},
		{"80", KindIndividualOther},
		{"81", KindCorporation}, {"86", KindCorporation}, {"87", KindCorporation}, {"88", KindCorporation},
		{"82", KindNonProfit},
		{"83", KindGovernment},
		{"84", KindForeignCorporation},
		{"85", KindCorporationBranch},
		{"89", KindReligious},
		{"90", KindIndividualExempt}, {"99", KindIndividualExempt},
		{"00", KindUnknown},
	}
	for _, tc := range tests {
		n := withMiddle(tc.mid)
		if !Valid(n) {
			t.Fatalf("test number %s invalid", n)
		}
		if got := KindOf(n); got != tc.want {
			t.Errorf("KindOf(%s) = %s, want %s", n, got, tc.want)
		}
		if tc.want != KindUnknown && KindOf(n).Label() == "알 수 없음" {
			t.Errorf("Label of %s missing", tc.want)
		}
	}
	if got := KindOf("124-81-00998"); got != KindCorporation || !got.IsCorporation() {
		t.Errorf("KindOf(124-81-00998) = %s, want corporation", got)
	}
	if got := KindOf("1248100999"); got != KindUnknown {
		t.Errorf("KindOf(invalid) = %s, want UNKNOWN", got)
	}
	if KindIndividual.IsCorporation() {
		t.Error("individual reported as corporation")
	}
}
