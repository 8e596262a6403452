package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// The store's behaviour on both databases. The service and winners tests
// exercise it through the service; these pin the storage rules themselves.

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

var couponSeq atomic.Int64 // coupon codes are unique across events

type fixture struct {
	d      *db.DB
	s      *sqlstore.Store
	cipher *authn.FieldCipher
}

func setup(t *testing.T, d *db.DB) fixture {
	t.Helper()
	s := sqlstore.New(d)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	c, err := authn.NewFieldCipher(authn.FieldKey{ID: 1, Key: bytes.Repeat([]byte{1}, 32)}, bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{d: d, s: s, cipher: c}
}

func event(id string, method messages.Method, coupons int) participation.Event {
	return participation.Event{ID: id, OwnerID: "owner-1", StoreID: "store-1", Code: "code-" + id, Title: "봄맞이 " + id,
		StoreName: "동네 빵집", Benefit: "크루아상 1개", Description: "설명", Method: method, CouponCount: coupons, WinnerCount: 3,
		StartsAt: t0.Add(-time.Hour), EndsAt: t0.Add(24 * time.Hour), Status: participation.StatusActive}
}

func (f fixture) upsert(t *testing.T, e participation.Event) {
	t.Helper()
	if err := f.d.InTx(context.Background(), func(tx *db.Tx) error { return f.s.UpsertEvent(context.Background(), tx, e) }); err != nil {
		t.Fatalf("UpsertEvent: %v", err)
	}
}

// entry makes a new entry for phone number n with real ciphertexts.
func (f fixture) entry(t *testing.T, n int, visit, marketing bool) participation.NewEntry {
	t.Helper()
	phone := fmt.Sprintf("0101234%04d", n)
	pe, err := f.cipher.EncryptString(phone)
	if err != nil {
		t.Fatal(err)
	}
	ne, err := f.cipher.EncryptString(fmt.Sprintf("김민수%d", n))
	if err != nil {
		t.Fatal(err)
	}
	return participation.NewEntry{PhoneHash: f.cipher.Hash(phone), PhoneEnc: pe, NameEnc: ne,
		PhoneMasked: "010-****-" + phone[7:], NameMasked: "김*수", Last4: phone[7:], StoreVisit: visit, Marketing: marketing, Channel: "qr"}
}

func (f fixture) add(t *testing.T, eventID string, now time.Time, entries ...participation.NewEntry) participation.BatchOutcome {
	t.Helper()
	var out participation.BatchOutcome
	err := f.d.InTx(context.Background(), func(tx *db.Tx) (err error) {
		out, err = f.s.AddEntries(context.Background(), tx, eventID, now, entries, func() string {
			return fmt.Sprintf("C%s-%03d", eventID, couponSeq.Add(1))
		})
		return err
	})
	if err != nil {
		t.Fatalf("AddEntries: %v", err)
	}
	return out
}

func TestEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if _, err := f.s.EventByID(ctx, "nope"); !errors.Is(err, participation.ErrEventNotFound) {
			t.Errorf("EventByID(unknown) err = %v, want ErrEventNotFound", err)
		}
		if _, err := f.s.EventByCode(ctx, "nope"); !errors.Is(err, participation.ErrEventNotFound) {
			t.Errorf("EventByCode(unknown) err = %v, want ErrEventNotFound", err)
		}
		want := event("e1", messages.MethodFirstCome, 5)
		f.upsert(t, want)
		f.add(t, "e1", t0, f.entry(t, 1, true, false))
		for _, get := range []func() (participation.Event, error){
			func() (participation.Event, error) { return f.s.EventByID(ctx, "e1") },
			func() (participation.Event, error) { return f.s.EventByCode(ctx, "code-e1") },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != want.Title || got.Method != want.Method || got.CouponCount != 5 || got.WinnerCount != 3 ||
				!got.StartsAt.Equal(want.StartsAt) || !got.EndsAt.Equal(want.EndsAt) || got.Status != participation.StatusActive ||
				got.OwnerID != "owner-1" || got.StoreID != "store-1" || got.Entries != 1 || got.StoreVisits != 1 || got.CouponsIssued != 1 {
				t.Errorf("event = %+v, want %+v with 1 entry, 1 visit, 1 coupon", got, want)
			}
		}

		// A re-approval updates the details but keeps the code (printed
		// posters), the method, the stock and the counters.
		again := want
		again.Title, again.Code, again.Method, again.CouponCount, again.EndsAt = "새 제목", "other-code", messages.MethodLottery, 99, t0.Add(48*time.Hour)
		f.upsert(t, again)
		got, err := f.s.EventByID(ctx, "e1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "새 제목" || !got.EndsAt.Equal(again.EndsAt) || got.Code != "code-e1" || got.Method != messages.MethodFirstCome ||
			got.CouponCount != 5 || got.Entries != 1 || got.CouponsIssued != 1 {
			t.Errorf("after re-approval = %+v; want new title and end, same code, method, stock and counters", got)
		}
		if _, err := f.s.EventByCode(ctx, "other-code"); !errors.Is(err, participation.ErrEventNotFound) {
			t.Errorf("the new code was stored: err = %v", err)
		}

		if err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := f.s.SetStatus(ctx, tx, "e1", participation.StatusEnded); err != nil {
				return err
			}
			return f.s.SetStatus(ctx, tx, "unknown", participation.StatusEnded) // ignored
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.EventByID(ctx, "e1"); got.Status != participation.StatusEnded {
			t.Errorf("status = %s, want ENDED", got.Status)
		}
	})
}

