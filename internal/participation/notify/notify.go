// Package notify sends winner and coupon notifications: Kakao 알림톡 for
// informational messages with SMS/LMS as the fallback, and SMS/LMS for
// advertising. The Korean rules for messages (정보통신망법 art. 50, Kakao's
// 알림톡 policy) are enforced here as pure functions so that every provider
// adapter gets them for free:
//
//   - 알림톡 carries informational messages only (a win, a coupon earned by
//     taking part), always from an approved template.
//   - An advertising message needs the recipient's marketing consent (given
//     within the last two years), starts with "(광고)", names the sender and a
//     contact, and ends with a free opt-out line.
//   - Advertising is never sent 21:00–08:00 KST unless the recipient gave the
//     separate night-time consent; QuietHoursError says when it may be sent.
//   - SMS/LMS travel as EUC-KR (NCP SENS refuses what it cannot encode, emoji
//     among them): advertising with such text is refused (UnencodableError
//     names the characters; owners' input is checked with Unencodable), the
//     SMS copy of an informational message drops them. Lengths are EUC-KR
//     bytes.
//
// Provider adapters (notify/sens for NCP SENS, the sandbox in embedded mode)
// implement Provider; resilience (retry, breaker, rate limit) is applied
// around them where they are wired, not inside. Nothing here logs message
// bodies or phone numbers.
package notify

import (
	"context"
	"errors"
	"time"
)

// Kind separates information from advertising; the law treats them
// differently.
type Kind string

// Message kinds.
const (
	Informational Kind = "INFORMATIONAL"
	Advertising   Kind = "ADVERTISING"
)

// Channel is how a message travels.
type Channel string

// Channels.
const (
	ChannelAlimtalk Channel = "ALIMTALK"
	ChannelSMS      Channel = "SMS" // ≤ 90 bytes
	ChannelLMS      Channel = "LMS" // ≤ 2,000 bytes, with a subject
)

// Button is a 알림톡 button as registered in the approved template.
type Button struct {
	Type       string // e.g. "WL" (web link)
	Name       string
	LinkMobile string
	LinkPC     string
}

// Consent is the recipient's recorded consent, needed for advertising only.
type Consent struct {
	Marketing   bool
	MarketingAt time.Time // when it was given or last re-confirmed
	Night       bool      // separate consent for 21:00–08:00
}

// AdInfo identifies the advertiser inside an advertising message.
type AdInfo struct {
	SenderName    string // shop name, e.g. "행복베이커리"
	SenderContact string // phone number or address customers can reach
	OptOut        string // free opt-out means, e.g. "080-123-4567"
}

// Message is one notification to one recipient.
type Message struct {
	To           string // canonical mobile number (phone.Normalize)
	Kind         Kind
	TemplateCode string            // approved 알림톡 template; empty sends SMS/LMS
	Content      string            // text, with #{name} placeholders filled from Variables
	Variables    map[string]string // template variables
	Subject      string            // LMS subject (optional)
	Buttons      []Button
	Consent      Consent // required for Advertising
	Ad           AdInfo  // required for Advertising
}

// Delivery is a rendered, rule-checked message for one channel: what a
// Provider puts on the wire.
type Delivery struct {
	Channel      Channel
	To           string
	TemplateCode string
	Content      string
	Subject      string
	Buttons      []Button
	Advertising  bool
	// Fallback, on a 알림톡, asks the provider to send this SMS/LMS itself
	// when the 알림톡 cannot be delivered (e.g. no KakaoTalk account).
	Fallback *Fallback
}

// Fallback is the provider-side SMS/LMS replacement of a 알림톡.
type Fallback struct {
	Channel Channel // ChannelSMS or ChannelLMS
	Subject string
	Content string
}

// Receipt identifies an accepted message at the provider.
type Receipt struct {
	Channel   Channel
	RequestID string
	MessageID string // may be empty until looked up (SENS SMS)
	Fallback  bool   // a 알림톡 with provider-side SMS fallback requested
	// SentAt is when the provider accepted the message (our clock).
	SentAt time.Time
}

// Status is the delivery state of one message.
type Status string

// Delivery states.
const (
	StatusPending    Status = "PENDING"     // accepted, result not known yet
	StatusDelivered  Status = "DELIVERED"   // reached the phone
	StatusFailed     Status = "FAILED"      // could not be delivered
	StatusFailedOver Status = "FAILED_OVER" // 알림톡 failed; the provider sent the SMS fallback
)

// DeliveryStatus is a provider's answer about one message.
type DeliveryStatus struct {
	Status      Status
	Code        string // provider result code, for operators
	CompletedAt time.Time
}

// Sender sends one notification; the participation service depends on this.
type Sender interface {
	Send(ctx context.Context, m Message) (Receipt, error)
}

// Provider delivers a rendered message on its channel.
type Provider interface {
	Deliver(ctx context.Context, d Delivery) (Receipt, error)
}

// Tracker looks up the delivery result of an accepted message.
type Tracker interface {
	Track(ctx context.Context, r Receipt) (DeliveryStatus, error)
}

// ErrRejected is matched (errors.Is) by provider errors that mean the
// provider refused the request, so it was certainly not sent: the
// dispatcher may fall back to SMS without risking a duplicate. Timeouts and
// 5xx answers are ambiguous and never match.
var ErrRejected = errors.New("notify: rejected by the provider")
