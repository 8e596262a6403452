// Package bus is the product's event bus and job queue on NATS JetStream.
//
// By default the NATS server runs inside the process (file storage under the
// data directory, no port opened); Config.URL switches to an external NATS.
// Services never publish directly: they write an outbox row in the same
// database transaction as their state change (Relay.Publish of a typed
// Event), and the Relay publishes it with the row id as the broker message
// id, so a re-publish inside the duplicate window is dropped. Consumers (Bus.Consume) record
// each processed message id in their own transaction, so a redelivery is
// applied once. Jobs go through work-queue streams (Bus.PublishWork,
// Bus.Work) served by bounded worker pools.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Stream kinds the bus owns. With Config.Prefix "p" the stream names become
// "p_EVENTS" … and the subjects "p.events.>" ….
const (
	StreamEvents = "EVENTS" // subjects events.>, limits retention
	StreamJobs   = "JOBS"   // subjects jobs.>, work-queue retention
	StreamDLQ    = "DLQ"    // subjects dlq.>, dead letters
)

// Config configures the bus. The zero value plus DataDir is the embedded
// default.
type Config struct {
	// DataDir holds the embedded server's file storage (DataDir/nats).
	// Required unless URL is set.
	DataDir string
	// URL of an external NATS server; when set nothing is embedded.
	URL string
	// Listen, when set (host:port), opens a client port on the embedded
	// server so other processes can share it. Empty: no port at all.
	Listen string
	// Prefix namespaces stream names and subjects (tests on a shared
	// external server). Letters, digits, '-' and '_' only.
	Prefix string

	// SyncInterval is how often the embedded server fsyncs its files
	// (default 1 s; NATS's own default is 2 min). See docs/bus-notes.md.
	SyncInterval time.Duration
	// SyncAlways fsyncs every write before the publish is acknowledged.
	SyncAlways bool
	// OutboxKeep is how long the relay keeps published outbox rows and, on
	// start, re-publishes the ones published within OutboxKeep of the last
	// publish, so events the broker acknowledged but had not yet fsynced
	// before an OS crash are published again (the duplicate window drops the
	// ones it still has). 0 picks the default: 2×SyncInterval + 5 s for the
	// embedded server without SyncAlways, otherwise none. Negative: none.
	OutboxKeep time.Duration

	// DuplicateWindow of the streams (default 2 min).
	DuplicateWindow time.Duration
	// MaxDeliver is how many deliveries a message gets before it goes to
	// the dead-letter stream (default 5).
	MaxDeliver int
	// Backoff is the redelivery delay after the n-th failed delivery (the
	// last entry repeats). Default 1 s, 5 s, 30 s, 2 min.
	Backoff []time.Duration
	// AckWait for event consumers (default 30 s). In-progress heartbeats
	// keep a slow handler's message from being redelivered.
	AckWait time.Duration
	// JobAckWait for work queues (default 1 min): how long after a worker
	// dies its job is redelivered. Running jobs send heartbeats.
	JobAckWait time.Duration
	// EventsMaxAge is how long events stay replayable (default 7 days).
	EventsMaxAge time.Duration
	// Replicas for streams on an external cluster (default 1).
	Replicas int

	// Logger receives the bus's and the embedded server's logs.
	Logger *slog.Logger
}

