package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/autoevent/autoevent/internal/platform/db"
)

const (
	// relayBatch is the rows per publish round, also the async window. Each
	// round ends with a write transaction marking the rows; on SQLite that
	// takes the single writer from the application, so at 10,000 events/s
	// rounds of 256 meant ~40 extra fsynced transactions a second in the
	// way of the participation committer. 1024 makes it ~10.
	relayBatch    = 1024
	relayPoll     = 500 * time.Millisecond // safety-net poll besides Notify
	relayAckWait  = 10 * time.Second       // how long a batch waits for its PubAcks
	cleanupEvery  = 5 * time.Second
	cleanupChunk  = 5000
	relayMaxSleep = 5 * time.Second // back-off cap while the broker is down
)

// Relay publishes committed outbox rows to JetStream. Run one per process;
// on PostgreSQL several processes may run relays against the same tables: a
// transaction-scoped advisory lock lets one publish a batch at a time, so
// rows are not published twice for nothing and stay in id order.
type Relay struct {
	d    *db.DB
	b    *Bus
	log  *slog.Logger
	wake chan struct{}

	published  atomic.Uint64 // rows acknowledged by the broker
	duplicates atomic.Uint64 // of which the broker had already stored
	failures   atomic.Uint64 // publish rounds that failed
}

// NewRelay returns a relay for the outbox in d. A nil logger discards.
func NewRelay(d *db.DB, b *Bus, logger *slog.Logger) *Relay {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Relay{d: d, b: b, log: logger.With("component", "outbox-relay"), wake: make(chan struct{}, 1)}
}

// Notify wakes the relay (non-blocking). Enqueue calls it after commit.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Enqueue writes an event to the outbox inside tx and wakes the relay once
// tx commits. subject must be under "events." ("events.user.registered").
// payload is encoded as JSON; json.RawMessage and []byte are taken as JSON
// text and must be valid. The returned id is the broker message id.
func (r *Relay) Enqueue(ctx context.Context, tx *db.Tx, subject string, payload any) (string, error) {
	if !validSubject(subject, "events") {
		return "", fmt.Errorf("%w: %q", ErrSubject, subject)
	}
	body, err := encodePayload(payload)
	if err != nil {
		return "", err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("bus: message id: %w", err)
	}
	if err := r.insert(ctx, tx, id.String(), subject, body); err != nil {
		return "", err
	}
	return id.String(), nil
}

// enqueueChunk bounds the rows of one multi-row outbox INSERT: 4
// parameters a row stays far below both dialects' limits (SQLite 32766,
// PostgreSQL 65535) and keeps each statement a reasonable size.
const enqueueChunk = 1024

// EnqueueMany writes one event per payload to the outbox inside tx, all
// with the same subject, as one multi-row INSERT per 1024 rows instead of a
// statement per row (a group committer writing hundreds of events in one
// transaction spends its time in statements, not in data). It returns the
// broker message ids in payload order; ids are UUIDv7s generated in order,
// so the relay publishes the events in the order given. Like Enqueue it
// wakes the relay once tx commits. On error nothing was written that tx's
// rollback does not remove.
func (r *Relay) EnqueueMany(ctx context.Context, tx *db.Tx, subject string, payloads []any) ([]string, error) {
	if !validSubject(subject, "events") {
		return nil, fmt.Errorf("%w: %q", ErrSubject, subject)
	}
	if len(payloads) == 0 {
		return nil, nil
	}
	ids := make([]string, len(payloads))
	bodies := make([]string, len(payloads))
	for i, p := range payloads {
		body, err := encodePayload(p)
		if err != nil {
			return nil, err
		}
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("bus: message id: %w", err)
		}
		ids[i], bodies[i] = id.String(), body
	}
	now := time.Now().UnixMicro()
	if tx.Dialect() == db.Postgres {
		// Two array parameters: one short statement for any batch size
		// (PostgreSQL parses and plans it in microseconds, not the
		// milliseconds thousands of placeholders take).
		_, err := tx.ExecContext(ctx, `INSERT INTO bus_outbox (id, subject, payload, created_at)
			SELECT u.id, ?, u.payload, ? FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(id, payload, n) ORDER BY u.n`,
			subject, now, ids, bodies)
		if err != nil {
			return nil, fmt.Errorf("bus: enqueue %d × %s: %w", len(ids), subject, err)
		}
		tx.AfterCommit(r.Notify)
		return ids, nil
	}
	var q strings.Builder
	for start := 0; start < len(ids); start += enqueueChunk {
		end := min(start+enqueueChunk, len(ids))
		q.Reset()
		q.WriteString("INSERT INTO bus_outbox (id, subject, payload, created_at) VALUES ")
		args := make([]any, 0, 4*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?)")
			args = append(args, ids[i], subject, bodies[i], now)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return nil, fmt.Errorf("bus: enqueue %d × %s: %w", end-start, subject, err)
		}
	}
	tx.AfterCommit(r.Notify)
	return ids, nil
}

