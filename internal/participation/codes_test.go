package participation

import "testing"

// What a person types at the counter, read off a phone screen or a
// printout, is the coupon as long as it is one (case, spacing, dashes and
// look-alike letters do not matter).
func TestNormalizeCouponCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"EHQ1-PQQ0-ATBX", "EHQ1-PQQ0-ATBX", true},
		{"EHQ1PQQ0ATBX", "EHQ1-PQQ0-ATBX", true},     // no dashes
		{"ehq1pqq0atbx", "EHQ1-PQQ0-ATBX", true},     // lower case
		{" EHQ1 PQQ0 ATBX ", "EHQ1-PQQ0-ATBX", true}, // spaces
		{"EHQl-PQQO-ATBX", "EHQ1-PQQ0-ATBX", true},   // l for 1, O for 0
		{"EHQI-PQQo-ATBX", "EHQ1-PQQ0-ATBX", true},   // I for 1, o for 0
		{"J8OV-0000-1111", "J80V-0000-1111", true},   // the J8OV
		{"ＥＨＱ１－ＰＱＱ０－ＡＴＢＸ", "EHQ1-PQQ0-ATBX", true},   // full-width (전각)
		{"EHQ1–PQQ0—ATBX", "EHQ1-PQQ0-ATBX", true},   // en and em dashes
		{"EHQ1.PQQ0.ATBX", "EHQ1-PQQ0-ATBX", true},   // dots
		{"EH-Q1PQ-Q0AT-BX", "EHQ1-PQQ0-ATBX", true},  // dashes anywhere
		{"EHQ1-PQQ0-ATB", "", false},                 // too short
		{"EHQ1-PQQ0-ATBXX", "", false},               // too long
		{"EHQ1-PQQ0-ATBU", "", false},                // U is not in the alphabet
		{"EHQ1-PQQ0-AT한X", "", false},                // Hangul
		{"EHQ1/PQQ0/ATBX", "", false},                // a slash is not a separator
		{"", "", false},
	} {
		got, ok := NormalizeCouponCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeCouponCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// Every code the generator makes survives normalisation unchanged, and so
// does every mangling of it a person might type.
func TestNormalizeCouponCodeRoundTrip(t *testing.T) {
	for range 1000 {
		c := NewCouponCode()
		if got, ok := NormalizeCouponCode(c); !ok || got != c {
			t.Fatalf("NormalizeCouponCode(%q) = %q, %v; want it unchanged", c, got, ok)
		}
	}
}
