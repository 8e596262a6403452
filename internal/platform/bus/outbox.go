package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
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

	published  atomic.Uint64 // messages (events) acknowledged by the broker
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

// Notify wakes the relay (non-blocking). enqueue calls it after commit.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// enqueue writes an event to the outbox inside tx and wakes the relay once
// tx commits. subject must be under "events." ("events.user.registered").
// payload is encoded as JSON; json.RawMessage and []byte are taken as JSON
// text and must be valid. The returned id is the broker message id.
func (r *Relay) enqueue(ctx context.Context, tx *db.Tx, subject string, payload any) (string, error) {
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

// enqueueMany writes one event per payload to the outbox inside tx, all
// with the same subject, as ONE outbox row carrying the batch (a group
// committer writing hundreds of events per transaction would otherwise
// spend its database time inserting, marking and deleting their rows). The
// relay publishes every event as its own message, in the order given, with
// the message id "<row id>.<index>"; those ids are returned in payload
// order. Like enqueue it wakes the relay once tx commits. On error nothing
// was written that tx's rollback does not remove.
func (r *Relay) enqueueMany(ctx context.Context, tx *db.Tx, subject string, payloads []any) ([]string, error) {
	if !validSubject(subject, "events") {
		return nil, fmt.Errorf("%w: %q", ErrSubject, subject)
	}
	switch {
	case len(payloads) == 0:
		return nil, nil
	case len(payloads) == 1:
		id, err := r.enqueue(ctx, tx, subject, payloads[0])
		return []string{id}, err
	case len(payloads) > maxRowEvents:
		var ids []string
		for start := 0; start < len(payloads); start += maxRowEvents {
			part, err := r.enqueueMany(ctx, tx, subject, payloads[start:min(start+maxRowEvents, len(payloads))])
			if err != nil {
				return nil, err
			}
			ids = append(ids, part...)
		}
		return ids, nil
	}
	var body strings.Builder
	body.WriteByte('[')
	for i, p := range payloads {
		b, err := encodePayload(p)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(b)
	}
	body.WriteByte(']')
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("bus: message id: %w", err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO bus_outbox (id, subject, payload, created_at, batch) VALUES (?, ?, ?, ?, ?)",
		id.String(), subject, body.String(), time.Now().UnixMicro(), len(payloads))
	if err != nil {
		return nil, fmt.Errorf("bus: enqueue %d × %s: %w", len(payloads), subject, err)
	}
	tx.AfterCommit(r.Notify)
	ids := make([]string, len(payloads))
	for i := range ids {
		ids[i] = batchMsgID(id.String(), i)
	}
	return ids, nil
}

// maxRowEvents bounds the events of one outbox row: a row is published in
// one round, and its messages must fit the client's async window
// (relayBatch pending publishes).
const maxRowEvents = relayBatch

// batchMsgID is the message id of the i-th event of a batch row.
func batchMsgID(rowID string, i int) string { return rowID + "." + strconv.Itoa(i) }

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
	batch       int // events in payload (a JSON array); 0: payload is one event
}

// messages is how many messages the row publishes.
func (o outboxRow) messages() int { return max(o.batch, 1) }

