package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/platform/phone"
)

// ErrNoProvider means no provider is configured for the channel a message
// needs.
var ErrNoProvider = errors.New("notify: no provider for the channel")

// Dispatcher is the Sender: it renders a message, checks the rules, sends an
// informational message with a template as 알림톡 (asking the provider for
// the SMS fallback) and everything else as SMS/LMS. If the 알림톡 request is
// rejected outright (ErrRejected) it sends the SMS itself; an ambiguous
// failure (timeout, 5xx) is returned instead, because the 알림톡 may have
// gone out and the recipient must not get the message twice.
type Dispatcher struct {
	alimtalk Provider // may be nil: SMS only
	sms      Provider
	now      func() time.Time
}

// NewDispatcher wires the providers; alimtalk may be nil.
func NewDispatcher(alimtalk, sms Provider) (*Dispatcher, error) {
	if sms == nil {
		return nil, fmt.Errorf("%w: an SMS provider is required", ErrNoProvider)
	}
	return &Dispatcher{alimtalk: alimtalk, sms: sms, now: time.Now}, nil
}

// WithClock returns a copy reading the time from now (tests, quiet hours).
func (d *Dispatcher) WithClock(now func() time.Time) *Dispatcher {
	c := *d
	c.now = now
	return &c
}

// Send implements Sender.
func (d *Dispatcher) Send(ctx context.Context, m Message) (Receipt, error) {
	to, err := phone.Normalize(m.To)
	if err != nil {
		return Receipt{}, ErrRecipient
	}
	m.To = to
	content, err := Render(m.Content, m.Variables)
	if err != nil {
		return Receipt{}, err
	}
	now := d.now()

	if d.alimtalk != nil && m.Kind == Informational && m.TemplateCode != "" {
		if err := Check(m, content, ChannelAlimtalk, now); err != nil {
			return Receipt{}, err
		}
		fb, err := d.fallback(m, content)
		if err != nil {
			return Receipt{}, err
		}
		r, err := d.alimtalk.Deliver(ctx, Delivery{
			Channel:      ChannelAlimtalk,
			To:           m.To,
			TemplateCode: m.TemplateCode,
			Content:      content,
			Buttons:      m.Buttons,
			Fallback:     fb,
		})
		if err == nil || !errors.Is(err, ErrRejected) {
			return r, err
		}
		// Refused before sending: the SMS cannot duplicate it.
		return d.sendText(ctx, m, content, now)
	}
	return d.sendText(ctx, m, content, now)
}

func (d *Dispatcher) fallback(m Message, content string) (*Fallback, error) {
	m, content = smsCopy(m, content)
	ch, err := TextChannel(content)
	if err != nil {
		return nil, err
	}
	return &Fallback{Channel: ch, Subject: subject(m, ch), Content: content}, nil
}

func (d *Dispatcher) sendText(ctx context.Context, m Message, content string, now time.Time) (Receipt, error) {
	m, content = smsCopy(m, content)
	ch, err := TextChannel(content)
	if err != nil {
		return Receipt{}, err
	}
	if err := Check(m, content, ch, now); err != nil {
		return Receipt{}, err
	}
	return d.sms.Deliver(ctx, Delivery{
		Channel:     ch,
		To:          m.To,
		Content:     content,
		Subject:     subject(m, ch),
		Advertising: m.Kind == Advertising,
	})
}

// smsCopy prepares an informational message for SMS/LMS: our fixed
// templates filled with the event's title and the shop's name may carry an
// emoji, which the 알림톡 keeps but EUC-KR cannot encode, so the text copy
// drops it rather than fail at the provider. Advertising is the owner's
// own text, checked at input; Check refuses it unchanged.
func smsCopy(m Message, content string) (Message, string) {
	if m.Kind != Informational {
		return m, content
	}
	m.Subject = StripUnencodable(m.Subject)
	return m, StripUnencodable(content)
}

// subject trims the LMS subject to the carriers' limit; SMS has none.
func subject(m Message, ch Channel) string {
	if ch != ChannelLMS {
		return ""
	}
	s := m.Subject
	for KoreanBytes(s) > LMSSubjectMaxBytes {
		r := []rune(s)
		s = string(r[:len(r)-1])
	}
	return s
}

// Track asks the provider that accepted r for the delivery result.
func (d *Dispatcher) Track(ctx context.Context, r Receipt) (DeliveryStatus, error) {
	p := d.sms
	if r.Channel == ChannelAlimtalk {
		p = d.alimtalk
	}
	t, ok := p.(Tracker)
	if !ok || p == nil {
		return DeliveryStatus{}, fmt.Errorf("%w: channel %s cannot be tracked", ErrNoProvider, r.Channel)
	}
	return t.Track(ctx, r)
}
