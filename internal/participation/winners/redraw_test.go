package winners_test

import (
	"slices"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// TestEarlyDrawClosesEntriesFirst: drawing a lottery still in its period
// needs the owner's confirmation; with it, the draw's transaction closes the
// entries (the participation copy of the event goes ENDED) and publishes
// EntriesClosed with the DRAWN reason beside WinnerSelected.
func TestEarlyDrawClosesEntriesFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ev := lottery("ev", owner)
		ev.Status, ev.EndsAt, ev.WinnerCount = winners.EventActive, t0.Add(3*24*time.Hour), 3
		e.entries.addEvent(ev, 25, 5)

		list, err := e.svc.List(ctx, owner, "ev")
		if err != nil || !list.Event.EntriesOpen || list.Event.WinnerCount != 3 {
			t.Fatalf("list event = %+v (%v), want entriesOpen and the planned 3 winners", list.Event, err)
		}
		in := winners.DrawInput{WinnerCount: 3, VisitBonusWeight: 2}
		_, err = e.svc.Draw(ctx, owner, "ev", in)
		wantCode(t, err, apperr.Conflict, "entries_open")
		if got, _ := e.entries.Event(ctx, "ev"); got.Status != winners.EventActive || e.entries.closes != 0 ||
			len(e.outbox.events) != 0 || len(e.queue.all()) != 0 {
			t.Fatalf("an unconfirmed early draw changed something: status %s, closes %d, outbox %d, jobs %d",
				got.Status, e.entries.closes, len(e.outbox.events), len(e.queue.all()))
		}

		in.CloseEntries = true
		dr, err := e.svc.Draw(ctx, owner, "ev", in)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := e.entries.Event(ctx, "ev"); got.Status != winners.EventEnded || e.entries.closes != 1 {
			t.Fatalf("after the draw: status %s, closes %d; want ENDED, 1", got.Status, e.entries.closes)
		}
		if dr.EntryCount != 25 || len(dr.Winners) != 3 {
			t.Fatalf("draw = %d entries, %d winners", dr.EntryCount, len(dr.Winners))
		}
		var subjects []string
		for _, p := range e.outbox.events {
			subjects = append(subjects, p.Subject)
			if c, ok := p.Payload.(messages.EntriesClosed); ok && (c.EventID != "ev" || c.Reason != messages.EndDrawn) {
				t.Errorf("EntriesClosed = %+v, want event ev, reason DRAWN", c)
			}
		}
		want := []string{messages.SubjectOf[messages.EntriesClosed](), messages.SubjectOf[messages.WinnerSelected]()}
		if !slices.Equal(subjects, want) {
			t.Fatalf("published %v, want %v", subjects, want)
		}
		verify(t, e, "ev", dr.ID)
		if list, _ := e.svc.List(ctx, owner, "ev"); list.Event.EntriesOpen {
			t.Fatal("entries still reported open after the draw")
		}
	})
}

