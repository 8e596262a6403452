package winners_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// couponEntries is fakeEntries plus the coupon contract (CouponEntries).
type couponEntries struct {
	*fakeEntries
	mu    sync.Mutex
	codes map[string]map[int64]string
}

func (c *couponEntries) CouponOf(_ context.Context, eventID string, n int64) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	code, ok := c.codes[eventID][n]
	if !ok {
		return "", apperr.New(apperr.NotFound, "coupon_not_found", "없음")
	}
	return code, nil
}

func (c *couponEntries) CouponHolders(_ context.Context, eventID string) ([]winners.CouponHolder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []winners.CouponHolder
	for n := int64(1); n <= int64(len(c.codes[eventID])); n++ {
		out = append(out, winners.CouponHolder{EntryNumber: n, PhoneMasked: "010-****-0000"})
	}
	return out, nil
}

// newCouponEnv is an env whose entry store knows coupons: event "fc"
// (first-come, owner) with entrants 1..entrants, the first holders of
// whom hold a coupon.
func newCouponEnv(t *testing.T, d *db.DB, entrants, holders int) (*env, *couponEntries) {
	t.Helper()
	ce := &couponEntries{fakeEntries: newFakeEntries(), codes: map[string]map[int64]string{"fc": {}}}
	e := newEnv(t, d, func(dp *winners.Deps) { dp.Entries = ce })
	e.entries = ce.fakeEntries
	ev := lottery("fc", owner)
	ev.Method, ev.Status = messages.MethodFirstCome, winners.EventActive
	e.entries.addEvent(ev, entrants, 0)
	for n := int64(1); n <= int64(holders); n++ {
		ce.codes["fc"][n] = "CPN" + strings.Repeat(string(rune('A'+n)), 9)
	}
	return e, ce
}

func couponJob(t *testing.T, eventID string, n int64) []byte {
	return mustJSON(t, participation.CouponNotifyJob{Kind: participation.CouponJobKind, EventID: eventID, EntryNumber: n})
}

func couponStates(t *testing.T, e *env) map[int64]winners.Notification {
	t.Helper()
	out, err := e.svc.CouponNotifications(ctx, owner, "fc")
	if err != nil {
		t.Fatal(err)
	}
	m := map[int64]winners.Notification{}
	for _, it := range out.Items {
		m[it.EntryNumber] = it.Notification
	}
	return m
}

// Every coupon item delivered three times, concurrently (a lost ack, a
// duplicate publish): each holder gets exactly one message.
func TestCouponNotificationIsSentExactlyOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, ce := newCouponEnv(t, d, 5, 3)
		var wg sync.WaitGroup
		for range 3 {
			for n := int64(1); n <= 3; n++ {
				wg.Go(func() {
					if err := e.svc.HandleNotifyJob(ctx, couponJob(t, "fc", n), 1); err != nil {
						t.Errorf("coupon job %d: %v", n, err)
					}
				})
			}
		}
		wg.Wait()
		fs := e.fakeSender()
		if got := fs.count(); got != 3 {
			t.Fatalf("messages sent = %d, want 3 (one per coupon)", got)
		}
		seen := map[string]bool{}
		for _, m := range fs.sent {
			if seen[m.To] {
				t.Fatalf("holder %s got two messages", m.To)
			}
			seen[m.To] = true
			code := m.Variables["coupon"]
			if m.TemplateCode != winners.DefaultCouponTemplateCode || !strings.HasPrefix(m.Content, "쿠폰이 발급되었습니다") ||
				!strings.HasPrefix(code, "CPN") || m.Variables["url"] != "https://ae.example/e/abc123" {
				t.Fatalf("message = %q template %s vars %v", m.Content, m.TemplateCode, m.Variables)
			}
		}
		states := couponStates(t, e)
		for n := int64(1); n <= 3; n++ {
			if st := states[n]; st.Status != winners.NotifySent || st.Channel != "ALIMTALK" || st.Attempts != 1 {
				t.Errorf("coupon %d: got %+v, want SENT on ALIMTALK after 1 attempt", n, st)
			}
		}
		// Another owner does not learn that the event exists.
		if _, err := e.svc.CouponNotifications(ctx, otherOwner, "fc"); !errors.Is(err, winners.ErrEventNotFound) {
			t.Errorf("other owner: err %v, want ErrEventNotFound", err)
		}
		// A holder whose item has not run yet is shown as waiting.
		ce.mu.Lock()
		ce.codes["fc"][4] = "CPNLATE00000"
		ce.mu.Unlock()
		if st := couponStates(t, e)[4]; st.Status != winners.NotifyPending {
			t.Errorf("unhandled coupon: status %s, want PENDING", st.Status)
		}
		// Delivery tracking covers coupon notifications.
		e.clock.Add(time.Minute)
		if _, err := e.svc.TrackDeliveries(ctx, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if st := couponStates(t, e)[1]; st.Status != winners.NotifyDelivered {
			t.Errorf("after tracking: status %s, want DELIVERED", st.Status)
		}
	})
}