func (c *Config) defaults() error {
	if c.URL == "" && c.DataDir == "" {
		return fmt.Errorf("%w: DataDir is required for the embedded server", ErrConfig)
	}
	if c.Prefix != "" && !nameRE.MatchString(c.Prefix) {
		return fmt.Errorf("%w: prefix %q", ErrConfig, c.Prefix)
	}
	if c.SyncInterval <= 0 {
		c.SyncInterval = time.Second
	}
	if c.OutboxKeep == 0 && c.URL == "" && !c.SyncAlways {
		c.OutboxKeep = 2*c.SyncInterval + 5*time.Second
	}
	if c.OutboxKeep < 0 {
		c.OutboxKeep = 0
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = 2 * time.Minute
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if len(c.Backoff) == 0 {
		c.Backoff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute}
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.JobAckWait <= 0 {
		c.JobAckWait = time.Minute
	}
	if c.EventsMaxAge <= 0 {
		c.EventsMaxAge = 7 * 24 * time.Hour
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Bus is an open connection to JetStream (and the embedded server, if any).
type Bus struct {
	cfg Config
	log *slog.Logger
	srv *server.Server // nil with an external URL
	nc  *nats.Conn
	js  jetstream.JetStream

	mu        sync.Mutex
	consumers map[*Consumer]struct{}
	closed    bool
}

// Open starts the embedded server (or connects to Config.URL) and creates or
// updates the streams the bus owns.
func Open(ctx context.Context, cfg Config) (*Bus, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg, log: cfg.Logger.With("component", "bus"), consumers: map[*Consumer]struct{}{}}
	if err := b.connect(); err != nil {
		return nil, err
	}
	js, err := jetstream.New(b.nc, jetstream.WithPublishAsyncMaxPending(relayBatch))
	if err != nil {
		b.shutdown()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	b.js = js
	if err := b.ensureStreams(ctx); err != nil {
		b.shutdown()
		return nil, err
	}
	return b, nil
}

func (b *Bus) connect() error {
	name := nats.Name("autoevent")
	if b.cfg.URL != "" {
		nc, err := nats.Connect(b.cfg.URL, name, nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
		if err != nil {
			return fmt.Errorf("bus: connect %s: %w", redactURL(b.cfg.URL), err)
		}
		b.nc = nc
		return nil
	}
	opts := &server.Options{
		ServerName:         "autoevent",
		JetStream:          true,
		StoreDir:           filepath.Join(b.cfg.DataDir, "nats"),
		JetStreamMaxMemory: 64 << 20, // we use file storage only
		DontListen:         true,
		NoSigs:             true,
		SyncInterval:       b.cfg.SyncInterval,
		SyncAlways:         b.cfg.SyncAlways,
	}
	if b.cfg.Listen != "" {
		host, port, err := net.SplitHostPort(b.cfg.Listen)
		if err != nil {
			return fmt.Errorf("%w: listen %q: %v", ErrConfig, b.cfg.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return fmt.Errorf("%w: listen port %q", ErrConfig, port)
		}
		if p == 0 {
			p = server.RANDOM_PORT // NATS reads 0 as its default 4222
		}
		opts.DontListen, opts.Host, opts.Port = false, host, p
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return fmt.Errorf("bus: embedded server: %w", err)
	}
	srv.SetLoggerV2(natsLogger{b.log.With("component", "nats-server")}, false, false, false)
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return errors.New("bus: embedded server not ready after 10 s (port in use?)")
	}
	b.srv = srv
	nc, err := nats.Connect("", name, nats.InProcessServer(srv))
	if err != nil {
		srv.Shutdown()
		b.srv = nil
		return fmt.Errorf("bus: in-process connection: %w", err)
	}
	b.nc = nc
	return nil
}

func (b *Bus) ensureStreams(ctx context.Context) error {
	cfgs := []jetstream.StreamConfig{{
		Name:       b.streamName(StreamEvents),
		Subjects:   []string{b.wire("events.>")},
		Storage:    jetstream.FileStorage,
		Retention:  jetstream.LimitsPolicy,
		MaxAge:     b.cfg.EventsMaxAge,
		Duplicates: b.cfg.DuplicateWindow,
		Replicas:   b.cfg.Replicas,
	}, {
		Name:       b.streamName(StreamJobs),
		Subjects:   []string{b.wire("jobs.>")},
		Storage:    jetstream.FileStorage,
		Retention:  jetstream.WorkQueuePolicy,
		Duplicates: b.cfg.DuplicateWindow,
		Replicas:   b.cfg.Replicas,
	}, {
		Name:       b.streamName(StreamDLQ),
		Subjects:   []string{b.wire("dlq.>")},
		Storage:    jetstream.FileStorage,
		Retention:  jetstream.LimitsPolicy,
		MaxAge:     30 * 24 * time.Hour,
		Duplicates: b.cfg.DuplicateWindow,
		Replicas:   b.cfg.Replicas,
	}}
	for _, sc := range cfgs {
		if _, err := b.js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("bus: stream %s: %w", sc.Name, err)
		}
	}
	return nil
}

// Ping checks that the broker answers a JetStream request (for /readyz).
func (b *Bus) Ping(ctx context.Context) error {
	if b.nc.Status() != nats.CONNECTED {
		return fmt.Errorf("bus: connection %s", b.nc.Status())
	}
	if _, err := b.js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("bus: ping: %w", err)
	}
	return nil
}

// Close stops every consumer gracefully (in-flight messages finish), drains
// the connection and shuts the embedded server down.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	cs := make([]*Consumer, 0, len(b.consumers))
	for c := range b.consumers {
		cs = append(cs, c)
	}
	b.mu.Unlock()
	for _, c := range cs {
		c.Stop()
	}
	return b.shutdown()
}

func (b *Bus) shutdown() error {
	var err error
	if b.nc != nil {
		done := make(chan struct{})
		b.nc.SetClosedHandler(func(*nats.Conn) { close(done) })
		if derr := b.nc.Drain(); derr != nil {
			b.nc.Close()
		} else {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				err = errors.New("bus: drain timed out")
				b.nc.Close()
			}
		}
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	return err
}

func (b *Bus) track(c *Consumer) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	b.consumers[c] = struct{}{}
	return nil
}

