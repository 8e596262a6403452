package winners_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

var ctx = context.Background()

func wantCode(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("err = %v, want kind %d code %q", err, kind, code)
	}
}

// verify recomputes a draw from what the public endpoints publish.
func verify(t *testing.T, e *env, eventID, drawID string) draw.Proof {
	t.Helper()
	p, err := e.svc.Proof(ctx, eventID, drawID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.svc.WriteEntryList(ctx, eventID, drawID, &buf, nil); err != nil {
		t.Fatal(err)
	}
	list, err := draw.ReadEntryList(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := draw.Verify(p, list); err != nil {
		t.Fatalf("Verify(published proof, published list) = %v", err)
	}
	return p
}

func TestOwnerIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev1", owner), 20, 0)
		in := winners.DrawInput{WinnerCount: 2, VisitBonusWeight: 2}

		_, _, err := e.svc.Commit(ctx, otherOwner, "ev1")
		wantCode(t, err, apperr.NotFound, "event_not_found")
		_, err = e.svc.Draw(ctx, otherOwner, "ev1", in)
		wantCode(t, err, apperr.NotFound, "event_not_found")
		_, err = e.svc.List(ctx, otherOwner, "ev1")
		wantCode(t, err, apperr.NotFound, "event_not_found")

		dr, err := e.svc.Draw(ctx, owner, "ev1", in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.MarkPrizeDelivered(ctx, otherOwner, "ev1", dr.ID, dr.Winners[0].EntryNumber)
		wantCode(t, err, apperr.NotFound, "event_not_found")
		_, err = e.svc.Get(ctx, otherOwner, "ev1", dr.ID)
		wantCode(t, err, apperr.NotFound, "event_not_found")
		if got := len(e.queue.all()); got != 2 {
			t.Fatalf("jobs = %d, want 2 (the other owner's attempts changed nothing)", got)
		}
	})
}

func TestDrawRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		base := lottery("ev", owner)
		fc := base
		fc.EventID, fc.Method = "fc", messages.MethodFirstCome
		cancelled := base
		cancelled.EventID, cancelled.Status = "cx", winners.EventCancelled
		early := base
		early.EventID, early.Status, early.StartsAt = "early", winners.EventActive, t0.Add(time.Hour)
		active := base
		active.EventID, active.Status = "active", winners.EventActive
		empty := base
		empty.EventID = "empty"
		open := active
		open.EventID, open.EndsAt = "open", t0.Add(24*time.Hour)
		for _, ev := range []winners.EventInfo{base, fc, cancelled, early, active, open} {
			e.entries.addEvent(ev, 10, 3)
		}
		e.entries.addEvent(empty, 0, 0)

		ok := winners.DrawInput{WinnerCount: 2, VisitBonusWeight: 2}
		tests := []struct {
			name  string
			event string
			in    winners.DrawInput
			kind  apperr.Kind
			code  string
		}{
			{"first-come event", "fc", ok, apperr.Unprocessable, "not_lottery"},
			{"cancelled event", "cx", ok, apperr.Unprocessable, "event_not_drawable"},
			{"not started", "early", ok, apperr.Unprocessable, "event_not_drawable"},
			{"unknown event", "nope", ok, apperr.NotFound, "event_not_found"},
			{"no entries", "empty", ok, apperr.Unprocessable, "no_entries"},
			{"zero winners", "ev", winners.DrawInput{WinnerCount: 0, VisitBonusWeight: 2}, apperr.Invalid, "invalid_winner_count"},
			{"bonus below 1", "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 0.5}, apperr.Invalid, "invalid_visit_bonus_weight"},
			{"bonus above max", "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 101}, apperr.Invalid, "invalid_visit_bonus_weight"},
			{"more winners than entries", "ev", winners.DrawInput{WinnerCount: 11, VisitBonusWeight: 1}, apperr.Unprocessable, "not_enough_entries"},
			{"all excluded", "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 1, Exclusions: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, apperr.Unprocessable, "no_entries"},
			{"unknown exclusion", "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 1, Exclusions: []int64{99}}, apperr.Invalid, "unknown_exclusion"},
			{"redraw without reason", "ev", winners.DrawInput{RedrawOf: "x", Replace: []int64{1}}, apperr.Invalid, "reason_required"},
			{"redraw without a winner to replace", "ev", winners.DrawInput{RedrawOf: "x", Reason: "연락 불가"}, apperr.Invalid, "replace_required"},
			{"replace without redraw", "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 1, Replace: []int64{1}}, apperr.Invalid, "replace_without_redraw"},
			{"redraw of nothing", "ev", winners.DrawInput{RedrawOf: "x", Replace: []int64{1}, Reason: "연락 불가"}, apperr.NotFound, "draw_not_found"},
			{"early draw without confirmation", "open", ok, apperr.Conflict, "entries_open"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.Draw(ctx, owner, tc.event, tc.in)
				wantCode(t, err, tc.kind, tc.code)
			})
		}
		if n := len(e.queue.all()) + len(e.outbox.events); n != 0 {
			t.Fatalf("rejected draws queued or published %d items, want 0", n)
		}
		// ACTIVE past its period (the event service's tick lags): drawn
		// without confirmation, closing the entries with PERIOD_OVER.
		if _, err := e.svc.Draw(ctx, owner, "active", ok); err != nil {
			t.Fatalf("draw of an ACTIVE event past its period: %v", err)
		}
		if ev, _ := e.entries.Event(ctx, "active"); ev.Status != winners.EventEnded {
			t.Fatalf("after the draw the entries are %s, want closed (ENDED)", ev.Status)
		}
	})
}

func TestCommitThenDraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 200, 10)

		c, created, err := e.svc.Commit(ctx, owner, "ev")
		if err != nil || !created {
			t.Fatalf("Commit = %v, created %v", err, created)
		}
		if c.Status != winners.DrawPending || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(c.Commitment) || c.Seed != "" {
			t.Fatalf("pending draw = %+v, want PENDING with a hex commitment and no seed", c)
		}
		again, created, err := e.svc.Commit(ctx, owner, "ev")
		if err != nil || created || again.ID != c.ID || again.Commitment != c.Commitment {
			t.Fatalf("second Commit = %+v created %v err %v, want the same pending draw", again, created, err)
		}
		pub, err := e.svc.PublicList(ctx, "ev")
		if err != nil {
			t.Fatal(err)
		}
		if len(pub.Draws) != 1 || pub.Draws[0].Commitment != c.Commitment || pub.Draws[0].Seed != "" {
			t.Fatalf("public draws before the draw = %+v, want the commitment only", pub.Draws)
		}
		if _, err := e.svc.Proof(ctx, "ev", c.ID); !errors.Is(err, winners.ErrDrawPending) {
			t.Fatalf("Proof before the draw: %v, want ErrDrawPending", err)
		}

		e.clock.Add(time.Minute)
		dr, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 5, VisitBonusWeight: 3})
		if err != nil {
			t.Fatal(err)
		}
		if dr.ID != c.ID || dr.Commitment != c.Commitment || !dr.CommittedInAdvance || !dr.CommittedAt.Equal(c.CommittedAt) {
			t.Fatalf("draw = %+v, want the pending draw %s completed with its published commitment", dr, c.ID)
		}
		if dr.VisitEntryCount != 20 || dr.EntryCount != 200 || len(dr.Winners) != 5 {
			t.Fatalf("counts: entries %d visits %d winners %d, want 200 20 5", dr.EntryCount, dr.VisitEntryCount, len(dr.Winners))
		}
		seed, err := draw.ParseSeed(dr.Seed)
		if err != nil || seed.Commitment() != c.Commitment {
			t.Fatalf("published seed does not match the commitment published before the draw")
		}
		p := verify(t, e, "ev", dr.ID)
		if p.VisitBonusWeight != 3 || p.Algorithm != draw.Algorithm {
			t.Fatalf("proof = %+v", p)
		}
		pub, _ = e.svc.PublicList(ctx, "ev")
		for _, w := range pub.Draws[0].Winners {
			if w.Name != "김*수" || !regexp.MustCompile(`^010-\*\*\*\*-\d{4}$`).MatchString(w.Phone) {
				t.Fatalf("public winner = %+v, want masked name 김*수 and 010-****-dddd", w)
			}
			if w.Notification != nil || w.PrizeDeliveredAt != nil {
				t.Fatalf("public winner shows owner-only fields: %+v", w)
			}
		}
		if want := "autoevent verify-draw https://ae.example/api/v1/public/events/ev/draws/" + dr.ID + "/proof"; dr.VerifyCommand != want {
			t.Fatalf("verify command = %q, want %q", dr.VerifyCommand, want)
		}
	})
}

