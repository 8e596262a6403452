package bus

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// The bus contract is every test that runs through matrix (each backend on
// SQLite and on PostgreSQL) or eachBus (each backend): the outbox publishes
// committed rows once, in commit order, drops re-publishes; consumers get
// every event, in publish order with one worker, apply it once (duplicates
// dropped by message id), retry with back-off and rollback, dead-letter
// after MaxDeliver deliveries, finish in-flight work on Stop, and share a
// named consumer between processes; work queues run each job once on
// bounded workers, dedupe by job id, hand abandoned jobs to another worker,
// keep long jobs with heartbeats and share one queue between processes.
//
// A transport is one backend value below: how to open an isolated Bus on
// it, how to open a second process's connection, and a probe that shows
// what the broker holds (what no Bus method shows). A Kafka transport
// selected through Config adds one entry and must pass the same tests.
// Tests of NATS details (stream settings, filter subjects, the embedded
// server) open NATS directly with openNATS and stay out of the contract.
type backend struct {
	name string
	// open returns a fresh bus with its own storage or namespace, closed
	// (and its broker state removed) when the test ends, with its probe
	// registered in probes.
	open func(t testing.TB, mod func(*Config)) *Bus
	// pair returns two connections to one broker namespace, as two
	// processes of one deployment have.
	pair func(t testing.TB, mod func(*Config)) (*Bus, *Bus)
}

// probe looks at the broker behind a bus.
type probe interface {
	// publish stores a message directly on the broker, bypassing the
	// outbox (what a relay that re-publishes after the duplicate window
	// does).
	publish(t testing.TB, subject, id string, data []byte)
	// events returns every event the broker holds, oldest first.
	events(t testing.TB) []brokerMsg
	// deadLetter returns the last dead letter on subject
	// ("dlq.<consumer>.<original subject>").
	deadLetter(t testing.TB, subject string) brokerMsg
	// settled reports whether c has nothing pending or unacknowledged.
	settled(t testing.TB, c *Consumer) bool
}

// brokerMsg is a stored message as a test sees it.
type brokerMsg struct {
	ID      string // the broker message id (outbox row id)
	Subject string // logical subject, without the deployment prefix
	Data    []byte
	Header  map[string]string
}

// backends are the transports under the contract.
var backends = []backend{
	{name: "embedded", open: func(t testing.TB, mod func(*Config)) *Bus { return openNATS(t, "embedded", mod) }, pair: embeddedPair},
	{name: "external", open: func(t testing.TB, mod func(*Config)) *Bus { return openNATS(t, "external", mod) }, pair: externalPair},
}

// testConfig has short timings so redelivery tests take milliseconds.
func testConfig() Config {
	return Config{
		MaxDeliver: 3,
		Backoff:    []time.Duration{20 * time.Millisecond, 50 * time.Millisecond},
		AckWait:    2 * time.Second,
		JobAckWait: time.Second,
	}
}

// matrix runs fn on every backend, each on SQLite and PostgreSQL, with a
// fresh database and bus every time.
func matrix(t *testing.T, mod func(*Config), fn func(t *testing.T, d *db.DB, b *Bus)) {
	t.Helper()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel() // backends and databases share nothing: their waits overlap
			for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
				t.Run(string(dialect), func(t *testing.T) {
					t.Parallel()
					d := dbtest.Open(t, dialect)
					if err := Migrate(context.Background(), d); err != nil {
						t.Fatalf("migrate: %v", err)
					}
					fn(t, d, be.open(t, mod))
				})
			}
		})
	}
}

// eachBus runs fn on every backend.
func eachBus(t *testing.T, mod func(*Config), fn func(t *testing.T, b *Bus)) {
	t.Helper()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { t.Parallel(); fn(t, be.open(t, mod)) })
	}
}

// eachPair runs fn on every backend with two connections to one broker.
func eachPair(t *testing.T, mod func(*Config), fn func(t *testing.T, b1, b2 *Bus)) {
	t.Helper()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { t.Parallel(); b1, b2 := be.pair(t, mod); fn(t, b1, b2) })
	}
}

// probes maps each open bus to the probe of its backend.
var probes sync.Map // *Bus → probe

func probeOf(t testing.TB, b *Bus) probe {
	t.Helper()
	p, ok := probes.Load(b)
	if !ok {
		t.Fatal("bus not opened through a backend")
	}
	return p.(probe)
}

func publishRaw(t testing.TB, b *Bus, subject, id string, data []byte) {
	t.Helper()
	probeOf(t, b).publish(t, subject, id, data)
}

