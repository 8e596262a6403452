package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPagesPolishBrowser walks the owner's and customers' pages that had
// rough edges, in headless Chromium at phone and desktop size (screenshots
// "polish-*"): unknown URLs answer the Korean page with a way back that
// fits the reader; the event page shows the public link and QR poster
// right after approval; ending an event asks first; a failed action shows
// as an error, not in the green success line.
func TestPagesPolishBrowser(t *testing.T) {
	e := Start(t)
	ev := lotteryThroughEventService(t, e) // the event service owns the page's event
	waitFor(t, "the event is running", func() bool {
		return strings.Contains(string(e.Do("GET", "/api/v1/events/"+ev.ID, ev.Owner.Token, nil).Body), `"status":"ACTIVE"`)
	})
	ctx := Browser(t, 500, 900)
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		// A step that hangs fails on its own, leaving time to show where.
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Run(sctx, actions...); err != nil {
			var loc, body string
			_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Text("body", &body, chromedp.ByQuery))
			Screenshot(t, ctx, "polish-failed")
			t.Fatalf("%s: %v (at %s: %.400s)", what, err, loc, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		var s string
		run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
		return s
	}

	// The landing page says only what the product does.
	run("landing", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(`.hero`, chromedp.ByQuery))
	shootBoth(t, ctx, "polish-0-landing")
	if l := text("main"); strings.Contains(l, "6개 채널") || strings.Contains(l, "대시보드") {
		t.Errorf("landing promises what does not exist:\n%s", l)
	}
	// Korean words do not break mid-word; the top bar's 회원가입 is white on red.
	var wordBreak, signupColor string
	run("styles", chromedp.Evaluate(`getComputedStyle(document.body).wordBreak`, &wordBreak),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('.topbar a.button')).color`, &signupColor))
	if wordBreak != "keep-all" || signupColor != "rgb(255, 255, 255)" {
		t.Errorf("body word-break %q, 회원가입 text colour %q; want keep-all and white", wordBreak, signupColor)
	}

	// Unknown URLs: the owners' page with the way home; the customers'
	// without the owners' menu or landing page.
	run("owner 404", chromedp.Navigate(e.URL+"/no/such/page"), chromedp.WaitVisible(`.error-page`, chromedp.ByQuery))
	shootBoth(t, ctx, "polish-1-404")
	if h := text("h1"); h != "페이지를 찾을 수 없어요" {
		t.Errorf("404 heading %q", h)
	}
	run("customer 404", chromedp.Navigate(e.URL+"/e/"+ev.Code+"/nothing"), chromedp.WaitVisible(`.error-page`, chromedp.ByQuery))
	shootBoth(t, ctx, "polish-2-404-customer")
	var links int
	run("count links", chromedp.Evaluate(`document.querySelectorAll('a[href="/"], a[href="/signup"]').length`, &links))
	if links != 0 {
		t.Errorf("the customer's 404 links %d times to the owners' pages", links)
	}

	// The event page right after approval: link and QR poster.
	run("log in",
		chromedp.Navigate(e.URL+"/login?next=/app/events/"+ev.ID),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.SendKeys(`#email`, ev.Owner.Email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, ev.Owner.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ev-actions`, chromedp.ByQuery),
	)
	var shares int
	run("find the share card", chromedp.Evaluate(`document.querySelectorAll('.ev-share').length`, &shares))
	if shares != 1 {
		Screenshot(t, ctx, "polish-failed")
		t.Fatalf("no public link and QR on the event page after approval:\n%s", text("main"))
	}
	var qrLoaded bool
	run("QR image", chromedp.Evaluate(`(() => { const i = document.querySelector('.ev-qr'); return i.complete && i.naturalWidth > 0 })()`, &qrLoaded))
	if !qrLoaded {
		t.Errorf("the QR image on the event page did not load")
	}
	var url string
	run("public link", chromedp.Value(`#public-url`, &url, chromedp.ByQuery))
	if !strings.HasSuffix(url, "/e/"+ev.Code) {
		t.Errorf("public link %q, want the event's /e/%s", url, ev.Code)
	}
	shootBoth(t, ctx, "polish-3-event-share")

	// The customers' page tells where the shop is and how to call it.
	if res := e.Do("PUT", "/api/v1/stores/me", ev.Owner.Token, map[string]string{"name": "테스트 가게", "industry": "CAFE",
		"region": "서울 강남구", "address": "서울 강남구 테헤란로 7", "phone": "02-555-1234"}); res.Status != http.StatusOK {
		t.Fatalf("store update: %d %s", res.Status, res.Body)
	}
	run("public page", chromedp.Navigate(e.URL+"/e/"+ev.Code), chromedp.WaitVisible(`.pub-facts`, chromedp.ByQuery))
	if f := text(".pub-facts"); !strings.Contains(f, "서울 강남구 테헤란로 7") || !strings.Contains(f, "02-555-1234") {
		t.Errorf("public page facts %q: want the store's address and phone", f)
	}
	shootBoth(t, ctx, "polish-7-public")
	run("back to the event", chromedp.Navigate(e.URL+"/app/events/"+ev.ID), chromedp.WaitVisible(`.ev-share`, chromedp.ByQuery))

	// Ending asks first: one click only opens the confirmation step.
	run("open end step", chromedp.Click(`details.ev-confirm > summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/end"] input[name=confirm]`, chromedp.ByQuery),
		chromedp.ScrollIntoView(`form[action$="/end"]`, chromedp.ByQuery))
	Screenshot(t, ctx, "polish-4-end-confirm-phone")
	if res := e.Do("GET", "/api/v1/events/"+ev.ID, ev.Owner.Token, nil); !strings.Contains(string(res.Body), `"status":"ACTIVE"`) {
		t.Fatalf("the event changed before confirmation: %s", res.Body)
	}

	// A failed action is an error: wrong password on the full export.
	run("wrong export password",
		chromedp.Navigate(e.URL+"/app/events/"+ev.ID+"/participants"),
		chromedp.WaitVisible(`.full-export`, chromedp.ByQuery),
		chromedp.Click(`.full-export summary`, chromedp.ByQuery),
		chromedp.SendKeys(`#export-password`, "not-the-password", chromedp.ByQuery),
		chromedp.Click(`.full-export button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.alert`, chromedp.ByQuery),
	)
	var flashes int
	run("count flashes", chromedp.Evaluate(`document.querySelectorAll('.flash').length`, &flashes))
	if a := text(".alert"); !strings.Contains(a, "비밀번호") || flashes != 0 {
		t.Errorf("wrong password shown as alert %q with %d success lines", a, flashes)
	}
	shootBoth(t, ctx, "polish-5-export-error")

	// Confirmed, the event ends.
	run("end", chromedp.Navigate(e.URL+"/app/events/"+ev.ID), chromedp.WaitVisible(`.ev-share`, chromedp.ByQuery),
		chromedp.Click(`details.ev-confirm > summary`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/end"] input[name=confirm]`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/end"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if f := text(".flash"); !strings.Contains(f, "종료했어요") {
		t.Errorf("after ending: flash %q", f)
	}
	shootBoth(t, ctx, "polish-6-ended")

	// A draft whose three plans are ready is not "기획 전" on the home page.
	d := evCreate(t, e, ev.Owner, "REVISIT")
	evRecommend(t, e, ev.Owner, d.ID, nil)
	waitFor(t, "the recommendation is recorded", func() bool { return !evGet(t, e, ev.Owner, d.ID).RecommendedAt.IsZero() })
	run("home", chromedp.Navigate(e.URL+"/app"), chromedp.WaitVisible(`.ev-list`, chromedp.ByQuery))
	if h := text(".ev-list"); !strings.Contains(h, "추천 3안 도착") || strings.Contains(h, "기획 전") {
		t.Errorf("home with a ready recommendation:\n%s", h)
	}
	shootBoth(t, ctx, "polish-8-home")
}
