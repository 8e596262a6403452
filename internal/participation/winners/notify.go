package winners

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// WinnerTemplate is the approved 알림톡 text of the winner message
// (informational: it tells the entrant the result of taking part; no
// advertising). The SMS/LMS fallback carries the same text.
//
// The shop names the event in the first line: titles often end in
// "이벤트" already ("봄맞이 커피 이벤트 이벤트에" read twice).
const WinnerTemplate = "축하합니다! #{store} 이벤트에 당첨되셨습니다.\n\n" +
	"■ 이벤트: #{event}\n■ 경품: #{prize}\n■ 응모번호: #{entryNumber}번\n\n" +
	"경품은 이 메시지를 매장에 보여 주시면 드립니다.\n" +
	"추첨 결과 확인: #{url}"

// notifyJob is one work item of NotifyQueue. A winner's notification
// (Kind "" — items queued before coupons existed have no kind — or
// "winner") has the id "win:<drawId>:<entryNumber>"; a coupon holder's
// (Kind participation.CouponJobKind, queued by the entry side) has
// "coupon:<eventId>:<entryNumber>"; an item enqueued twice is queued once.
type notifyJob struct {
	Kind        string `json:"kind,omitempty"`
	DrawID      string `json:"drawId,omitempty"`
	EventID     string `json:"eventId"`
	EntryNumber int64  `json:"entryNumber"`
}

const winnerJobKind = "winner"

func (s *Service) enqueueNotification(ctx context.Context, tx *db.Tx, eventID, drawID string, n int64) error {
	b, err := json.Marshal(notifyJob{Kind: winnerJobKind, DrawID: drawID, EventID: eventID, EntryNumber: n})
	if err != nil {
		return err
	}
	return s.queue.EnqueueWork(ctx, tx, NotifyQueue, "win:"+drawID+":"+strconv.FormatInt(n, 10), b)
}

// StartNotifier starts workers for the notification queue.
func (s *Service) StartNotifier(ctx context.Context, workers int) (stop func(), err error) {
	return s.queue.Work(ctx, NotifyQueue, workers, s.HandleNotifyJob)
}

// HandleNotifyJob sends one winner's or coupon holder's message. It is
// idempotent: the notification is claimed (PENDING → SENDING) in the
// database first, so a redelivered or duplicated job finds it claimed and
// does nothing, and nobody gets the message twice (for the same draw, or
// the same coupon). attempt is the job's delivery count (1 on the first).
func (s *Service) HandleNotifyJob(ctx context.Context, payload []byte, attempt int) error {
	var j notifyJob
	if err := json.Unmarshal(payload, &j); err != nil || j.EntryNumber <= 0 {
		return bus.Permanent(errors.New("winners: malformed notification job"))
	}
	switch {
	case isCouponJob(j):
		if j.EventID == "" {
			return bus.Permanent(errors.New("winners: malformed coupon notification job"))
		}
		return s.handleCouponJob(ctx, j, attempt)
	case j.Kind != "" && j.Kind != winnerJobKind:
		return bus.Permanent(errors.New("winners: unknown notification job kind"))
	case j.DrawID == "":
		return bus.Permanent(errors.New("winners: malformed notification job"))
	}
	claimed, err := s.store.ClaimNotification(ctx, j.DrawID, j.EntryNumber, s.now().UTC())
	if err != nil || !claimed {
		return err
	}
	return s.deliver(ctx, j, attempt, notifyTarget{
		kind: "winner",
		set: func(ctx context.Context, n Notification) error {
			n.UpdatedAt = s.now().UTC()
			return s.store.SetNotification(ctx, j.DrawID, j.EntryNumber, n)
		},
		compose: func(_ context.Context, ev EventInfo, c Contact) (notify.Message, string, error) {
			return s.winnerMessage(ev, c, j), "", nil
		},
	})
}

// notifyTarget is what deliver needs to know about one claimed
// notification: how to record its state and how to write its message.
type notifyTarget struct {
	kind string // for logs
	set  func(ctx context.Context, n Notification) error
	// compose builds the message; on an error that says the data is
	// missing (NotFound/Gone) the notification fails with missingCode.
	compose func(ctx context.Context, ev EventInfo, c Contact) (m notify.Message, missingCode string, err error)
}

// deliver sends a claimed (SENDING) notification and records the outcome:
// SENT; back to PENDING (with the error, so the queue redelivers) only when
// the message provably did not leave; FAILED otherwise.
func (s *Service) deliver(ctx context.Context, j notifyJob, attempt int, t notifyTarget) error {
	n := Notification{Status: NotifyFailed, Attempts: attempt}
	release := func(cause error) error {
		// Nothing was sent: back to PENDING so the redelivery may claim it,
		// unless this was the last delivery.
		if attempt >= s.attempts {
			n.Code = "gave_up"
			return t.set(ctx, n)
		}
		if err := t.set(ctx, Notification{Status: NotifyPending, Code: "retrying"}); err != nil {
			return err
		}
		return cause
	}

	ev, err := s.entries.Event(ctx, j.EventID)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			n.Code = messages.CodeEventNotFound
			return t.set(ctx, n)
		}
		return release(err)
	}
	c, err := s.entries.Contact(ctx, j.EventID, j.EntryNumber)
	if err != nil {
		if missing(err) {
			n.Code = "no_contact" // personal data destroyed or entry gone
			return t.set(ctx, n)
		}
		return release(err)
	}
	m, missingCode, err := t.compose(ctx, ev, c)
	if err != nil {
		if missing(err) && missingCode != "" {
			n.Code = missingCode
			return t.set(ctx, n)
		}
		return release(err)
	}
	r, err := s.sender.Send(ctx, m)
	switch {
	case err == nil:
		n = Notification{Status: NotifySent, Channel: string(r.Channel), Attempts: attempt, RequestID: r.RequestID, MessageID: r.MessageID, Fallback: r.Fallback}
		return t.set(ctx, n)
	case NotSent(err):
		s.log.Warn("notification deferred", "kind", t.kind, "event", j.EventID, "draw", j.DrawID, "entry", j.EntryNumber, "attempt", attempt, "err", err)
		return release(err)
	default:
		// Refused by the rules or the provider, or an ambiguous failure
		// (timeout, 5xx) after which the message may have gone out: never
		// risk a second copy.
		n.Code = FailureCode(err)
		s.log.Warn("notification failed", "kind", t.kind, "event", j.EventID, "draw", j.DrawID, "entry", j.EntryNumber, "code", n.Code, "err", err)
		return t.set(ctx, n)
	}
}