func TestAddEntriesNumbersAndRepeats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.upsert(t, event("e1", messages.MethodLottery, 0))
		f.upsert(t, event("e2", messages.MethodLottery, 0))

		a, b, c := f.entry(t, 1, true, true), f.entry(t, 2, false, false), f.entry(t, 3, false, true)
		out := f.add(t, "e1", t0, a, b, a) // a twice in one batch
		if got := []int64{out.Items[0].Entry.EntryNumber, out.Items[1].Entry.EntryNumber, out.Items[2].Entry.EntryNumber}; !slices.Equal(got, []int64{1, 2, 1}) {
			t.Errorf("entry numbers = %v, want [1 2 1]", got)
		}
		if out.Items[0].Entry.Repeat || out.Items[1].Entry.Repeat || !out.Items[2].Entry.Repeat {
			t.Errorf("repeat flags = %v %v %v, want only the second a", out.Items[0].Entry.Repeat, out.Items[1].Entry.Repeat, out.Items[2].Entry.Repeat)
		}
		if out.Event.Entries != 2 || out.Event.StoreVisits != 1 {
			t.Errorf("counters = %d entries, %d visits; want 2, 1", out.Event.Entries, out.Event.StoreVisits)
		}
		if !out.Items[0].Entry.CreatedAt.Equal(t0) {
			t.Errorf("CreatedAt = %v, want %v", out.Items[0].Entry.CreatedAt, t0)
		}

		// A later batch: b again is a repeat with its original number; c
		// is new and numbered after the others.
		out = f.add(t, "e1", t0.Add(time.Minute), b, c)
		if e := out.Items[0].Entry; !e.Repeat || e.EntryNumber != 2 || !e.CreatedAt.Equal(t0) {
			t.Errorf("repeat = %+v, want the original entry 2 from %v", e, t0)
		}
		if e := out.Items[1].Entry; e.Repeat || e.EntryNumber != 3 || !e.Marketing {
			t.Errorf("new entry = %+v, want number 3 with marketing consent", e)
		}

		// One entry per phone per event: the same number enters another
		// event as number 1.
		if out := f.add(t, "e2", t0, a); out.Items[0].Entry.EntryNumber != 1 || out.Items[0].Entry.Repeat {
			t.Errorf("entry in another event = %+v, want number 1, not a repeat", out.Items[0].Entry)
		}

		got, err := f.s.EntryByPhone(ctx, "e1", a.PhoneHash)
		if err != nil || got.EntryNumber != 1 || !got.StoreVisit || !got.Marketing {
			t.Errorf("EntryByPhone = %+v, %v; want entry 1 with visit and consent", got, err)
		}
		if _, err := f.s.EntryByPhone(ctx, "e1", "unknown-hash"); !errors.Is(err, participation.ErrEntryNotFound) {
			t.Errorf("EntryByPhone(unknown) err = %v, want ErrEntryNotFound", err)
		}
	})
}

