package participation

import (
	"crypto/subtle"
	"strings"
)

// Entry tokens. A phone number is no secret (a neighbour, a colleague, a
// leaked list), so re-entering with it must not hand over the first entry's
// number and coupon. The first answer carries an entry token; a repeat
// shows the original entry only when the request brings that token back,
// and to anyone else says "already entered" and nothing more. The coupon
// holder also has the code from the 알림톡/SMS sent when it was issued.
//
// The token is the keyed hash of (event, phone hash), truncated to 128
// bits: nothing to store, valid in every process that shares the field
// cipher's key, useless for another number or event, and it says nothing
// about the number it stands for.

const (
	entryTokenLen = 32 // hex characters: 128 bits
	// maxEntryTokens bounds the tokens one request may present (one browser
	// used by a few people of one family, each with their own number).
	maxEntryTokens = 5
)

// entryToken is the token that proves the entry of phoneHash in eventID.
func (s *Service) entryToken(eventID, phoneHash string) string {
	return s.d.Cipher.Hash("entry-token:" + eventID + ":" + phoneHash)[:entryTokenLen]
}

// provesEntry reports whether presented (one token or several joined with
// ".") holds the token of phoneHash's entry in eventID.
func (s *Service) provesEntry(presented, eventID, phoneHash string) bool {
	if presented == "" {
		return false
	}
	want := []byte(s.entryToken(eventID, phoneHash))
	parts := strings.SplitN(presented, ".", maxEntryTokens+1)
	if len(parts) > maxEntryTokens {
		parts = parts[:maxEntryTokens]
	}
	ok := 0
	for _, t := range parts {
		ok |= subtle.ConstantTimeCompare([]byte(t), want)
	}
	return ok == 1
}
