package announce_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/announce"
	announcesql "github.com/autoevent/autoevent/internal/participation/announce/sqlstore"
	"github.com/autoevent/autoevent/internal/participation/notify"
	participationsql "github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/internal/platform/phone"
)

// queue is the work queue as the bus behaves: an id enqueued twice is
// queued once. Tests run the jobs by hand.
type queue struct {
	mu   sync.Mutex
	seen map[string]bool
	jobs [][]byte
}

func (q *queue) EnqueueWork(_ context.Context, _ *db.Tx, name, id string, payload []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if name != announce.Queue {
		return fmt.Errorf("queue %q", name)
	}
	if !q.seen[id] {
		q.seen[id] = true
		q.jobs = append(q.jobs, payload)
	}
	return nil
}

func (q *queue) Work(context.Context, string, int, func(context.Context, []byte, int) error) (func(), error) {
	return func() {}, nil
}

func (q *queue) take() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.jobs
	q.jobs = nil
	return j
}

// provider records what would go on the wire.
type provider struct {
	mu   sync.Mutex
	sent []notify.Delivery
}

func (p *provider) Deliver(_ context.Context, d notify.Delivery) (notify.Receipt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, d)
	return notify.Receipt{Channel: d.Channel, RequestID: fmt.Sprint("req-", len(p.sent)), SentAt: time.Now()}, nil
}

func (p *provider) deliveries() []notify.Delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]notify.Delivery(nil), p.sent...)
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type fixture struct {
	t       *testing.T
	d       *db.DB
	svc     *announce.Service
	entries *participationsql.Store
	cipher  *authn.FieldCipher
	q       *queue
	sms     *provider
	clock   *clock
	events  int
}

