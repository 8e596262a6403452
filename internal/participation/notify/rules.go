package notify

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/internal/platform/phone"
)

// Rule violations. They are returned wrapped; match with errors.Is.
var (
	ErrRecipient          = errors.New("notify: recipient is not a valid Korean mobile number")
	ErrKind               = errors.New("notify: unknown message kind")
	ErrEmpty              = errors.New("notify: empty message")
	ErrTooLong            = errors.New("notify: message longer than an LMS allows")
	ErrMissingVariable    = errors.New("notify: template variable without a value")
	ErrAlimtalkAdvertise  = errors.New("notify: 알림톡 is for informational messages only")
	ErrNoTemplate         = errors.New("notify: 알림톡 needs an approved template code")
	ErrNoMarketingConsent = errors.New("notify: recipient has not consented to advertising")
	ErrConsentExpired     = errors.New("notify: marketing consent is older than two years and must be re-confirmed")
	ErrAdPrefix           = errors.New(`notify: advertising must start with "(광고)"`)
	ErrAdSender           = errors.New("notify: advertising must name the sender and a contact")
	ErrAdOptOut           = errors.New("notify: advertising must end with a free opt-out line")
	ErrQuietHours         = errors.New("notify: advertising is not sent 21:00–08:00 without night consent")
)

// Byte limits of Korean carriers, counted as EUC-KR (Hangul = 2 bytes).
const (
	SMSMaxBytes        = 90
	LMSMaxBytes        = 2000
	LMSSubjectMaxBytes = 40
)

// ConsentValidity is how long a marketing consent lasts before it must be
// re-confirmed (정보통신망법 시행령: every two years).
const ConsentValidity = 2 * 365 * 24 * time.Hour

// AdPrefix opens every advertising message.
const AdPrefix = "(광고)"

// Night-time window for advertising, in KST hours: [21:00, 08:00).
const (
	nightStartHour = 21
	nightEndHour   = 8
)

// QuietHoursError says when an advertising message may be sent.
type QuietHoursError struct {
	NextAllowed time.Time // next 08:00 KST
}

func (e *QuietHoursError) Error() string {
	return ErrQuietHours.Error() + "; next allowed " + e.NextAllowed.In(kst.Location).Format("2006-01-02 15:04 MST")
}

// Is makes errors.Is(err, ErrQuietHours) true.
func (e *QuietHoursError) Is(target error) bool { return target == ErrQuietHours }

// InQuietHours reports whether t falls in 21:00–08:00 KST.
func InQuietHours(t time.Time) bool {
	h := t.In(kst.Location).Hour()
	return h >= nightStartHour || h < nightEndHour
}

// NextSendTime returns t if advertising may be sent at t, otherwise the next
// 08:00 KST.
func NextSendTime(t time.Time) time.Time {
	if !InQuietHours(t) {
		return t
	}
	k := t.In(kst.Location)
	day := k
	if k.Hour() >= nightStartHour {
		day = k.AddDate(0, 0, 1)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), nightEndHour, 0, 0, 0, kst.Location)
}

// CheckQuietHours returns a *QuietHoursError for advertising at night
// without night consent.
func CheckQuietHours(kind Kind, now time.Time, nightConsent bool) error {
	if kind != Advertising || nightConsent || !InQuietHours(now) {
		return nil
	}
	return &QuietHoursError{NextAllowed: NextSendTime(now)}
}

// CheckConsent verifies the marketing consent an advertising message needs.
func CheckConsent(c Consent, now time.Time) error {
	if !c.Marketing {
		return ErrNoMarketingConsent
	}
	if c.MarketingAt.IsZero() || now.Sub(c.MarketingAt) > ConsentValidity {
		return ErrConsentExpired
	}
	return nil
}

