package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// Message is one delivery of an event or job.
type Message struct {
	ID          string    // Nats-Msg-Id: the outbox row id ("<row id>.<index>" in a batch row) or job id
	Subject     string    // logical subject, e.g. "events.user.registered"
	Data        []byte    // payload (JSON for outbox events)
	Delivery    int       // 1 on the first delivery
	PublishedAt time.Time // when the broker stored it
}

// Decode unmarshals the message's JSON payload. A payload that does not
// decode will not decode on the next delivery either: return
// Permanent(err) from the handler to dead-letter it at once.
func Decode[T any](m Message) (T, error) {
	var v T
	if err := json.Unmarshal(m.Data, &v); err != nil {
		return v, fmt.Errorf("%w: %s %s: %v", ErrPayload, m.Subject, m.ID, err)
	}
	return v, nil
}

// Handler applies an event inside the consumer's transaction tx, which also
// records the message id; returning an error rolls both back and the
// message is redelivered with back-off.
type Handler func(ctx context.Context, tx *db.Tx, m Message) error

// WorkHandler runs a job. It must be idempotent: a job is redelivered when
// its worker dies before acknowledging it.
type WorkHandler func(ctx context.Context, m Message) error

// Option tunes a consumer.
type Option func(*consumerOpts)

type consumerOpts struct {
	workers int
	batch   int
	ackWait time.Duration
	dropAck func(Message) bool // tests only
}

// WithWorkers sets how many messages a consumer handles at once (default 1
// for event consumers, which keeps them in stream order).
func WithWorkers(n int) Option { return func(o *consumerOpts) { o.workers = n } }

// WithBatch sets how many already-delivered messages an event consumer may
// apply in one transaction (default 64; 1 disables). Batching only takes
// what is already there, so it adds no latency; if any handler in a batch
// fails, the batch rolls back and each message is retried on its own.
func WithBatch(n int) Option { return func(o *consumerOpts) { o.batch = n } }

// WithAckWait sets how long a delivered message may stay unacknowledged
// before the broker redelivers it (the handler's heartbeats extend it).
func WithAckWait(d time.Duration) Option { return func(o *consumerOpts) { o.ackWait = d } }

// ConsumerStats counts a consumer's outcomes since it started.
type ConsumerStats struct {
	Handled      uint64 // handler succeeded, message acknowledged
	Duplicates   uint64 // already processed: skipped and acknowledged
	Failed       uint64 // handler failed, message redelivered later
	DeadLettered uint64 // moved to the dead-letter stream
}

// Consumer is a running durable consumer.
type Consumer struct {
	b         *Bus
	log       *slog.Logger
	name      string
	cons      jetstream.Consumer
	workers   int
	prefetch  int // 0: fetch only for free workers (work queues)
	ackWait   time.Duration
	doubleAck bool
	process   func(ctx context.Context, m Message) error
	// processBatch applies several messages in one transaction and reports
	// which were already processed; nil when the consumer cannot batch.
	processBatch func(ctx context.Context, ms []Message) (dups []bool, err error)
	batch        int // most messages per processBatch call
	runCtx       context.Context
	cancel       context.CancelFunc
	stopping     chan struct{}
	stopCtx      context.Context // cancelled with stopping: interrupts a pull
	stopStop     context.CancelFunc
	stopOnce     sync.Once
	done         chan struct{}
	// dropAck, set only by tests, simulates a crash between the commit and
	// the ack: when it returns true the message is left unacknowledged.
	dropAck    func(Message) bool
	handled    atomic.Uint64
	duplicates atomic.Uint64
	failed     atomic.Uint64
	dead       atomic.Uint64
}

// errAlreadyProcessed rolls back the consumer transaction of a duplicate.
var errAlreadyProcessed = errors.New("bus: already processed")

const fetchWait = 5 * time.Second // how long one pull request waits for messages

