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
		// The form is on both pages; the published commitment is only on
		// the page after the post.
		chromedp.WaitVisible(`.draw-steps code.hash`, chromedp.ByQuery),
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
		chromedp.TextContent(`main`, &text, chromedp.ByQuery), // the proof is folded under 검증 정보
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "owner-3-draw-result-phone")
	if !strings.Contains(text, "verify-draw") {
		t.Errorf("draw page shows no verify command:\n%s", text)
	}
}