// loadWindow reads the next rows to publish, in id order: pending ones
// (tail false) or those published at or after from with an id above after
// (tail true, the start-up re-publish). It reads ids and sizes first and
// the payloads only of the rows whose messages fit one publish round
// (relayBatch, at least one row), so a batch row of 1,024 events does not
// make the relay read 1,024 such rows to publish one; the round never puts
// more messages in flight than the async window. more reports rows left.
func (r *Relay) loadWindow(ctx context.Context, q db.Querier, tail bool, from int64, after string) (rows []outboxRow, more bool, _ error) {
	cond, args := "published_at IS NULL", []any{}
	if tail {
		cond, args = "published_at >= ? AND id > ?", []any{from, after}
	}
	rs, err := q.QueryContext(ctx, "SELECT id, batch FROM bus_outbox WHERE "+cond+" ORDER BY id LIMIT ?", append(args, relayBatch)...)
	if err != nil {
		return nil, false, fmt.Errorf("bus: read outbox: %w", err)
	}
	var ids []string
	n, seen := 0, 0
	for rs.Next() {
		var id string
		var batch int
		if err := rs.Scan(&id, &batch); err != nil {
			rs.Close()
			return nil, false, fmt.Errorf("bus: read outbox: %w", err)
		}
		seen++
		if len(ids) > 0 && n+max(batch, 1) > relayBatch {
			more = true
			break
		}
		ids = append(ids, id)
		n += max(batch, 1)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, false, fmt.Errorf("bus: read outbox: %w", err)
	}
	if len(ids) == 0 {
		return nil, false, nil
	}
	more = more || seen == relayBatch
	// The rows just counted, by id: a row committed since with an id in the
	// range (PostgreSQL writers run concurrently) waits for the next round.
	rows, err = r.load(ctx, q, "SELECT id, subject, payload, batch FROM bus_outbox WHERE id IN ("+placeholders(len(ids))+") ORDER BY id",
		anys(ids)...)
	return rows, more, err
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// drain publishes rounds until no more rows are pending.
func (r *Relay) drain(ctx context.Context) error {
	for ctx.Err() == nil {
		more, err := r.round(ctx)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// round publishes one window of rows and marks them; more reports that
// rows may be left.
func (r *Relay) round(ctx context.Context) (more bool, _ error) {
	if r.d.Dialect() == db.Postgres {
		return r.roundPostgres(ctx)
	}
	// SQLite: one process, one relay. Read from the reader pool so the single
	// writer connection is not held while waiting for PubAcks.
	rows, more, err := r.loadWindow(ctx, r.d, false, 0, "")
	if err != nil || len(rows) == 0 {
		return false, err
	}
	acked, pubErr := r.publish(ctx, rows)
	if len(acked) > 0 {
		// A lost mark only means a re-publish the broker drops: no fsync.
		if err := r.d.InTxRelaxed(ctx, func(tx *db.Tx) error { return r.mark(ctx, tx, acked) }); err != nil {
			return false, err
		}
	}
	return more, pubErr
}

// roundPostgres runs one batch under a transaction-scoped advisory lock. When
// another process's relay holds it, it retries briefly (that relay may have
// finished its drain before our rows committed) and otherwise leaves the
// rows to the next poll.
func (r *Relay) roundPostgres(ctx context.Context) (more bool, _ error) {
	for range 20 {
		more, locked, err := r.lockedRound(ctx)
		if locked || err != nil {
			return more, err
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(5 * time.Millisecond):
		}
	}
	return false, nil
}

func (r *Relay) lockedRound(ctx context.Context) (more, locked bool, _ error) {
	var pubErr error
	err := r.d.InTxRelaxed(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx,
			"SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.bus_outbox'))").Scan(&locked); err != nil {
			return fmt.Errorf("bus: outbox lock: %w", err)
		}
		if !locked {
			return nil
		}
		var rows []outboxRow
		var err error
		rows, more, err = r.loadWindow(ctx, tx, false, 0, "")
		if err != nil || len(rows) == 0 {
			return err
		}
		var acked []string
		acked, pubErr = r.publish(ctx, rows)
		if len(acked) == 0 {
			return nil
		}
		return r.mark(ctx, tx, acked)
	})
	if err != nil {
		return false, locked, err
	}
	return more, locked, pubErr
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
		if err := rs.Scan(&row.id, &row.subject, &row.payload, &row.batch); err != nil {
			return nil, fmt.Errorf("bus: read outbox: %w", err)
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("bus: read outbox: %w", err)
	}
	return out, nil
}

// publish sends the rows' messages asynchronously (a batch row's events one
// by one, with ids "<row id>.<index>"; a single event with the row id) and
// waits for the acknowledgements. It returns the ids of the rows whose every
// message the broker acknowledged (a duplicate acknowledgement counts: the
// broker has the message).
func (r *Relay) publish(ctx context.Context, rows []outboxRow) ([]string, error) {
	type pending struct {
		row int
		fut jetstream.PubAckFuture
	}
	futs := make([]pending, 0, len(rows))
	missing := make([]int, len(rows)) // per row: messages not acknowledged yet
	var pubErr error
send:
	for i, row := range rows {
		msgs, ids := [][]byte{row.payload}, []string{row.id}
		if row.batch > 0 {
			var events []json.RawMessage
			if err := json.Unmarshal(row.payload, &events); err != nil || len(events) != row.batch {
				// Written by enqueueMany, so this is corruption of the
				// database: the row stays pending (visible as outbox lag)
				// for an operator, without holding up the others.
				r.log.Error("outbox row does not decode; left pending", "id", row.id, "batch", row.batch, "err", err)
				continue
			}
			msgs, ids = make([][]byte, len(events)), make([]string, len(events))
			for k, ev := range events {
				msgs[k], ids[k] = ev, batchMsgID(row.id, k)
			}
		}
		for k, data := range msgs {
			msg := &nats.Msg{Subject: r.b.wire(row.subject), Data: data, Header: nats.Header{}}
			f, err := r.b.js.PublishMsgAsync(msg, jetstream.WithMsgID(ids[k]))
			if err != nil {
				pubErr = fmt.Errorf("bus: publish %s: %w", row.subject, err)
				break send
			}
			futs = append(futs, pending{i, f})
			missing[i]++
		}
	}
	// A row is complete when every one of its messages was sent and acked.
	sent := make([]bool, len(rows))
	for _, p := range futs {
		sent[p.row] = true
	}
	for i, row := range rows {
		if sent[i] && missing[i] != row.messages() {
			sent[i] = false // partly sent: stays pending, re-published whole
		}
	}
	var acks uint64
	timeout := time.NewTimer(relayAckWait)
	defer timeout.Stop()
wait:
	for _, p := range futs {
		select {
		case ack := <-p.fut.Ok():
			missing[p.row]--
			acks++
			if ack.Duplicate {
				r.duplicates.Add(1)
			}
		case err := <-p.fut.Err():
			if pubErr == nil {
				pubErr = fmt.Errorf("bus: publish %s: %w", rows[p.row].subject, err)
			}
		case <-timeout.C:
			if pubErr == nil {
				pubErr = errors.New("bus: publish: no acknowledgement in time")
			}
			break wait
		case <-ctx.Done():
			pubErr = ctx.Err()
			break wait
		}
	}
	r.published.Add(acks)
	acked := make([]string, 0, len(rows))
	for i, row := range rows {
		if sent[i] && missing[i] == 0 {
			acked = append(acked, row.id)
		}
	}
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
		rows, more, err := r.loadWindow(ctx, r.d, true, from, after)
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
		if !more {
			if total > 0 {
				r.log.Info("re-published outbox tail", "rows", total)
			}
			return nil
		}
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
	Pending     int64         // events not yet acknowledged by the broker
	OldestAge   time.Duration // age of the oldest pending row; 0 when none
	Published   uint64        // events this relay got acknowledged since start
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
		"SELECT COALESCE(SUM(CASE WHEN batch > 0 THEN batch ELSE 1 END), 0), MIN(created_at) FROM bus_outbox WHERE published_at IS NULL").Scan(&n, &oldest)
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
