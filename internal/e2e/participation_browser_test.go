package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestParticipationPublicPageBrowser enters a first-come event through the
// public page at phone size (390×844), as a customer arriving from the
// in-store QR code, and checks the result page and the sold-out page.
func TestParticipationPublicPageBrowser(t *testing.T) {
	e := Start(t, noLimits)
	ev := activeEvent(t, e, "FIRST_COME", 1)
	ov := overview(t, e, ev)
	visitPath := ov.VisitURL[strings.Index(ov.VisitURL, "/e/"):]
	ctx := Browser(t, 390, 844)

	var title string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+visitPath),
		chromedp.WaitVisible(`form.pub-form`),
		chromedp.Text(`h1.pub-title`, &title),
	); err != nil {
		t.Fatalf("open public page: %v", err)
	}
	if title != "봄맞이 감사 이벤트" {
		t.Errorf("title = %q, want 봄맞이 감사 이벤트", title)
	}
	Screenshot(t, ctx, "part-event")

	// A bad phone number: the form comes back with the message inline.
	var msg string
	if err := chromedp.Run(ctx,
		chromedp.SendKeys(`#name`, "김민수"),
		chromedp.SendKeys(`#phone`, "02-123-4567"),
		chromedp.Click(`button.pub-submit`),
		chromedp.WaitVisible(`#phone-error`),
		chromedp.Text(`#phone-error`, &msg),
	); err != nil {
		t.Fatalf("submit bad phone: %v", err)
	}
	if !strings.Contains(msg, "휴대전화") {
		t.Errorf("phone error = %q", msg)
	}
	Screenshot(t, ctx, "part-event-error")

	var number, code string
	if err := chromedp.Run(ctx,
		chromedp.Clear(`#phone`),
		chromedp.SendKeys(`#phone`, "010-1234-5678"),
		chromedp.Click(`button.pub-submit`),
		chromedp.WaitVisible(`.pub-done`),
		chromedp.Text(`.pub-number strong`, &number),
		chromedp.Text(`.pub-code`, &code),
		chromedp.Sleep(300*time.Millisecond), // let the coupon QR image paint
	); err != nil {
		t.Fatalf("enter: %v", err)
	}
	if number != "1" || len(code) != 14 {
		t.Errorf("result: number %q, coupon %q; want 1 and XXXX-XXXX-XXXX", number, code)
	}
	var badge string
	_ = chromedp.Run(ctx, chromedp.Text(`.pub-badge`, &badge))
	if !strings.Contains(badge, "매장 방문") {
		t.Errorf("entry through the in-store QR lacks the visit badge (got %q)", badge)
	}
	Screenshot(t, ctx, "part-result-coupon")

	// The only coupon is gone: the page says 마감.
	var closed string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/e/"+ev.Code),
		chromedp.WaitVisible(`.pub-closed`),
		chromedp.Text(`.pub-closed h2`, &closed),
	); err != nil {
		t.Fatalf("sold-out page: %v", err)
	}
	if closed != "마감" {
		t.Errorf("sold-out heading = %q, want 마감", closed)
	}
	Screenshot(t, ctx, "part-soldout")

	if res := e.Do("GET", "/e/NOSUCHCODE", "", nil); res.Status != 404 {
		t.Errorf("unknown code: %d, want 404", res.Status)
	}
}