func TestDrawWithoutCommitment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 50, 5)
		dr, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 3, VisitBonusWeight: 2, Exclusions: []int64{5, 10}})
		if err != nil {
			t.Fatal(err)
		}
		if dr.CommittedInAdvance {
			t.Fatal("a draw without a prior commitment claims one")
		}
		p := verify(t, e, "ev", dr.ID)
		if fmt.Sprint(p.Exclusions) != "[5 10]" {
			t.Fatalf("exclusions = %v", p.Exclusions)
		}
		for _, w := range dr.Winners {
			if w.EntryNumber == 5 || w.EntryNumber == 10 {
				t.Fatalf("excluded entry %d won", w.EntryNumber)
			}
		}
	})
}

func TestDrawIsImmutableAndRedrawIsANewRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 100, 4)
		in := winners.DrawInput{WinnerCount: 3, VisitBonusWeight: 2}
		first, err := e.svc.Draw(ctx, owner, "ev", in)
		if err != nil {
			t.Fatal(err)
		}
		before := verify(t, e, "ev", first.ID)

		_, err = e.svc.Draw(ctx, owner, "ev", in)
		wantCode(t, err, apperr.Conflict, "already_drawn")
		_, err = e.svc.Draw(ctx, owner, "ev", winners.DrawInput{RedrawOf: "other", Replace: []int64{first.Winners[0].EntryNumber}, Reason: "x"})
		wantCode(t, err, apperr.Conflict, "redraw_not_latest")

		e.clock.Add(time.Hour)
		redo := winners.DrawInput{RedrawOf: first.ID, Reason: "1등 당첨자 연락 불가", Replace: []int64{first.Winners[0].EntryNumber}}
		second, err := e.svc.Draw(ctx, owner, "ev", redo)
		if err != nil {
			t.Fatal(err)
		}
		if second.ID == first.ID || second.RedrawOf != first.ID || second.Reason != redo.Reason {
			t.Fatalf("redraw = %+v, want a new record referencing %s with the reason", second, first.ID)
		}
		after := verify(t, e, "ev", first.ID)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Fatalf("first draw changed after the redraw:\n before %+v\n after  %+v", before, after)
		}
		verify(t, e, "ev", second.ID)
		// The same draw cannot be redrawn twice, and only the latest can be.
		_, err = e.svc.Draw(ctx, owner, "ev", redo)
		wantCode(t, err, apperr.Conflict, "redraw_not_latest")

		list, err := e.svc.List(ctx, owner, "ev")
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Draws) != 2 || list.Draws[0].ID != second.ID || list.Draws[1].SupersededBy != second.ID {
			t.Fatalf("list = %+v, want newest first and the first marked superseded", list.Draws)
		}
	})
}

func TestConcurrentDrawsProduceOneRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 1000, 10)
		if _, _, err := e.svc.Commit(ctx, owner, "ev"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 3, VisitBonusWeight: 2})
			})
		}
		wg.Wait()
		okCount := 0
		for _, err := range errs {
			switch {
			case err == nil:
				okCount++
			case apperr.KindOf(err) != apperr.Conflict:
				t.Fatalf("concurrent draw: %v, want success or 409", err)
			}
		}
		list, _ := e.svc.List(ctx, owner, "ev")
		if okCount != 1 || len(list.Draws) != 1 || len(e.outbox.events) != 1 {
			t.Fatalf("successes %d, draws %d, events %d; want 1, 1, 1", okCount, len(list.Draws), len(e.outbox.events))
		}
	})
}

func TestWinnerSelectedAndJobsCommitWithTheDraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 30, 0)
		dr, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 4, VisitBonusWeight: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.outbox.events) != 1 || e.outbox.events[0].Subject != messages.SubjectOf[messages.WinnerSelected]() {
			t.Fatalf("outbox = %+v, want one WinnerSelected", e.outbox.events)
		}
		ws := e.outbox.events[0].Payload.(messages.WinnerSelected)
		if ws.DrawID != dr.ID || len(ws.EntryNumbers) != 4 || ws.EntryCount != 30 {
			t.Fatalf("WinnerSelected = %+v", ws)
		}
		jobs := e.queue.all()
		ids := map[string]bool{}
		for _, j := range jobs {
			if j.Queue != winners.NotifyQueue {
				t.Fatalf("job on queue %q, want %q", j.Queue, winners.NotifyQueue)
			}
			ids[j.ID] = true
		}
		if len(jobs) != 4 || len(ids) != 4 {
			t.Fatalf("jobs = %d (distinct ids %d), want 4", len(jobs), len(ids))
		}
	})
}

func notifications(t *testing.T, e *env, eventID string) map[int64]winners.Notification {
	t.Helper()
	list, err := e.svc.List(ctx, owner, eventID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]winners.Notification{}
	for _, w := range list.Draws[0].Winners {
		out[w.EntryNumber] = *w.Notification
	}
	return out
}

func TestNotificationIsSentExactlyOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 50, 0)
		if _, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 5, VisitBonusWeight: 1}); err != nil {
			t.Fatal(err)
		}
		for n, st := range notifications(t, e, "ev") {
			if st.Status != winners.NotifyPending {
				t.Fatalf("winner %d: status %s before the jobs ran, want PENDING", n, st.Status)
			}
		}
		// Every job delivered three times, concurrently (redelivery after a
		// lost ack, a duplicate publish): each winner gets one message.
		var wg sync.WaitGroup
		for range 3 {
			for _, j := range e.queue.all() {
				wg.Go(func() {
					if err := e.svc.HandleNotifyJob(ctx, j.Payload, 2); err != nil {
						t.Errorf("job: %v", err)
					}
				})
			}
		}
		wg.Wait()
		fs := e.fakeSender()
		if got := fs.count(); got != 5 {
			t.Fatalf("messages sent = %d, want 5 (one per winner)", got)
		}
		seen := map[string]bool{}
		for _, m := range fs.sent {
			if seen[m.To] {
				t.Fatalf("winner %s got two messages", m.To)
			}
			seen[m.To] = true
			// The winner learns what was won (issue 10).
			if !strings.HasPrefix(m.Content, "축하합니다! #{store} 이벤트에 당첨되셨습니다") || m.Variables["event"] != "봄맞이 커피 이벤트" ||
				!strings.Contains(m.Content, "■ 경품: #{prize}") || m.Variables["prize"] != "음료 10잔 쿠폰북" {
				t.Fatalf("message = %q vars %v", m.Content, m.Variables)
			}
		}
		for n, st := range notifications(t, e, "ev") {
			if st.Status != winners.NotifySent || st.Channel != "ALIMTALK" {
				t.Fatalf("winner %d: %+v, want SENT on ALIMTALK", n, st)
			}
		}
		e.clock.Add(time.Minute)
		changed, err := e.svc.TrackDeliveries(ctx, 10*time.Second)
		if err != nil || changed != 5 {
			t.Fatalf("TrackDeliveries = %d, %v; want 5", changed, err)
		}
		for n, st := range notifications(t, e, "ev") {
			if st.Status != winners.NotifyDelivered {
				t.Fatalf("winner %d: %s after tracking, want DELIVERED", n, st.Status)
			}
		}
	})
}

