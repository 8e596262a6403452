package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

func withDropAck(f func(Message) bool) Option { return func(o *consumerOpts) { o.dropAck = f } }

func createApplied(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(),
		"CREATE TABLE test_applied (msg_id TEXT NOT NULL, n INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
}

// applyHandler records each event in test_applied, in the consumer's tx.
func applyHandler(ctx context.Context, tx *db.Tx, m Message) error {
	ev, err := Decode[testEvent](m)
	if err != nil {
		return Permanent(err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO test_applied (msg_id, n) VALUES (?, ?)", m.ID, ev.N)
	return err
}

func consume(t testing.TB, b *Bus, d *db.DB, name string, subjects []string, h Handler, opts ...Option) *Consumer {
	t.Helper()
	c, err := b.Consume(context.Background(), d, name, subjects, h, opts...)
	if err != nil {
		t.Fatalf("Consume: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

func TestConsumerReceivesOutboxEvents(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := runRelay(t, d, b)
		got := make(chan Message, 10)
		consume(t, b, d, "reader", []string{"events.test.>"}, func(ctx context.Context, tx *db.Tx, m Message) error {
			got <- m
			return nil
		})
		var id string
		before := time.Now()
		if err := d.InTx(ctx, func(tx *db.Tx) (err error) {
			id, err = r.enqueue(ctx, tx, "events.test.hello", testEvent{N: 7})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-got:
			if m.ID != id || m.Subject != "events.test.hello" || m.Delivery != 1 {
				t.Errorf("message = {ID %s, Subject %s, Delivery %d}, want {%s, events.test.hello, 1}", m.ID, m.Subject, m.Delivery, id)
			}
			if m.PublishedAt.Before(before.Add(-time.Second)) || m.PublishedAt.After(time.Now().Add(time.Second)) {
				t.Errorf("PublishedAt = %v, want about %v", m.PublishedAt, before)
			}
			if ev, err := Decode[testEvent](m); err != nil || ev.N != 7 {
				t.Errorf("Decode = %+v, %v; want {N:7}", ev, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("event not consumed within 5 s")
		}
	})
}

// The broker stores the same message id twice when the second publish comes
// after the duplicate window; the consumer must apply it once.
func TestConsumerAppliesRepublishedMessageOnce(t *testing.T) {
	matrix(t, func(c *Config) { c.DuplicateWindow = 100 * time.Millisecond }, func(t *testing.T, d *db.DB, b *Bus) {
		createApplied(t, d)
		publishRaw(t, b, "events.test.dup", "same-id", []byte(`{"n":1}`))
		time.Sleep(300 * time.Millisecond) // outside the window: stored again
		publishRaw(t, b, "events.test.dup", "same-id", []byte(`{"n":1}`))
		if msgs := brokerEvents(t, b); len(msgs) != 2 {
			t.Fatalf("stream holds %d messages, want 2 copies", len(msgs))
		}
		c := consume(t, b, d, "dup", []string{"events.test.dup"}, applyHandler)
		eventually(t, 5*time.Second, "both copies handled", func() bool {
			s := c.Stats()
			return s.Handled+s.Duplicates == 2
		})
		if s := c.Stats(); s.Handled != 1 || s.Duplicates != 1 {
			t.Errorf("stats = %+v, want 1 handled, 1 duplicate", s)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM test_applied"); got != 1 {
			t.Errorf("applied rows = %d, want 1", got)
		}
	})
}

// A crash after the consumer's commit but before its ack: the broker
// redelivers after the ack wait and the message is skipped, not re-applied.
func TestConsumerRedeliveryAfterLostAckIsSkipped(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		createApplied(t, d)
		publishRaw(t, b, "events.test.lost", "m1", []byte(`{"n":1}`))
		var dropped atomic.Bool
		c := consume(t, b, d, "lost", []string{"events.test.lost"}, applyHandler,
			WithAckWait(300*time.Millisecond),
			withDropAck(func(Message) bool { return dropped.CompareAndSwap(false, true) }))
		eventually(t, 5*time.Second, "redelivery skipped", func() bool { return c.Stats().Duplicates == 1 })
		if got := countRows(t, d, "SELECT COUNT(*) FROM test_applied"); got != 1 {
			t.Errorf("applied rows = %d, want 1", got)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM bus_processed_messages WHERE consumer = 'lost' AND message_id = 'm1'"); got != 1 {
			t.Errorf("processed records = %d, want 1", got)
		}
	})
}

func TestConsumerRetriesWithRollback(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		createApplied(t, d)
		publishRaw(t, b, "events.test.flaky", "f1", []byte(`{"n":5}`))
		var mu sync.Mutex
		var deliveries []int
		var at []time.Time
		c := consume(t, b, d, "flaky", []string{"events.test.flaky"}, func(ctx context.Context, tx *db.Tx, m Message) error {
			mu.Lock()
			deliveries = append(deliveries, m.Delivery)
			at = append(at, time.Now())
			mu.Unlock()
			if err := applyHandler(ctx, tx, m); err != nil {
				return err
			}
			if m.Delivery < 3 {
				return errors.New("downstream not ready") // the insert above is rolled back
			}
			return nil
		})
		eventually(t, 5*time.Second, "handled on the third delivery", func() bool { return c.Stats().Handled == 1 })
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(deliveries) != "[1 2 3]" {
			t.Errorf("deliveries = %v, want [1 2 3]", deliveries)
		}
		// Backoff is 20 ms then 50 ms.
		if gap := at[1].Sub(at[0]); gap < 15*time.Millisecond {
			t.Errorf("first retry after %v, want ≥ 20ms backoff", gap)
		}
		if gap := at[2].Sub(at[1]); gap < 40*time.Millisecond {
			t.Errorf("second retry after %v, want ≥ 50ms backoff", gap)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM test_applied"); got != 1 {
			t.Errorf("applied rows = %d, want 1 (failed attempts rolled back)", got)
		}
		if s := c.Stats(); s.Failed != 2 || s.DeadLettered != 0 {
			t.Errorf("stats = %+v, want 2 failed, 0 dead-lettered", s)
		}
	})
}

// One failing message in a batch must not hold back the others: the batch
// rolls back, the others commit on their own, the failing one is retried.
func TestConsumerBatchWithOneFailure(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		createApplied(t, d)
		const n = 20
		for i := range n {
			publishRaw(t, b, "events.test.batch", fmt.Sprint("b", i), []byte(fmt.Sprintf(`{"n":%d}`, i)))
		}
		var mu sync.Mutex
		perTx := map[*db.Tx]int{}
		c := consume(t, b, d, "batch", []string{"events.test.batch"}, func(ctx context.Context, tx *db.Tx, m Message) error {
			mu.Lock()
			perTx[tx]++
			mu.Unlock()
			if err := applyHandler(ctx, tx, m); err != nil {
				return err
			}
			if m.ID == "b7" && m.Delivery == 1 {
				return errors.New("transient")
			}
			return nil
		})
		eventually(t, 5*time.Second, "all handled", func() bool { return c.Stats().Handled == n })
		mu.Lock()
		biggest := 0
		for _, k := range perTx {
			biggest = max(biggest, k)
		}
		mu.Unlock()
		if biggest < 2 {
			t.Errorf("largest transaction applied %d messages, want a batch (≥ 2)", biggest)
		}
		if got := countRows(t, d, "SELECT COUNT(DISTINCT msg_id) FROM test_applied"); got != n {
			t.Errorf("distinct applied = %d, want %d", got, n)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM test_applied"); got != n {
			t.Errorf("applied rows = %d, want %d (each once)", got, n)
		}
		if s := c.Stats(); s.Failed != 1 {
			t.Errorf("failed = %d, want 1", s.Failed)
		}
	})
}

