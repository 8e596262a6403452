package winners

import (
	"context"
	"errors"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// LifecycleSubjects are the event-service messages the retention job
// follows (consumed with HandleLifecycle).
var LifecycleSubjects = []string{
	messages.SubjectOf[messages.EventApproved](), messages.SubjectOf[messages.EventEnded](), messages.SubjectOf[messages.EventCancelled](),
}

// HandleLifecycle records approvals, ends and cancellations of events so
// that the retention job knows which events to clean up and since when.
// It runs inside the idempotent consumer's transaction.
func (s *Service) HandleLifecycle(ctx context.Context, tx *db.Tx, m bus.Message) error {
	msg, err := messages.Decode(m.Subject, m.Data)
	if err != nil {
		return bus.Permanent(err)
	}
	switch e := msg.(type) {
	case messages.EventApproved:
		return s.store.TouchLifecycle(ctx, tx, e.EventID, e.Method, false)
	case messages.EventEnded:
		return s.store.SetEnded(ctx, tx, e.EventID, e.OccurredAt, false)
	case messages.EventCancelled:
		return s.store.SetEnded(ctx, tx, e.EventID, e.OccurredAt, true)
	}
	return nil
}

// RunRetention destroys personal data that is no longer needed (PIPC
// online-giveaway guideline), keeping entry numbers, flags and counts:
//
//   - cancelled event: everything, at once;
//   - lottery, ENDED and drawn: nothing during RedrawPeriod after the first
//     draw (a winner may be replaced); then the non-winners, and each
//     winner once the prize is marked delivered or WinnerPeriod after the
//     draw;
//   - lottery, ENDED, never drawn: everything UndrawnPeriod after the end;
//   - first-come, ENDED: everything FirstComePeriod after the end (the
//     coupon redemption window).
//
// An event still ACTIVE is left alone. The app calls it hourly; tests call
// it directly with a chosen clock.
func (s *Service) RunRetention(ctx context.Context) (RetentionReport, error) {
	var rep RetentionReport
	due, err := s.store.RetentionDue(ctx, 500)
	if err != nil {
		return rep, err
	}
	now := s.now().UTC()
	var errs []error
	for _, lc := range due {
		rep.Events++
		n, done, err := s.retain(ctx, lc, now)
		rep.Purged += n
		if done {
			rep.Done++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

func (s *Service) retain(ctx context.Context, lc Lifecycle, now time.Time) (int, bool, error) {
	ev, err := s.entries.Event(ctx, lc.EventID)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return 0, false, nil // the entry side does not know it (yet)
		}
		return 0, false, err
	}
	method := ev.Method
	if method == "" {
		method = lc.Method
	}
	cancelled := lc.Cancelled || ev.Status == EventCancelled
	ended := cancelled || ev.Status == EventEnded
	endedAt := lc.EndedAt
	if endedAt.IsZero() {
		endedAt = ev.EndsAt
	}
	purgeAll := func() (int, bool, error) {
		n, err := s.entries.Purge(ctx, lc.EventID, nil)
		if err != nil {
			return 0, false, err
		}
		return n, true, s.store.SetPurged(ctx, lc.EventID, nil, true, true, now)
	}
	switch {
	case !ended:
		return 0, false, nil
	case cancelled:
		return purgeAll()
	case method == messages.MethodFirstCome:
		if now.Before(endedAt.Add(s.retention.FirstComePeriod)) {
			return 0, false, nil
		}
		return purgeAll()
	}

	draws, err := s.store.Draws(ctx, lc.EventID)
	if err != nil {
		return 0, false, err
	}
	drawn := false
	var first time.Time
	var keep []int64
	for _, d := range draws {
		if d.Status != DrawDone || d.DrawnAt == nil {
			continue
		}
		if !drawn || d.DrawnAt.Before(first) {
			first = *d.DrawnAt
		}
		drawn = true
		until := d.DrawnAt.Add(s.retention.WinnerPeriod)
		for _, w := range d.Winners {
			if w.PrizeDeliveredAt == nil && now.Before(until) {
				keep = append(keep, w.EntryNumber)
			}
		}
	}
	if !drawn {
		if now.Before(endedAt.Add(s.retention.UndrawnPeriod)) {
			return 0, false, nil
		}
		return purgeAll()
	}
	if now.Before(first.Add(s.retention.RedrawPeriod)) {
		return 0, false, nil // a redraw may still need anyone's contact
	}
	n, err := s.entries.Purge(ctx, lc.EventID, keep)
	if err != nil {
		return 0, false, err
	}
	done := len(keep) == 0
	return n, done, s.store.SetPurged(ctx, lc.EventID, keep, true, done, now)
}

// TouchEvent registers an event with the retention job without the bus
// (for events approved before this service ran, and tests).
func (s *Service) TouchEvent(ctx context.Context, eventID string, method messages.Method) error {
	return s.store.TouchLifecycle(ctx, s.db, eventID, method, false)
}
