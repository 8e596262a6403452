package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/participation/notify"
)

// An owner announces a new event to the customers who agreed to receive
// the shop's advertising on an earlier one: through the API, the queue and
// the SENS sandbox, as "(광고)" SMS/LMS of type AD with the store's contact
// and an opt-out link that works. (The quiet-hours rules are tested with a
// clock in package announce; here, at night, the announcement must be
// scheduled for 08:00 and nothing sent.)
func TestAnnouncementThroughTheApp(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		past := approve(t, e, o, "LOTTERY", 0, time.Now().Add(-48*time.Hour), time.Now().Add(24*time.Hour))
		for i, p := range []string{"010-5555-0001", "010-5555-0002", "010-5555-0003"} {
			res := e.Do("POST", entryPath(past.ID), "", map[string]any{"name": "박지민", "phone": p,
				"consents": map[string]bool{"marketing": i < 2}})
			if res.Status != http.StatusCreated {
				t.Fatalf("entry: %d %s", res.Status, res.Body)
			}
		}
		cur := approve(t, e, o, "LOTTERY", 0, time.Now().Add(-time.Hour), time.Now().Add(72*time.Hour))
		path := "/api/v1/events/" + cur.ID + "/announcements"

		other := e.SignupOwner("CAFE", "서울 마포구")
		if res := e.Do("POST", path, other.Token, map[string]string{}); res.Status != http.StatusNotFound || res.Code() != "event_not_found" {
			t.Fatalf("another owner's announcement: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", path, o.Token, map[string]string{"message": "#{x}"}); res.Status != http.StatusBadRequest || res.Code() != "message_invalid" {
			t.Fatalf("template syntax: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", path, "", map[string]string{}); res.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous: %d", res.Status)
		}

		res := e.Do("POST", path, o.Token, map[string]string{"message": "새 이벤트를 시작했어요!"})
		if res.Status != http.StatusCreated {
			t.Fatalf("announce: %d %s", res.Status, res.Body)
		}
		var a announce.Announcement
		res.JSON(t, &a)
		// The store profile's address is the contact (SignupOwner gives no store phone).
		if a.Recipients != 2 || !strings.Contains(a.Preview, "문의 테스트로 1") || !strings.HasPrefix(a.Preview, "(광고) 테스트 가게") {
			t.Fatalf("announcement %+v", a)
		}
		if res := e.Do("POST", path, o.Token, map[string]string{}); res.Status != http.StatusConflict || res.Code() != "announcement_exists" {
			t.Fatalf("second announcement: %d %s", res.Status, res.Body)
		}

		sim := e.App.SENSSandbox()
		if notify.InQuietHours(time.Now()) {
			if want := notify.NextSendTime(time.Now()); !a.ScheduledAt.Equal(want.UTC()) || a.Status != announce.StatusScheduled {
				t.Fatalf("at night: %+v, want scheduled for %s", a, want)
			}
			time.Sleep(300 * time.Millisecond)
			for _, m := range sim.Messages() {
				if m.ContentType == "AD" {
					t.Fatalf("advertising sent at night: %+v", m)
				}
			}
			return
		}
		var ads []string
		waitFor(t, "two advertising messages", func() bool {
			ads = ads[:0]
			for _, m := range sim.Messages() {
				if m.ContentType == "AD" && (m.Channel == "SMS" || m.Channel == "LMS") {
					ads = append(ads, m.Content)
				}
			}
			return len(ads) == 2
		})
		link := regexp.MustCompile(`무료수신거부 (\S+/u/([a-z2-7]{10}))$`)
		m := link.FindStringSubmatch(ads[0])
		if m == nil || !strings.HasPrefix(ads[0], "(광고) 테스트 가게\n새 이벤트를 시작했어요!") {
			t.Fatalf("message %q", ads[0])
		}
		var list announce.List
		waitFor(t, "both recipients SENT", func() bool {
			e.Do("GET", path, o.Token, nil).JSON(t, &list)
			return len(list.Items) == 1 && list.Items[0].Counts[announce.RecipientSent] == 2
		})

		// The customer's link: the page, then the opt-out (CSRF-protected form).
		page := e.Do("GET", "/u/"+m[2], "", nil)
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "수신거부하기") {
			t.Fatalf("opt-out page: %d %s", page.Status, page.Body)
		}
		if r := e.Do("POST", "/api/v1/public/optout/"+m[2], "", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"optedOut":true`) {
			t.Fatalf("opt out: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", "/u/"+m[2], "", nil); !strings.Contains(string(r.Body), "수신거부 완료") {
			t.Fatalf("page after opt-out: %s", r.Body)
		}
		if r := e.Do("GET", "/u/aaaaaaaaaa", "", nil); r.Status != http.StatusNotFound {
			t.Fatalf("unknown link: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/public/optout/nope", "", nil); r.Status != http.StatusNotFound || r.Code() != "optout_link_unknown" {
			t.Fatalf("unknown link API: %d %s", r.Status, r.Body)
		}
	})
}

// TestAnnounceBrowser drives the owner's announcement form and the
// customer's opt-out page in headless Chromium at phone size, with
// screenshots "announce-*".
func TestAnnounceBrowser(t *testing.T) {
	e := Start(t)
	o := e.SignupOwner("CAFE", "서울 강남구")
	past := approve(t, e, o, "LOTTERY", 0, time.Now().Add(-48*time.Hour), time.Now().Add(24*time.Hour))
	for _, p := range []string{"010-6666-0001", "010-6666-0002", "010-6666-0003"} {
		if res := e.Do("POST", entryPath(past.ID), "", map[string]any{"name": "최유리", "phone": p,
			"consents": map[string]bool{"marketing": true}}); res.Status != http.StatusCreated {
			t.Fatalf("entry: %d %s", res.Status, res.Body)
		}
	}
	cur := approve(t, e, o, "LOTTERY", 0, time.Now().Add(-time.Hour), time.Now().Add(72*time.Hour))
	ctx := Browser(t, 500, 900)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	var text string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/login?next=/app/events/"+cur.ID+"/participants"),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.SendKeys(`#email`, o.Email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, o.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href$="/announce"]`, chromedp.ByQuery),
		chromedp.Click(`a[href$="/announce"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form.announce-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#message`, "겨울 신메뉴 출시 기념 이벤트를 시작했어요. 참여하고 케이크 받아 가세요!", chromedp.ByQuery),
		chromedp.SendKeys(`#contact`, "02-555-1234", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "announce-1-form-phone")
	err = chromedp.Run(ctx,
		chromedp.Click(`form.announce-form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.announce-confirm pre.sms-preview`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "announce-2-preview-phone")
	if !strings.Contains(text, "3명에게 보내기") || len(e.App.SENSSandbox().Messages()) != 0 {
		t.Fatalf("preview page (nothing may be sent yet):\n%s", text)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`.announce-confirm button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.announce-status pre.sms-preview`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "announce-3-sent-phone")
	if !strings.Contains(text, "(광고) 테스트 가게") || !strings.Contains(text, "문의 02-555-1234") || !strings.Contains(text, "3명") {
		t.Errorf("announcement page:\n%s", text)
	}
	if notify.InQuietHours(time.Now()) {
		return // nothing is sent at night, so there is no link to follow
	}
	var token string
	waitFor(t, "an advertising message", func() bool {
		for _, m := range e.App.SENSSandbox().Messages() {
			if s := regexp.MustCompile(`/u/([a-z2-7]{10})$`).FindStringSubmatch(m.Content); m.ContentType == "AD" && s != nil {
				token = s[1]
				return true
			}
		}
		return false
	})
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/u/"+token),
		chromedp.WaitVisible(`form button[type=submit]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "announce-4-optout-phone")
	err = chromedp.Run(ctx,
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		// Only the page after the post has the done state.
		chromedp.WaitVisible(`.optout-done h1`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "announce-5-optout-done-phone")
	if !strings.Contains(text, "수신거부 완료") {
		t.Errorf("opt-out result:\n%s", text)
	}
}
