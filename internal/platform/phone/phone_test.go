package phone

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  Reason // "" when valid
	}{
		{"010-1234-5678", "01012345678", ""},
		{"01012345678", "01012345678", ""},
		{" 010 1234 5678 ", "01012345678", ""},
		{"010.1234.5678", "01012345678", ""},
		{"(010) 1234-5678", "01012345678", ""},
		{"+82 10 1234 5678", "01012345678", ""},
		{"+82-10-1234-5678", "01012345678", ""},
		{"+821012345678", "01012345678", ""},
		{"82 10 1234 5678", "01012345678", ""},
		{"821012345678", "01012345678", ""},
		{"+82 010-1234-5678", "01012345678", ""},
		{"0082-10-1234-5678", "01012345678", ""},
		{"０１０-１２３４-５６７８", "01012345678", ""},
		{"011-123-4567", "0111234567", ""},
		{"016-1234-5678", "01612345678", ""},
		{"017 123 4567", "0171234567", ""},
		{"018-123-4567", "0181234567", ""},
		{"019-9876-5432", "01998765432", ""},
		{"", "", ReasonEmpty},
		{"   ", "", ReasonEmpty},
		{"010-1234-567", "", ReasonLength},
		{"010-1234-56789", "", ReasonLength},
		{"010-123-4567", "", ReasonLength},
		{"011-12-3456", "", ReasonLength},
		{"011-12345-6789", "", ReasonLength},
		{"0", "", ReasonLength},
		{"02-123-4567", "", ReasonNotMobile},
		{"02-1234-5678", "", ReasonNotMobile},
		{"031-123-4567", "", ReasonNotMobile},
		{"070-1234-5678", "", ReasonNotMobile},
		{"0505-123-4567", "", ReasonNotMobile},
		{"012-1234-5678", "", ReasonNotMobile},
		{"015-1234-5678", "", ReasonNotMobile},
		{"+82 2 123 4567", "", ReasonNotMobile},
		{"1012345678", "", ReasonNotMobile},
		{"+1 202 555 0123", "", ReasonCountry},
		{"+81 90 1234 5678", "", ReasonCountry},
		{"010-abcd-5678", "", ReasonCharacters},
		{"010-1234-5678 ext", "", ReasonCharacters},
		{"010/1234/5678", "", ReasonCharacters},
		{"010+1234+5678", "", ReasonCharacters},
		{"공일공-1234-5678", "", ReasonCharacters},
		{strings.Repeat("1", 40), "", ReasonLength},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Normalize(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
				}
				return
			}
			var ie *InvalidError
			if !errors.As(err, &ie) || ie.Reason != tt.err {
				t.Fatalf("Normalize(%q) error = %v, want reason %q", tt.in, err, tt.err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
			}
			if got != "" {
				t.Fatalf("Normalize(%q) returned %q with an error", tt.in, got)
			}
			if strings.Contains(err.Error(), "1234") || strings.Contains(err.Error(), "4567") {
				t.Fatalf("error %q leaks the number", err)
			}
			if ie.Message() == "" {
				t.Fatalf("no Korean message for reason %q", ie.Reason)
			}
		})
	}
}

func TestFormatMaskLast4(t *testing.T) {
	tests := []struct {
		in, format, mask, last4 string
	}{
		{"01012345678", "010-1234-5678", "010-****-5678", "5678"},
		{"+82 10 9876 5432", "010-9876-5432", "010-****-5432", "5432"},
		{"0111234567", "011-123-4567", "011-***-4567", "4567"},
		{"019-1234-5678", "019-1234-5678", "019-****-5678", "5678"},
		{"02-123-4567", "", "***-****-****", ""},
		{"garbage", "", "***-****-****", ""},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.format {
			t.Errorf("Format(%q) = %q, want %q", tt.in, got, tt.format)
		}
		if got := Mask(tt.in); got != tt.mask {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.mask)
		}
		if got := Last4(tt.in); got != tt.last4 {
			t.Errorf("Last4(%q) = %q, want %q", tt.in, got, tt.last4)
		}
	}
	if !Valid("010-1234-5678") || Valid("02-123-4567") {
		t.Error("Valid disagrees with Normalize")
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"김민수", "김*수"},
		{"김민", "김*"},
		{"남궁민수", "남**수"},
		{"제갈공명선", "제***선"},
		{"김", "*"},
		{"", ""},
		{"  이영희 ", "이*희"},
		{"John Smith", "J********h"},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