// at returns a time on 2026-11-23 (a Monday) at hh:mm KST.
func at(hh, mm int) time.Time { return time.Date(2026, 11, 23, hh, mm, 0, 0, kst.Location) }

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	key := func(b byte) []byte { k := make([]byte, 32); k[0] = b; return k }
	cipher, err := authn.NewFieldCipher(authn.FieldKey{ID: 1, Key: key(1)}, key(2))
	if err != nil {
		t.Fatal(err)
	}
	entries := participationsql.New(d)
	if err := entries.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	store := announcesql.New(d)
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, d: d, entries: entries, cipher: cipher, q: &queue{seen: map[string]bool{}}, sms: &provider{},
		clock: &clock{t: at(10, 0)}}
	disp, err := notify.NewDispatcher(nil, f.sms)
	if err != nil {
		t.Fatal(err)
	}
	f.svc, err = announce.NewService(announce.Deps{DB: d, Store: store, Contacts: entries.Marketing(cipher),
		Events: entries.Winners(cipher), Queue: f.q, Sender: disp.WithClock(f.clock.Now), PublicURL: "https://ae.example",
		Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// event stores an event of owner running from start to end.
func (f *fixture) event(owner string, start, end time.Time) string {
	f.t.Helper()
	f.events++
	id := fmt.Sprintf("ev-%s-%d", owner, f.events)
	err := f.d.InTx(context.Background(), func(tx *db.Tx) error {
		return f.entries.UpsertEvent(context.Background(), tx, participation.Event{ID: id, OwnerID: owner, Code: fmt.Sprint("code", f.events),
			Title: "겨울 신메뉴 이벤트", StoreName: "행복베이커리", Benefit: "케이크 증정", Description: "-",
			Method: messages.MethodLottery, StartsAt: start, EndsAt: end, Status: participation.StatusActive})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// enter stores an entry of number (digits) with or without marketing consent.
func (f *fixture) enter(eventID, digits string, marketing bool, when time.Time) {
	f.t.Helper()
	num, err := phone.Normalize(digits)
	if err != nil {
		f.t.Fatal(err)
	}
	enc, _ := f.cipher.EncryptString(num)
	name, _ := f.cipher.EncryptString("김민수")
	e := participation.NewEntry{PhoneHash: f.cipher.Hash("entry-phone:" + num), PhoneEnc: enc, NameEnc: name,
		PhoneMasked: phone.Mask(num), NameMasked: "김*수", Last4: phone.Last4(num), Marketing: marketing}
	err = f.d.InTx(context.Background(), func(tx *db.Tx) error {
		out, err := f.entries.AddEntries(context.Background(), tx, eventID, when, []participation.NewEntry{e}, func() string { return "" })
		if err == nil && out.Items[0].Err != nil {
			err = out.Items[0].Err
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// run runs the queued jobs (and those they queue) like the workers would.
func (f *fixture) run() {
	f.t.Helper()
	for jobs := f.q.take(); len(jobs) > 0; jobs = f.q.take() {
		for _, j := range jobs {
			if err := f.svc.HandleJob(context.Background(), j, 1); err != nil {
				f.t.Fatalf("job %s: %v", j, err)
			}
		}
	}
}

func (f *fixture) list(owner, eventID string) announce.Announcement {
	f.t.Helper()
	as, err := f.svc.List(context.Background(), owner, eventID)
	if err != nil || len(as) != 1 {
		f.t.Fatalf("list: %v %v", as, err)
	}
	return as[0]
}

var optOutLine = regexp.MustCompile(`\n무료수신거부 https://ae\.example/u/([a-z2-7]{10})$`)

// Past participants who agreed to advertising — and only they — get the
// message, framed as the law requires, once; the data of the past event
// itself is destroyed in between, the consent survives on the list.
func TestAnnounceReachesConsentingPastParticipants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		f.enter(past, "010-1111-0001", true, at(10, 0).AddDate(0, -1, 1))
		f.enter(past, "010-1111-0002", false, at(10, 0).AddDate(0, -1, 1)) // no consent
		f.enter(past, "010-1111-0003", true, at(10, 0).AddDate(0, -1, 2))
		f.enter(past, "010-1111-0004", true, at(10, 0).AddDate(0, -1, 2)) // enters the new event too
		other := f.event("owner-b", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, 5))
		f.enter(other, "010-1111-0005", true, at(10, 0).AddDate(0, -1, 1)) // another shop's customer
		if _, err := f.entries.Winners(f.cipher).Purge(ctx, past, nil); err != nil {
			t.Fatal(err)
		}
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		f.enter(cur, "01011110004", true, at(9, 30))

		a, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{Message: "새 케이크가 나왔어요! 이벤트에 참여해 보세요."}, "02-123-4567")
		if err != nil {
			t.Fatal(err)
		}
		if a.Recipients != 2 || a.Status != announce.StatusScheduled || !a.ScheduledAt.Equal(at(10, 0)) {
			t.Fatalf("announcement %+v: want 2 recipients scheduled now", a)
		}
		if !strings.HasPrefix(a.Preview, "(광고) 행복베이커리\n") || !strings.Contains(a.Preview, "문의 02-123-4567") {
			t.Errorf("preview %q", a.Preview)
		}
		f.run()
		sent := f.sms.deliveries()
		got := map[string]string{}
		for _, s := range sent {
			m := optOutLine.FindStringSubmatch(s.Content)
			if !s.Advertising || s.Channel == notify.ChannelAlimtalk || m == nil || !strings.HasPrefix(s.Content, "(광고) 행복베이커리\n새 케이크") {
				t.Errorf("delivery %+v: want an advertising SMS/LMS with the frame and an opt-out link", s)
			}
			got[s.To] = m[1]
		}
		if len(sent) != 2 || got["01011110001"] == "" || got["01011110003"] == "" || got["01011110001"] == got["01011110003"] {
			t.Fatalf("sent to %v, want 01011110001 and 01011110003 with their own links", got)
		}
		if c := f.list("owner-a", cur).Counts; c[announce.RecipientSent] != 2 || len(c) != 1 {
			t.Errorf("counts %v, want 2 SENT", c)
		}
		// A redelivered job sends nothing more; a second announcement of the
		// same event is refused.
		for i := 1; i <= 2; i++ {
			_ = f.svc.HandleJob(ctx, []byte(fmt.Sprintf(`{"announcementId":%q,"n":%d}`, a.ID, i)), 2)
		}
		if n := len(f.sms.deliveries()); n != 2 {
			t.Errorf("%d deliveries after redelivery, want 2", n)
		}
		if _, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{}, "02-123-4567"); !errors.Is(err, announce.ErrExists) {
			t.Errorf("second announcement: %v, want ErrExists", err)
		}
		if _, err := f.svc.Preview(ctx, "owner-a", cur, announce.Input{}, "02-123-4567"); !errors.Is(err, announce.ErrExists) {
			t.Errorf("preview of an announced event: %v, want ErrExists", err)
		}

		// The link withdraws the consent: the next event does not reach them.
		info, err := f.svc.OptOut(ctx, got["01011110001"])
		if err != nil || !info.OptedOut || info.StoreName != "행복베이커리" {
			t.Fatalf("opt out: %+v %v", info, err)
		}
		if info, err := f.svc.OptOutStatus(ctx, got["01011110001"]); err != nil || !info.OptedOut {
			t.Errorf("opt-out status %+v %v", info, err)
		}
		next := f.event("owner-a", at(9, 0).Add(time.Minute), at(10, 0).AddDate(0, 0, 14))
		b, err := f.svc.Create(ctx, "owner-a", next, announce.Input{}, "02-123-4567")
		if err != nil {
			t.Fatal(err)
		}
		if b.Recipients != 2 { // 0003 and 0004 (who entered cur, not next); not 0001
			t.Errorf("next announcement has %d recipients, want 2", b.Recipients)
		}
		if !strings.Contains(b.Body, "https://ae.example/e/") {
			t.Errorf("default body %q has no event link", b.Body)
		}
		f.run()
		for _, s := range f.sms.deliveries()[2:] {
			if s.To == "01011110001" {
				t.Errorf("opted-out customer got %q", s.Content)
			}
		}
	})
}

// Advertising is never sent 21:00–08:00 KST: made at night it waits for
// 08:00; reaching 21:00 while queued it waits for the next morning.
func TestAnnounceRespectsQuietHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		f.enter(past, "010-2222-0001", true, at(10, 0).AddDate(0, -1, 1))
		f.enter(past, "010-2222-0002", true, at(10, 0).AddDate(0, -1, 1))

		f.clock.Set(at(22, 30))
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		a, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{}, "서울 마포구 1")
		if err != nil {
			t.Fatal(err)
		}
		if want := at(8, 0).AddDate(0, 0, 1); !a.ScheduledAt.Equal(want) {
			t.Fatalf("scheduled at %s, want %s", a.ScheduledAt.In(kst.Location), want)
		}
		f.clock.Set(at(7, 59).AddDate(0, 0, 1))
		if n, err := f.svc.Dispatch(ctx); err != nil || n != 0 {
			t.Fatalf("dispatch at 07:59 queued %d (%v), want 0", n, err)
		}
		f.clock.Set(at(8, 0).AddDate(0, 0, 1))
		if n, err := f.svc.Dispatch(ctx); err != nil || n != 2 {
			t.Fatalf("dispatch at 08:00 queued %d (%v), want 2", n, err)
		}
		// The queue is slow: it is 21:00 when the workers get to it.
		f.clock.Set(at(21, 0).AddDate(0, 0, 1))
		f.run()
		if n := len(f.sms.deliveries()); n != 0 {
			t.Fatalf("%d messages sent at 21:00", n)
		}
		if c := f.list("owner-a", cur).Counts; c[announce.RecipientDeferred] != 2 {
			t.Fatalf("counts %v, want 2 DEFERRED", c)
		}
		f.clock.Set(at(23, 0).AddDate(0, 0, 1))
		if n, _ := f.svc.Dispatch(ctx); n != 0 {
			t.Fatalf("dispatch at 23:00 queued %d", n)
		}
		f.clock.Set(at(8, 1).AddDate(0, 0, 2))
		if n, err := f.svc.Dispatch(ctx); err != nil || n != 2 {
			t.Fatalf("dispatch next morning queued %d (%v), want 2", n, err)
		}
		f.run()
		if n := len(f.sms.deliveries()); n != 2 {
			t.Fatalf("%d messages next morning, want 2", n)
		}
		for _, s := range f.sms.deliveries() {
			if !strings.Contains(s.Content, "문의 서울 마포구 1") {
				t.Errorf("content %q lacks the contact", s.Content)
			}
		}
	})
}