func TestAddEntriesRefusedWhenNotOpen(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*participation.Event)
		now  time.Time
		want error
	}{
		{"not started", func(e *participation.Event) {}, t0.Add(-2 * time.Hour), participation.ErrEventNotStarted},
		{"period over", func(e *participation.Event) {}, t0.Add(25 * time.Hour), participation.ErrEventEnded},
		{"ended by the owner", func(e *participation.Event) { e.Status = participation.StatusEnded }, t0, participation.ErrEventNotActive},
		{"cancelled", func(e *participation.Event) { e.Status = participation.StatusCancelled }, t0, participation.ErrEventNotActive},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		for i, tt := range tests {
			id := fmt.Sprint("closed", i)
			e := event(id, messages.MethodLottery, 0)
			tt.mod(&e)
			f.upsert(t, e)
			out := f.add(t, id, tt.now, f.entry(t, 1, false, false))
			if !errors.Is(out.Items[0].Err, tt.want) {
				t.Errorf("%s: entry err = %v, want %v", tt.name, out.Items[0].Err, tt.want)
			}
			if got, _ := f.s.EventByID(context.Background(), id); got.Entries != 0 {
				t.Errorf("%s: %d entries stored, want 0", tt.name, got.Entries)
			}
		}
		if err := f.d.InTx(context.Background(), func(tx *db.Tx) error {
			_, err := f.s.AddEntries(context.Background(), tx, "unknown", t0, []participation.NewEntry{f.entry(t, 1, false, false)}, nil)
			return err
		}); !errors.Is(err, participation.ErrEventNotFound) {
			t.Errorf("AddEntries(unknown event) err = %v, want ErrEventNotFound", err)
		}
	})
}

// First come: exactly the stock gets coupons, the batch that issues the
// last one says so once, later entries are refused as sold out.
func TestFirstComeCouponsSellOutExactly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.upsert(t, event("fc", messages.MethodFirstCome, 3))
		out := f.add(t, "fc", t0, f.entry(t, 1, false, false), f.entry(t, 2, false, false))
		if out.SoldOutNow || out.Items[0].Entry.CouponCode == "" || out.Items[1].Entry.CouponCode == "" {
			t.Fatalf("first batch = %+v, want two coupons and not sold out", out)
		}
		out = f.add(t, "fc", t0, f.entry(t, 3, false, false), f.entry(t, 4, false, false), f.entry(t, 1, false, false))
		if !out.SoldOutNow || out.Items[0].Entry.CouponCode == "" || !errors.Is(out.Items[1].Err, participation.ErrSoldOut) {
			t.Errorf("second batch = %+v, want the last coupon, then sold out", out)
		}
		if r := out.Items[2]; r.Err != nil || !r.Entry.Repeat || r.Entry.CouponCode == "" {
			t.Errorf("repeat of a coupon holder = %+v, want the original entry with its coupon", r)
		}
		out = f.add(t, "fc", t0, f.entry(t, 5, false, false))
		if out.SoldOutNow || !errors.Is(out.Items[0].Err, participation.ErrSoldOut) {
			t.Errorf("after sell-out = %+v, want ErrSoldOut and no second sold-out signal", out)
		}
		ev, err := f.s.EventByID(ctx, "fc")
		if err != nil || ev.CouponsIssued != 3 || ev.Entries != 3 || !ev.SoldOut {
			t.Errorf("event = %+v, %v; want 3 coupons, 3 entries, sold out", ev, err)
		}
		holders, err := f.s.Winners(f.cipher).CouponHolders(ctx, "fc")
		if err != nil || len(holders) != 3 {
			t.Errorf("CouponHolders = %+v, %v; want 3", holders, err)
		}
	})
}

