// Package messages holds everything that crosses a service boundary on the
// bus: one payload type per message (a file per producing service), each
// naming its own subject, a registry that decodes any subject into its type
// (what read models and replays need), and the wire vocabulary the services
// share (purposes, mechanics, participation methods, channel codes, end
// reasons) and the error codes more than one service answers with.
//
// It is a leaf: standard library only, so every service may import it and no
// service needs to import another to talk to it.
package messages

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Message is a payload published through the outbox. Its type decides its
// subject, so a subject can never be paired with the wrong payload.
type Message interface {
	Subject() string
}

// decoder builds the registry entry of one message type.
func decoder[T Message]() (string, func([]byte) (Message, error)) {
	var zero T
	return zero.Subject(), func(b []byte) (Message, error) {
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("messages: decode %s: %w", zero.Subject(), err)
		}
		return v, nil
	}
}

// registry maps every subject to its decoder. Adding a message type means
// adding it here; TestRegistry checks that every type in this package is.
var registry = build(
	decoder[UserRegistered],
	decoder[EventCreated],
	decoder[EventApproved],
	decoder[EventEnded],
	decoder[EventCancelled],
	decoder[RecommendationReady],
	decoder[ContentReady],
	decoder[ParticipantRegistered],
	decoder[StoreVisitAdded],
	decoder[WinnerSelected],
	decoder[CouponsSoldOut],
	decoder[EntriesClosed],
	decoder[CouponRedeemed],
)

func build(entries ...func() (string, func([]byte) (Message, error))) map[string]func([]byte) (Message, error) {
	m := make(map[string]func([]byte) (Message, error), len(entries))
	for _, e := range entries {
		subject, dec := e()
		if _, dup := m[subject]; dup {
			panic("messages: subject registered twice: " + subject) // a programming error caught by any test
		}
		m[subject] = dec
	}
	return m
}

// Decode turns a payload published on subject into its message type (a
// value, e.g. EventApproved, not *EventApproved).
func Decode(subject string, data []byte) (Message, error) {
	dec, ok := registry[subject]
	if !ok {
		return nil, fmt.Errorf("messages: unknown subject %q", subject)
	}
	return dec(data)
}

// Known reports whether subject is a registered message subject.
func Known(subject string) bool { _, ok := registry[subject]; return ok }

// Subjects lists every registered subject, sorted.
func Subjects() []string {
	out := make([]string, 0, len(registry))
	for s := range registry {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// SubjectOf returns the subject of message type T without a value.
func SubjectOf[T Message]() string {
	var zero T
	return zero.Subject()
}