func (b *Bus) untrack(c *Consumer) {
	b.mu.Lock()
	delete(b.consumers, c)
	b.mu.Unlock()
}

// streamName is the broker name of a stream kind.
func (b *Bus) streamName(kind string) string {
	if b.cfg.Prefix == "" {
		return kind
	}
	return b.cfg.Prefix + "_" + kind
}

// DeleteStreams removes from the NATS server at url the streams of the
// deployment namespaced by prefix (Config.Prefix): what a load test or a
// test run leaves behind on a shared server. Missing streams are fine.
func DeleteStreams(ctx context.Context, url, prefix string) error {
	if prefix == "" {
		return fmt.Errorf("%w: no prefix: refusing to delete the unprefixed streams", ErrConfig)
	}
	nc, err := nats.Connect(url)
	if err != nil {
		return fmt.Errorf("bus: delete streams: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("bus: delete streams: %w", err)
	}
	var errs []error
	for _, kind := range []string{StreamEvents, StreamJobs, StreamDLQ} {
		if err := js.DeleteStream(ctx, prefix+"_"+kind); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// wire turns a logical subject ("events.user.registered") into the subject
// on the broker.
func (b *Bus) wire(subject string) string {
	if b.cfg.Prefix == "" {
		return subject
	}
	return b.cfg.Prefix + "." + subject
}

// logical strips the prefix from a broker subject.
func (b *Bus) logical(subject string) string {
	if b.cfg.Prefix == "" {
		return subject
	}
	return strings.TrimPrefix(subject, b.cfg.Prefix+".")
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// validSubject reports whether s is a concrete subject under root ("events"
// or "jobs"): dot-separated non-empty tokens, no wildcards or whitespace.
func validSubject(s, root string) bool {
	if !strings.HasPrefix(s, root+".") || len(s) > 255 {
		return false
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "" || tok == "*" || tok == ">" || strings.ContainsAny(tok, " \t\r\n*>") {
			return false
		}
	}
	return true
}

// validFilter is validSubject allowing wildcards.
func validFilter(s, root string) bool {
	if !strings.HasPrefix(s, root+".") || len(s) > 255 {
		return false
	}
	toks := strings.Split(s, ".")
	for i, tok := range toks {
		switch {
		case tok == "" || strings.ContainsAny(tok, " \t\r\n"):
			return false
		case tok == ">" && i != len(toks)-1:
			return false
		case tok != "*" && tok != ">" && strings.ContainsAny(tok, "*>"):
			return false
		}
	}
	return true
}

func redactURL(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "***" + u[i:]
		}
	}
	return u
}

// natsLogger forwards the embedded server's logs to slog. Notices (the
// start-up banner) go to Debug so a normal start stays quiet.
type natsLogger struct{ l *slog.Logger }

func (n natsLogger) Noticef(f string, v ...any) { n.l.Debug(fmt.Sprintf(f, v...)) }
func (n natsLogger) Warnf(f string, v ...any)   { n.l.Warn(fmt.Sprintf(f, v...)) }
func (n natsLogger) Fatalf(f string, v ...any)  { n.l.Error(fmt.Sprintf(f, v...)) }
func (n natsLogger) Errorf(f string, v ...any)  { n.l.Error(fmt.Sprintf(f, v...)) }
func (n natsLogger) Debugf(f string, v ...any)  { n.l.Debug(fmt.Sprintf(f, v...)) }
func (n natsLogger) Tracef(string, ...any)      {}
