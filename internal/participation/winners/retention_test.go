package winners_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

func TestRetentionPurgesTheRightEntries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := lottery("ev", owner)
		ev.Status = winners.EventActive
		e.entries.addEvent(ev, 40, 4)
		if err := e.svc.TouchEvent(ctx, "ev", messages.MethodLottery); err != nil {
			t.Fatal(err)
		}
		// Still ACTIVE: nothing is destroyed yet.
		if rep, err := e.svc.RunRetention(ctx); err != nil || rep.Purged != 0 || len(e.entries.purges) != 0 {
			t.Fatalf("active event: report %+v err %v purges %v, want nothing", rep, err, e.entries.purges)
		}
		// The draw closes the entries (the event ends).
		dr, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 3, VisitBonusWeight: 2})
		if err != nil {
			t.Fatal(err)
		}
		var won []int64
		for _, w := range dr.Winners {
			won = append(won, w.EntryNumber)
		}

		// ENDED and drawn: everyone is kept for the redraw period (a
		// winner may have to be replaced), then the non-winners go.
		if rep, err := e.svc.RunRetention(ctx); err != nil || rep.Purged != 0 || !e.entries.hasContact("ev", 1) {
			t.Fatalf("within the redraw period: report %+v err %v, want nothing purged", rep, err)
		}
		e.clock.Add(7*24*time.Hour + time.Minute)
		if _, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{RedrawOf: dr.ID, Replace: won[:1], Reason: "연락 안 됨"}); !errors.Is(err, winners.ErrRedrawPeriodOver) {
			t.Fatalf("redraw after the period: %v, want redraw_period_over", err)
		}
		rep, err := e.svc.RunRetention(ctx)
		if err != nil || rep.Purged != 37 || rep.Done != 0 {
			t.Fatalf("after the end: report %+v err %v, want 37 purged and not done", rep, err)
		}
		for n := int64(1); n <= 40; n++ {
			if got, want := e.entries.hasContact("ev", n), slices.Contains(won, n); got != want {
				t.Fatalf("entry %d has contact %v, want %v (winners %v)", n, got, want, won)
			}
		}

		// A delivered prize releases that winner's data on the next run.
		if _, err := e.svc.MarkPrizeDelivered(ctx, owner, "ev", dr.ID, won[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RunRetention(ctx); err != nil {
			t.Fatal(err)
		}
		last := e.entries.purges[len(e.entries.purges)-1]
		if slices.Contains(last.Keep, won[0]) || len(last.Keep) != 2 || e.entries.hasContact("ev", won[0]) {
			t.Fatalf("after delivery keep = %v, want the two undelivered winners only", last.Keep)
		}
		pub, _ := e.svc.PublicList(ctx, "ev")
		for _, w := range pub.Draws[0].Winners {
			if (w.EntryNumber == won[0]) != (w.Name == "" && w.Phone == "") {
				t.Fatalf("public winner %+v: masked data should be gone exactly for the delivered winner %d", w, won[0])
			}
		}

		// The winner period passes: everything goes, and the job stops.
		e.clock.Add(31 * 24 * time.Hour)
		rep, err = e.svc.RunRetention(ctx)
		if err != nil || rep.Done != 1 || e.entries.hasContact("ev", won[1]) || e.entries.hasContact("ev", won[2]) {
			t.Fatalf("after the period: report %+v err %v", rep, err)
		}
		if rep, _ := e.svc.RunRetention(ctx); rep.Events != 0 {
			t.Fatalf("a finished event was looked at again: %+v", rep)
		}
	})
}

func TestRetentionFirstComeCancelledAndUndrawn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fc := lottery("fc", owner)
		fc.Method = messages.MethodFirstCome
		cx := lottery("cx", owner)
		cx.Status = winners.EventCancelled
		un := lottery("un", owner)
		for _, ev := range []winners.EventInfo{fc, cx, un} {
			e.entries.addEvent(ev, 5, 0)
			if err := e.svc.TouchEvent(ctx, ev.EventID, ev.Method); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.RunRetention(ctx); err != nil {
			t.Fatal(err)
		}
		if e.entries.hasContact("cx", 1) || !e.entries.hasContact("fc", 1) || !e.entries.hasContact("un", 1) {
			t.Fatal("at the end: want the cancelled event purged, first-come (redemption window) and undrawn lottery kept")
		}
		e.clock.Add(31 * 24 * time.Hour)
		rep, err := e.svc.RunRetention(ctx)
		if err != nil || e.entries.hasContact("fc", 1) || e.entries.hasContact("un", 1) || rep.Done != 2 {
			t.Fatalf("after 31 days: report %+v err %v; want both purged", rep, err)
		}
	})
}