func (s *Service) winnerMessage(ev EventInfo, c Contact, j notifyJob) notify.Message {
	link := s.publicURL + "/api/v1/public/events/" + url.PathEscape(ev.EventID) + "/draws"
	if ev.Code != "" {
		link = s.publicURL + "/e/" + url.PathEscape(ev.Code)
	}
	store := ev.StoreName
	if store == "" {
		store = "매장"
	}
	prize := strings.TrimSpace(ev.Benefit)
	if prize == "" {
		prize = "매장에서 안내해 드립니다" // an event made before benefits were recorded
	}
	return notify.Message{
		To: c.Phone, Kind: notify.Informational, TemplateCode: s.template, Content: WinnerTemplate,
		Subject: "[당첨 안내] " + ev.Title,
		Variables: map[string]string{
			"event": ev.Title, "prize": prize, "store": store, "entryNumber": strconv.FormatInt(j.EntryNumber, 10), "url": link,
		},
	}
}

// NotSent reports errors that prove the message did not leave: the
// breaker or bulkhead refused the call, the per-provider rate limit was
// not granted, the provider asked us to slow down (429), or no connection
// could be made. Such a notification may be tried again.
func NotSent(err error) bool {
	if errors.Is(err, resilience.ErrOpen) || errors.Is(err, resilience.ErrBulkheadFull) || errors.Is(err, ErrRateLimited) {
		return true
	}
	var se *resilience.StatusError
	if errors.As(err, &se) {
		return se.StatusCode == 429
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// FailureCode is the short code recorded for a message that failed.
func FailureCode(err error) string {
	var se *resilience.StatusError
	switch {
	case errors.Is(err, notify.ErrRecipient):
		return "invalid_recipient"
	case errors.Is(err, notify.ErrUnencodable):
		return "unencodable_text" // EUC-KR cannot carry it as SMS/LMS
	case errors.Is(err, notify.ErrRejected):
		return "rejected"
	case errors.As(err, &se):
		return "http_" + strconv.Itoa(se.StatusCode)
	case errors.Is(err, resilience.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "send_failed"
}

// TrackDeliveries looks up the delivery result of sent notifications
// (winners' and coupon holders', SENT for at least minAge) and records
// DELIVERED, FAILED or FAILED_OVER. It also closes notifications left
// SENDING by a crashed worker: they are marked FAILED ("unknown") because
// the message may have gone out and must not be sent twice. It returns how
// many notifications changed.
func (s *Service) TrackDeliveries(ctx context.Context, minAge time.Duration) (int, error) {
	now := s.now().UTC()
	changed, err := s.store.ExpireSending(ctx, now.Add(-stuckSending), now)
	if err != nil {
		return 0, err
	}
	sent, err := s.store.SentNotifications(ctx, now.Add(-minAge), 200)
	if err != nil {
		return changed, err
	}
	for _, sn := range sent {
		n, ok := s.track(ctx, sn.Notification, "draw", sn.DrawID, sn.EntryNumber)
		if !ok {
			continue
		}
		n.UpdatedAt = now
		if err := s.store.SetNotification(ctx, sn.DrawID, sn.EntryNumber, n); err != nil {
			return changed, err
		}
		changed++
	}
	c, err := s.trackCoupons(ctx, now, minAge)
	return changed + c, err
}

// track asks the provider about a SENT notification; ok is false when
// the result is not known yet (or the lookup failed).
func (s *Service) track(ctx context.Context, n Notification, scope, id string, entry int64) (Notification, bool) {
	st, err := s.sender.Track(ctx, notify.Receipt{Channel: notify.Channel(n.Channel), RequestID: n.RequestID, MessageID: n.MessageID, Fallback: n.Fallback})
	if err != nil {
		s.log.Debug("delivery lookup failed", scope, id, "entry", entry, "err", err)
		return n, false
	}
	switch st.Status {
	case notify.StatusDelivered:
		n.Status = NotifyDelivered
	case notify.StatusFailedOver:
		n.Status = NotifyFailedOver
	case notify.StatusFailed:
		n.Status, n.Code = NotifyFailed, st.Code
	default:
		return n, false
	}
	return n, true
}

// stuckSending is how long a claimed notification may stay without an
// outcome before it is considered lost in a crash (well above the send
// policy's overall deadline).
const stuckSending = 10 * time.Minute
