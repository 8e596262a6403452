package winners_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/participation/winners/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// fakeEntries is the entry store as the contract in deps.go describes it.
type fakeEntries struct {
	mu       sync.Mutex
	events   map[string]winners.EventInfo
	entrants map[string][]winners.Entrant
	contacts map[string]map[int64]winners.Contact
	purges   []purgeCall
	closes   int
}

type purgeCall struct {
	EventID string
	Keep    []int64
}

func newFakeEntries() *fakeEntries {
	return &fakeEntries{events: map[string]winners.EventInfo{}, entrants: map[string][]winners.Entrant{},
		contacts: map[string]map[int64]winners.Contact{}}
}

var errNotFound = apperr.New(apperr.NotFound, "event_not_found", "없음")

func (f *fakeEntries) Event(_ context.Context, id string) (winners.EventInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev, ok := f.events[id]
	if !ok {
		return ev, errNotFound
	}
	return ev, nil
}

func (f *fakeEntries) DrawEntries(_ context.Context, id string) ([]winners.Entrant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.entrants[id]), nil
}

// CloseEntries ends the event as the entry store does; closes counts the
// calls that closed it.
func (f *fakeEntries) CloseEntries(_ context.Context, _ *db.Tx, id string) (bool, []winners.Entrant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev, ok := f.events[id]
	if !ok {
		return false, nil, errNotFound
	}
	closed := ev.Status == winners.EventActive
	if closed {
		ev.Status = winners.EventEnded
		f.events[id] = ev
		f.closes++
	}
	return closed, slices.Clone(f.entrants[id]), nil
}

func (f *fakeEntries) Contact(_ context.Context, id string, n int64) (winners.Contact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.contacts[id][n]
	if !ok {
		return c, apperr.New(apperr.NotFound, "entry_not_found", "없음")
	}
	return c, nil
}

func (f *fakeEntries) Purge(_ context.Context, id string, keep []int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.purges = append(f.purges, purgeCall{id, slices.Clone(keep)})
	n := 0
	for num := range f.contacts[id] {
		if !slices.Contains(keep, num) {
			delete(f.contacts[id], num)
			n++
		}
	}
	return n, nil
}

// addEvent creates an event with n entries; every visitEvery-th entry is a
// store visit (0: none).
func (f *fakeEntries) addEvent(ev winners.EventInfo, n, visitEvery int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events[ev.EventID] = ev
	es := make([]winners.Entrant, n)
	cs := map[int64]winners.Contact{}
	for i := range es {
		num := int64(i + 1)
		es[i] = winners.Entrant{EntryNumber: num, StoreVisit: visitEvery > 0 && (i+1)%visitEvery == 0}
		cs[num] = winners.Contact{Name: "김민수", Phone: fmt.Sprintf("010%08d", 10000000+i)}
	}
	f.entrants[ev.EventID] = es
	f.contacts[ev.EventID] = cs
}

func (f *fakeEntries) setStatus(id, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev := f.events[id]
	ev.Status = status
	f.events[id] = ev
}

func (f *fakeEntries) hasContact(id string, n int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.contacts[id][n]
	return ok
}

// job is one committed work item.
type job struct {
	Queue, ID string
	Payload   []byte
}

// fakeQueue records the jobs of committed transactions only.
type fakeQueue struct {
	mu   sync.Mutex
	jobs []job
}

func (q *fakeQueue) EnqueueWork(_ context.Context, tx *db.Tx, queue, id string, payload []byte) error {
	tx.AfterCommit(func() {
		q.mu.Lock()
		q.jobs = append(q.jobs, job{queue, id, payload})
		q.mu.Unlock()
	})
	return nil
}

func (q *fakeQueue) Work(context.Context, string, int, func(context.Context, []byte, int) error) (func(), error) {
	return func() {}, nil
}

func (q *fakeQueue) all() []job {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.jobs)
}

// published is one committed outbox event.
type published struct {
	Subject string
	Payload any
}

type fakeOutbox struct {
	mu     sync.Mutex
	events []published
}

func (o *fakeOutbox) publish(_ context.Context, tx *db.Tx, e bus.Event) error {
	tx.AfterCommit(func() {
		o.mu.Lock()
		o.events = append(o.events, published{e.Subject(), e})
		o.mu.Unlock()
	})
	return nil
}

// fakeSender records messages and answers with err (when set).
type fakeSender struct {
	mu     sync.Mutex
	sent   []notify.Message
	err    error
	status notify.Status
}

func (s *fakeSender) Send(_ context.Context, m notify.Message) (notify.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return notify.Receipt{}, s.err
	}
	s.sent = append(s.sent, m)
	return notify.Receipt{Channel: notify.ChannelAlimtalk, RequestID: fmt.Sprintf("req-%d", len(s.sent)), MessageID: fmt.Sprintf("msg-%d", len(s.sent))}, nil
}

func (s *fakeSender) Track(context.Context, notify.Receipt) (notify.DeliveryStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	if st == "" {
		st = notify.StatusDelivered
	}
	return notify.DeliveryStatus{Status: st}, nil
}

func (s *fakeSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const (
	owner      = "owner-1"
	otherOwner = "owner-2"
)

var t0 = time.Date(2025, 5, 10, 14, 0, 0, 0, time.UTC) // 23:00 KST

type env struct {
	svc     *winners.Service
	store   *sqlstore.Store
	entries *fakeEntries
	queue   *fakeQueue
	outbox  *fakeOutbox
	sender  winners.Sender
	clock   *clock
	db      *db.DB
}

type option func(*winners.Deps)

func newEnv(t testing.TB, d *db.DB, opts ...option) *env {
	t.Helper()
	st := sqlstore.New(d)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cipher, err := authn.NewFieldCipherFromConfig(authn.FieldConfig{MasterKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{store: st, entries: newFakeEntries(), queue: &fakeQueue{}, outbox: &fakeOutbox{}, clock: &clock{t: t0}, db: d}
	fs := &fakeSender{}
	deps := winners.Deps{DB: d, Store: st, Entries: e.entries, Publish: e.outbox.publish, Queue: e.queue, Sender: fs,
		Sealer: cipher, PublicURL: "https://ae.example", Now: e.clock.Now}
	for _, o := range opts {
		o(&deps)
	}
	e.sender = deps.Sender
	if e.svc, err = winners.NewService(deps); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) fakeSender() *fakeSender { return e.sender.(*fakeSender) }

func lottery(id, ownerID string) winners.EventInfo {
	return winners.EventInfo{EventID: id, OwnerID: ownerID, Title: "봄맞이 커피 이벤트", StoreName: "하늘카페", Benefit: "음료 10잔 쿠폰북", Method: messages.MethodLottery,
		Status: winners.EventEnded, StartsAt: t0.Add(-7 * 24 * time.Hour), EndsAt: t0.Add(-time.Hour), Code: "abc123"}
}

// runJobs delivers every queued notification job once (attempt 1).
func (e *env) runJobs(t testing.TB) {
	t.Helper()
	for _, j := range e.queue.all() {
		if err := e.svc.HandleNotifyJob(context.Background(), j.Payload, 1); err != nil {
			t.Fatalf("job %s: %v", j.ID, err)
		}
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
