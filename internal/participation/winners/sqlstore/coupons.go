package sqlstore

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/db"
)

const couponColumns = `event_id, entry_number, notify_status, notify_channel, notify_request_id, notify_message_id,
	notify_fallback, notify_attempts, notify_code, notify_updated_at`

func scanCoupon(r scanner) (winners.SentCouponNotification, error) {
	var (
		c       winners.SentCouponNotification
		status  string
		updated int64
	)
	err := r.Scan(&c.EventID, &c.EntryNumber, &status, &c.Channel, &c.RequestID, &c.MessageID, &c.Fallback, &c.Attempts,
		&c.Code, &updated)
	c.Status, c.UpdatedAt = winners.NotifyStatus(status), db.FromMicros(updated)
	return c, err
}

// ClaimCouponNotification implements winners.Store: the row is created on
// the first delivery (the entry side only queues the work item), and the
// conditional update is the lock, so two workers holding the same item
// cannot both send.
func (s *Store) ClaimCouponNotification(ctx context.Context, eventID string, entryNumber int64, now time.Time) (bool, error) {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO coupon_notifications (event_id, entry_number, notify_status, created_at,
		notify_updated_at) VALUES (?, ?, 'PENDING', ?, ?) ON CONFLICT (event_id, entry_number) DO NOTHING`,
		eventID, entryNumber, db.Micros(now), db.Micros(now)); err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE coupon_notifications SET notify_status = 'SENDING', notify_attempts = notify_attempts + 1,
		notify_updated_at = ? WHERE event_id = ? AND entry_number = ? AND notify_status = 'PENDING'`, db.Micros(now), eventID, entryNumber)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetCouponNotification implements winners.Store.
func (s *Store) SetCouponNotification(ctx context.Context, eventID string, entryNumber int64, n winners.Notification) error {
	_, err := s.db.ExecContext(ctx, `UPDATE coupon_notifications SET notify_status = ?, notify_channel = ?, notify_request_id = ?,
		notify_message_id = ?, notify_fallback = ?, notify_code = ?, notify_updated_at = ? WHERE event_id = ? AND entry_number = ?`,
		string(n.Status), n.Channel, n.RequestID, n.MessageID, n.Fallback, n.Code, db.Micros(n.UpdatedAt), eventID, entryNumber)
	return err
}

// CouponNotifications implements winners.Store.
func (s *Store) CouponNotifications(ctx context.Context, eventID string) (map[int64]winners.Notification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+couponColumns+` FROM coupon_notifications WHERE event_id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]winners.Notification{}
	for rows.Next() {
		c, err := scanCoupon(rows)
		if err != nil {
			return nil, err
		}
		out[c.EntryNumber] = c.Notification
	}
	return out, rows.Err()
}

// SentCouponNotifications implements winners.Store.
func (s *Store) SentCouponNotifications(ctx context.Context, before time.Time, limit int) ([]winners.SentCouponNotification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+couponColumns+` FROM coupon_notifications WHERE notify_status = 'SENT'
		AND notify_updated_at <= ? ORDER BY notify_updated_at LIMIT ?`, db.Micros(before), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []winners.SentCouponNotification
	for rows.Next() {
		c, err := scanCoupon(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ExpireCouponSending implements winners.Store.
func (s *Store) ExpireCouponSending(ctx context.Context, before, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE coupon_notifications SET notify_status = 'FAILED', notify_code = 'unknown',
		notify_updated_at = ? WHERE notify_status = 'SENDING' AND notify_updated_at < ?`, db.Micros(now), db.Micros(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