func TestConsumerDeadLetters(t *testing.T) {
	tests := []struct {
		name          string
		handler       Handler
		wantCalls     int
		wantErrHeader string
	}{
		{"error every time", func(context.Context, *db.Tx, Message) error { return errors.New("boom") }, 3, "boom"},
		{"permanent error", func(context.Context, *db.Tx, Message) error { return Permanent(errors.New("bad input")) }, 1, "bad input"},
		{"panic", func(context.Context, *db.Tx, Message) error { panic("kaboom") }, 3, "bus: handler panic: kaboom"},
	}
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				name := fmt.Sprint("dead", i)
				subject := fmt.Sprintf("events.test.dead%d", i)
				publishRaw(t, b, subject, "x"+strconv.Itoa(i), []byte(`{"n":1}`))
				var calls atomic.Int32
				c := consume(t, b, d, name, []string{subject}, func(ctx context.Context, tx *db.Tx, m Message) error {
					calls.Add(1)
					return tt.handler(ctx, tx, m)
				})
				eventually(t, 5*time.Second, "dead-lettered", func() bool { return c.Stats().DeadLettered == 1 })
				if got := int(calls.Load()); got != tt.wantCalls {
					t.Errorf("handler calls = %d, want %d", got, tt.wantCalls)
				}
				dl := lastDeadLetter(t, b, "dlq."+name+"."+subject)
				if got := dl.Header[HeaderError]; got != tt.wantErrHeader {
					t.Errorf("%s = %q, want %q", HeaderError, got, tt.wantErrHeader)
				}
				if got := dl.Header[HeaderMessageID]; got != "x"+strconv.Itoa(i) {
					t.Errorf("%s = %q, want x%d", HeaderMessageID, got, i)
				}
				if string(dl.Data) != `{"n":1}` {
					t.Errorf("dead letter data = %s, want the original payload", dl.Data)
				}
				// Terminated: nothing pending (within less than the ack
				// wait), nothing recorded as processed.
				eventually(t, time.Second, "message terminated", func() bool { return settled(t, b, c) })
				if got := countRows(t, d, "SELECT COUNT(*) FROM bus_processed_messages WHERE consumer = ?", name); got != 0 {
					t.Errorf("processed records = %d, want 0", got)
				}
			})
		}
	})
}