// Bad input, another owner's event, an event no longer open, a consent
// older than two years and an unknown link each get their error, and
// nothing is stored.
func TestAnnounceRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		old := f.event("owner-a", at(10, 0).AddDate(-3, 0, 0), at(10, 0).AddDate(-3, 0, 7))
		f.enter(old, "010-3333-0001", true, at(10, 0).AddDate(-3, 0, 1)) // consent 3 years old
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		ended := f.event("owner-a", at(9, 0).AddDate(0, 0, -10), at(9, 0))

		cases := []struct {
			name, owner, event string
			in                 announce.Input
			contact            string
			kind               apperr.Kind
			code               string
		}{
			{"another owner's event", "owner-b", cur, announce.Input{}, "02-1", apperr.NotFound, "event_not_found"},
			{"unknown event", "owner-a", "nope", announce.Input{}, "02-1", apperr.NotFound, "event_not_found"},
			{"ended event", "owner-a", ended, announce.Input{}, "02-1", apperr.Unprocessable, "event_not_open"},
			{"template syntax", "owner-a", cur, announce.Input{Message: "#{name}님"}, "02-1", apperr.Invalid, "message_invalid"},
			{"too long", "owner-a", cur, announce.Input{Message: strings.Repeat("가", 501)}, "02-1", apperr.Invalid, "message_too_long"},
			{"no contact", "owner-a", cur, announce.Input{}, " ", apperr.Unprocessable, "sender_contact_required"},
			{"lapsed consent only", "owner-a", cur, announce.Input{}, "02-1", apperr.Unprocessable, "no_recipients"},
		}
		for _, tc := range cases {
			_, err := f.svc.Create(ctx, tc.owner, tc.event, tc.in, tc.contact)
			e, ok := apperr.As(err)
			if !ok || e.Kind != tc.kind || e.Code != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		if _, err := f.svc.List(ctx, "owner-b", cur); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another owner's list: %v", err)
		}
		if as, err := f.svc.List(ctx, "owner-a", cur); err != nil || len(as) != 0 {
			t.Errorf("after refusals: %v %v, want none stored", as, err)
		}
		for _, tok := range []string{"", "short", "aaaaaaaaaa", "AAAAAAAAAA", "../../etc/x"} {
			if _, err := f.svc.OptOut(ctx, tok); !errors.Is(err, announce.ErrUnknownLink) {
				t.Errorf("opt out %q: %v", tok, err)
			}
		}
		if err := f.svc.HandleJob(ctx, []byte(`{"n":1}`), 1); err == nil {
			t.Error("malformed job accepted")
		}
	})
}

