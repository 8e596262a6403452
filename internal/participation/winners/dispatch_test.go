package winners_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// recorder is a notify.Provider that records deliveries.
type recorder struct {
	mu  sync.Mutex
	got []notify.Delivery
	err error
}

func (r *recorder) Deliver(_ context.Context, d notify.Delivery) (notify.Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return notify.Receipt{}, r.err
	}
	r.got = append(r.got, d)
	return notify.Receipt{Channel: d.Channel, RequestID: "r"}, nil
}

// The winner message is informational: it goes out as 알림톡 at 23:00 KST,
// when an advertising message would be held until 08:00.
func TestWinnerMessageIgnoresQuietHours(t *testing.T) {
	alim, sms := &recorder{}, &recorder{}
	disp, err := notify.NewDispatcher(alim, sms)
	if err != nil {
		t.Fatal(err)
	}
	night := t0 // 23:00 KST
	if !notify.InQuietHours(night) {
		t.Fatal("test clock is not in quiet hours")
	}
	e := newEnv(t, dbtest.Open(t, db.SQLite), func(d *winners.Deps) { d.Sender = disp.WithClock(func() time.Time { return night }) })
	e.entries.addEvent(lottery("ev", owner), 10, 0)
	if _, err := e.svc.Draw(ctx, owner, "ev", winners.DrawInput{WinnerCount: 2, VisitBonusWeight: 1}); err != nil {
		t.Fatal(err)
	}
	e.runJobs(t)
	if len(alim.got) != 2 || len(sms.got) != 0 {
		t.Fatalf("알림톡 %d, SMS %d; want 2 알림톡 at night", len(alim.got), len(sms.got))
	}
	d := alim.got[0]
	if !strings.HasPrefix(d.Content, "축하합니다! 하늘카페 이벤트에 당첨되셨습니다") || !strings.Contains(d.Content, "■ 경품: 음료 10잔 쿠폰북") ||
		strings.Contains(d.Content, "이벤트 이벤트") || strings.Contains(d.Content, notify.AdPrefix) ||
		d.TemplateCode != winners.DefaultTemplateCode || d.Fallback == nil || d.Fallback.Content != d.Content {
		t.Fatalf("delivery = %+v, want the informational template with an SMS fallback of the same text", d)
	}
	for _, w := range notifications(t, e, "ev") {
		if w.Status != winners.NotifySent {
			t.Fatalf("status %s, want SENT", w.Status)
		}
	}
}

func TestGuardRateLimitAndFailover(t *testing.T) {
	mem, err := cache.NewMemory(cache.MemoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := resilience.Defaults(resilience.SystemKakao)
	cfg.MaxRetries = 0
	pol, err := resilience.New(resilience.SystemKakao, cfg)
	if err != nil {
		t.Fatal(err)
	}
	alim, sms := &recorder{}, &recorder{}
	ga, err := winners.Guard(alim, winners.GuardConfig{Name: "alim", Policy: pol, Limiter: mem, Limit: 2, Window: time.Minute,
		MaxWait: 20 * time.Millisecond, Failover: true})
	if err != nil {
		t.Fatal(err)
	}
	disp, _ := notify.NewDispatcher(ga, sms)
	m := notify.Message{To: "010-1234-5678", Kind: notify.Informational, TemplateCode: "T", Content: "당첨 안내"}
	for i := range 3 {
		r, err := disp.Send(ctx, m)
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		want := notify.ChannelAlimtalk
		if i == 2 { // over the 알림톡 limit: failed over to SMS, not dropped
			want = notify.ChannelSMS
		}
		if r.Channel != want {
			t.Fatalf("send %d went %s, want %s", i, r.Channel, want)
		}
	}
	// A plain provider error that may have been processed is not failed over.
	alim2 := &recorder{err: &resilience.StatusError{System: "kakao", StatusCode: 500}}
	ga2, _ := winners.Guard(alim2, winners.GuardConfig{Name: "alim2", Policy: pol, Failover: true})
	disp2, _ := notify.NewDispatcher(ga2, sms)
	before := len(sms.got)
	if _, err := disp2.Send(ctx, m); err == nil || errors.Is(err, notify.ErrRejected) || len(sms.got) != before {
		t.Fatalf("ambiguous 500: err %v, SMS sent %d; want the error and no SMS", err, len(sms.got)-before)
	}
}