func TestConsumerStopFinishesInFlight(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		createApplied(t, d)
		publishRaw(t, b, "events.test.slow", "s1", []byte(`{"n":1}`))
		started, release := make(chan struct{}), make(chan struct{})
		c, err := b.Consume(context.Background(), d, "slow", []string{"events.test.slow"}, func(ctx context.Context, tx *db.Tx, m Message) error {
			close(started)
			<-release
			return applyHandler(ctx, tx, m)
		})
		if err != nil {
			t.Fatal(err)
		}
		<-started
		stopped := make(chan struct{})
		go func() { c.Stop(); close(stopped) }()
		select {
		case <-stopped:
			t.Fatal("Stop returned while a handler was running")
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("Stop did not return after the handler finished")
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM test_applied"); got != 1 {
			t.Errorf("applied rows = %d, want 1", got)
		}
		// The ack is sent before Stop returns; an external server may apply
		// it a moment after answering our info request. Less than the ack
		// wait (2 s), so an unacknowledged message would still show.
		eventually(t, time.Second, "message acknowledged", func() bool { return settled(t, b, c) })
	})
}

// A consumer of several subjects gets those and no other. The last event
// is a barrier: one worker handles in order, so once it is applied an
// unwanted earlier one would have been too.
func TestConsumerMultipleSubjects(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		createApplied(t, d)
		for i, s := range []string{"events.a.one", "events.b.two", "events.c.three", "events.a.four"} {
			publishRaw(t, b, s, fmt.Sprint("m", i), []byte(fmt.Sprintf(`{"n":%d}`, i)))
		}
		consume(t, b, d, "multi", []string{"events.a.>", "events.c.three"}, applyHandler)
		eventually(t, 5*time.Second, "the last event applied", func() bool {
			return countRows(t, d, "SELECT COUNT(*) FROM test_applied WHERE n = 3") == 1
		})
		if got, all := countRows(t, d, "SELECT COUNT(*) FROM test_applied WHERE n IN (0, 2, 3)"), countRows(t, d, "SELECT COUNT(*) FROM test_applied"); got != 3 || all != 3 {
			t.Errorf("applied = %d of %d, want the 3 matching events only", got, all)
		}
	})
}