// EnqueueWork writes a job for queue to the outbox inside tx, with id as the
// broker message id (so the job id deduplicates): the job is published only
// if the transaction that created it commits, and survives a crash before
// publishing.
func (r *Relay) EnqueueWork(ctx context.Context, tx *db.Tx, queue, id string, payload []byte) error {
	if !nameRE.MatchString(queue) {
		return fmt.Errorf("%w: queue %q", ErrName, queue)
	}
	if id == "" || len(id) > 128 {
		return fmt.Errorf("%w: job id %q", ErrName, id)
	}
	return r.insert(ctx, tx, id, "jobs."+queue, string(payload))
}

func (r *Relay) insert(ctx context.Context, tx *db.Tx, id, subject, body string) error {
	_, err := tx.ExecContext(ctx,
		"INSERT INTO bus_outbox (id, subject, payload, created_at) VALUES (?, ?, ?, ?)",
		id, subject, body, time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("bus: enqueue %s: %w", subject, err)
	}
	tx.AfterCommit(r.Notify)
	return nil
}

func encodePayload(payload any) (string, error) {
	var raw []byte
	switch p := payload.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	default:
		b, err := json.Marshal(payload)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrPayload, err)
		}
		return string(b), nil
	}
	if !json.Valid(raw) {
		return "", fmt.Errorf("%w: not JSON", ErrPayload)
	}
	return string(raw), nil
}

// Run publishes pending rows until ctx is cancelled, then returns nil. It
// first re-publishes the recently published tail (Config.OutboxKeep), then
// publishes on every Notify and at least every 500 ms.
func (r *Relay) Run(ctx context.Context) error {
	if err := r.republishTail(ctx); err != nil && ctx.Err() == nil {
		r.log.Warn("re-publishing the outbox tail failed; continuing", "err", err)
	}
	poll := time.NewTicker(relayPoll)
	defer poll.Stop()
	lastCleanup := time.Now()
	sleep := time.Duration(0)
	for {
		if err := r.drain(ctx); err != nil && ctx.Err() == nil {
			r.failures.Add(1)
			sleep = min(max(2*sleep, relayPoll), relayMaxSleep)
			r.log.Warn("outbox relay round failed", "err", err, "retry_in", sleep)
		} else {
			sleep = 0
		}
		if time.Since(lastCleanup) >= cleanupEvery {
			if err := r.cleanup(ctx); err != nil && ctx.Err() == nil {
				r.log.Warn("outbox cleanup failed", "err", err)
			}
			lastCleanup = time.Now()
		}
		if sleep > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(sleep):
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
		case <-poll.C:
		}
	}
}

type outboxRow struct {
	id, subject string
	payload     []byte
}

const selectPending = "SELECT id, subject, payload FROM bus_outbox WHERE published_at IS NULL ORDER BY id LIMIT ?"

// drain publishes batches until fewer than a full batch was pending.
func (r *Relay) drain(ctx context.Context) error {
	for ctx.Err() == nil {
		n, err := r.round(ctx)
		if err != nil {
			return err
		}
		if n < relayBatch {
			return nil
		}
	}
	return nil
}

