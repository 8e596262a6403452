package sens

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// Alimtalk returns the 알림톡 notify.Provider (and notify.Tracker).
func (c *Client) Alimtalk() *AlimtalkProvider { return &AlimtalkProvider{c: c} }

// SMS returns the SMS/LMS notify.Provider (and notify.Tracker).
func (c *Client) SMS() *SMSProvider { return &SMSProvider{c: c} }

// AlimtalkProvider sends one 알림톡 per Deliver.
type AlimtalkProvider struct{ c *Client }

var (
	_ notify.Provider = (*AlimtalkProvider)(nil)
	_ notify.Tracker  = (*AlimtalkProvider)(nil)
	_ notify.Provider = (*SMSProvider)(nil)
	_ notify.Tracker  = (*SMSProvider)(nil)
)

// Deliver implements notify.Provider.
func (p *AlimtalkProvider) Deliver(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if d.Channel != notify.ChannelAlimtalk {
		return notify.Receipt{}, fmt.Errorf("sens: alimtalk provider got channel %s", d.Channel)
	}
	m := AlimtalkMessage{CountryCode: p.c.cfg.CountryCode, To: d.To, Content: d.Content}
	for _, b := range d.Buttons {
		m.Buttons = append(m.Buttons, Button{Type: b.Type, Name: b.Name, LinkMobile: b.LinkMobile, LinkPC: b.LinkPC})
	}
	if fb := d.Fallback; fb != nil && p.c.cfg.SMSFrom != "" {
		m.UseSmsFailover = true
		m.FailoverConfig = &FailoverConfig{Type: string(fb.Channel), From: p.c.cfg.SMSFrom, Subject: fb.Subject, Content: fb.Content}
	}
	resp, err := p.c.SendAlimtalk(ctx, AlimtalkRequest{TemplateCode: d.TemplateCode, Messages: []AlimtalkMessage{m}})
	if err != nil {
		return notify.Receipt{}, err
	}
	r := notify.Receipt{Channel: notify.ChannelAlimtalk, RequestID: resp.RequestID, Fallback: m.UseSmsFailover, SentAt: p.c.now()}
	if len(resp.Messages) > 0 {
		msg := resp.Messages[0]
		r.MessageID = msg.MessageID
		if msg.RequestStatusCode != "" && msg.RequestStatusCode != RequestAccepted {
			return notify.Receipt{}, &rejectedError{err: &MessageError{System: SystemAlimtalk, Code: msg.RequestStatusCode}}
		}
	}
	return r, nil
}

// Track implements notify.Tracker.
func (p *AlimtalkProvider) Track(ctx context.Context, r notify.Receipt) (notify.DeliveryStatus, error) {
	id := r.MessageID
	if id == "" {
		list, err := p.c.AlimtalkResults(ctx, r.RequestID)
		if err != nil {
			return notify.DeliveryStatus{}, err
		}
		if len(list.Messages) == 0 {
			return notify.DeliveryStatus{Status: notify.StatusPending}, nil
		}
		id = list.Messages[0].MessageID
	}
	res, err := p.c.AlimtalkResult(ctx, id)
	if err != nil {
		return notify.DeliveryStatus{}, err
	}
	return alimtalkStatus(res), nil
}

func alimtalkStatus(m AlimtalkMessageResult) notify.DeliveryStatus {
	s := notify.DeliveryStatus{Code: m.MessageStatusCode, CompletedAt: parseTime(m.CompleteTime)}
	switch {
	case m.RequestStatusCode != "" && m.RequestStatusCode != RequestAccepted:
		s.Status, s.Code = notify.StatusFailed, m.RequestStatusCode
	case m.MessageStatusName == "success" || m.MessageStatusCode == MessageDelivered:
		s.Status = notify.StatusDelivered
	case m.MessageStatusName == "fail" && m.UseSmsFailover:
		s.Status = notify.StatusFailedOver
	case m.MessageStatusName == "fail":
		s.Status = notify.StatusFailed
	default:
		s.Status = notify.StatusPending
	}
	return s
}