func brokerEvents(t testing.TB, b *Bus) []brokerMsg {
	t.Helper()
	return probeOf(t, b).events(t)
}

func lastDeadLetter(t testing.TB, b *Bus, subject string) brokerMsg {
	t.Helper()
	return probeOf(t, b).deadLetter(t, subject)
}

func settled(t testing.TB, b *Bus, c *Consumer) bool {
	t.Helper()
	return probeOf(t, b).settled(t, c)
}

// openNATS opens a NATS bus of the given kind. External buses get a unique
// prefix so parallel runs on the shared server never see each other's
// streams, and their streams are deleted at the end.
func openNATS(t testing.TB, kind string, mod func(*Config)) *Bus {
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
	b := openWith(t, cfg)
	if kind == "external" {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := DeleteStreams(ctx, cfg.URL, cfg.Prefix); err != nil {
				t.Errorf("delete streams of %s: %v", cfg.Prefix, err)
			}
		})
	}
	return b
}

// openWith opens a bus with cfg, closed when the test ends (before any
// cleanup registered earlier).
func openWith(t testing.TB, cfg Config) *Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open bus: %v", err)
	}
	probes.Store(b, natsProbe{b})
	t.Cleanup(func() {
		b.Close()
		probes.Delete(b)
	})
	return b
}

// embeddedPair opens the embedded server with a client port and a second
// bus connected to it, as a second process sharing the server would be.
func embeddedPair(t testing.TB, mod func(*Config)) (*Bus, *Bus) {
	b1 := openNATS(t, "embedded", func(c *Config) {
		if mod != nil {
			mod(c)
		}
		c.Listen = "127.0.0.1:0"
	})
	cfg := b1.cfg
	cfg.DataDir, cfg.Listen, cfg.URL = "", "", b1.srv.ClientURL()
	return b1, openWith(t, cfg)
}

func externalPair(t testing.TB, mod func(*Config)) (*Bus, *Bus) {
	b1 := openNATS(t, "external", mod)
	return b1, openWith(t, b1.cfg)
}

// natsProbe reads JetStream directly.
type natsProbe struct{ b *Bus }

func (p natsProbe) publish(t testing.TB, subject, id string, data []byte) {
	t.Helper()
	msg := &nats.Msg{Subject: p.b.wire(subject), Data: data}
	if _, err := p.b.js.PublishMsg(context.Background(), msg, jetstream.WithMsgID(id)); err != nil {
		t.Fatalf("publish: %v", err)
	}
}

func (p natsProbe) events(t testing.TB) []brokerMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := p.b.js.Stream(ctx, p.b.streamName(StreamEvents))
	if err != nil {
		t.Fatalf("events stream: %v", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("events stream info: %v", err)
	}
	var out []brokerMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("get msg %d: %v", seq, err)
		}
		out = append(out, p.msg(m))
	}
	return out
}

func (p natsProbe) deadLetter(t testing.TB, subject string) brokerMsg {
	t.Helper()
	ctx := context.Background()
	s, err := p.b.js.Stream(ctx, p.b.streamName(StreamDLQ))
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.GetLastMsgForSubject(ctx, p.b.wire(subject))
	if err != nil {
		t.Fatalf("dead letter on %s: %v", subject, err)
	}
	return p.msg(m)
}

func (p natsProbe) settled(t testing.TB, c *Consumer) bool {
	t.Helper()
	info, err := c.cons.Info(context.Background())
	return err == nil && info.NumAckPending == 0 && info.NumPending == 0
}

func (p natsProbe) msg(m *jetstream.RawStreamMsg) brokerMsg {
	h := map[string]string{}
	for k := range m.Header {
		h[k] = m.Header.Get(k)
	}
	return brokerMsg{ID: m.Header.Get(jetstream.MsgIDHeader), Subject: p.b.logical(m.Subject), Data: m.Data, Header: h}
}

// TestBackendsAreIsolated: what one test's bus holds, another's never sees
// (the contract tests rely on it).
func TestBackendsAreIsolated(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			b1, b2 := be.open(t, nil), be.open(t, nil)
			publishRaw(t, b1, "events.test.iso", "i1", []byte(`{}`))
			if got := brokerEvents(t, b2); len(got) != 0 {
				t.Errorf("second bus sees %d events of the first, want 0", len(got))
			}
			if got := brokerEvents(t, b1); len(got) != 1 || got[0].ID != "i1" || got[0].Subject != "events.test.iso" {
				t.Errorf("events = %+v, want one i1 on events.test.iso", got)
			}
		})
	}
}