// A NATS server that takes several filters (≥ 2.10) is given the exact
// subjects, so it never delivers the unwanted message at all; an older one
// gets the widened filter.
func TestNATSConsumerFilters(t *testing.T) {
	for _, kind := range []string{"embedded", "external"} {
		t.Run(kind, func(t *testing.T) {
			b, d := openNATS(t, kind, nil), openSQLite(t)
			createApplied(t, d)
			for i, s := range []string{"events.a.one", "events.b.two", "events.c.three"} {
				publishRaw(t, b, s, fmt.Sprint("m", i), []byte(fmt.Sprintf(`{"n":%d}`, i)))
			}
			c := consume(t, b, d, "multi", []string{"events.a.>", "events.c.three"}, applyHandler)
			eventually(t, 5*time.Second, "two events applied", func() bool {
				return countRows(t, d, "SELECT COUNT(*) FROM test_applied") == 2
			})
			info, err := c.cons.Info(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b.multiFilter() {
				if len(info.Config.FilterSubjects) != 2 || info.Delivered.Consumer != 2 {
					t.Errorf("filters %q, delivered %d; want the 2 subjects and 2 deliveries", info.Config.FilterSubjects, info.Delivered.Consumer)
				}
			} else if info.Config.FilterSubject != b.wire("events.>") {
				t.Errorf("filter %q, want the widened %q", info.Config.FilterSubject, b.wire("events.>"))
			}
		})
	}
}

// With one worker (the default) a consumer applies events in the order
// they were published, across batches.
func TestConsumerKeepsPublishOrder(t *testing.T) {
	matrix(t, nil, func(t *testing.T, d *db.DB, b *Bus) {
		ctx := context.Background()
		r := runRelay(t, d, b)
		const n = 150
		for i := range n {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				subject := []string{"events.test.order.a", "events.test.order.b"}[i%2]
				_, err := r.enqueue(ctx, tx, subject, testEvent{N: i})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		var got []int
		c := consume(t, b, d, "ordered", []string{"events.test.order.>"}, func(ctx context.Context, tx *db.Tx, m Message) error {
			ev, err := Decode[testEvent](m)
			if err != nil {
				return Permanent(err)
			}
			mu.Lock()
			got = append(got, ev.N)
			mu.Unlock()
			return nil
		}, WithBatch(16))
		eventually(t, 10*time.Second, "all handled", func() bool { return c.Stats().Handled == n })
		mu.Lock()
		defer mu.Unlock()
		for i, v := range got {
			if v != i {
				t.Fatalf("event %d handled at position %d: order %v…, want publish order", v, i, got[:min(len(got), i+3)])
			}
		}
	})
}

// Two processes running the same named consumer share its events: each is
// delivered to one of them, and both take part. The first handler of each
// process waits until the other process has one too (a barrier, not a
// timing guess). Each process has its own database here: a handler that
// waits inside its transaction would otherwise hold SQLite's one writer
// from the other process (scaled deployments share PostgreSQL, whose
// processed-ids table the other contract tests cover).
func TestConsumerReplicasShareEvents(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
				t.Run(string(dialect), func(t *testing.T) {
					dbs := []*db.DB{dbtest.Open(t, dialect), dbtest.Open(t, dialect)}
					for _, d := range dbs {
						if err := Migrate(context.Background(), d); err != nil {
							t.Fatal(err)
						}
						createApplied(t, d)
					}
					b1, b2 := be.pair(t, nil)
					const n = 40
					for i := range n {
						publishRaw(t, b1, "events.test.shared", fmt.Sprint("s", i), []byte(fmt.Sprintf(`{"n":%d}`, i)))
					}
					meet := newRendezvous(2)
					handler := func(who int) Handler {
						return func(ctx context.Context, tx *db.Tx, m Message) error {
							if err := meet.arrive(ctx, who); err != nil {
								return err
							}
							return applyHandler(ctx, tx, m)
						}
					}
					c1 := consume(t, b1, dbs[0], "shared", []string{"events.test.shared"}, handler(0), WithBatch(1))
					c2 := consume(t, b2, dbs[1], "shared", []string{"events.test.shared"}, handler(1), WithBatch(1))
					eventually(t, 15*time.Second, "all applied", func() bool { return c1.Stats().Handled+c2.Stats().Handled == n })
					if s1, s2 := c1.Stats(), c2.Stats(); s1.Handled == 0 || s2.Handled == 0 || s1.Failed+s2.Failed != 0 {
						t.Errorf("stats %+v and %+v, want both replicas to take part, no failures", s1, s2)
					}
					seen := map[string]int{}
					for _, d := range dbs {
						rows, err := d.QueryContext(context.Background(), "SELECT msg_id FROM test_applied")
						if err != nil {
							t.Fatal(err)
						}
						for rows.Next() {
							var id string
							if err := rows.Scan(&id); err != nil {
								t.Fatal(err)
							}
							seen[id]++
						}
						rows.Close()
					}
					if len(seen) != n {
						t.Errorf("distinct events applied = %d, want %d", len(seen), n)
					}
					for id, k := range seen {
						if k != 1 {
							t.Errorf("event %s applied %d times across the replicas, want 1", id, k)
						}
					}
				})
			}
		})
	}
}

