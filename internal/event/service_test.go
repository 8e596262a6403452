package event_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/event/sqlstore"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

type fakeStores struct{}

func (fakeStores) StoreOf(context.Context, string, *http.Request) (event.StoreInfo, error) {
	return event.StoreInfo{ID: "s1", Name: "하늘빵집", Industry: "BAKERY", Sido: "서울특별시", Sigungu: "마포구"}, nil
}

// recommendations serves a fixed recommendation in the shape of the AI
// service's public API (the event service's own view of it).
type recommendations struct{}

func (recommendations) Recommendation(_ context.Context, id string, _ *http.Request) (event.Recommendation, error) {
	rec := event.Recommendation{AIProvider: "local", GeneratedAt: time.Now()}
	for i, m := range []messages.Mechanic{messages.MechanicDiscount, messages.MechanicGift, messages.MechanicLottery} {
		o := event.Option{OptionNumber: i + 1, Title: "하늘빵집 " + string(m) + " 이벤트", Concept: "동네 단골 만들기",
			EstimatedCost:       event.EstimatedCost{Min: 100_000, Max: 300_000},
			ParticipationMethod: event.ParticipationMethod{Type: messages.MethodLottery, CouponCount: 5},
			Copy:                event.Copy{Headline: "갓 구운 빵", Body: "이번 주만!", Hashtags: []string{"#빵"}}}
		o.Mechanics.Type, o.Mechanics.Details = m, "방문 고객 대상"
		o.Duration.RecommendedDays = 14
		rec.Recommendations = append(rec.Recommendations, o)
	}
	return rec, nil
}

type outbox struct {
	mu   sync.Mutex
	msgs []string
}

// publish records a message when its transaction commits, as the real
// outbox row would only exist then.
func (o *outbox) publish(_ context.Context, tx *db.Tx, e bus.Event) error {
	tx.AfterCommit(func() {
		o.mu.Lock()
		o.msgs = append(o.msgs, e.Subject())
		o.mu.Unlock()
	})
	return nil
}