// SMSProvider sends one SMS/LMS per Deliver.
type SMSProvider struct{ c *Client }

// Deliver implements notify.Provider.
func (p *SMSProvider) Deliver(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if d.Channel != notify.ChannelSMS && d.Channel != notify.ChannelLMS {
		return notify.Receipt{}, fmt.Errorf("sens: sms provider got channel %s", d.Channel)
	}
	req := SMSRequest{
		Type:        string(d.Channel),
		ContentType: "COMM",
		CountryCode: p.c.cfg.CountryCode,
		From:        p.c.cfg.SMSFrom,
		Content:     d.Content,
		Messages:    []SMSMessage{{To: d.To}},
	}
	if d.Advertising {
		req.ContentType = "AD"
	}
	if d.Channel == notify.ChannelLMS {
		req.Subject = d.Subject
	}
	resp, err := p.c.SendSMS(ctx, req)
	if err != nil {
		return notify.Receipt{}, unencodable(err, req.Content+req.Subject)
	}
	if resp.StatusName == "fail" {
		return notify.Receipt{}, &rejectedError{err: &MessageError{System: SystemSMS, Code: resp.StatusCode}}
	}
	return notify.Receipt{Channel: d.Channel, RequestID: resp.RequestID, SentAt: p.c.now()}, nil
}

// ErrNotFound means SENS does not (yet) know the message.
var ErrNotFound = errors.New("sens: message not found")

// Track implements notify.Tracker. SENS's SMS send answer has no message
// id, so the first lookup goes through the request id.
func (p *SMSProvider) Track(ctx context.Context, r notify.Receipt) (notify.DeliveryStatus, error) {
	id := r.MessageID
	if id == "" {
		list, err := p.c.SMSResults(ctx, r.RequestID)
		if err != nil {
			return notify.DeliveryStatus{}, err
		}
		if len(list.Messages) == 0 {
			return notify.DeliveryStatus{Status: notify.StatusPending}, nil
		}
		id = list.Messages[0].MessageID
	}
	res, err := p.c.SMSResult(ctx, id)
	if err != nil {
		return notify.DeliveryStatus{}, err
	}
	if len(res.Messages) == 0 {
		return notify.DeliveryStatus{}, ErrNotFound
	}
	m := res.Messages[0]
	s := notify.DeliveryStatus{Code: m.StatusCode, CompletedAt: parseTime(m.CompleteTime)}
	switch {
	case m.Status != "COMPLETED":
		s.Status = notify.StatusPending
	case m.StatusName == "success":
		s.Status = notify.StatusDelivered
	default:
		s.Status = notify.StatusFailed
	}
	return s, nil
}

// parseTime reads SENS times ("yyyy-MM-dd HH:mm:ss" or ISO with "T",
// optionally with milliseconds), which are KST.
func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02T15:04:05.000", "2006-01-02 15:04:05.000"} {
		if t, err := time.ParseInLocation(layout, s, kst.Location); err == nil {
			return t
		}
	}
	return time.Time{}
}

// unencodable names the cause of a refused SMS/LMS whose text EUC-KR cannot
// encode: SENS's 400 does not say so in a stable code, but the text we sent
// does. Sending it again cannot succeed, so it is marked permanent.
func unencodable(err error, text string) error {
	if !errors.Is(err, notify.ErrRejected) {
		return err
	}
	var se *resilience.StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest {
		return err
	}
	ue := notify.CheckEncodable(text)
	if ue == nil {
		return err
	}
	return resilience.Permanent(&unencodableError{rejectedError{err: err}, ue})
}

// unencodableError is a rejected send (errors.Is notify.ErrRejected) whose
// cause is a *notify.UnencodableError. Its text leaves the characters out,
// like every error of this package leaves the message out.
type unencodableError struct {
	rejectedError
	cause error
}

func (e *unencodableError) Error() string {
	return e.err.Error() + ": " + notify.ErrUnencodable.Error()
}

func (e *unencodableError) Unwrap() []error { return []error{e.err, e.cause} }
