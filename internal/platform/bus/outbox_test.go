package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
)

type testEvent struct {
	N int `json:"n"`
}

func TestOutboxPublishesCommittedRowsOnce(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := runRelay(t, d, b)
		errRollback := errors.New("rollback")

		committed := map[string]int{} // id → n
		var order []string
		var rolledBack []string
		for i := range 120 {
			var ids []string
			err := d.InTx(ctx, func(tx *db.Tx) error {
				// Some transactions carry several events.
				for j := range 1 + i%3 {
					id, err := r.enqueue(ctx, tx, "events.test.created", testEvent{N: i*10 + j})
					if err != nil {
						return err
					}
					ids = append(ids, id)
				}
				if i%5 == 4 {
					return errRollback
				}
				return nil
			})
			switch {
			case i%5 == 4 && errors.Is(err, errRollback):
				rolledBack = append(rolledBack, ids...)
			case err != nil:
				t.Fatalf("tx %d: %v", i, err)
			default:
				for j, id := range ids {
					committed[id] = i*10 + j
				}
				order = append(order, ids...)
			}
		}

		eventually(t, 10*time.Second, "outbox drained", func() bool {
			s, err := r.Stats(ctx)
			return err == nil && s.Pending == 0
		})
		msgs := brokerEvents(t, b)
		if len(msgs) != len(committed) {
			t.Fatalf("stream holds %d messages, want %d (one per committed row)", len(msgs), len(committed))
		}
		seen := map[string]bool{}
		for i, m := range msgs {
			id := m.ID
			want, ok := committed[id]
			if !ok {
				t.Fatalf("message %d has id %q, which no committed row has (rolled back: %v)", i, id, contains(rolledBack, id))
			}
			if seen[id] {
				t.Fatalf("id %s published twice", id)
			}
			seen[id] = true
			var ev testEvent
			if err := json.Unmarshal(m.Data, &ev); err != nil || ev.N != want {
				t.Errorf("message %s payload = %s (%v), want n=%d", id, m.Data, err, want)
			}
			if got, want := m.Subject, "events.test.created"; got != want {
				t.Errorf("subject = %q, want %q", got, want)
			}
			// One relay, rows committed one transaction at a time: the
			// stream keeps the commit order.
			if order[i] != id {
				t.Errorf("message %d id = %s, want %s (commit order)", i, id, order[i])
			}
		}
		if s, _ := r.Stats(ctx); s.Published != uint64(len(committed)) || s.Duplicates != 0 {
			t.Errorf("stats published, duplicates = %d, %d; want %d, 0", s.Published, s.Duplicates, len(committed))
		}
	})
}

