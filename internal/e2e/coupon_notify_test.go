package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/participation/winners"
)

// First-come coupon holders get one 알림톡 each with their coupon code: the
// committer queues the work item in the entry's transaction, the winners
// side sends it through the SENS sandbox, and the owner sees the state.
func TestCouponNotifyHolders(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "FIRST_COME", 3)
		codes := map[string]string{} // coupon code → phone digits
		for i := range 5 {
			digits := fmt.Sprintf("0107777%04d", i)
			res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "이영희", "phone": digits})
			var a entryAnswer
			switch {
			case i < 3 && res.Status == http.StatusCreated:
				res.JSON(t, &a)
				if a.Coupon == nil || a.Coupon.Code == "" {
					t.Fatalf("entry %d: no coupon in %s", i, res.Body)
				}
				codes[a.Coupon.Code] = digits
			case i >= 3 && res.Status == http.StatusConflict && res.Code() == "sold_out":
			default:
				t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
			}
		}

		path := "/api/v1/events/" + ev.ID + "/coupons/notifications"
		other := e.SignupOwner("CAFE", "서울 마포구")
		if res := e.Do("GET", path, other.Token, nil); res.Status != http.StatusNotFound {
			t.Fatalf("another owner's coupon notifications = %d, want 404", res.Status)
		}
		var out winners.CouponNotices
		waitFor(t, "coupon notifications sent", func() bool {
			res := e.Do("GET", path, ev.Owner.Token, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("coupon notifications: %d %s", res.Status, res.Body)
			}
			res.JSON(t, &out)
			for _, it := range out.Items {
				if it.Notification.Status == winners.NotifyPending {
					return false
				}
			}
			return len(out.Items) == 3
		})
		masked := regexp.MustCompile(`^010-\*\*\*\*-\d{4}$`)
		for _, it := range out.Items {
			if it.Notification.Status != winners.NotifySent || it.Notification.Channel != "ALIMTALK" || !masked.MatchString(it.Phone) {
				t.Errorf("entry %d: %+v phone %q, want SENT on ALIMTALK and a masked phone", it.EntryNumber, it.Notification, it.Phone)
			}
		}

		sim := e.App.SENSSandbox()
		if sim == nil {
			t.Fatal("no SENS sandbox")
		}
		got := map[string]int{}
		for _, m := range sim.Messages() {
			if m.TemplateCode != winners.DefaultCouponTemplateCode {
				continue
			}
			if m.Channel != "ALIMTALK" || !strings.HasPrefix(m.Content, "쿠폰이 발급되었습니다") || !strings.Contains(m.Content, "/e/"+ev.Code) {
				t.Errorf("message %+v, want the coupon 알림톡 with the event page link", m)
			}
			for code, digits := range codes {
				if strings.Contains(m.Content, code) {
					if m.To != digits {
						t.Errorf("coupon %s went to %s, want %s", code, m.To, digits)
					}
					got[code]++
				}
			}
		}
		if len(got) != 3 {
			t.Fatalf("coupon 알림톡 for %d coupons, want 3 (%v)", len(got), got)
		}
		for code, n := range got {
			if n != 1 {
				t.Errorf("coupon %s: %d messages, want exactly 1", code, n)
			}
		}
		// The participants page shows the state beside each coupon.
		page := e.Do("GET", "/app/events/"+ev.ID+"/participants", "", nil, "Cookie", "ae_at="+ev.Owner.Token)
		if page.Status != http.StatusOK || strings.Count(string(page.Body), "알림 발송됨") != 3 {
			t.Errorf("participants page: %d, %d × 알림 발송됨, want 200 and 3", page.Status, strings.Count(string(page.Body), "알림 발송됨"))
		}
	}, noLimits)
}