// Consume starts a durable pull consumer name on the EVENTS stream for the
// given subjects (wildcards allowed, e.g. "events.user.>"). Each message is
// handled in a transaction on d that first records (name, message id) in
// bus_processed_messages: a message seen before is skipped and acknowledged.
// A failed handler is retried with Config.Backoff; after Config.MaxDeliver
// deliveries (or at once for a Permanent error) the message is copied to
// "dlq.<name>.<subject>" with the error in the Bus-Error header and
// terminated. Cancelling ctx stops the consumer and cancels running
// handlers; Stop finishes them first.
func (b *Bus) Consume(ctx context.Context, d *db.DB, name string, subjects []string, handler Handler, opts ...Option) (*Consumer, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("%w: consumer %q", ErrName, name)
	}
	if len(subjects) == 0 {
		return nil, fmt.Errorf("%w: no subjects", ErrSubject)
	}
	for _, s := range subjects {
		if !validFilter(s, "events") {
			return nil, fmt.Errorf("%w: %q", ErrSubject, s)
		}
	}
	// Servers before NATS 2.10 accept a single filter subject only, so
	// there several subjects are widened to their common prefix. Newer
	// servers get the exact subjects: a consumer of two rare subjects must
	// not be handed every entry of a 10,000-entry burst to throw away. The
	// subjects are still checked here (cheaply) whenever there are several:
	// a redelivery after the filter changed, or an instance of a rolling
	// deploy that set the widened filter again, may bring others.
	var filters, widened []string
	filter, exact := widen(subjects)
	widened = []string{b.wire(filter)}
	if len(subjects) > 1 && b.multiFilter() {
		for _, s := range subjects {
			filters = append(filters, b.wire(s))
		}
	} else {
		filters = widened
	}
	o := consumerOpts{workers: 1, batch: 64, ackWait: b.cfg.AckWait}
	for _, opt := range opts {
		opt(&o)
	}
	// apply records (name, message id) and runs the handler in tx.
	wanted := func(m Message) bool { return exact || matchesAny(subjects, m.Subject) }
	apply := func(ctx context.Context, tx *db.Tx, m Message) error {
		if !wanted(m) {
			return nil
		}
		res, err := tx.ExecContext(ctx,
			"INSERT INTO bus_processed_messages (consumer, message_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			name, m.ID, time.Now().UnixMicro())
		if err != nil {
			return fmt.Errorf("bus: record processed message: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return errAlreadyProcessed
		}
		return handler(ctx, tx, m)
	}
	c := &Consumer{name: name, workers: max(o.workers, 1), batch: max(o.batch, 1), ackWait: o.ackWait, dropAck: o.dropAck}
	// Messages outside the subjects are acknowledged without opening a
	// transaction, so a widened filter costs the database nothing.
	c.process = func(ctx context.Context, m Message) error {
		if !wanted(m) {
			return nil
		}
		return d.InTx(ctx, func(tx *db.Tx) error { return apply(ctx, tx, m) })
	}
	c.processBatch = func(ctx context.Context, ms []Message) ([]bool, error) {
		dups := make([]bool, len(ms))
		if !slices.ContainsFunc(ms, wanted) {
			return dups, nil
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i, m := range ms {
				err := apply(ctx, tx, m)
				if errors.Is(err, errAlreadyProcessed) {
					dups[i] = true // the insert did nothing; the transaction goes on
					continue
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		return dups, err
	}
	c.prefetch = min(max(16*c.workers, c.batch, 16), 256)
	cons, err := b.start(ctx, c, b.streamName(StreamEvents), filters)
	if errors.Is(err, jetstream.ErrConsumerMultipleFilterSubjectsNotSupported) {
		// A cluster whose stream leader is older than 2.10.
		return b.start(ctx, c, b.streamName(StreamEvents), widened)
	}
	return cons, err
}

// Work starts a bounded pool of workers for queue on the JOBS work-queue
// stream (subject "jobs.<queue>"). A worker takes a job only when it is
// free, so jobs wait in the stream, not in memory, and other processes'
// workers can take them (load leveling). While a handler runs the job's ack
// deadline is extended with in-progress heartbeats; if the process dies the
// job is redelivered after Config.JobAckWait. Failed jobs are retried with
// back-off and dead-lettered after MaxDeliver deliveries.
func (b *Bus) Work(ctx context.Context, queue string, workers int, handler WorkHandler, opts ...Option) (*Consumer, error) {
	if !nameRE.MatchString(queue) {
		return nil, fmt.Errorf("%w: queue %q", ErrName, queue)
	}
	o := consumerOpts{workers: workers, ackWait: b.cfg.JobAckWait}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Consumer{name: "work_" + queue, workers: max(o.workers, 1), batch: 1, ackWait: o.ackWait, doubleAck: true, dropAck: o.dropAck,
		process: func(ctx context.Context, m Message) error { return handler(ctx, m) }}
	return b.start(ctx, c, b.streamName(StreamJobs), []string{b.wire("jobs." + queue)})
}

func (b *Bus) start(ctx context.Context, c *Consumer, stream string, filters []string) (*Consumer, error) {
	cc := jetstream.ConsumerConfig{
		Durable:       c.name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.ackWait,
		MaxDeliver:    -1, // the bus counts deliveries itself so a failed DLQ publish can be retried
		MaxAckPending: max(1000, 4*c.workers),
	}
	if len(filters) == 1 {
		cc.FilterSubject = filters[0] // servers before 2.10 know only this field
	} else {
		cc.FilterSubjects = filters
	}
	cons, err := b.js.CreateOrUpdateConsumer(ctx, stream, cc)
	if err != nil {
		return nil, fmt.Errorf("bus: consumer %s: %w", c.name, err)
	}
	c.b, c.cons = b, cons
	c.log = b.log.With("consumer", c.name)
	c.runCtx, c.cancel = context.WithCancel(context.WithoutCancel(ctx))
	c.stopping = make(chan struct{})
	c.stopCtx, c.stopStop = context.WithCancel(context.Background())
	c.done = make(chan struct{})
	if err := b.track(c); err != nil {
		c.cancel()
		return nil, err
	}
	go c.loop()
	go func() {
		select {
		case <-ctx.Done():
			c.cancel()
			c.signalStop()
		case <-c.done:
		}
	}()
	return c, nil
}

// Stop stops fetching, waits for in-flight messages to finish and returns.
func (c *Consumer) Stop() {
	c.signalStop()
	<-c.done
}

// StopContext is Stop with a deadline: when ctx ends first, running handlers
// are cancelled (their messages are redelivered) and ctx.Err() is returned
// once they have returned.
func (c *Consumer) StopContext(ctx context.Context) error {
	c.signalStop()
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		c.cancel()
		<-c.done
		return ctx.Err()
	}
}

// Stats returns the consumer's counters.
func (c *Consumer) Stats() ConsumerStats {
	return ConsumerStats{Handled: c.handled.Load(), Duplicates: c.duplicates.Load(),
		Failed: c.failed.Load(), DeadLettered: c.dead.Load()}
}

func (c *Consumer) signalStop() {
	c.stopOnce.Do(func() {
		close(c.stopping)
		c.stopStop()
	})
}

func (c *Consumer) isStopping() bool {
	select {
	case <-c.stopping:
		return true
	default:
		return false
	}
}

// loop pulls batches and hands each message to a worker goroutine; at most
// c.workers run at once.
func (c *Consumer) loop() {
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		c.cancel()
		c.b.untrack(c)
		close(c.done)
	}()
	sem := make(chan struct{}, c.workers)
	for !c.isStopping() {
		held, want := 0, c.prefetch
		if want == 0 { // work queue: ask only for as many jobs as free workers
			select {
			case sem <- struct{}{}:
				held = 1
			case <-c.stopping:
				return
			}
		more:
			for held < c.workers {
				select {
				case sem <- struct{}{}:
					held++
				default:
					break more
				}
			}
			want = held
		}
		// The pull ends after fetchWait or at once on Stop. Messages already
		// received are Nak'ed below; one the server sends in the instant
		// after Stop is redelivered after the ack wait.
		fctx, fcancel := context.WithTimeout(c.stopCtx, fetchWait)
		batch, err := c.cons.Fetch(want, jetstream.FetchContext(fctx))
		if err == nil {
			msgs := batch.Messages()
			for jm := range msgs {
				// Take what has already arrived, up to c.batch, so one
				// transaction applies several messages under load.
				group, closed := []jetstream.Msg{jm}, false
			collect:
				for len(group) < c.batch {
					select {
					case next, ok := <-msgs:
						if !ok {
							closed = true
							break collect
						}
						group = append(group, next)
					default:
						break collect
					}
				}
				if held > 0 {
					held--
				} else if !c.isStopping() {
					select {
					case sem <- struct{}{}:
					case <-c.stopping:
					}
				}
				if c.isStopping() {
					nakAll(group) // let another consumer take them now
					if closed {
						break
					}
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					c.handleGroup(group)
				}()
				if closed {
					break
				}
			}
			err = batch.Error()
		}
		fcancel()
		for ; held > 0; held-- {
			<-sem
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			err = nil
		}
		if err != nil && !c.isStopping() {
			c.log.Warn("fetch failed", "err", err)
			select {
			case <-c.stopping:
			case <-time.After(time.Second):
			}
		}
	}
}

func nakAll(jms []jetstream.Msg) {
	for _, jm := range jms {
		_ = jm.Nak()
	}
}

// prepare turns a delivery into a Message. It dead-letters (and reports
// false) a message delivered more than MaxDeliver times: the earlier
// deliveries ended without an outcome (the process died mid-handler, or the
// dead-letter publish failed).
func (c *Consumer) prepare(jm jetstream.Msg) (Message, bool) {
	m := Message{Subject: c.b.logical(jm.Subject()), Data: jm.Data(), Delivery: 1}
	meta, err := jm.Metadata()
	if err == nil {
		m.Delivery, m.PublishedAt = int(meta.NumDelivered), meta.Timestamp
	}
	m.ID = jm.Headers().Get(jetstream.MsgIDHeader)
	if m.ID == "" && meta != nil { // published without an id: the stream position is stable
		m.ID = meta.Stream + ":" + strconv.FormatUint(meta.Sequence.Stream, 10)
	}
	if m.Delivery > c.b.cfg.MaxDeliver {
		c.deadLetter(jm, m, fmt.Errorf("delivered %d times without an outcome", m.Delivery-1))
		return m, false
	}
	return m, true
}

// handle processes one message in its own transaction.
func (c *Consumer) handle(jm jetstream.Msg) {
	m, ok := c.prepare(jm)
	if !ok {
		return
	}
	stop := c.heartbeat(jm)
	err := c.run(func(ctx context.Context) error { return c.process(ctx, m) })
	stop()
	c.finish(jm, m, err)
}

// handleGroup applies several messages in one transaction. If any of them
// fails, the transaction rolls back and each is handled on its own, so one
// bad message does not hold back the others.
func (c *Consumer) handleGroup(jms []jetstream.Msg) {
	if len(jms) == 1 || c.processBatch == nil {
		for _, jm := range jms {
			c.handle(jm)
		}
		return
	}
	live := make([]jetstream.Msg, 0, len(jms))
	ms := make([]Message, 0, len(jms))
	for _, jm := range jms {
		if m, ok := c.prepare(jm); ok {
			live, ms = append(live, jm), append(ms, m)
		}
	}
	if len(live) == 0 {
		return
	}
	stop := c.heartbeat(live...)
	var dups []bool
	err := c.run(func(ctx context.Context) (err error) {
		dups, err = c.processBatch(ctx, ms)
		return err
	})
	stop()
	switch {
	case err == nil:
		for i, jm := range live {
			var outcome error
			if dups[i] {
				outcome = errAlreadyProcessed
			}
			c.finish(jm, ms[i], outcome)
		}
	case c.runCtx.Err() != nil:
		nakAll(live)
	default:
		for _, jm := range live {
			c.handle(jm)
		}
	}
}

// finish acknowledges, retries or dead-letters a handled message.
func (c *Consumer) finish(jm jetstream.Msg, m Message, err error) {
	switch {
	case err == nil || errors.Is(err, errAlreadyProcessed):
		if err != nil {
			c.duplicates.Add(1)
		} else {
			c.handled.Add(1)
		}
		if c.dropAck != nil && c.dropAck(m) {
			return
		}
		if c.doubleAck {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = jm.DoubleAck(ctx)
			cancel()
		} else {
			err = jm.Ack()
		}
		if err != nil {
			c.log.Warn("ack failed; the message will be redelivered", "id", m.ID, "err", err)
		}
	case c.runCtx.Err() != nil:
		_ = jm.Nak() // stopped mid-handler: redeliver now
	case IsPermanent(err) || m.Delivery >= c.b.cfg.MaxDeliver:
		c.failed.Add(1)
		c.deadLetter(jm, m, err)
	default:
		c.failed.Add(1)
		delay := c.backoff(m.Delivery)
		c.log.Warn("handler failed; will retry", "subject", m.Subject, "id", m.ID,
			"delivery", m.Delivery, "retry_in", delay, "err", err)
		_ = jm.NakWithDelay(delay)
	}
}

// run calls process, turning a panic into an error so one bad message
// cannot take the process down.
func (c *Consumer) run(fn func(ctx context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bus: handler panic: %v", p)
		}
	}()
	return fn(c.runCtx)
}

func (c *Consumer) backoff(delivery int) time.Duration {
	bo := c.b.cfg.Backoff
	return bo[min(max(delivery-1, 0), len(bo)-1)]
}

// heartbeat tells the broker the message is still being worked on, every
// third of the ack wait, until the returned func is called.
func (c *Consumer) heartbeat(jms ...jetstream.Msg) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(max(c.ackWait/3, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				for _, jm := range jms {
					_ = jm.InProgress()
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// Header names on dead letters.
const (
	HeaderError      = "Bus-Error"
	HeaderConsumer   = "Bus-Consumer"
	HeaderSubject    = "Bus-Subject"
	HeaderMessageID  = "Bus-Message-Id"
	HeaderDeliveries = "Bus-Deliveries"
)

// deadLetter copies the message to dlq.<consumer>.<subject> and terminates
// it. If the copy fails the message is redelivered later and tried again.
func (c *Consumer) deadLetter(jm jetstream.Msg, m Message, cause error) {
	msg := nats.NewMsg(c.b.wire("dlq." + c.name + "." + m.Subject))
	msg.Data = m.Data
	text := cause.Error()
	if len(text) > 1024 {
		text = text[:1024]
	}
	msg.Header.Set(HeaderError, text)
	msg.Header.Set(HeaderConsumer, c.name)
	msg.Header.Set(HeaderSubject, m.Subject)
	msg.Header.Set(HeaderMessageID, m.ID)
	msg.Header.Set(HeaderDeliveries, strconv.Itoa(m.Delivery))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.b.js.PublishMsg(ctx, msg, jetstream.WithMsgID(c.name+":"+m.ID)); err != nil {
		c.log.Error("dead-letter publish failed; will retry", "id", m.ID, "err", err)
		_ = jm.NakWithDelay(c.backoff(m.Delivery))
		return
	}
	c.dead.Add(1)
	c.log.Error("message dead-lettered", "subject", m.Subject, "id", m.ID, "delivery", m.Delivery, "err", text)
	if err := jm.Term(); err != nil {
		c.log.Warn("term failed", "id", m.ID, "err", err)
	}
}

// PublishWork publishes a job on queue directly (not through the outbox),
// with id as the message id so the same job published twice inside the
// duplicate window is queued once. Prefer Relay.EnqueueWork when the job is
// created together with database state.
func (b *Bus) PublishWork(ctx context.Context, queue, id string, payload []byte) error {
	if !nameRE.MatchString(queue) {
		return fmt.Errorf("%w: queue %q", ErrName, queue)
	}
	if id == "" || len(id) > 128 {
		return fmt.Errorf("%w: job id %q", ErrName, id)
	}
	msg := &nats.Msg{Subject: b.wire("jobs." + queue), Data: payload}
	if _, err := b.js.PublishMsg(ctx, msg, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("bus: publish job %s: %w", queue, err)
	}
	return nil
}

// QueueDepth reports how many jobs of queue are waiting or running.
func (b *Bus) QueueDepth(ctx context.Context, queue string) (uint64, error) {
	if !nameRE.MatchString(queue) {
		return 0, fmt.Errorf("%w: queue %q", ErrName, queue)
	}
	subj := b.wire("jobs." + queue)
	return b.subjectCount(ctx, StreamJobs, subj)
}

// DeadLetters reports how many messages the dead-letter stream holds.
func (b *Bus) DeadLetters(ctx context.Context) (uint64, error) {
	s, err := b.js.Stream(ctx, b.streamName(StreamDLQ))
	if err != nil {
		return 0, fmt.Errorf("bus: dlq: %w", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("bus: dlq: %w", err)
	}
	return info.State.Msgs, nil
}

func (b *Bus) subjectCount(ctx context.Context, kind, subject string) (uint64, error) {
	s, err := b.js.Stream(ctx, b.streamName(kind))
	if err != nil {
		return 0, fmt.Errorf("bus: stream %s: %w", kind, err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return 0, fmt.Errorf("bus: stream %s: %w", kind, err)
	}
	return info.State.Subjects[subject], nil
}

// multiFilter reports whether the connected server accepts several filter
// subjects on one consumer (NATS 2.10 and later).
func (b *Bus) multiFilter() bool {
	return versionAtLeast(b.nc.ConnectedServerVersion(), 2, 10)
}

// versionAtLeast reports whether the "major.minor.patch" version v is at
// least major.minor.
func versionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}

// widen returns one filter covering all subjects and whether it matches
// exactly those subjects (no client-side filtering needed).
func widen(subjects []string) (filter string, exact bool) {
	if len(subjects) == 1 {
		return subjects[0], true
	}
	common := strings.Split(subjects[0], ".")
	for _, s := range subjects[1:] {
		toks := strings.Split(s, ".")
		n := 0
		for n < len(common) && n < len(toks) && common[n] == toks[n] && common[n] != "*" && common[n] != ">" {
			n++
		}
		common = common[:n]
	}
	return strings.Join(common, ".") + ".>", false
}

// matchesAny reports whether subject matches one of the NATS filters
// ("*" one token, ">" the rest).
func matchesAny(filters []string, subject string) bool {
	st := strings.Split(subject, ".")
	for _, f := range filters {
		ft := strings.Split(f, ".")
		ok := true
		for i, tok := range ft {
			if tok == ">" {
				ok = i < len(st)
				break
			}
			if i >= len(st) || (tok != "*" && tok != st[i]) {
				ok = false
				break
			}
			if i == len(ft)-1 && len(st) != len(ft) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}