// A coupon message is retried only when it provably did not leave.
func TestCouponNotificationRetriesOnlyWhenNotSent(t *testing.T) {
	tests := []struct {
		name       string
		sendErr    error
		wantErr    bool // the item is redelivered
		wantStatus winners.NotifyStatus
		wantCode   string
		wantSent   int // after a second delivery without error
	}{
		{"breaker open", resilience.ErrOpen, true, winners.NotifyPending, "retrying", 1},
		{"rate limited", winners.ErrRateLimited, true, winners.NotifyPending, "retrying", 1},
		{"timeout", resilience.ErrTimeout, false, winners.NotifyFailed, "timeout", 0},
		{"5xx", &resilience.StatusError{System: "kakao", StatusCode: 502}, false, winners.NotifyFailed, "http_502", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newCouponEnv(t, dbtest.Open(t, db.SQLite), 2, 1)
			fs := e.fakeSender()
			fs.mu.Lock()
			fs.err = tc.sendErr
			fs.mu.Unlock()
			err := e.svc.HandleNotifyJob(ctx, couponJob(t, "fc", 1), 1)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Fatalf("first delivery: err %v, want error %v", err, tc.wantErr)
			}
			st := couponStates(t, e)[1]
			if st.Status != tc.wantStatus || st.Code != tc.wantCode {
				t.Fatalf("after first delivery: got %s %q, want %s %q", st.Status, st.Code, tc.wantStatus, tc.wantCode)
			}
			fs.mu.Lock()
			fs.err = nil
			fs.mu.Unlock()
			if err := e.svc.HandleNotifyJob(ctx, couponJob(t, "fc", 1), 2); err != nil {
				t.Fatalf("second delivery: %v", err)
			}
			if got := fs.count(); got != tc.wantSent {
				t.Fatalf("messages after redelivery = %d, want %d", got, tc.wantSent)
			}
		})
	}
}

// Items queued before the kind field existed are winner notifications; an
// unknown kind is dropped, not retried.
func TestNotifyJobKinds(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	e.entries.addEvent(lottery("ev", owner), 10, 0)
	dr, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 1, VisitBonusWeight: 1})
	if err != nil {
		t.Fatal(err)
	}
	legacy, _ := json.Marshal(map[string]any{"drawId": dr.ID, "eventId": "ev", "entryNumber": dr.Winners[0].EntryNumber})
	if err := e.svc.HandleNotifyJob(ctx, legacy, 1); err != nil {
		t.Fatal(err)
	}
	if got := e.fakeSender().count(); got != 1 {
		t.Fatalf("legacy winner item: %d messages, want 1", got)
	}
	if err := e.svc.HandleNotifyJob(ctx, []byte(`{"kind":"poster","eventId":"ev","entryNumber":1}`), 1); err == nil {
		t.Fatal("unknown kind: want a permanent error")
	}
	// A coupon item on an entry store without coupons is an error (kept
	// for redelivery), never a message.
	if err := e.svc.HandleNotifyJob(ctx, couponJob(t, "ev", 1), 1); err == nil || e.fakeSender().count() != 1 {
		t.Fatalf("coupon item without CouponEntries: err %v, messages %d", err, e.fakeSender().count())
	}
	if winners.NotifyQueue != participation.NotifyQueue || participation.CouponJobID("e", 7) != "coupon:e:7" {
		t.Fatal("queue name or coupon work id changed")
	}
}
