package participation

import (
	"bytes"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/authn"
)

func tokenService(t *testing.T) *Service {
	t.Helper()
	c, err := authn.NewFieldCipher(authn.FieldKey{ID: 1, Key: bytes.Repeat([]byte{1}, 32)}, bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &Service{d: Deps{Cipher: c}}
}

// Only the token of this number's entry in this event proves the entry.
func TestEntryTokenProves(t *testing.T) {
	s := tokenService(t)
	mine := s.entryToken("ev1", s.phoneHash("01012345678"))
	other := s.entryToken("ev1", s.phoneHash("01099998888"))
	otherEvent := s.entryToken("ev2", s.phoneHash("01012345678"))
	if len(mine) != entryTokenLen || strings.Contains(mine, "5678") {
		t.Fatalf("token %q: want %d hex characters that say nothing of the number", mine, entryTokenLen)
	}
	h := s.phoneHash("01012345678")
	for _, tc := range []struct {
		name, presented string
		want            bool
	}{
		{"its own token", mine, true},
		{"among the family's tokens", other + "." + mine, true},
		{"none", "", false},
		{"another number's token", other, false},
		{"another event's token", otherEvent, false},
		{"upper case", strings.ToUpper(mine), false},
		{"a prefix", mine[:16], false},
		{"the phone hash itself", h, false},
		{"past the fifth token", strings.Repeat(other+".", maxEntryTokens) + mine, false},
	} {
		if got := s.provesEntry(tc.presented, "ev1", h); got != tc.want {
			t.Errorf("%s: provesEntry = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// BenchmarkEntryToken is the cost every new entry pays for its token (one
// keyed hash).
func BenchmarkEntryToken(b *testing.B) {
	c, err := authn.NewFieldCipher(authn.FieldKey{ID: 1, Key: bytes.Repeat([]byte{1}, 32)}, bytes.Repeat([]byte{2}, 32))
	if err != nil {
		b.Fatal(err)
	}
	s := &Service{d: Deps{Cipher: c}}
	h := s.phoneHash("01012345678")
	for b.Loop() {
		_ = s.entryToken("0b0f6c3e-7d0a-4c56-9d0e-8f3f7f1c2a11", h)
	}
}
