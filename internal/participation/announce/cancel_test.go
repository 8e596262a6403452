package announce_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// The owner's own words keep the participation link: customers who get the
// message can still reach the event. A text that has the link already is
// left as it is.
func TestCustomAnnouncementKeepsLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		f.enter(past, "010-5555-0001", true, at(10, 0).AddDate(0, -1, 1))
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		link := "https://ae.example/e/code2"

		a, err := f.svc.Preview(ctx, "owner-a", cur, announce.Input{Message: "딸기 케이크가 나왔어요!"}, "02-1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.Body, "딸기 케이크가 나왔어요!\n참여하기: "+link) || !strings.Contains(a.Preview, link) {
			t.Errorf("custom text without the link: body %q preview %q", a.Body, a.Preview)
		}
		a, err = f.svc.Preview(ctx, "owner-a", cur, announce.Input{Message: "여기서 참여하세요 " + link}, "02-1")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(a.Preview, link) != 1 {
			t.Errorf("a text with the link got it twice: %q", a.Preview)
		}
	})
}

// A night-time announcement waits for 08:00 and, until then, the owner can
// cancel it: nothing is sent, it leaves the list, and the event can be
// announced again. Once sending has begun it stays; another owner cannot
// cancel it.
func TestCancelScheduledAnnouncement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		f.enter(past, "010-6666-0001", true, at(10, 0).AddDate(0, -1, 1))
		f.enter(past, "010-6666-0002", true, at(10, 0).AddDate(0, -1, 1))
		f.clock.Set(at(22, 30))
		cur := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		a, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{}, "02-1")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.list("owner-a", cur); got.Status != announce.StatusScheduled {
			t.Fatalf("listed as %q before 08:00, want SCHEDULED", got.Status)
		}
		if err := f.svc.Cancel(ctx, "owner-b", cur, a.ID); !errors.Is(err, announce.ErrEventNotFound) {
			t.Errorf("another owner's cancel: %v, want event not found", err)
		}
		if err := f.svc.Cancel(ctx, "owner-a", cur, a.ID); err != nil {
			t.Fatalf("cancel: %v", err)
		}
		if as, err := f.svc.List(ctx, "owner-a", cur); err != nil || len(as) != 0 {
			t.Errorf("after cancelling the list holds %v (%v), want nothing", as, err)
		}
		// 08:00 comes: nothing goes out.
		f.clock.Set(at(8, 0).AddDate(0, 0, 1))
		if _, err := f.svc.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		f.run()
		if n := len(f.sms.deliveries()); n != 0 {
			t.Fatalf("%d messages of a cancelled announcement went out", n)
		}
		if err := f.svc.Cancel(ctx, "owner-a", cur, a.ID); !errors.Is(err, announce.ErrNotFound) {
			t.Errorf("cancelling twice: %v, want not found", err)
		}

		// Announced again in the day: sent at once, and no longer cancellable.
		b, err := f.svc.Create(ctx, "owner-a", cur, announce.Input{}, "02-1")
		if err != nil {
			t.Fatalf("announcing again after a cancel: %v", err)
		}
		if err := f.svc.Cancel(ctx, "owner-a", cur, b.ID); !errors.Is(err, announce.ErrNotScheduled) {
			t.Errorf("cancelling a sending announcement: %v, want ErrNotScheduled", err)
		}
		f.run()
		if n := len(f.sms.deliveries()); n != 2 {
			t.Errorf("%d messages sent, want 2", n)
		}
	})
}