// ComposeAdvertising wraps body in the legally required frame:
//
//	(광고) {SenderName}
//	{body}
//
//	문의 {SenderContact}
//	무료수신거부 {OptOut}
func ComposeAdvertising(body string, ad AdInfo) (string, error) {
	if strings.TrimSpace(ad.SenderName) == "" || strings.TrimSpace(ad.SenderContact) == "" {
		return "", ErrAdSender
	}
	if strings.TrimSpace(ad.OptOut) == "" {
		return "", ErrAdOptOut
	}
	body = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(body), AdPrefix))
	return AdPrefix + " " + ad.SenderName + "\n" + body + "\n\n문의 " + ad.SenderContact + "\n무료수신거부 " + ad.OptOut, nil
}

// CheckAdvertising verifies an advertising text: the "(광고)" prefix, the
// sender's name and contact, and a free opt-out line at the end.
func CheckAdvertising(content string, ad AdInfo) error {
	if !strings.HasPrefix(content, AdPrefix) {
		return ErrAdPrefix
	}
	if strings.TrimSpace(ad.SenderName) == "" || strings.TrimSpace(ad.SenderContact) == "" ||
		!strings.Contains(content, ad.SenderName) || !strings.Contains(content, ad.SenderContact) {
		return ErrAdSender
	}
	lines := strings.Split(strings.TrimRight(content, " \n\r\t"), "\n")
	last := strings.ReplaceAll(lines[len(lines)-1], " ", "")
	if !strings.Contains(last, "무료") || !strings.Contains(last, "수신거부") ||
		ad.OptOut == "" || !strings.Contains(last, strings.ReplaceAll(ad.OptOut, " ", "")) {
		return ErrAdOptOut
	}
	return nil
}

// Render fills #{name} placeholders from vars (the 알림톡 template syntax).
// A placeholder without a value is an error: a half-filled 알림톡 no longer
// matches its approved template.
func Render(content string, vars map[string]string) (string, error) {
	var b strings.Builder
	rest := content
	for {
		i := strings.Index(rest, "#{")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		name := rest[i+2 : i+j]
		v, ok := vars[name]
		if !ok {
			return "", fmt.Errorf("%w: #{%s}", ErrMissingVariable, name)
		}
		b.WriteString(rest[:i])
		b.WriteString(v)
		rest = rest[i+j+1:]
	}
}

// KoreanBytes counts bytes the way Korean carriers do: the EUC-KR length,
// ASCII 1 byte and every other character EUC-KR encodes (Hangul, Hanja,
// symbols) 2. A character EUC-KR cannot encode also counts 2; such a text
// is refused by CheckEncodable anyway.
func KoreanBytes(s string) int {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// TextChannel picks SMS or LMS for content, or ErrTooLong.
func TextChannel(content string) (Channel, error) {
	switch n := KoreanBytes(content); {
	case n <= SMSMaxBytes:
		return ChannelSMS, nil
	case n <= LMSMaxBytes:
		return ChannelLMS, nil
	default:
		return "", fmt.Errorf("%w: %d bytes", ErrTooLong, n)
	}
}

// Check applies every rule to a rendered message about to go out on ch.
func Check(m Message, content string, ch Channel, now time.Time) error {
	if _, err := phone.Normalize(m.To); err != nil {
		return ErrRecipient
	}
	if m.Kind != Informational && m.Kind != Advertising {
		return fmt.Errorf("%w: %q", ErrKind, m.Kind)
	}
	if strings.TrimSpace(content) == "" {
		return ErrEmpty
	}
	if ch == ChannelAlimtalk {
		if m.Kind != Informational {
			return ErrAlimtalkAdvertise
		}
		if m.TemplateCode == "" {
			return ErrNoTemplate
		}
	}
	if KoreanBytes(content) > LMSMaxBytes {
		return fmt.Errorf("%w: %d bytes", ErrTooLong, KoreanBytes(content))
	}
	if ch == ChannelSMS || ch == ChannelLMS {
		text := content
		if ch == ChannelLMS {
			text += m.Subject
		}
		if err := CheckEncodable(text); err != nil {
			return err
		}
	}
	if m.Kind == Advertising {
		if err := CheckConsent(m.Consent, now); err != nil {
			return err
		}
		if err := CheckAdvertising(content, m.Ad); err != nil {
			return err
		}
		if err := CheckQuietHours(m.Kind, now, m.Consent.Night); err != nil {
			return err
		}
	}
	return nil
}
