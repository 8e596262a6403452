package bus

// Benchmarks for docs/benchmarks.md. Run, for example:
//
//	go test ./internal/platform/bus -run '^$' -bench . -benchtime 5000x
//
// PostgreSQL cases need AUTOEVENT_TEST_POSTGRES_URL (they skip otherwise).

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// syncModes are the embedded server's durability settings under test.
var syncModes = []struct {
	name string
	mod  func(*Config)
}{
	{"sync=2m(nats-default)", func(c *Config) { c.SyncInterval = 2 * time.Minute }},
	{"sync=1s(ours)", func(c *Config) { c.SyncInterval = time.Second }},
	{"sync=always", func(c *Config) { c.SyncAlways = true }},
}

func benchBus(b *testing.B, mod func(*Config)) *Bus {
	b.Helper()
	cfg := Config{DataDir: b.TempDir()}
	mod(&cfg)
	bus, err := Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bus.Close() })
	return bus
}

func benchDB(b *testing.B, dialect db.Dialect) *db.DB {
	b.Helper()
	d := dbtest.Open(b, dialect)
	if err := Migrate(context.Background(), d); err != nil {
		b.Fatal(err)
	}
	return d
}

func reportLatency(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkPublishSync: one publish at a time, waiting for each PubAck.
func BenchmarkPublishSync(b *testing.B) {
	for _, m := range syncModes {
		b.Run(m.name, func(b *testing.B) {
			bus := benchBus(b, m.mod)
			ctx := context.Background()
			data := []byte(`{"participant":"0190f3c2-7d1e-7a4b-9c1d-2f0e8b6a5c41","event":"0190f3c2-7d1e-7a4b-9c1d-2f0e8b6a5c42"}`)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				if _, err := bus.js.Publish(ctx, "events.bench.sync", data, jetstream.WithMsgID(fmt.Sprint(i))); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			reportLatency(b, lat)
		})
	}
}

// BenchmarkPublishAsync: 256 publishes in flight, as the relay does.
func BenchmarkPublishAsync(b *testing.B) {
	for _, m := range syncModes {
		b.Run(m.name, func(b *testing.B) {
			bus := benchBus(b, m.mod)
			data := []byte(`{"participant":"0190f3c2-7d1e-7a4b-9c1d-2f0e8b6a5c41","event":"0190f3c2-7d1e-7a4b-9c1d-2f0e8b6a5c42"}`)
			b.ResetTimer()
			for i := 0; i < b.N; i += relayBatch {
				futs := make([]jetstream.PubAckFuture, 0, relayBatch)
				for j := i; j < min(i+relayBatch, b.N); j++ {
					f, err := bus.js.PublishMsgAsync(&nats.Msg{Subject: "events.bench.async", Data: data}, jetstream.WithMsgID(fmt.Sprint(j)))
					if err != nil {
						b.Fatal(err)
					}
					futs = append(futs, f)
				}
				for _, f := range futs {
					select {
					case <-f.Ok():
					case err := <-f.Err():
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkRelay: b.N committed outbox rows, time for the relay to publish
// them all (relay throughput).
func BenchmarkRelay(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		for _, m := range syncModes[1:] {
			b.Run(string(dialect)+"/"+m.name, func(b *testing.B) {
				d := benchDB(b, dialect)
				bus := benchBus(b, m.mod)
				r := NewRelay(d, bus, nil)
				ctx := context.Background()
				for i := 0; i < b.N; i += 1000 {
					if err := d.InTx(ctx, func(tx *db.Tx) error {
						for range min(1000, b.N-i) {
							if _, err := r.enqueue(ctx, tx, "events.bench.relay", testEvent{N: i}); err != nil {
								return err
							}
						}
						return nil
					}); err != nil {
						b.Fatal(err)
					}
				}
				rctx, cancel := context.WithCancel(ctx)
				defer cancel()
				b.ResetTimer()
				go r.Run(rctx)
				for r.published.Load() < uint64(b.N) {
					time.Sleep(time.Millisecond)
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

// BenchmarkOutboxLatency: commit → consumer handler sees the event, at a
// steady 500 transactions/s, each with one event; consumer on the same
// database (its own transaction per message).
func BenchmarkOutboxLatency(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		for _, m := range syncModes[1:] {
			b.Run(string(dialect)+"/"+m.name, func(b *testing.B) {
				d := benchDB(b, dialect)
				bus := benchBus(b, m.mod)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				r := NewRelay(d, bus, nil)
				go r.Run(ctx)
				var mu sync.Mutex
				committed := map[string]time.Time{}
				lat := make([]time.Duration, 0, b.N)
				all := make(chan struct{})
				c, err := bus.Consume(ctx, d, "latency", []string{"events.bench.>"}, func(ctx context.Context, tx *db.Tx, m Message) error {
					now := time.Now()
					mu.Lock()
					defer mu.Unlock()
					if t0, ok := committed[m.ID]; ok {
						lat = append(lat, now.Sub(t0))
					} else {
						committed[m.ID] = now // seen before the producer recorded its commit: ~0
						lat = append(lat, 0)
					}
					if len(lat) == b.N {
						close(all)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Stop()
				tick := time.NewTicker(2 * time.Millisecond)
				defer tick.Stop()
				b.ResetTimer()
				for i := range b.N {
					<-tick.C
					var id string
					if err := d.InTx(ctx, func(tx *db.Tx) (err error) {
						id, err = r.enqueue(ctx, tx, "events.bench.latency", testEvent{N: i})
						return err
					}); err != nil {
						b.Fatal(err)
					}
					now := time.Now()
					mu.Lock()
					if _, seen := committed[id]; !seen {
						committed[id] = now
					}
					mu.Unlock()
				}
				select {
				case <-all:
				case <-time.After(30 * time.Second):
					b.Fatal("not every event consumed within 30 s")
				}
				b.StopTimer()
				mu.Lock()
				reportLatency(b, lat)
				mu.Unlock()
			})
		}
	}
}

// BenchmarkConsume: b.N events already in the stream, time for one
// consumer (one worker) to apply them all, one transaction per message
// (batch=1) or per batch of what has arrived (batch=64, the default).
func BenchmarkConsume(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		for _, batch := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", dialect, batch), func(b *testing.B) {
				d := benchDB(b, dialect)
				bus := benchBus(b, syncModes[1].mod)
				createApplied(b, d)
				ctx := context.Background()
				for i := 0; i < b.N; i++ {
					if _, err := bus.js.PublishMsgAsync(&nats.Msg{Subject: "events.bench.consume", Data: []byte(`{"n":1}`)}, jetstream.WithMsgID(fmt.Sprint(i))); err != nil {
						b.Fatal(err)
					}
					if i%relayBatch == relayBatch-1 || i == b.N-1 {
						<-bus.js.PublishAsyncComplete()
					}
				}
				b.ResetTimer()
				c, err := bus.Consume(ctx, d, "bench", []string{"events.bench.>"}, applyHandler, WithBatch(batch))
				if err != nil {
					b.Fatal(err)
				}
				for c.Stats().Handled < uint64(b.N) {
					time.Sleep(time.Millisecond)
				}
				b.StopTimer()
				c.Stop()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}
