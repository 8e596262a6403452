package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shootBoth saves the page at phone (390×844) and desktop (1280×900) size
// and leaves the phone viewport on.
func shootBoth(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, s := range []struct {
		suffix string
		w, h   int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		if err := chromedp.Run(ctx, chromedp.EmulateViewport(s.w, s.h)); err != nil {
			t.Fatal(err)
		}
		Screenshot(t, ctx, name+"-"+s.suffix)
	}
}

// TestDrawPageBrowser drives the owner's draw page in headless Chromium at
// phone size (screenshots "draw-*" at phone and desktop size): the form
// defaults to the planned 3 winners and, the event still running, asks to
// confirm closing the entries; the draw shows the current winners first;
// replacing one winner keeps the two others and marks only the replaced one.
func TestDrawPageBrowser(t *testing.T) {
	e := Start(t, noEntryLimits)
	ev := activeEvent(t, e, "LOTTERY", 0) // planned: 3 winners
	for i := range 15 {
		if res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": fmt.Sprintf("손님%d", i), "phone": fmt.Sprintf("010-4444-%04d", i)}); res.Status != http.StatusCreated {
			t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
		}
	}
	ctx := Browser(t, 500, 900)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	var count, text string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/login?next=/app/events/"+ev.ID+"/draw"),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.SendKeys(`#email`, ev.Owner.Email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, ev.Owner.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.draw-confirm`, chromedp.ByQuery),
		chromedp.Value(`#winnerCount`, &count, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	shootBoth(t, ctx, "draw-1-confirm")
	if count != "3" {
		t.Errorf("winner count defaults to %q, want the planned 3", count)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`input[name=closeEntries]`, chromedp.ByQuery),
		chromedp.Click(`form.draw-form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#current-winners`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	shootBoth(t, ctx, "draw-2-result")
	if !strings.Contains(text, "참여를 마감하고 추첨했습니다") || !strings.Contains(text, "현재 당첨자 3명") {
		t.Errorf("after the draw the page says:\n%s", text)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`input[name=replace]`, chromedp.ByQuery), // the first listed (rank 1)
		chromedp.SendKeys(`#reason`, "연락 불가", chromedp.ByQuery),
		chromedp.Click(`form.draw-form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.draw-record-winners li.replaced`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	shootBoth(t, ctx, "draw-3-redraw")
	if !strings.Contains(text, "현재 당첨자 3명") || strings.Count(text, "교체됨") != 1 || strings.Contains(text, "재추첨됨") {
		t.Errorf("after replacing one winner the page says:\n%s", text)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(e.URL+"/e/"+ev.Code), chromedp.WaitVisible(`.draw-public`, chromedp.ByQuery),
		chromedp.Text(`body`, &text, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	shootBoth(t, ctx, "draw-4-public")
	if strings.Contains(text, "참여하기") || strings.Count(text, "교체됨") != 1 {
		t.Errorf("public page after the redraw: want no entry form and one replaced winner:\n%s", text)
	}
}