// rendezvous holds the first caller of each party until every party has
// arrived once; later calls pass straight through.
type rendezvous struct {
	mu      sync.Mutex
	arrived map[int]bool
	parties int
	all     chan struct{}
}

func newRendezvous(parties int) *rendezvous {
	return &rendezvous{arrived: map[int]bool{}, parties: parties, all: make(chan struct{})}
}

func (r *rendezvous) arrive(ctx context.Context, who int) error {
	r.mu.Lock()
	if !r.arrived[who] {
		r.arrived[who] = true
		if len(r.arrived) == r.parties {
			close(r.all)
		}
	}
	r.mu.Unlock()
	select {
	case <-r.all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return errors.New("the other party never arrived")
	}
}

func TestVersionAtLeast(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"2.10.0", true}, {"2.15.2", true}, {"v2.11.1", true}, {"3.0.0", true},
		{"2.9.25", false}, {"1.99.0", false}, {"", false}, {"2", false}, {"x.y.z", false},
	} {
		if got := versionAtLeast(tc.v, 2, 10); got != tc.want {
			t.Errorf("versionAtLeast(%q, 2, 10) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestConsumeRejectsBadInput(t *testing.T) {
	b := openNATS(t, "embedded", nil)
	d := openSQLite(t)
	nop := func(context.Context, *db.Tx, Message) error { return nil }
	tests := []struct {
		name     string
		consumer string
		subjects []string
		want     error
	}{
		{"dotted name", "a.b", []string{"events.x"}, ErrName},
		{"empty name", "", []string{"events.x"}, ErrName},
		{"no subjects", "ok", nil, ErrSubject},
		{"jobs subject", "ok", []string{"jobs.ai"}, ErrSubject},
		{"bad wildcard", "ok", []string{"events.>.x"}, ErrSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := b.Consume(context.Background(), d, tt.consumer, tt.subjects, nop)
			if c != nil {
				c.Stop()
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Consume err = %v, want %v", err, tt.want)
			}
		})
	}
}
