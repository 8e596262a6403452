package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/chromedp/chromedp"
)

// ctPlannedEvent is a PLANNED event of a new owner: recommended by the
// local planner, option 2 chosen.
func ctPlannedEvent(t *testing.T, e *Env) (Owner, event.Event) {
	t.Helper()
	o := e.SignupOwner("CAFE", "서울특별시 강남구")
	ev := evCreate(t, e, o, "NEW_CUSTOMERS")
	evRecommend(t, e, o, ev.ID, nil)
	today := time.Now().In(kst.Location)
	sel := map[string]any{"optionNumber": 2, "title": "겨울 붕어빵 추첨 이벤트", "benefit": "붕어빵 세트 무료",
		"startDate": today.Format(time.DateOnly), "endDate": today.AddDate(0, 0, 13).Format(time.DateOnly)}
	res := e.Do("PUT", "/api/v1/events/"+ev.ID+"/selection", o.Token, sel)
	if res.Status != http.StatusOK {
		t.Fatalf("selection: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &ev)
	return o, ev
}

// ctVideosDone reports whether the event's video job has made both videos
// (it fails the test when the job failed).
func ctVideosDone(t *testing.T, e *Env, o Owner, id string) bool {
	t.Helper()
	var c struct {
		Status     string `json:"status"`
		VideoJobID string `json:"videoJobId"`
		Assets     []struct {
			Kind string `json:"kind"`
		} `json:"assets"`
	}
	e.Do("GET", "/api/v1/events/"+id+"/content", o.Token, nil).JSON(t, &c)
	videos := 0
	for _, a := range c.Assets {
		if a.Kind == "video" {
			videos++
		}
	}
	if c.Status != "READY" || c.VideoJobID == "" {
		return false
	}
	var job evJob
	e.Do("GET", "/api/v1/jobs/"+c.VideoJobID, o.Token, nil).JSON(t, &job)
	if job.Status == "FAILED" {
		t.Fatalf("video job failed: %+v", job)
	}
	return job.Status == "COMPLETED" && videos == 2
}

// ctWaitVideos waits for the videos (ffmpeg on two busy cores can take a
// while).
func ctWaitVideos(t *testing.T, e *Env, o Owner, id string) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 4*time.Minute {
		if ctVideosDone(t, e, o, id) {
			t.Logf("videos made %v after the images", time.Since(start).Round(time.Second))
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("videos not made after 4 min")
}

// eventually evaluates the JavaScript expression js until it is true,
// across page loads (content.js reloads the page when a job ends).
func eventually(t *testing.T, ctx context.Context, what, js string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var ok bool
		err := chromedp.Run(ctx, chromedp.Evaluate(js, &ok))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			var body string
			_ = chromedp.Run(ctx, chromedp.Text("main", &body, chromedp.ByQuery))
			t.Fatalf("%s: not after %v (last error %v): %.600s", what, d, err, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestContentPageBrowser walks the owner's content page in headless
// Chromium at phone size, with screenshots "content-*" at phone and desktop
// size: the event page's button, the empty state, generation with live
// progress, the three styles per channel size (tabs), video, copy with live
// counts, ringback audio and poster; then an image edit and the channel
// style choice, each coming back with its confirmation.
func TestContentPageBrowser(t *testing.T) {
	e := Start(t, noLimits)
	o, ev := ctPlannedEvent(t, e)
	page := "/app/events/" + ev.ID + "/content"
	// Each part has a browser of its own: Browser gives one 90 s, and the
	// content job (videos included) shares two cores with everything else.
	var ctx context.Context
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		start := time.Now()
		if err := chromedp.Run(ctx, actions...); err != nil {
			var loc, body string
			_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Text("main", &body, chromedp.ByQuery))
			t.Fatalf("%s: %v (at %s: %.600s)", what, err, loc, body)
		}
		t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond))
	}
	login := func(next, ready string) {
		t.Helper()
		ctx = Browser(t, 500, 900)
		run("log in", chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.URL+"/login?next="+next),
			chromedp.WaitVisible(`#email`, chromedp.ByQuery),
			chromedp.SendKeys(`#email`, o.Email, chromedp.ByQuery),
			chromedp.SendKeys(`#password`, o.Password, chromedp.ByQuery),
			chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(ready, chromedp.ByQuery),
		)
	}

	// 1. From the event page to the made content.
	login("/app/events/"+ev.ID, `a.ev-content`)
	var label string
	run("the event page offers the content", chromedp.Text(`a.ev-content`, &label, chromedp.ByQuery))
	if label != "홍보 콘텐츠 만들기" {
		t.Errorf("event page button = %q, want 홍보 콘텐츠 만들기", label)
	}
	run("open the content page",
		chromedp.Click(`a.ev-content`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ct-empty form button[type=submit]`, chromedp.ByQuery),
	)
	shootBoth(t, ctx, "content-1-empty")

	run("start", chromedp.Click(`.ct-empty form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#content-progress, #images`, chromedp.ByQuery))
	// The progress card shows while the job runs; a fast job may already
	// be done when the page comes back, so its screenshot is best effort.
	var progressShown bool
	run("is it running", chromedp.Evaluate(`document.querySelector("#content-progress") !== null`, &progressShown))
	if progressShown {
		// Best effort: a first finished image in the live list.
		_ = chromedp.Run(ctx, chromedp.Poll(`document.querySelector("#content-live li") !== null`, nil,
			chromedp.WithPollingTimeout(3*time.Second)))
		Screenshot(t, ctx, "content-2-generating-phone")
	}

	var cards, loaded int
	var tabs string
	run("the content appears",
		// content.js reloads the page when the job ends.
		chromedp.WaitNotPresent(`#content-progress`, chromedp.ByQuery),
		chromedp.WaitVisible(`#images`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll(".ct-size:not([hidden]) .ct-card").length`, &cards),
		chromedp.Text(`.ct-tabs`, &tabs, chromedp.ByQuery),
		// Wait for the visible images to load, then count the drawn ones.
		chromedp.Poll(`Array.from(document.querySelectorAll(".ct-size:not([hidden]) img")).every(i => i.complete)`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".ct-size:not([hidden]) img")).filter(i => i.naturalWidth > 0).length`, &loaded),
	)
	if cards != 3 || loaded != 3 {
		t.Errorf("first size shows %d style cards, %d images drawn; want 3 and 3", cards, loaded)
	}
	for _, want := range []string{"인스타그램", "TV", "카카오", "네이버 블로그"} {
		if !strings.Contains(tabs, want) {
			t.Errorf("size tabs %q lack %s", tabs, want)
		}
	}
	shootBoth(t, ctx, "content-3-ready")

	var tvCards int
	run("TV tab",
		chromedp.Click(`.ct-tabs a[data-tab="size-tv"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#size-tv .ct-card`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#size-tv .ct-card").length`, &tvCards),
	)
	if tvCards != 3 {
		t.Errorf("TV tab shows %d cards, want 3", tvCards)
	}
	shootBoth(t, ctx, "content-4-tv")

	// 2. Video (made after the images, by a job of its own: the page shows
	// it coming and swaps it in), ringback, poster, copy.
	var pending bool
	run("video section", chromedp.Evaluate(`document.querySelector("#video[data-pending]") !== null`, &pending))
	t.Logf("videos still being made when the images were ready: %v", pending)
	if pending {
		// The page swaps the videos in when they are made (without a
		// reload); this browser has time for about 45 s of that.
		var madeAt time.Time
		for start := time.Now(); time.Since(start) < 45*time.Second; time.Sleep(300 * time.Millisecond) {
			var shown bool
			_ = chromedp.Run(ctx, chromedp.Evaluate(`!document.querySelector("#video[data-pending]") && document.querySelectorAll("#video video, #video img").length === 2`, &shown))
			if shown {
				if !madeAt.IsZero() {
					t.Logf("the page showed the videos %v after they were made", time.Since(madeAt).Round(100*time.Millisecond))
				}
				Screenshot(t, ctx, "content-5-video-arrived-phone")
				break
			}
			if madeAt.IsZero() && ctVideosDone(t, e, o, ev.ID) {
				madeAt = time.Now()
			}
			if !madeAt.IsZero() && time.Since(madeAt) > 10*time.Second {
				t.Errorf("videos made 10 s ago, the page still does not show them")
				break
			}
		}
	}
	ctWaitVideos(t, e, o, ev.ID)
	login(page, `#images`)
	var media struct{ Video, GIF, Audio, PDF, PNG int }
	run("videos",
		chromedp.WaitVisible(`#video`, chromedp.ByQuery),
		chromedp.Evaluate(`({
		Video: document.querySelectorAll("#video video[controls][playsinline]").length,
		GIF: document.querySelectorAll("#video img").length,
		Audio: document.querySelectorAll("#ringback audio[controls]").length,
		PDF: document.querySelectorAll('#poster a[download][href$=".pdf"], #poster a[download]').length,
		PNG: document.querySelectorAll("#poster img").length})`, &media))
	if media.Video+media.GIF != 2 || media.Audio != 1 || media.PDF != 2 || media.PNG != 1 {
		t.Errorf("media on the page: %+v, want two videos, one audio player, the poster's two downloads and preview", media)
	}
	run("to the video", chromedp.ScrollIntoView(`#video`, chromedp.ByQuery))
	Screenshot(t, ctx, "content-5-video-phone")

	// The caption count follows typing.
	var before, after string
	run("copy counter",
		chromedp.ScrollIntoView(`#copy-instagram`, chromedp.ByQuery),
		chromedp.Text(`#count-instagram [data-count]`, &before, chromedp.ByQuery),
		chromedp.SendKeys(`#copytext-instagram`, " 추가 #문구", chromedp.ByQuery),
		chromedp.Text(`#count-instagram [data-count]`, &after, chromedp.ByQuery),
	)
	if before == after || before == "" {
		t.Errorf("instagram count %q → %q after typing, want it to change", before, after)
	}
	Screenshot(t, ctx, "content-6-copy-phone")

	// 3. Edit an image, choose the channels' styles.
	login(page, `#images`)
	var flash, oldSrc string
	first := `.ct-size:not([hidden]) .ct-card`
	run("edit an image",
		chromedp.Evaluate(`document.querySelector(".ct-size:not([hidden]) .ct-card img").getAttribute("src")`, &oldSrc),
		chromedp.Click(first+` details summary`, chromedp.ByQuery),
		chromedp.WaitVisible(first+` details[open] input[name=title]`, chromedp.ByQuery),
		chromedp.SetValue(first+` details[open] input[name=title]`, "붕어빵 대잔치", chromedp.ByQuery),
	)
	Screenshot(t, ctx, "content-7-edit-phone")
	// The page confirms and follows the job; a fast job reloads the page
	// (and its one-time confirmation) before a check could read it, so
	// the check is the image itself: a new file (URLs are content hashes).
	run("send the edit", chromedp.Click(first+` details[open] button[type=submit]`, chromedp.ByQuery))
	eventually(t, ctx, "the edited image", `(() => {
		const img = document.querySelector(".ct-size:not([hidden]) .ct-card img");
		return !document.querySelector("#content-progress, .alert") && !!img && img.getAttribute("src") !== `+jsString(oldSrc)+`;
	})()`, 45*time.Second)

	var chosen string
	run("choose styles",
		chromedp.WaitVisible(`#ch-INSTAGRAM`, chromedp.ByQuery),
		chromedp.SetValue(`#ch-INSTAGRAM`, "trendy", chromedp.ByQuery),
		chromedp.Click(`form.ct-channels button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash, .alert`, chromedp.ByQuery),
		chromedp.Text(`.flash, .alert`, &flash, chromedp.ByQuery),
		chromedp.Value(`#ch-INSTAGRAM`, &chosen, chromedp.ByQuery),
	)
	if flash != "채널별 스타일을 저장했어요." || chosen != "trendy" {
		t.Errorf("after saving styles: flash %q, Instagram %q", flash, chosen)
	}
	run("to the choice", chromedp.ScrollIntoView(`#channels`, chromedp.ByQuery))
	Screenshot(t, ctx, "content-8-channels-phone")

	// The event moved to CONTENT_READY: its page offers to see the content.
	waitFor(t, "event CONTENT_READY", func() bool { return evGet(t, e, o, ev.ID).Status == event.StatusContentReady })
	run("back to the event",
		chromedp.Navigate(e.URL+"/app/events/"+ev.ID),
		chromedp.WaitVisible(`a.ev-content`, chromedp.ByQuery),
		chromedp.Text(`a.ev-content`, &label, chromedp.ByQuery),
	)
	if label != "홍보 콘텐츠 보기" {
		t.Errorf("event page button = %q, want 홍보 콘텐츠 보기", label)
	}
}

// ctPageLogin logs a page client in as o.
func ctPageLogin(t *testing.T, e *Env, o Owner) *pageClient {
	t.Helper()
	p := newPageClient(t, e.URL, false)
	lg := p.get("/login")
	if res := p.post("/login", url.Values{"csrf": {csrfOf(t, lg.Body)}, "email": {o.Email}, "password": {o.Password}, "next": {"/app"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	return p
}

// TestContentPagesWithoutJS makes the content with plain form posts and
// page loads, as a browser without JavaScript would (the page refreshes
// itself every 3 s while the job runs), and checks that another owner
// gets the not-found page and changes nothing.
func TestContentPagesWithoutJS(t *testing.T) {
	e := Start(t, noLimits)
	o, ev := ctPlannedEvent(t, e)
	page := "/app/events/" + ev.ID + "/content"
	p := ctPageLogin(t, e, o)

	empty := p.get(page)
	if empty.Status != http.StatusOK || !strings.Contains(empty.Body, "아직 만든 홍보 콘텐츠가 없어요") {
		t.Fatalf("content page: %d, want the empty state", empty.Status)
	}
	// Another owner: the not-found page, and their forms reach nothing.
	other := ctPageLogin(t, e, e.SignupOwner("BAKERY", "서울특별시 마포구"))
	if pg := other.get(page); pg.Status != http.StatusNotFound || !strings.Contains(pg.Body, "이벤트를 찾을 수 없어요") {
		t.Errorf("another owner's content page: %d, want 404", pg.Status)
	}
	if pg := other.get(page + "/progress"); pg.Status != http.StatusNotFound {
		t.Errorf("another owner's progress stream: %d, want 404", pg.Status)
	}
	own := other.get("/app")
	res := other.post(page, url.Values{"csrf": {csrfOf(t, own.Body)}, "styles": {"1"}, "style": {"simple"}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("another owner's start: %d", res.Status)
	}
	if pg := p.get(page); !strings.Contains(pg.Body, "아직 만든 홍보 콘텐츠가 없어요") {
		t.Fatalf("another owner's post started the content")
	}

	res = p.post(page, url.Values{"csrf": {csrfOf(t, empty.Body)}, "styles": {"1"}, "style": {"simple", "vivid", "trendy"}})
	if res.Status != http.StatusSeeOther || res.Location != page {
		t.Fatalf("start: %d → %q", res.Status, res.Location)
	}
	pg := p.get(page)
	// Refresh as the meta tag would until the job is done.
	deadline := time.Now().Add(60 * time.Second)
	for strings.Contains(pg.Body, `http-equiv="refresh"`) && time.Now().Before(deadline) {
		if !strings.Contains(pg.Body, "콘텐츠를 만들고 있어요") || !strings.Contains(pg.Body, `role="progressbar"`) {
			t.Fatalf("refreshing page without the progress")
		}
		time.Sleep(300 * time.Millisecond)
		pg = p.get(page)
	}
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `id="images"`) {
		t.Fatalf("content page after the job: %d, want the images", pg.Status)
	}
	for _, want := range []string{"이 스타일 다시 만들기", "/ 2,200자", "해시태그", `<audio controls`, `download`, "채널별 스타일 고르기"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("ready page lacks %q", want)
		}
	}
	// Another owner cannot restyle it either.
	before := ctInstagramStyle(pg.Body)
	res = other.post(page+"/channel-styles", url.Values{"csrf": {csrfOf(t, own.Body)}, "INSTAGRAM": {"trendy"}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("another owner's channel styles: %d", res.Status)
	}
	if after := ctInstagramStyle(p.get(page).Body); before == "" || after != before {
		t.Errorf("Instagram style %q → %q after another owner's post", before, after)
	}
}

var ctSelectedRE = regexp.MustCompile(`<option value="(\w+)" selected>`)

// ctInstagramStyle is the style the page's channel form has for Instagram.
func ctInstagramStyle(body string) string {
	i := strings.Index(body, `id="ch-INSTAGRAM"`)
	if i < 0 {
		return ""
	}
	seg := body[i:]
	if j := strings.Index(seg, "</select>"); j >= 0 {
		seg = seg[:j]
	}
	if m := ctSelectedRE.FindStringSubmatch(seg); m != nil {
		return m[1]
	}
	return ""
}