func TestOutboxRepublishInsideWindowIsDropped(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := runRelay(t, d, b)
		var id string
		err := d.InTx(ctx, func(tx *db.Tx) (err error) {
			id, err = r.enqueue(ctx, tx, "events.test.once", map[string]string{"k": "v"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, "first publish", func() bool { return r.published.Load() == 1 })

		// The relay crashed after the PubAck but before marking the row: the
		// row is pending again and is published a second time.
		if b.cfg.OutboxKeep > 0 {
			_, err = d.ExecContext(ctx, "UPDATE bus_outbox SET published_at = NULL WHERE id = ?", id)
		} else {
			_, err = d.ExecContext(ctx, "INSERT INTO bus_outbox (id, subject, payload, created_at) VALUES (?, ?, ?, ?)",
				id, "events.test.once", `{"k":"v"}`, time.Now().UnixMicro())
		}
		if err != nil {
			t.Fatal(err)
		}
		r.Notify()
		eventually(t, 5*time.Second, "second publish acknowledged", func() bool { return r.published.Load() == 2 })
		if got := r.duplicates.Load(); got != 1 {
			t.Errorf("duplicates = %d, want 1", got)
		}
		if msgs := brokerEvents(t, b); len(msgs) != 1 {
			t.Errorf("stream holds %d messages, want 1", len(msgs))
		}
	})
}

// TestOutboxTailIsRepublishedOnStart: with an interval-synced server the
// relay re-publishes the last OutboxKeep of published rows when it starts;
// the broker, which still has them, drops them all.
func TestOutboxTailIsRepublishedOnStart(t *testing.T) {
	matrix(t, func(c *Config) { c.OutboxKeep = time.Minute }, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := NewRelay(d, b, nil)
		for i := range 4 {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := r.enqueue(ctx, tx, "events.test.tail", testEvent{N: i})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { // and a batch row of 6
			_, err := r.enqueueMany(ctx, tx, "events.test.tail", []any{testEvent{N: 4}, testEvent{N: 5}, testEvent{N: 6},
				testEvent{N: 7}, testEvent{N: 8}, testEvent{N: 9}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		runOnce := func(wantPublished uint64) *Relay {
			rr := NewRelay(d, b, nil)
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error)
			go func() { done <- rr.Run(ctx) }()
			eventually(t, 5*time.Second, "outbox drained", func() bool {
				s, err := rr.Stats(ctx)
				return err == nil && s.Pending == 0 && s.Published >= wantPublished
			})
			time.Sleep(50 * time.Millisecond) // anything more would be a bug
			cancel()
			<-done
			return rr
		}
		first := runOnce(10)
		if got := first.published.Load(); got != 10 {
			t.Errorf("first run published %d, want 10", got)
		}
		// A row published long ago falls outside the tail.
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := r.enqueue(ctx, tx, "events.test.tail", testEvent{N: 99}); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "UPDATE bus_outbox SET published_at = ? WHERE payload = ?",
				time.Now().Add(-time.Hour).UnixMicro(), `{"n":99}`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		second := runOnce(10)
		if p, dup := second.published.Load(), second.duplicates.Load(); p != 10 || dup != 10 {
			t.Errorf("restart re-published %d (%d duplicates), want 10 (10)", p, dup)
		}
		if msgs := brokerEvents(t, b); len(msgs) != 10 {
			t.Errorf("stream holds %d messages, want 10", len(msgs))
		}
	})
}

func TestOutboxCleanupKeepsTail(t *testing.T) {
	matrix(t, func(c *Config) { c.OutboxKeep = time.Minute }, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := NewRelay(d, b, nil)
		now := time.Now()
		for i, pub := range []*time.Time{nil, ptr(now), ptr(now.Add(-2 * time.Minute))} {
			var p any
			if pub != nil {
				p = pub.UnixMicro()
			}
			if _, err := d.ExecContext(ctx, "INSERT INTO bus_outbox (id, subject, payload, created_at, published_at) VALUES (?, ?, ?, ?, ?)",
				fmt.Sprint("id", i), "events.x", "{}", now.UnixMicro(), p); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.cleanup(ctx); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM bus_outbox"); got != 2 {
			t.Errorf("rows after cleanup = %d, want 2 (pending + recent)", got)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM bus_outbox WHERE id = 'id2'"); got != 0 {
			t.Errorf("old published row still there")
		}
	})
}

func TestEnqueueRejectsBadInput(t *testing.T) {
	d := openSQLite(t)
	r := NewRelay(d, nil, nil)
	ctx := context.Background()
	tests := []struct {
		name    string
		subject string
		payload any
		want    error
	}{
		{"outside events", "jobs.ai", 1, ErrSubject},
		{"wildcard", "events.*", 1, ErrSubject},
		{"empty token", "events..a", 1, ErrSubject},
		{"raw bytes not json", "events.a", []byte("{"), ErrPayload},
		{"unencodable", "events.a", func() {}, ErrPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := r.enqueue(ctx, tx, tt.subject, tt.payload)
				return err
			})
			if !errors.Is(err, tt.want) {
				t.Errorf("enqueue(%q) err = %v, want %v", tt.subject, err, tt.want)
			}
		})
	}
	if got := countRows(t, d, "SELECT COUNT(*) FROM bus_outbox"); got != 0 {
		t.Errorf("outbox rows = %d, want 0", got)
	}
}

