package winners

import (
	"context"
	"net/url"
	"time"

	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Coupon holders' notifications. The entry side's committer queues one work
// item per issued coupon (participation.CouponNotifyJob, id
// "coupon:<eventId>:<entryNumber>") on NotifyQueue in the transaction that
// issues the coupon; this side sends the informational 알림톡 with the SMS
// failover and keeps the state in its own table, claimed before sending
// exactly like a winner's notification.

// CouponTemplate is the approved 알림톡 text of the coupon message
// (informational: the result of taking part; no advertising).
const CouponTemplate = "쿠폰이 발급되었습니다.\n\n" +
	"■ 이벤트: #{event}\n■ 매장: #{store}\n■ 쿠폰 번호: #{coupon}\n\n" +
	"매장 계산대에서 이 쿠폰 번호를 보여 주세요.\n이벤트 페이지: #{url}"

// DefaultCouponTemplateCode is the coupon template registered with Kakao.
const DefaultCouponTemplateCode = "AE_CPN_01"

// CouponEntries is what coupon notifications need from the entry store
// beyond Entries (participation's SQL store implements both).
type CouponEntries interface {
	// CouponOf returns the coupon code of one entry; apperr NotFound when
	// the entry is unknown or holds no coupon.
	CouponOf(ctx context.Context, eventID string, entryNumber int64) (string, error)
	// CouponHolders lists the event's entries holding a coupon, by entry
	// number, with their masked phone numbers ("" once destroyed).
	CouponHolders(ctx context.Context, eventID string) ([]CouponHolder, error)
}

// CouponHolder is one entry holding a coupon.
type CouponHolder struct {
	EntryNumber int64
	PhoneMasked string // 010-****-5678
	Redeemed    bool
}

// CouponNotice is one coupon holder's notification as the owner sees it.
type CouponNotice struct {
	EntryNumber  int64        `json:"entryNumber"`
	Phone        string       `json:"phone"` // masked
	Redeemed     bool         `json:"redeemed"`
	Notification Notification `json:"notification"`
}

// CouponNotices is the owner's view of an event's coupon notifications.
type CouponNotices struct {
	EventID string         `json:"eventId"`
	Items   []CouponNotice `json:"items"`
}

// SentCouponNotification identifies a coupon notification whose delivery
// result is still to be looked up.
type SentCouponNotification struct {
	EventID     string
	EntryNumber int64
	Notification
}

var errNoCouponEntries = apperr.New(apperr.Unavailable, "coupon_notices_unavailable", "쿠폰 알림을 조회할 수 없습니다.")

// CouponNotifications lists the event's coupon holders with the state of
// their notification (owner only; another owner's event is not found).
// Holders whose work item was not handled yet show PENDING.
func (s *Service) CouponNotifications(ctx context.Context, ownerID, eventID string) (CouponNotices, error) {
	if _, err := s.event(ctx, ownerID, eventID); err != nil {
		return CouponNotices{}, err
	}
	if s.coupons == nil {
		return CouponNotices{}, errNoCouponEntries
	}
	holders, err := s.coupons.CouponHolders(ctx, eventID)
	if err != nil {
		return CouponNotices{}, err
	}
	states, err := s.store.CouponNotifications(ctx, eventID)
	if err != nil {
		return CouponNotices{}, err
	}
	out := CouponNotices{EventID: eventID, Items: make([]CouponNotice, len(holders))}
	for i, h := range holders {
		n, ok := states[h.EntryNumber]
		if !ok || n.Status == NotifySending {
			// Not handled yet, or being sent: shown as waiting.
			n.Status = NotifyPending
		}
		out.Items[i] = CouponNotice{EntryNumber: h.EntryNumber, Phone: h.PhoneMasked, Redeemed: h.Redeemed, Notification: n}
	}
	return out, nil
}

// handleCouponJob sends one coupon holder's message, claimed first so that
// a duplicated or redelivered item sends nothing.
func (s *Service) handleCouponJob(ctx context.Context, j notifyJob, attempt int) error {
	if s.coupons == nil {
		return errNoCouponEntries // the app did not wire the entry store's coupons
	}
	claimed, err := s.store.ClaimCouponNotification(ctx, j.EventID, j.EntryNumber, s.now().UTC())
	if err != nil || !claimed {
		return err
	}
	return s.deliver(ctx, j, attempt, notifyTarget{
		kind: "coupon",
		set: func(ctx context.Context, n Notification) error {
			n.UpdatedAt = s.now().UTC()
			return s.store.SetCouponNotification(ctx, j.EventID, j.EntryNumber, n)
		},
		compose: func(ctx context.Context, ev EventInfo, c Contact) (notify.Message, string, error) {
			code, err := s.coupons.CouponOf(ctx, j.EventID, j.EntryNumber)
			if err != nil {
				return notify.Message{}, "no_coupon", err
			}
			return s.couponMessage(ev, c, code), "", nil
		},
	})
}

func (s *Service) couponMessage(ev EventInfo, c Contact, code string) notify.Message {
	link := s.publicURL + "/e/" + url.PathEscape(ev.Code)
	if ev.Code == "" {
		link = s.publicURL + "/api/v1/public/events/" + url.PathEscape(ev.EventID) + "/coupons/" + url.PathEscape(code) + "/qr.png"
	}
	store := ev.StoreName
	if store == "" {
		store = "-"
	}
	return notify.Message{
		To: c.Phone, Kind: notify.Informational, TemplateCode: s.couponTemplate, Content: CouponTemplate,
		Subject: "[쿠폰 발급] " + ev.Title,
		Variables: map[string]string{
			"event": ev.Title, "store": store, "coupon": code, "url": link,
		},
	}
}

// isCouponJob reports a work item queued by the entry side.
func isCouponJob(j notifyJob) bool { return j.Kind == participation.CouponJobKind }

// trackCoupons looks up the delivery of SENT coupon notifications.
func (s *Service) trackCoupons(ctx context.Context, now time.Time, minAge time.Duration) (int, error) {
	changed, err := s.store.ExpireCouponSending(ctx, now.Add(-stuckSending), now)
	if err != nil {
		return 0, err
	}
	sent, err := s.store.SentCouponNotifications(ctx, now.Add(-minAge), 200)
	if err != nil {
		return changed, err
	}
	for _, sn := range sent {
		n, ok := s.track(ctx, sn.Notification, "event", sn.EventID, sn.EntryNumber)
		if !ok {
			continue
		}
		n.UpdatedAt = now
		if err := s.store.SetCouponNotification(ctx, sn.EventID, sn.EntryNumber, n); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}
