package participation

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// Group commit. Every entry request hands its prepared row to a committer
// goroutine and waits; the committer takes whatever has queued up (up to
// MaxBatch, lingering briefly when only a few wait) and writes it in ONE
// transaction: per event one locked read and one update of the counter row,
// one multi-row insert, and the outbox rows. Only after COMMIT returns does
// any request of the batch get its answer, so a 2xx still means "durable"
// (SQLite runs synchronous=FULL: the commit fsyncs the WAL) — the fsync and
// the hot counter row are simply shared by the whole batch.

type pending struct {
	eventID string
	entry   NewEntry
	done    chan pendingResult
}

type pendingResult struct {
	entry   StoredEntry
	err     error
	soldOut bool
}

type batchStats struct {
	batches atomic.Int64
	entries atomic.Int64
	busy    atomic.Int64 // nanoseconds inside commit, summed over committers
}

// BatchStats reports how many transactions the committers ran, how many
// entries they carried (mean batch size = entries / batches) and how long
// they were busy writing them (busy / elapsed = committer utilisation).
func (s *Service) BatchStats() (batches, entries int64, busy time.Duration) {
	return s.stats.batches.Load(), s.stats.entries.Load(), time.Duration(s.stats.busy.Load())
}

// Start runs the committers until Stop.
func (s *Service) Start(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx) // a batch in flight always finishes
	for i := 0; i < s.d.Committers; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.commitLoop(ctx)
		}()
	}
	return nil
}

// Stop finishes the queued entries and stops the committers. Call it after
// the HTTP server stopped taking requests.
func (s *Service) Stop() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	s.wg.Wait()
}

var errStopping = apperr.New(apperr.Unavailable, "shutting_down", "서버가 재시작 중입니다. 잠시 후 다시 시도해 주세요.")

// submit queues p and waits for its transaction. When the caller gives up
// first the entry may still commit; a retry then gets it as a repeat.
func (s *Service) submit(ctx context.Context, p *pending) (pendingResult, error) {
	select {
	case <-s.stop:
		return pendingResult{}, errStopping
	default:
	}
	select {
	case s.queue <- p:
	case <-s.stop:
		return pendingResult{}, errStopping
	case <-ctx.Done():
		return pendingResult{}, ctx.Err()
	}
	select {
	case r := <-p.done:
		return r, nil
	case <-ctx.Done():
		return pendingResult{}, ctx.Err()
	}
}

func (s *Service) commitLoop(ctx context.Context) {
	batch := make([]*pending, 0, s.d.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case p := <-s.queue:
			batch = append(batch, p)
		case <-s.stop:
			// Drain what was queued before the stop.
			for {
				select {
				case p := <-s.queue:
					s.commit(ctx, []*pending{p})
				default:
					return
				}
			}
		}
		batch = s.fill(batch)
		s.commit(ctx, batch)
	}
}

// fill adds the queued requests to batch without waiting; when only a few
// came, it lingers up to Linger for more (a half-empty transaction costs
// the same fsync as a full one).
func (s *Service) fill(batch []*pending) []*pending {
	drain := func() {
		for len(batch) < s.d.MaxBatch {
			select {
			case p := <-s.queue:
				batch = append(batch, p)
			default:
				return
			}
		}
	}
	drain()
	if len(batch) >= 8 || s.d.Linger <= 0 {
		return batch
	}
	t := time.NewTimer(s.d.Linger)
	defer t.Stop()
	for len(batch) < s.d.MaxBatch {
		select {
		case p := <-s.queue:
			batch = append(batch, p)
			drain()
		case <-t.C:
			return batch
		}
	}
	return batch
}

// commit writes one batch and answers every request in it.
func (s *Service) commit(ctx context.Context, batch []*pending) {
	start := time.Now()
	// Group by event, in a fixed order so that concurrent committers lock
	// counter rows in the same order (no deadlocks on PostgreSQL).
	groups := map[string][]*pending{}
	var ids []string
	for _, p := range batch {
		if _, ok := groups[p.eventID]; !ok {
			ids = append(ids, p.eventID)
		}
		groups[p.eventID] = append(groups[p.eventID], p)
	}
	sort.Strings(ids)
	results := make(map[*pending]pendingResult, len(batch))
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		clear(results)
		err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
			for _, id := range ids {
				if err := s.commitEvent(ctx, tx, id, groups[id], results); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil || !retryable(err) {
			break
		}
	}
	s.stats.batches.Add(1)
	s.stats.entries.Add(int64(len(batch)))
	s.stats.busy.Add(int64(time.Since(start)))
	if err != nil {
		s.d.Log.Error("participation: entry batch failed", "entries", len(batch), "err", err)
	}
	for _, p := range batch {
		if err != nil {
			p.done <- pendingResult{err: err}
			continue
		}
		p.done <- results[p]
	}
}