// Concurrent batches of one event (several committers or processes) never
// hand out a number twice or more coupons than the stock.
func TestConcurrentBatchesShareTheCounters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.upsert(t, event("hot", messages.MethodFirstCome, 25))
		const workers, perBatch = 4, 10
		entries := make([]participation.NewEntry, workers*perBatch)
		for i := range entries {
			entries[i] = f.entry(t, i, false, false)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var coupons []string
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				err := d.InTx(ctx, func(tx *db.Tx) error {
					out, err := f.s.AddEntries(ctx, tx, "hot", t0, entries[w*perBatch:(w+1)*perBatch], func() string {
						return fmt.Sprintf("W%d-%d", w, time.Now().UnixNano())
					})
					if err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					for _, it := range out.Items {
						if it.Err == nil {
							coupons = append(coupons, it.Entry.CouponCode)
						}
					}
					return nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(coupons) != 25 {
			t.Errorf("%d coupons issued, want the stock of 25", len(coupons))
		}
		var numbers []int64
		if err := f.s.EachEntry(ctx, "hot", func(v participation.EntryView) error {
			numbers = append(numbers, v.EntryNumber)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for i, n := range numbers {
			if n != int64(i+1) {
				t.Fatalf("entry numbers = %v, want 1…%d without gaps or repeats", numbers, len(numbers))
			}
		}
		if len(numbers) != 25 {
			t.Errorf("%d entries stored, want 25", len(numbers))
		}
	})
}

func TestListingAndExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.upsert(t, event("e1", messages.MethodLottery, 0))
		var all []participation.NewEntry
		for i := range 7 {
			all = append(all, f.entry(t, i, i%2 == 0, i == 3))
		}
		f.add(t, "e1", t0, all...)

		page, err := f.s.ListEntries(ctx, "e1", participation.EntryFilter{Page: 2, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, v := range page.Items {
			got = append(got, v.EntryNumber)
		}
		if page.Total != 7 || !slices.Equal(got, []int64{4, 3, 2}) {
			t.Errorf("page 2 of 3 = %v of %d, want [4 3 2] of 7 (newest first)", got, page.Total)
		}
		if v := page.Items[0]; v.Name != "김*수" || v.Phone != "010-****-0003" || !v.Marketing || v.StoreVisit || v.Purged {
			t.Errorf("entry 4 view = %+v, want masked name and phone, consent, no visit", v)
		}
		if v := page.Items[1]; v.Phone != "010-****-0002" || v.Marketing || !v.StoreVisit {
			t.Errorf("entry 3 view = %+v, want a store visit without consent", v)
		}
		page, err = f.s.ListEntries(ctx, "e1", participation.EntryFilter{Last4: "0005", Page: 1, Size: 10})
		if err != nil || page.Total != 1 || len(page.Items) != 1 || page.Items[0].EntryNumber != 6 {
			t.Errorf("search by last 4 = %+v, %v; want entry 6 only", page, err)
		}
		page, err = f.s.ListEntries(ctx, "other", participation.EntryFilter{Page: 1, Size: 10})
		if err != nil || page.Total != 0 || page.Items == nil || len(page.Items) != 0 {
			t.Errorf("list of an event without entries = %+v, %v; want an empty, non-nil page", page, err)
		}

		var order []int64
		if err := f.s.EachEntry(ctx, "e1", func(v participation.EntryView) error { order = append(order, v.EntryNumber); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(order, []int64{1, 2, 3, 4, 5, 6, 7}) {
			t.Errorf("EachEntry order = %v, want 1…7", order)
		}
		stop := errors.New("stop")
		if err := f.s.EachEntry(ctx, "e1", func(participation.EntryView) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("EachEntry passes on the callback's error: got %v", err)
		}
		var phones []string
		if err := f.s.EachSealedContact(ctx, "e1", func(n int64, nameEnc, phoneEnc string) error {
			p, err := f.cipher.DecryptString(phoneEnc)
			phones = append(phones, p)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(phones) != 7 || phones[0] != "01012340000" || phones[6] != "01012340006" {
			t.Errorf("sealed contacts decrypt to %v, want the 7 numbers in entry order", phones)
		}
	})
}

func TestRedeemOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.upsert(t, event("fc", messages.MethodFirstCome, 2))
		out := f.add(t, "fc", t0, f.entry(t, 1, false, false))
		code := out.Items[0].Entry.CouponCode
		redeem := func(code string) (participation.Redemption, error) {
			var r participation.Redemption
			err := d.InTx(ctx, func(tx *db.Tx) (err error) {
				r, err = f.s.Redeem(ctx, tx, "fc", code, t0.Add(time.Hour))
				return err
			})
			return r, err
		}
		// Two at once: exactly one wins.
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i := range results {
			wg.Go(func() { _, results[i] = redeem(code) })
		}
		wg.Wait()
		ok, used := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, participation.ErrCouponUsed):
				used++
			default:
				t.Errorf("Redeem err = %v", err)
			}
		}
		if ok != 1 || used != 1 {
			t.Errorf("concurrent redemptions: %d ok, %d already used; want 1 and 1", ok, used)
		}
		if _, err := redeem("no-such-code"); !errors.Is(err, participation.ErrCouponNotFound) {
			t.Errorf("Redeem(unknown) err = %v, want ErrCouponNotFound", err)
		}
		e, err := f.s.CouponByCode(ctx, "fc", code)
		if err != nil || !e.Redeemed || e.EntryNumber != 1 {
			t.Errorf("CouponByCode = %+v, %v; want entry 1 redeemed", e, err)
		}
		if _, err := f.s.CouponByCode(ctx, "fc", "no-such-code"); !errors.Is(err, participation.ErrCouponNotFound) {
			t.Errorf("CouponByCode(unknown) err = %v, want ErrCouponNotFound", err)
		}
		if ev, _ := f.s.EventByID(ctx, "fc"); ev.CouponsRedeemed != 1 {
			t.Errorf("coupons redeemed = %d, want 1", ev.CouponsRedeemed)
		}
		var view participation.EntryView
		_ = f.s.EachEntry(ctx, "fc", func(v participation.EntryView) error { view = v; return nil })
		if view.CouponRedeemedAt == nil || !view.CouponRedeemedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("CouponRedeemedAt = %v, want %v", view.CouponRedeemedAt, t0.Add(time.Hour))
		}
	})
}

