package bus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// testConfig has short timings so redelivery tests take milliseconds.
func testConfig() Config {
	return Config{
		MaxDeliver: 3,
		Backoff:    []time.Duration{20 * time.Millisecond, 50 * time.Millisecond},
		AckWait:    2 * time.Second,
		JobAckWait: time.Second,
	}
}

// busKinds are the two ways the bus runs.
var busKinds = []string{"embedded", "external"}

// openBus opens a bus of the given kind. External buses get a unique prefix
// so parallel runs on the shared server never see each other's streams, and
// their streams are deleted at the end.
func openBus(t testing.TB, kind string, mod func(*Config)) *Bus {
	t.Helper()
	cfg := testConfig()
	switch kind {
	case "embedded":
		cfg.DataDir = t.TempDir()
	case "external":
		cfg.URL = testenv.NATSURL(t)
		cfg.Prefix = "t" + randHex(5)
	default:
		t.Fatalf("unknown bus kind %q", kind)
	}
	if mod != nil {
		mod(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s bus: %v", kind, err)
	}
	t.Cleanup(func() {
		if kind == "external" {
			deleteStreams(b)
		}
		b.Close()
	})
	return b
}

func deleteStreams(b *Bus) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, k := range []string{StreamEvents, StreamJobs, StreamDLQ} {
		_ = b.js.DeleteStream(ctx, b.streamName(k))
	}
}

// matrix runs fn with the embedded and the external NATS server, each on
// SQLite and PostgreSQL, with a fresh database and bus every time.
func matrix(t *testing.T, mod func(*Config), fn func(t *testing.T, d *db.DB, b *Bus)) {
	t.Helper()
	for _, kind := range busKinds {
		t.Run(kind, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				if err := Migrate(context.Background(), d); err != nil {
					t.Fatalf("migrate: %v", err)
				}
				fn(t, d, openBus(t, kind, mod))
			})
		})
	}
}

// openSQLite returns a migrated SQLite database.
func openSQLite(t testing.TB) *db.DB {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	if err := Migrate(context.Background(), d); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

// collect gathers c and returns the first sample of each metric family.
func collect(t testing.TB, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		m := mf.GetMetric()[0]
		switch {
		case m.GetGauge() != nil:
			out[mf.GetName()] = m.GetGauge().GetValue()
		case m.GetCounter() != nil:
			out[mf.GetName()] = m.GetCounter().GetValue()
		}
	}
	return out
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// runRelay runs a relay until the test ends.
func runRelay(t testing.TB, d *db.DB, b *Bus) *Relay {
	t.Helper()
	r := NewRelay(d, b, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay Run = %v, want nil", err)
		}
	})
	return r
}

// eventually polls cond every 20 ms until it holds or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamMsgs returns every message stored in a stream, in order.
func streamMsgs(t testing.TB, b *Bus, kind string) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := b.js.Stream(ctx, b.streamName(kind))
	if err != nil {
		t.Fatalf("stream %s: %v", kind, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("stream %s info: %v", kind, err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("get msg %d: %v", seq, err)
		}
		out = append(out, m)
	}
	return out
}

func countRows(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", strings.SplitN(query, " ", 2)[0], err)
	}
	return n
}
