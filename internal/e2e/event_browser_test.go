package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestEventWizardBrowser runs the event wizard in headless Chromium at
// phone and desktop size: log in through the page, the empty home, purpose
// cards, the live planning page, the three option cards, picking and
// editing one (first with an invalid period, shown inline), the detail
// page, "승인하고 시작하기" → ACTIVE, and the home list with its badge.
// Screenshots of each step go to ./screenshots (event-*.png).
func TestEventWizardBrowser(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		t.Run(size.name, func(t *testing.T) {
			// Slow the local planner's job a little? No: the sandboxes at
			// 1.5 s make the progress page visible for a screenshot.
			e := Start(t, evRemoteAI("3"), noLimits)
			evSetFaults(t, e, `{"anthropic":{"latency":"1500ms"},"openai":{"latency":"1200ms"}}`)
			o := e.SignupOwner("BAKERY", "서울특별시 마포구")
			ctx := Browser(t, size.w, size.h)
			if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(size.w), int64(size.h))); err != nil {
				t.Fatal(err)
			}
			shot := func(step string) { Screenshot(t, ctx, "event-"+step+"-"+size.name) }
			run := func(what string, actions ...chromedp.Action) {
				t.Helper()
				if err := chromedp.Run(ctx, actions...); err != nil {
					var loc, body string
					_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Text("main", &body, chromedp.ByQuery))
					t.Fatalf("%s: %v (at %s: %.400s)", what, err, loc, body)
				}
			}

			run("log in",
				chromedp.Navigate(e.URL+"/login?next=/app"),
				chromedp.WaitVisible(`#email`, chromedp.ByQuery),
				chromedp.SendKeys(`#email`, o.Email, chromedp.ByQuery),
				chromedp.SendKeys(`#password`, o.Password, chromedp.ByQuery),
				chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`.ev-empty`, chromedp.ByQuery),
			)
			shot("1-home-empty")

			run("open the wizard",
				chromedp.Click(`.ev-home-head a.button`, chromedp.ByQuery),
				chromedp.WaitVisible(`.ev-purposes`, chromedp.ByQuery),
				chromedp.Click(`input[name=purpose][value=NEW_CUSTOMERS]`, chromedp.ByQuery),
				chromedp.SendKeys(`#purposeText`, "겨울 신메뉴 소금빵을 알리고 싶어요", chromedp.ByQuery),
			)
			shot("2-purpose")

			var msg string
			run("start planning",
				chromedp.Click(`form[action="/app/events"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#planning`, chromedp.ByQuery),
				chromedp.Sleep(600*time.Millisecond),
				chromedp.Text(`#planning-msg`, &msg, chromedp.ByQuery),
			)
			shot("3-planning")
			if msg == "" {
				t.Errorf("planning page shows no progress message")
			}

			var cards int
			run("options appear",
				chromedp.WaitVisible(`#option-3`, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelectorAll(".ev-option").length`, &cards),
			)
			if cards != 3 {
				t.Fatalf("%d option cards, want 3", cards)
			}
			shot("4-options")

			run("pick option 2",
				chromedp.Click(`#option-2 .ev-pick`, chromedp.ByQuery),
				chromedp.WaitVisible(`#edit`, chromedp.ByQuery),
			)
			shot("5-edit")

			var endErr string
			run("save with an end before the start",
				evSet("title", ""),
				chromedp.SendKeys(`#title`, "겨울 소금빵 시식회", chromedp.ByQuery),
				evSet("startDate", time.Now().In(kstE2E).AddDate(0, 0, 5).Format(time.DateOnly)),
				evSet("endDate", time.Now().In(kstE2E).AddDate(0, 0, 1).Format(time.DateOnly)),
				chromedp.Click(`#edit button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#endDate-error`, chromedp.ByQuery),
				chromedp.Text(`#endDate-error`, &endErr, chromedp.ByQuery),
				chromedp.ScrollIntoView(`#endDate`, chromedp.ByQuery),
			)
			if !strings.Contains(endErr, "종료일") {
				t.Errorf("period error = %q", endErr)
			}
			shot("6-edit-error")

			var status, title string
			today := time.Now().In(kstE2E)
			run("fix and save",
				evSet("startDate", today.Format(time.DateOnly)),
				evSet("endDate", today.AddDate(0, 0, 13).Format(time.DateOnly)),
				evSet("benefit", "소금빵 1개 무료 증정"),
				chromedp.Click(`#edit button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`.ev-approve`, chromedp.ByQuery),
				chromedp.Text(`.ev-detail .badge`, &status, chromedp.ByQuery),
				chromedp.Text(`.ev-detail h1`, &title, chromedp.ByQuery),
			)
			if status != "기획 완료" || title != "겨울 소금빵 시식회" {
				t.Errorf("after saving: badge %q title %q, want 기획 완료 / 겨울 소금빵 시식회", status, title)
			}
			shot("7-detail-planned")

			run("approve and start",
				chromedp.Click(`.ev-approve`, chromedp.ByQuery),
				chromedp.WaitVisible(`a[href$="/participants"]`, chromedp.ByQuery),
				chromedp.Text(`.ev-detail .badge`, &status, chromedp.ByQuery),
			)
			if status != "진행 중" {
				t.Errorf("after approval: badge %q, want 진행 중", status)
			}
			shot("8-detail-active")

			var badge string
			run("home lists the event",
				chromedp.Navigate(e.URL+"/app"),
				chromedp.WaitVisible(`.ev-item`, chromedp.ByQuery),
				chromedp.Text(`.ev-item .badge`, &badge, chromedp.ByQuery),
			)
			if badge != "진행 중" {
				t.Errorf("home badge %q, want 진행 중", badge)
			}
			shot("9-home")
		})
	}
}

var kstE2E = time.FixedZone("KST", 9*60*60)

// evSet sets a form field's value by script (chromedp.SetValue refuses
// date inputs).
func evSet(id, value string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`document.getElementById(%q).value = %q`, id, value), nil)
}