func TestWinnerEntriesAndPurge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		w := f.s.Winners(f.cipher)
		f.upsert(t, event("lot", messages.MethodLottery, 0))
		f.add(t, "lot", t0, f.entry(t, 1, true, false), f.entry(t, 2, false, true), f.entry(t, 3, false, false))

		info, err := w.Event(ctx, "lot")
		if err != nil || info.EventID != "lot" || info.OwnerID != "owner-1" || info.Method != messages.MethodLottery || info.Code != "code-lot" {
			t.Errorf("Event = %+v, %v", info, err)
		}
		entrants, err := w.DrawEntries(ctx, "lot")
		if err != nil || len(entrants) != 3 || entrants[0].EntryNumber != 1 || !entrants[0].StoreVisit || entrants[1].StoreVisit {
			t.Errorf("DrawEntries = %+v, %v; want 3 in order, the first a store visit", entrants, err)
		}
		c, err := w.Contact(ctx, "lot", 2)
		if err != nil || c.Name != "김민수2" || c.Phone != "01012340002" {
			t.Errorf("Contact(2) = %+v, %v; want the decrypted name and number", c, err)
		}
		if _, err := w.Contact(ctx, "lot", 9); !errors.Is(err, participation.ErrEntryNotFound) {
			t.Errorf("Contact(unknown) err = %v, want ErrEntryNotFound", err)
		}

		n, err := w.Purge(ctx, "lot", []int64{1})
		if err != nil || n != 2 {
			t.Fatalf("Purge keeping 1 = %d, %v; want 2 purged", n, err)
		}
		if _, err := w.Contact(ctx, "lot", 2); !errors.Is(err, sqlstore.ErrPurged) {
			t.Errorf("Contact of a purged entry err = %v, want ErrPurged", err)
		}
		if c, err := w.Contact(ctx, "lot", 1); err != nil || c.Phone != "01012340001" {
			t.Errorf("kept winner's contact = %+v, %v", c, err)
		}
		if n, err := w.Purge(ctx, "lot", nil); err != nil || n != 1 {
			t.Errorf("second Purge = %d, %v; want only the kept entry left to purge", n, err)
		}
		// Numbers and flags stay; names, numbers, their masked copies and
		// the phone hash (which could link the entry to a person) go.
		entrants, _ = w.DrawEntries(ctx, "lot")
		if len(entrants) != 3 || !entrants[0].StoreVisit {
			t.Errorf("after purge DrawEntries = %+v, want the 3 entries and their flags", entrants)
		}
		var views []participation.EntryView
		_ = f.s.EachEntry(ctx, "lot", func(v participation.EntryView) error { views = append(views, v); return nil })
		for _, v := range views {
			if !v.Purged || v.Phone != "" || v.Name != "" {
				t.Errorf("purged view = %+v, want no name or number", v)
			}
		}
		if _, err := f.s.EntryByPhone(ctx, "lot", f.entry(t, 2, false, false).PhoneHash); !errors.Is(err, participation.ErrEntryNotFound) {
			t.Errorf("purged entry still found by its phone hash: err = %v", err)
		}
		// The consent of entry 2 moved to the shop's marketing list before
		// its number was destroyed.
		m := f.s.Marketing(f.cipher)
		if c, err := m.Contact(ctx, "owner-1", f.entry(t, 2, false, false).PhoneHash); err != nil || c.Phone != "01012340002" {
			t.Errorf("marketing contact after purge = %+v, %v; want the number kept for advertising", c, err)
		}
	})
}