func TestOutboxStatsAndCollector(t *testing.T) {
	d := openSQLite(t)
	b := openNATS(t, "embedded", nil)
	r := NewRelay(d, b, nil)
	ctx := context.Background()
	old := time.Now().Add(-3 * time.Second)
	if _, err := d.ExecContext(ctx, "INSERT INTO bus_outbox (id, subject, payload, created_at) VALUES ('a', 'events.x', '{}', ?), ('b', 'events.x', '{}', ?)",
		old.UnixMicro(), time.Now().UnixMicro()); err != nil {
		t.Fatal(err)
	}
	s, err := r.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Pending != 2 || s.OldestAge < 3*time.Second || s.OldestAge > time.Minute {
		t.Errorf("Stats = %+v, want 2 pending, oldest ≈ 3s", s)
	}
	metrics := collect(t, NewCollector(r, "ai"))
	for name, want := range map[string]float64{
		"autoevent_outbox_pending_events": 2,
		"autoevent_job_queue_depth":       0,
		"autoevent_dead_letters":          0,
	} {
		if got, ok := metrics[name]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	if got := metrics["autoevent_outbox_oldest_pending_age_seconds"]; got < 3 {
		t.Errorf("oldest pending age = %v s, want ≥ 3", got)
	}
}

func ptr[T any](v T) *T { return &v }

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestPruneProcessed(t *testing.T) {
	d := openSQLite(t)
	ctx := context.Background()
	old, recent := time.Now().Add(-48*time.Hour).UnixMicro(), time.Now().UnixMicro()
	if _, err := d.ExecContext(ctx, "INSERT INTO bus_processed_messages (consumer, message_id, processed_at) VALUES ('c', 'old', ?), ('c', 'new', ?)", old, recent); err != nil {
		t.Fatal(err)
	}
	n, err := PruneProcessed(ctx, d, 24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("PruneProcessed = %d, %v; want 1, nil", n, err)
	}
	if got := countRows(t, d, "SELECT COUNT(*) FROM bus_processed_messages WHERE message_id = 'new'"); got != 1 {
		t.Errorf("recent record pruned")
	}
}

// TestEnqueueManyWritesEveryRowInOrder: one call of more events than one
// outbox row carries (maxRowEvents) and than one publish round
// (relayBatch) publishes every payload once, as its own message, in the
// order given; a rolled-back call publishes nothing.
func TestEnqueueManyWritesEveryRowInOrder(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := runRelay(t, d, b)
		const n = maxRowEvents + 300
		payloads := make([]any, n)
		for i := range payloads {
			payloads[i] = testEvent{N: i}
		}
		errRollback := errors.New("rollback")
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := r.enqueueMany(ctx, tx, "events.test.rolledback", []any{testEvent{N: -1}}); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatalf("rolled-back tx: err = %v, want %v", err, errRollback)
		}
		var ids []string
		if err := d.InTx(ctx, func(tx *db.Tx) (err error) {
			ids, err = r.enqueueMany(ctx, tx, "events.test.many", payloads)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(ids) != n {
			t.Fatalf("enqueueMany returned %d ids, want %d", len(ids), n)
		}
		eventually(t, 20*time.Second, "outbox drained", func() bool {
			s, err := r.Stats(ctx)
			return err == nil && s.Pending == 0
		})
		msgs := brokerEvents(t, b)
		if len(msgs) != n {
			t.Fatalf("stream holds %d messages, want %d", len(msgs), n)
		}
		for i, m := range msgs {
			if got := m.ID; got != ids[i] {
				t.Fatalf("message %d id = %s, want %s (payload order)", i, got, ids[i])
			}
			var ev testEvent
			if err := json.Unmarshal(m.Data, &ev); err != nil || ev.N != i {
				t.Fatalf("message %d payload = %s (%v), want n=%d", i, m.Data, err, i)
			}
			if got, want := m.Subject, "events.test.many"; got != want {
				t.Fatalf("message %d subject = %q, want %q", i, got, want)
			}
		}
	})
}

func TestEnqueueManyRejectsBadInput(t *testing.T) {
	d := openSQLite(t)
	b := openNATS(t, "embedded", nil)
	r := NewRelay(d, b, nil)
	ctx := context.Background()
	tests := []struct {
		name     string
		subject  string
		payloads []any
		want     error
	}{
		{"subject outside events", "jobs.x", []any{1}, ErrSubject},
		{"unencodable payload", "events.test.bad", []any{testEvent{N: 1}, func() {}}, ErrPayload},
		{"invalid raw JSON", "events.test.bad", []any{json.RawMessage(`{`)}, ErrPayload},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := r.enqueueMany(ctx, tx, tc.subject, tc.payloads)
				return err
			})
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if got := countRows(t, d, "SELECT COUNT(*) FROM bus_outbox"); got != 0 {
		t.Errorf("outbox holds %d rows after rejected calls, want 0", got)
	}
}

// TestOutboxTailOfBatchRows: several full batch rows are published and, on
// start, re-published within the async window (a round never holds more
// than relayBatch messages in flight).
func TestOutboxTailOfBatchRows(t *testing.T) {
	matrix(t, func(c *Config) { c.OutboxKeep = time.Minute }, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := NewRelay(d, b, nil)
		const rows = 3
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			for k := range rows {
				payloads := make([]any, maxRowEvents)
				for i := range payloads {
					payloads[i] = testEvent{N: k*maxRowEvents + i}
				}
				if _, err := r.enqueueMany(ctx, tx, "events.test.bigtail", payloads); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		const want = rows * maxRowEvents
		for run := range 2 {
			rr := NewRelay(d, b, nil)
			rctx, cancel := context.WithCancel(ctx)
			done := make(chan error)
			go func() { done <- rr.Run(rctx) }()
			eventually(t, 20*time.Second, "all events acknowledged", func() bool {
				return rr.published.Load() >= want
			})
			cancel()
			<-done
			if p, dup := rr.published.Load(), rr.duplicates.Load(); p != want || (run == 1) != (dup == want) {
				t.Errorf("run %d: published %d (%d duplicates), want %d (%d)", run, p, dup, want, map[bool]int{true: want}[run == 1])
			}
		}
		if msgs := brokerEvents(t, b); len(msgs) != want {
			t.Errorf("stream holds %d messages, want %d", len(msgs), want)
		}
	})
}