// TestRedrawReplacesOnlyTheNamedWinner: after a 3-winner draw whose winners
// were notified, replacing one draws exactly one new winner from the
// remaining entries (no earlier winner can come back), with a fresh
// commitment and a proof that recomputes; the two others keep their status
// and are never notified again.
func TestRedrawReplacesOnlyTheNamedWinner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 12, 3)
		first, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 3, VisitBonusWeight: 2, Exclusions: []int64{12}})
		if err != nil {
			t.Fatal(err)
		}
		e.runJobs(t)
		fs := e.fakeSender()
		if fs.count() != 3 {
			t.Fatalf("sent %d, want 3", fs.count())
		}
		out := first.Winners[1]
		e.clock.Add(time.Hour)
		second, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{RedrawOf: first.ID, Replace: []int64{out.EntryNumber}, Reason: "연락 불가"})
		if err != nil {
			t.Fatal(err)
		}
		if len(second.Winners) != 1 || second.WinnerCount != 1 || !slices.Equal(second.Replaces, []int64{out.EntryNumber}) {
			t.Fatalf("redraw = %d winners, count %d, replaces %v; want 1, 1, [%d]", len(second.Winners), second.WinnerCount, second.Replaces, out.EntryNumber)
		}
		nw := second.Winners[0]
		if nw.Rank != out.Rank || nw.EntryNumber == 12 || slices.ContainsFunc(first.Winners, func(w winners.Winner) bool { return w.EntryNumber == nw.EntryNumber }) {
			t.Fatalf("new winner %+v: want rank %d, not excluded entry 12, not an earlier winner", nw, out.Rank)
		}
		if second.Commitment == first.Commitment || second.VisitBonusWeight != 2 {
			t.Fatalf("redraw commitment %s (first %s), weight %v: want a fresh commitment and the first draw's weight", second.Commitment, first.Commitment, second.VisitBonusWeight)
		}
		p := verify(t, e, "ev", second.ID)
		for _, w := range first.Winners {
			if !slices.Contains(p.Exclusions, w.EntryNumber) {
				t.Fatalf("proof exclusions %v miss earlier winner %d", p.Exclusions, w.EntryNumber)
			}
		}
		if !slices.Contains(p.Exclusions, 12) || !slices.Equal(p.Replaces, []int64{out.EntryNumber}) {
			t.Fatalf("proof = %+v, want the first draw's exclusion and the replaced winner", p)
		}

		// Only the new winner is notified; the others are untouched.
		e.runJobs(t) // every job again: the first three are already done
		if fs.count() != 4 {
			t.Fatalf("sent %d messages, want 4 (3 + the new winner only)", fs.count())
		}
		list, err := e.svc.List(ctx, owner, "ev")
		if err != nil {
			t.Fatal(err)
		}
		var standing []int64
		for _, dr := range list.Draws {
			for _, w := range dr.Winners {
				switch {
				case dr.ID == first.ID && w.EntryNumber == out.EntryNumber:
					if w.ReplacedBy != second.ID {
						t.Fatalf("replaced winner %+v: want replacedBy %s", w, second.ID)
					}
				default:
					if w.ReplacedBy != "" || w.Notification == nil || w.Notification.Status != winners.NotifySent {
						t.Fatalf("winner %d of draw %s: replacedBy %q notification %+v; want standing and SENT", w.EntryNumber, dr.ID, w.ReplacedBy, w.Notification)
					}
					standing = append(standing, w.EntryNumber)
				}
			}
		}
		if len(standing) != 3 {
			t.Fatalf("standing winners %v, want 3", standing)
		}

		// A replaced winner cannot be replaced again, and only the latest
		// draw can be redrawn.
		_, err = e.svc.Draw(ctx, owner, "ev", winners.DrawInput{RedrawOf: second.ID, Replace: []int64{out.EntryNumber}, Reason: "x"})
		wantCode(t, err, apperr.Invalid, "not_current_winner")
		_, err = e.svc.Draw(ctx, owner, "ev", winners.DrawInput{RedrawOf: first.ID, Replace: []int64{first.Winners[0].EntryNumber}, Reason: "x"})
		wantCode(t, err, apperr.Conflict, "redraw_not_latest")

		// A second redraw excludes everyone drawn so far (4) and the staff
		// entry: 12 − 5 = 7 candidates for 2 places.
		e.clock.Add(time.Hour)
		third, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{RedrawOf: second.ID, Replace: []int64{first.Winners[0].EntryNumber, nw.EntryNumber}, Reason: "둘 다 연락 불가"})
		if err != nil {
			t.Fatal(err)
		}
		p3 := verify(t, e, "ev", third.ID)
		if len(p3.Exclusions) != 5 || len(third.Winners) != 2 {
			t.Fatalf("third draw: exclusions %v winners %+v; want 5 excluded, 2 winners", p3.Exclusions, third.Winners)
		}
		if ranks := []int{third.Winners[0].Rank, third.Winners[1].Rank}; !slices.Equal(ranks, []int{first.Winners[0].Rank, nw.Rank}) {
			t.Fatalf("third draw ranks %v, want the replaced ranks %d, %d", ranks, first.Winners[0].Rank, nw.Rank)
		}
	})
}
