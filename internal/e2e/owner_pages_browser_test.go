package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOwnerParticipantsAndDrawBrowser drives the owner's participants page
// and the lottery draw (commitment first, then the draw and its proof) in
// headless Chromium at phone size, with screenshots "owner-*".
func TestOwnerParticipantsAndDrawBrowser(t *testing.T) {
	e := Start(t)
	ev := activeEvent(t, e, "LOTTERY", 0)
	for i := range 12 {
		if res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": fmt.Sprintf("손님%d", i), "phone": fmt.Sprintf("010-7777-%04d", i)}); res.Status != http.StatusCreated {
			t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
		}
	}
	ctx := Browser(t, 500, 900)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	var text string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/login?next=/app/events/"+ev.ID+"/participants"),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.SendKeys(`#email`, ev.Owner.Email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, ev.Owner.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.part-links`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "owner-1-participants-phone")
	if !strings.Contains(text, "010-****-0011") || strings.Contains(text, "7777-0011") {
		t.Errorf("participants page does not show masked phones:\n%s", text)
	}

	err = chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/app/events/"+ev.ID+"/draw"),
		chromedp.WaitVisible(`form[action$="/draw/commitment"] button`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/draw/commitment"] button`, chromedp.ByQuery),
		// The form is on both pages; the sealed badge is only on the page
		// after the post (no hashes for owners: they are on the proof).
		chromedp.WaitVisible(`.draw-steps .badge.ok`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "owner-2-draw-committed-phone")
	err = chromedp.Run(ctx,
		chromedp.SetValue(`#winnerCount`, "3", chromedp.ByQuery),
		chromedp.Click(`input[name=closeEntries]`, chromedp.ByQuery), // the event still runs: confirm closing it
		chromedp.Click(`form.draw-form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`article.draw-result`, chromedp.ByQuery),
		chromedp.TextContent(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "owner-3-draw-result-phone")
	// Plain words for the owner; the proof (commitment, seed, hashes,
	// verify command) is one link away, on the customers' result page.
	if !strings.Contains(text, "손님이 보는 결과와 검증 정보") || strings.Contains(text, "verify-draw") || strings.Contains(text, "약속값") {
		t.Errorf("draw page: want a link to the proof and no jargon:\n%s", text)
	}
}