// round publishes one batch and marks it; it returns how many rows it saw.
func (r *Relay) round(ctx context.Context) (int, error) {
	if r.d.Dialect() == db.Postgres {
		return r.roundPostgres(ctx)
	}
	// SQLite: one process, one relay. Read from the reader pool so the single
	// writer connection is not held while waiting for PubAcks.
	rows, err := r.load(ctx, r.d, selectPending, relayBatch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	acked, pubErr := r.publish(ctx, rows)
	if len(acked) > 0 {
		// A lost mark only means a re-publish the broker drops: no fsync.
		if err := r.d.InTxRelaxed(ctx, func(tx *db.Tx) error { return r.mark(ctx, tx, acked) }); err != nil {
			return 0, err
		}
	}
	return len(rows), pubErr
}

// roundPostgres runs one batch under a transaction-scoped advisory lock. When
// another process's relay holds it, it retries briefly (that relay may have
// finished its drain before our rows committed) and otherwise leaves the
// rows to the next poll.
func (r *Relay) roundPostgres(ctx context.Context) (int, error) {
	for range 20 {
		n, locked, err := r.lockedRound(ctx)
		if locked || err != nil {
			return n, err
		}
		select {
		case <-ctx.Done():
			return 0, nil
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0, nil
}

func (r *Relay) lockedRound(ctx context.Context) (n int, locked bool, _ error) {
	var pubErr error
	err := r.d.InTxRelaxed(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx,
			"SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.bus_outbox'))").Scan(&locked); err != nil {
			return fmt.Errorf("bus: outbox lock: %w", err)
		}
		if !locked {
			return nil
		}
		rows, err := r.load(ctx, tx, selectPending, relayBatch)
		if err != nil || len(rows) == 0 {
			return err
		}
		n = len(rows)
		var acked []string
		acked, pubErr = r.publish(ctx, rows)
		if len(acked) == 0 {
			return nil
		}
		return r.mark(ctx, tx, acked)
	})
	if err != nil {
		return 0, locked, err
	}
	return n, locked, pubErr
}

func (r *Relay) load(ctx context.Context, q db.Querier, query string, args ...any) ([]outboxRow, error) {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("bus: read outbox: %w", err)
	}
	defer rs.Close()
	var out []outboxRow
	for rs.Next() {
		var row outboxRow
		if err := rs.Scan(&row.id, &row.subject, &row.payload); err != nil {
			return nil, fmt.Errorf("bus: read outbox: %w", err)
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("bus: read outbox: %w", err)
	}
	return out, nil
}

// publish sends rows asynchronously with their id as Nats-Msg-Id and waits
// for the acknowledgements. It returns the ids the broker acknowledged (a
// duplicate acknowledgement counts: the broker has the message).
func (r *Relay) publish(ctx context.Context, rows []outboxRow) ([]string, error) {
	futs := make([]jetstream.PubAckFuture, 0, len(rows))
	var pubErr error
	for _, row := range rows {
		msg := &nats.Msg{Subject: r.b.wire(row.subject), Data: row.payload, Header: nats.Header{}}
		f, err := r.b.js.PublishMsgAsync(msg, jetstream.WithMsgID(row.id))
		if err != nil {
			pubErr = fmt.Errorf("bus: publish %s: %w", row.subject, err)
			break
		}
		futs = append(futs, f)
	}
	acked := make([]string, 0, len(futs))
	timeout := time.NewTimer(relayAckWait)
	defer timeout.Stop()
	for i, f := range futs {
		select {
		case ack := <-f.Ok():
			acked = append(acked, rows[i].id)
			if ack.Duplicate {
				r.duplicates.Add(1)
			}
		case err := <-f.Err():
			if pubErr == nil {
				pubErr = fmt.Errorf("bus: publish %s: %w", rows[i].subject, err)
			}
		case <-timeout.C:
			if pubErr == nil {
				pubErr = errors.New("bus: publish: no acknowledgement in time")
			}
			r.published.Add(uint64(len(acked)))
			return acked, pubErr
		case <-ctx.Done():
			r.published.Add(uint64(len(acked)))
			return acked, ctx.Err()
		}
	}
	r.published.Add(uint64(len(acked)))
	return acked, pubErr
}

// mark records acknowledged rows as published, or deletes them when the
// relay keeps no tail.
func (r *Relay) mark(ctx context.Context, tx *db.Tx, ids []string) error {
	args := make([]any, 0, len(ids)+1)
	var q string
	if r.b.cfg.OutboxKeep > 0 {
		q = "UPDATE bus_outbox SET published_at = ? WHERE id IN (" + placeholders(len(ids)) + ")"
		args = append(args, time.Now().UnixMicro())
	} else {
		q = "DELETE FROM bus_outbox WHERE id IN (" + placeholders(len(ids)) + ")"
	}
	for _, id := range ids {
		args = append(args, id)
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("bus: mark outbox rows: %w", err)
	}
	return nil
}

// republishTail publishes again the rows published within OutboxKeep of the
// last publish. After a process kill the broker still has them and drops
// them as duplicates; after an OS crash it may have lost the ones it had not
// fsynced yet, and this puts them back.
func (r *Relay) republishTail(ctx context.Context) error {
	keep := r.b.cfg.OutboxKeep
	if keep <= 0 {
		return nil
	}
	var last *int64
	if err := r.d.QueryRowContext(ctx,
		"SELECT MAX(published_at) FROM bus_outbox WHERE published_at IS NOT NULL").Scan(&last); err != nil {
		return fmt.Errorf("bus: outbox tail: %w", err)
	}
	if last == nil {
		return nil
	}
	from := *last - keep.Microseconds()
	after, total := "", 0
	for {
		rows, err := r.load(ctx, r.d,
			"SELECT id, subject, payload FROM bus_outbox WHERE published_at >= ? AND id > ? ORDER BY id LIMIT ?",
			from, after, relayBatch)
		if err != nil || len(rows) == 0 {
			if total > 0 {
				r.log.Info("re-published outbox tail", "rows", total)
			}
			return err
		}
		acked, err := r.publish(ctx, rows)
		total += len(acked)
		if err != nil {
			return err
		}
		after = rows[len(rows)-1].id
	}
}

// cleanup deletes published rows older than OutboxKeep, in chunks so the
// SQLite writer is never held for long.
func (r *Relay) cleanup(ctx context.Context) error {
	keep := r.b.cfg.OutboxKeep
	if keep <= 0 {
		return nil
	}
	before := time.Now().Add(-keep).UnixMicro()
	for {
		var n int64
		err := r.d.InTxRelaxed(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx,
				"DELETE FROM bus_outbox WHERE id IN (SELECT id FROM bus_outbox WHERE published_at IS NOT NULL AND published_at < ? LIMIT ?)",
				before, cleanupChunk)
			if err == nil {
				n, _ = res.RowsAffected()
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("bus: outbox cleanup: %w", err)
		}
		if n < cleanupChunk {
			return nil
		}
	}
}

// Stats describes the outbox backlog (for /metrics).
type Stats struct {
	Pending     int64         // rows not yet acknowledged by the broker
	OldestAge   time.Duration // age of the oldest pending row; 0 when none
	Published   uint64        // rows this relay got acknowledged since start
	Duplicates  uint64        // of which the broker already had
	RoundErrors uint64        // failed publish rounds since start
}

// Stats reads the outbox backlog.
func (r *Relay) Stats(ctx context.Context) (Stats, error) {
	var (
		n      int64
		oldest *int64
	)
	err := r.d.QueryRowContext(ctx,
		"SELECT COUNT(*), MIN(created_at) FROM bus_outbox WHERE published_at IS NULL").Scan(&n, &oldest)
	if err != nil {
		return Stats{}, fmt.Errorf("bus: outbox stats: %w", err)
	}
	s := Stats{Pending: n, Published: r.published.Load(), Duplicates: r.duplicates.Load(), RoundErrors: r.failures.Load()}
	if oldest != nil {
		s.OldestAge = max(time.Since(time.UnixMicro(*oldest)), 0)
	}
	return s, nil
}

// PruneProcessed deletes processed-message records older than age. Keep
// them longer than any message can be redelivered (Config.EventsMaxAge).
func PruneProcessed(ctx context.Context, d *db.DB, age time.Duration) (int64, error) {
	res, err := d.ExecContext(ctx, "DELETE FROM bus_processed_messages WHERE processed_at < ?",
		time.Now().Add(-age).UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("bus: prune processed: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