func TestCoupons(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		w := f.s.Winners(f.cipher)
		f.upsert(t, event("fc", messages.MethodFirstCome, 1))
		out := f.add(t, "fc", t0, f.entry(t, 1, false, false), f.entry(t, 2, false, false))
		code, err := w.CouponOf(ctx, "fc", 1)
		if err != nil || code != out.Items[0].Entry.CouponCode {
			t.Errorf("CouponOf(1) = %q, %v; want %q", code, err, out.Items[0].Entry.CouponCode)
		}
		if _, err := w.CouponOf(ctx, "fc", 5); !errors.Is(err, participation.ErrEntryNotFound) {
			t.Errorf("CouponOf(unknown entry) err = %v, want ErrEntryNotFound", err)
		}
		f.upsert(t, event("lot", messages.MethodLottery, 0))
		f.add(t, "lot", t0, f.entry(t, 1, false, false))
		if _, err := w.CouponOf(ctx, "lot", 1); !errors.Is(err, participation.ErrCouponNotFound) {
			t.Errorf("CouponOf(entry without coupon) err = %v, want ErrCouponNotFound", err)
		}
		if h, err := w.CouponHolders(ctx, "lot"); err != nil || h == nil || len(h) != 0 {
			t.Errorf("CouponHolders(lottery) = %v, %v; want empty", h, err)
		}
	})
}

func TestMarketingList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		m := f.s.Marketing(f.cipher)
		f.upsert(t, event("old", messages.MethodLottery, 0))
		f.upsert(t, event("new", messages.MethodLottery, 0))
		other := event("elsewhere", messages.MethodLottery, 0)
		other.OwnerID = "owner-2"
		f.upsert(t, other)
		a, b, c := f.entry(t, 1, false, true), f.entry(t, 2, false, false), f.entry(t, 3, false, true)
		f.add(t, "old", t0, a, b, c)
		f.add(t, "new", t0.Add(time.Hour), f.entry(t, 3, false, true))
		f.add(t, "elsewhere", t0, f.entry(t, 4, false, true))

		// Consenting customers of the owner's events, except those who
		// already entered the event being announced.
		got, err := m.Audience(ctx, "owner-1", "new", t0.Add(-time.Hour))
		if err != nil || !slices.Equal(got, []string{a.PhoneHash}) {
			t.Errorf("Audience except 'new' = %v, %v; want only a (b gave no consent, c entered 'new', owner-2's are not ours)", got, err)
		}
		got, err = m.Audience(ctx, "owner-1", "", t0.Add(30*time.Minute))
		if err != nil || !slices.Equal(got, []string{c.PhoneHash}) {
			t.Errorf("Audience since t0+30m = %v, %v; want c (its newest consent is later)", got, err)
		}
		ct, err := m.Contact(ctx, "owner-1", a.PhoneHash)
		if err != nil || ct.Phone != "01012340001" || ct.OptedOut || !ct.ConsentedAt.Equal(t0) {
			t.Errorf("Contact(a) = %+v, %v", ct, err)
		}
		if _, err := m.Contact(ctx, "owner-2", a.PhoneHash); !errors.Is(err, sqlstore.ErrNotOnList) {
			t.Errorf("Contact on another owner's list err = %v, want ErrNotOnList", err)
		}

		if err := m.OptOut(ctx, "owner-1", a.PhoneHash, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := m.OptOut(ctx, "owner-1", a.PhoneHash, t0.Add(3*time.Hour)); err != nil {
			t.Errorf("second OptOut = %v, want nil (idempotent)", err)
		}
		if err := m.OptOut(ctx, "owner-1", "not-on-list", t0); !errors.Is(err, sqlstore.ErrNotOnList) {
			t.Errorf("OptOut(unknown) err = %v, want ErrNotOnList", err)
		}
		ct, err = m.Contact(ctx, "owner-1", a.PhoneHash)
		if err != nil || !ct.OptedOut || ct.Phone != "" {
			t.Errorf("after opt-out Contact = %+v, %v; want opted out, number destroyed", ct, err)
		}
		if e, _ := f.s.EntryByPhone(ctx, "old", a.PhoneHash); e.Marketing {
			t.Error("the entry still shows the withdrawn consent")
		}
		// The old entry's consent cannot put the number back.
		if got, _ := m.Audience(ctx, "owner-1", "", t0.Add(-time.Hour)); slices.Contains(got, a.PhoneHash) {
			t.Errorf("Audience after opt-out = %v, still has a", got)
		}

		n, err := m.PurgeLapsed(ctx, t0.Add(30*time.Minute))
		if err != nil || n != 1 {
			t.Errorf("PurgeLapsed = %d, %v; want 1 (a's consent, older than the cut; c's is newer)", n, err)
		}
		if _, err := m.Contact(ctx, "owner-1", c.PhoneHash); err != nil {
			t.Errorf("recent consent purged: %v", err)
		}
	})
}