func (o *outbox) count(subject string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, s := range o.msgs {
		if s == subject {
			n++
		}
	}
	return n
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func newService(t *testing.T, d *db.DB, c *clock, o *outbox) *event.Service {
	t.Helper()
	st := sqlstore.New(d)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc, err := event.NewService(event.Deps{DB: d, Store: st, Stores: fakeStores{}, Recommendations: recommendations{}, Publish: o.publish, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestTickActivatesAndEnds: an event approved for a future period stays
// APPROVED, the ticker activates it when the first day begins (KST
// midnight) and ends it after the last day, publishing EventEnded once
// even when two replicas tick at the same time.
func TestTickActivatesAndEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 3, 10, 15, 0, 0, 0, kst.Location)}
		o := &outbox{}
		a, b := newService(t, d, c, o), newService(t, d, c, o) // two replicas
		ev, err := a.Create(ctx, "owner-1", event.CreateInput{Purpose: messages.PurposeSales}, nil)
		if err != nil {
			t.Fatal(err)
		}
		start, end := "2026-03-12", "2026-03-13"
		if _, err := a.Select(ctx, "owner-1", ev.ID, event.SelectionInput{OptionNumber: 1, StartDate: &start, EndDate: &end}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := a.Approve(ctx, "owner-1", ev.ID, event.ApproveInput{})
		if err != nil || got.Status != event.StatusApproved {
			t.Fatalf("approve before the period: %s %v, want APPROVED", got.Status, err)
		}
		tick := func() {
			var wg sync.WaitGroup
			for _, s := range []*event.Service{a, b} {
				wg.Go(func() {
					if _, _, err := s.Tick(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		steps := []struct {
			at   time.Time
			want event.Status
		}{
			{time.Date(2026, 3, 11, 23, 59, 0, 0, kst.Location), event.StatusApproved},
			{time.Date(2026, 3, 12, 0, 0, 0, 0, kst.Location), event.StatusActive},
			{time.Date(2026, 3, 13, 23, 59, 0, 0, kst.Location), event.StatusActive},
			{time.Date(2026, 3, 14, 0, 0, 1, 0, kst.Location), event.StatusEnded},
		}
		for _, s := range steps {
			c.mu.Lock()
			c.t = s.at
			c.mu.Unlock()
			tick()
			got, err := a.Get(ctx, "owner-1", ev.ID)
			if err != nil || got.Status != s.want {
				t.Fatalf("at %v: %s %v, want %s", s.at, got.Status, err, s.want)
			}
		}
		if n := o.count(messages.SubjectOf[messages.EventEnded]()); n != 1 {
			t.Errorf("EventEnded published %d times, want 1", n)
		}
		if n := o.count(messages.SubjectOf[messages.EventApproved]()); n != 1 {
			t.Errorf("EventApproved published %d times, want 1", n)
		}
	})
}

// TestSoldOutMessage ends an ACTIVE event through the consumer handler;
// a message for an unknown event is skipped.
func TestSoldOutMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now()}
		o := &outbox{}
		s := newService(t, d, c, o)
		ev, _ := s.Create(ctx, "owner-1", event.CreateInput{Purpose: messages.PurposeNewCustomers}, nil)
		today := c.now().In(kst.Location).Format(time.DateOnly)
		fc := &event.ParticipationMethod{Type: messages.MethodFirstCome, CouponCount: 10}
		if _, err := s.Select(ctx, "owner-1", ev.ID, event.SelectionInput{OptionNumber: 1, StartDate: &today, EndDate: &today, ParticipationMethod: fc}, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Approve(ctx, "owner-1", ev.ID, event.ApproveInput{}); err != nil || got.Status != event.StatusActive {
			t.Fatalf("approve: %s %v", got.Status, err)
		}
		for _, id := range []string{"00000000-0000-7000-8000-000000000000", ev.ID} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				return s.HandleMessage(ctx, tx, bus.Message{ID: "m-" + id, Subject: messages.SubjectOf[messages.CouponsSoldOut](),
					Data: []byte(`{"eventId":"` + id + `","issued":10}`)})
			})
			if err != nil {
				t.Fatalf("handle sold out of %s: %v", id, err)
			}
		}
		got, _ := s.Get(ctx, "owner-1", ev.ID)
		if got.Status != event.StatusEnded || got.EndReason != messages.EndSoldOut {
			t.Errorf("after sold out: %s %s, want ENDED SOLD_OUT", got.Status, got.EndReason)
		}
	})
}

// TestEntriesClosedMessage ends an ACTIVE lottery drawn before its period
// was over, with the DRAWN reason, exactly once (a redelivery and the later
// period end change nothing).
func TestEntriesClosedMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now()}
		o := &outbox{}
		s := newService(t, d, c, o)
		ev, _ := s.Create(ctx, "owner-1", event.CreateInput{Purpose: messages.PurposeNewCustomers}, nil)
		today := c.now().In(kst.Location).Format(time.DateOnly)
		lot, three := &event.ParticipationMethod{Type: messages.MethodLottery}, 3
		if _, err := s.Select(ctx, "owner-1", ev.ID, event.SelectionInput{OptionNumber: 1, StartDate: &today, EndDate: &today, ParticipationMethod: lot, WinnerCount: &three}, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Approve(ctx, "owner-1", ev.ID, event.ApproveInput{}); err != nil || got.Status != event.StatusActive {
			t.Fatalf("approve: %s %v", got.Status, err)
		}
		for range 2 {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				return s.HandleMessage(ctx, tx, bus.Message{ID: "m-closed", Subject: messages.SubjectOf[messages.EntriesClosed](),
					Data: []byte(`{"eventId":"` + ev.ID + `","reason":"DRAWN"}`)})
			})
			if err != nil {
				t.Fatalf("handle entries closed: %v", err)
			}
		}
		got, _ := s.Get(ctx, "owner-1", ev.ID)
		if got.Status != event.StatusEnded || got.EndReason != messages.EndDrawn {
			t.Errorf("after entries closed: %s %s, want ENDED DRAWN", got.Status, got.EndReason)
		}
		if n := o.count(messages.SubjectOf[messages.EventEnded]()); n != 1 {
			t.Errorf("EventEnded published %d times, want 1", n)
		}
		if !slices.Contains(event.ConsumedSubjects, messages.SubjectOf[messages.EntriesClosed]()) {
			t.Error("the event consumer does not subscribe to EntriesClosed")
		}
	})
}