// Nothing is left hanging: a recipient whose job was lost is queued again,
// one whose worker died mid-send is marked FAILED "unknown" (it may have
// gone out: never twice), an ad for an event closed in between is skipped,
// and an opt-out destroys the number.
func TestAnnounceRecovers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		for _, p := range []string{"010-4444-0001", "010-4444-0002", "010-4444-0003"} {
			f.enter(past, p, true, at(10, 0).AddDate(0, -1, 1))
		}
		cur := f.event("owner-a", at(9, 0), at(12, 0))
		a, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{}, "02-1")
		if err != nil {
			t.Fatal(err)
		}
		jobs := f.q.take()
		if len(jobs) != 3 {
			t.Fatalf("%d jobs queued, want 3", len(jobs))
		}
		// Job 1 is lost; job 2's worker claims it and dies; job 3 runs
		// after the event ended.
		store := announcesql.New(d)
		if _, ok, err := store.Claim(ctx, a.ID, 2, f.clock.Now()); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		f.clock.Set(at(12, 0))
		if err := f.svc.HandleJob(ctx, jobs[2], 1); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at(10, 40)) // (the clock only matters for staleness below)
		if n, err := f.svc.Dispatch(ctx); err != nil || n != 1 {
			t.Fatalf("dispatch after 40 min queued %d (%v), want the lost one", n, err)
		}
		f.run()
		c := f.list("owner-a", cur).Counts
		if c[announce.RecipientSent] != 1 || c[announce.RecipientFailed] != 1 || c[announce.RecipientSkipped] != 1 {
			t.Fatalf("counts %v, want 1 SENT (requeued), 1 FAILED (unknown), 1 SKIPPED (event closed)", c)
		}
		if len(f.sms.deliveries()) != 1 {
			t.Fatalf("%d deliveries, want 1", len(f.sms.deliveries()))
		}

		// Opting out destroys the stored number.
		tok := optOutLine.FindStringSubmatch(f.sms.deliveries()[0].Content)[1]
		if _, err := f.svc.OptOut(ctx, tok); err != nil {
			t.Fatal(err)
		}
		var encs []string
		rows, err := d.QueryContext(ctx, `SELECT phone_enc FROM participation_marketing_contacts WHERE opted_out_at IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e string
			rows.Scan(&e)
			encs = append(encs, e)
		}
		rows.Close()
		if len(encs) != 1 || encs[0] != "" {
			t.Errorf("opted-out rows keep %q, want one row with the number destroyed", encs)
		}
		// Two years on, the consents lapse and the list is emptied.
		f.clock.Set(at(10, 0).AddDate(2, 0, 0))
		if n, err := f.svc.PurgeLapsed(ctx); err != nil || n != 3 {
			t.Errorf("purged %d lapsed consents (%v), want 3", n, err)
		}
	})
}

// The preview shows what would go out without storing anything; text the
// sender would take for template syntax is refused wherever it comes from.
func TestAnnouncePreview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		f.enter(past, "010-8888-0001", true, at(10, 0).AddDate(0, -1, 1))
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		p, err := f.svc.Preview(ctx, "owner-a", cur, announce.Input{}, "02-1")
		if err != nil || p.Recipients != 1 || p.ID != "" || !strings.Contains(p.Preview, "무료수신거부 {수신거부 링크}") {
			t.Fatalf("preview %+v %v", p, err)
		}
		if as, _ := f.svc.List(ctx, "owner-a", cur); len(as) != 0 || len(f.q.take()) != 0 {
			t.Fatalf("preview stored or queued something: %v", as)
		}
		if _, err := f.svc.Preview(ctx, "owner-a", cur, announce.Input{}, "#{contact}"); apperr.KindOf(err) != apperr.Unprocessable {
			t.Errorf("template syntax in the contact: %v", err)
		}
		// At 22:00 an event ending at 23:00 would be over by the 08:00 send.
		late := f.event("owner-a", at(9, 0), at(23, 0))
		f.clock.Set(at(22, 0))
		if _, err := f.svc.Preview(ctx, "owner-a", late, announce.Input{}, "02-1"); !errors.Is(err, announce.ErrEventNotOpen) {
			t.Errorf("event ending before the morning: %v", err)
		}
	})
}

// After an opt-out the owner's entry lists no longer show the consent, so
// an export cannot be used to reach the customer.
func TestOptOutClearsEntryConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		live := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 3))
		f.enter(live, "010-9999-0001", true, at(9, 10))
		f.enter(live, "010-9999-0002", true, at(9, 11))
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		if _, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{}, "02-1"); err != nil {
			t.Fatal(err)
		}
		f.run()
		tok := optOutLine.FindStringSubmatch(f.sms.deliveries()[0].Content)[1]
		to := f.sms.deliveries()[0].To
		if _, err := f.svc.OptOut(ctx, tok); err != nil {
			t.Fatal(err)
		}
		consents := map[string]bool{}
		err := f.entries.EachEntry(ctx, live, func(v participation.EntryView) error {
			consents[v.Phone] = v.Marketing
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for _, c := range consents {
			if c {
				kept++
			}
		}
		if consents[phone.Mask(to)] || len(consents) != 2 || kept != 1 {
			t.Errorf("consents after opting out %s: %v", phone.Mask(to), consents)
		}
	})
}

// A running event's consents are copied a chunk of entries at a time: all
// of them, also past the first chunk.
func TestAnnounceAudienceOfLargeEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		live := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 3))
		const n = 5003 // > one copying chunk (5,000)
		entries := make([]participation.NewEntry, n)
		for i := range entries {
			num := fmt.Sprintf("0107%07d", i)
			enc, _ := f.cipher.EncryptString(num)
			entries[i] = participation.NewEntry{PhoneHash: f.cipher.Hash("entry-phone:" + num), PhoneEnc: enc, NameEnc: enc,
				PhoneMasked: phone.Mask(num), NameMasked: "김*수", Last4: phone.Last4(num), Marketing: i%2 == 0}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := f.entries.AddEntries(ctx, tx, live, at(9, 30), entries, func() string { return "" })
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		p, err := f.svc.Preview(ctx, "owner-a", cur, announce.Input{}, "02-1")
		if err != nil {
			t.Fatal(err)
		}
		if want := (n + 1) / 2; p.Recipients != want {
			t.Errorf("recipients %d, want %d (every consenting entry)", p.Recipients, want)
		}
	})
}