func TestNotificationRetriesOnlyWhenProvablyNotSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 10, 0)
		if _, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 2, VisitBonusWeight: 1}); err != nil {
			t.Fatal(err)
		}
		jobs := e.queue.all()
		fs := e.fakeSender()

		// Breaker open: nothing went out, so the job fails and stays PENDING.
		fs.err = fmt.Errorf("kakao: %w", resilience.ErrOpen)
		if err := e.svc.HandleNotifyJob(ctx, jobs[0].Payload, 1); err == nil {
			t.Fatal("job with an open breaker succeeded; want an error so it is redelivered")
		}
		// An ambiguous failure (5xx) may have delivered: FAILED, no retry.
		fs.err = &resilience.StatusError{System: "sens-alimtalk", StatusCode: 502}
		if err := e.svc.HandleNotifyJob(ctx, jobs[1].Payload, 1); err != nil {
			t.Fatalf("ambiguous failure returned %v; want nil (never resend)", err)
		}
		fs.err = nil
		for _, j := range jobs {
			if err := e.svc.HandleNotifyJob(ctx, j.Payload, 2); err != nil {
				t.Fatal(err)
			}
		}
		if fs.count() != 1 {
			t.Fatalf("sent %d, want 1 (the deferred one only)", fs.count())
		}
		states := notifications(t, e, "ev")
		var sent, failed int
		for _, st := range states {
			switch {
			case st.Status == winners.NotifySent && st.Attempts == 2:
				sent++
			case st.Status == winners.NotifyFailed && st.Code == "http_502":
				failed++
			}
		}
		if sent != 1 || failed != 1 {
			t.Fatalf("states = %+v, want one SENT after 2 attempts and one FAILED http_502", states)
		}
	})
}

func TestNotificationGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(dp *winners.Deps) { dp.MaxNotifyAttempts = 3 })
		e.entries.addEvent(lottery("ev", owner), 10, 0)
		if _, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 1}); err != nil {
			t.Fatal(err)
		}
		e.fakeSender().err = &resilience.StatusError{System: "sens-sms", StatusCode: 429}
		j := e.queue.all()[0]
		for attempt := 1; attempt <= 3; attempt++ {
			err := e.svc.HandleNotifyJob(ctx, j.Payload, attempt)
			if (err != nil) != (attempt < 3) {
				t.Fatalf("attempt %d: err %v", attempt, err)
			}
		}
		for _, st := range notifications(t, e, "ev") {
			if st.Status != winners.NotifyFailed || st.Code != "gave_up" {
				t.Fatalf("after the last attempt: %+v, want FAILED gave_up", st)
			}
		}
	})
}

func TestNotificationWithoutContactFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 5, 0)
		dr, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 1})
		if err != nil {
			t.Fatal(err)
		}
		e.entries.Purge(ctx, "ev", nil)
		e.runJobs(t)
		if st := notifications(t, e, "ev")[dr.Winners[0].EntryNumber]; st.Status != winners.NotifyFailed || st.Code != "no_contact" {
			t.Fatalf("notification = %+v, want FAILED no_contact", st)
		}
		if e.fakeSender().count() != 0 {
			t.Fatal("a message was sent without a contact")
		}
	})
}

func TestMalformedJobIsPermanent(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	err := e.svc.HandleNotifyJob(ctx, []byte("{"), 1)
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("err = %v, want a malformed-job error", err)
	}
}