func (s *Service) commitEvent(ctx context.Context, tx *db.Tx, eventID string, ps []*pending, results map[*pending]pendingResult) error {
	entries := make([]NewEntry, len(ps))
	for i, p := range ps {
		entries[i] = p.entry
	}
	now := s.d.Now()
	out, err := s.d.Store.AddEntries(ctx, tx, eventID, now, entries, NewCouponCode)
	if err != nil {
		return err
	}
	registered := make([]bus.Event, 0, len(ps))
	var visits []bus.Event // one subject per outbox batch
	for i, p := range ps {
		it := out.Items[i]
		results[p] = pendingResult{entry: it.Entry, err: it.Err, soldOut: out.SoldOutNow}
		if it.Err == nil && it.Entry.VisitAdded {
			visits = append(visits, messages.StoreVisitAdded{
				EventID: eventID, EntryNumber: it.Entry.EntryNumber, OccurredAt: now,
			})
		}
		if it.Err != nil || it.Entry.Repeat {
			continue
		}
		registered = append(registered, messages.ParticipantRegistered{
			EventID: eventID, EntryNumber: it.Entry.EntryNumber, StoreVisit: it.Entry.StoreVisit,
			Channel: p.entry.Channel, Marketing: it.Entry.Marketing, Coupon: it.Entry.CouponCode != "",
			OccurredAt: it.Entry.CreatedAt,
		})
	}
	if err := s.publishAll(ctx, tx, registered); err != nil {
		return err
	}
	if err := s.publishAll(ctx, tx, visits); err != nil {
		return err
	}
	if err := s.enqueueCouponNotices(ctx, tx, eventID, out.Items); err != nil {
		return err
	}
	if out.SoldOutNow {
		if err := s.d.Publish(ctx, tx, messages.CouponsSoldOut{
			EventID: eventID, Issued: out.Event.CouponsIssued, OccurredAt: now,
		}); err != nil {
			return err
		}
	}
	return nil
}

// WorkEnqueuer writes a work item for queue to the outbox inside tx; id is
// the broker message id, so an id enqueued twice is delivered once.
type WorkEnqueuer func(ctx context.Context, tx *db.Tx, queue, id string, payload []byte) error

// Coupon holders' notifications: the committer queues one work item per
// issued coupon on the notification queue, handled by package winners
// (which sends the 알림톡 and keeps the delivery state).
const (
	NotifyQueue   = "notify-job"
	CouponJobKind = "coupon"
)

// CouponNotifyJob is the work item of one coupon holder's notification.
type CouponNotifyJob struct {
	Kind        string `json:"kind"` // CouponJobKind
	EventID     string `json:"eventId"`
	EntryNumber int64  `json:"entryNumber"`
}

// CouponJobID is the work id of an entry's coupon notification.
func CouponJobID(eventID string, entryNumber int64) string {
	return "coupon:" + eventID + ":" + strconv.FormatInt(entryNumber, 10)
}

// enqueueCouponNotices queues a notification for every coupon issued in
// this batch (repeats got theirs when they first entered). Coupons are few
// (the event's stock, e.g. 100), so this is at most a few inserts per batch
// and none once the stock is gone.
func (s *Service) enqueueCouponNotices(ctx context.Context, tx *db.Tx, eventID string, items []BatchItem) error {
	if s.d.EnqueueWork == nil {
		return nil
	}
	for _, it := range items {
		if it.Err != nil || it.Entry.Repeat || it.Entry.CouponCode == "" {
			continue
		}
		b, err := json.Marshal(CouponNotifyJob{Kind: CouponJobKind, EventID: eventID, EntryNumber: it.Entry.EntryNumber})
		if err != nil {
			return err
		}
		if err := s.d.EnqueueWork(ctx, tx, NotifyQueue, CouponJobID(eventID, it.Entry.EntryNumber), b); err != nil {
			return err
		}
	}
	return nil
}

// publishAll writes events of one subject to the outbox, in one statement
// when the app gave a batch publisher.
func (s *Service) publishAll(ctx context.Context, tx *db.Tx, events []bus.Event) error {
	if len(events) == 0 {
		return nil
	}
	if s.d.PublishMany != nil {
		return s.d.PublishMany(ctx, tx, events)
	}
	for _, e := range events {
		if err := s.d.Publish(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// retryable reports transient database errors worth one more attempt
// (PostgreSQL serialization failures and deadlocks, a statement prepared
// before a migration changed a column — pgx drops it after this error —,
// SQLite busy).
func retryable(err error) bool {
	if apperr.KindOf(err) != apperr.Internal {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"SQLSTATE 40001", "SQLSTATE 40P01", "SQLSTATE 0A000", "SQLITE_BUSY", "database is locked"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
