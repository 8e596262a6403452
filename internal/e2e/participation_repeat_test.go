package e2e

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/chromedp/chromedp"
)

// Attacker's view: a phone number is no secret. Whoever types someone
// else's number into an event's entry form must learn that it entered and
// nothing else — not its entry number (the public draw list would say
// whether it won), not its coupon code or QR link — unless they bring the
// entry token the first answer gave its owner.
func TestParticipationRepeatRevealsNothing(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		ev := approve(t, e, o, "FIRST_COME", 3, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
		other := approve(t, e, o, "FIRST_COME", 3, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
		const victimPhone = "010-3141-5926"
		res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": victimPhone})
		var victim entryAnswer
		res.JSON(t, &victim)
		if res.Status != http.StatusCreated || victim.Coupon == nil {
			t.Fatalf("victim's entry: %d %s, want 201 with a coupon", res.Status, res.Body)
		}
		if victim.EntryToken == "" {
			t.Errorf("victim's entry: %s, want an entry token", res.Body)
		}
		// The attacker's own entry (their token) and an entry of the
		// victim's number in another event (a token for that number, but
		// of another event).
		res = e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "공격자", "phone": "010-6666-0001"})
		var own entryAnswer
		res.JSON(t, &own)
		res = e.Do("POST", entryPath(other.ID), "", map[string]any{"name": "공격자", "phone": victimPhone})
		var elsewhere entryAnswer
		res.JSON(t, &elsewhere)
		if own.EntryToken == "" || elsewhere.EntryToken == "" {
			t.Errorf("new entries without entry token: %+v %+v", own, elsewhere)
		}
		secrets := []string{victim.Coupon.Code, victim.Coupon.QRURL, `"entryNumber"`, `"coupon"`, `"createdAt"`, `"entryToken"`}
		attacks := []struct {
			name string
			body map[string]any
		}{
			{"no token", map[string]any{"name": "아무개", "phone": "01031415926"}},
			{"other spelling, marketing", map[string]any{"name": "김민수", "phone": "+82 10 3141 5926", "consents": map[string]bool{"marketing": true}}},
			{"garbage token", map[string]any{"name": "아무개", "phone": victimPhone, "entryToken": strings.Repeat("0", 32)}},
			{"attacker's own token", map[string]any{"name": "아무개", "phone": victimPhone, "entryToken": own.EntryToken}},
			{"same number, other event's token", map[string]any{"name": "아무개", "phone": victimPhone, "entryToken": elsewhere.EntryToken}},
			{"many tokens", map[string]any{"name": "아무개", "phone": victimPhone, "entryToken": strings.Repeat(own.EntryToken+".", 20) + elsewhere.EntryToken}},
		}
		for _, a := range attacks {
			res := e.Do("POST", entryPath(ev.ID), "", a.body)
			if res.Status != http.StatusOK {
				t.Errorf("%s: %d %s, want 200 (already entered)", a.name, res.Status, res.Body)
				continue
			}
			var got entryAnswer
			res.JSON(t, &got)
			if !got.Repeat || got.EventID != ev.ID {
				t.Errorf("%s: %s, want repeat of event %s", a.name, res.Body, ev.ID)
			}
			for _, s := range secrets {
				if strings.Contains(string(res.Body), s) {
					t.Errorf("%s: answer %s reveals %q of the victim's entry", a.name, res.Body, s)
				}
			}
		}
		// The owner of the entry, with the token of the first answer,
		// sees it again, coupon included.
		res = e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": victimPhone, "entryToken": own.EntryToken + "." + victim.EntryToken})
		var again entryAnswer
		res.JSON(t, &again)
		if res.Status != http.StatusOK || !again.Repeat || again.EntryNumber != victim.EntryNumber || again.Coupon == nil ||
			again.Coupon.Code != victim.Coupon.Code || again.EntryToken != victim.EntryToken {
			t.Errorf("owner's repeat with token: %d %s, want the original entry %d and coupon %s", res.Status, res.Body, victim.EntryNumber, victim.Coupon.Code)
		}
		// Sold out: to the attacker the event is simply closed (no lookup
		// answer at all); the holder with the token still sees the coupon.
		if res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "박지훈", "phone": "010-6666-0002"}); res.Status != http.StatusCreated {
			t.Fatalf("last coupon: %d %s", res.Status, res.Body)
		}
		waitFor(t, "sold out", func() bool { return overview(t, e, ev).SoldOut })
		res = e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "아무개", "phone": victimPhone})
		if res.Status != http.StatusConflict || res.Code() != "sold_out" {
			t.Errorf("attacker after sell-out: %d %s, want 409 sold_out", res.Status, res.Body)
		}
		res = e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": victimPhone, "entryToken": victim.EntryToken})
		again = entryAnswer{}
		res.JSON(t, &again)
		if res.Status != http.StatusOK || again.Coupon == nil || again.Coupon.Code != victim.Coupon.Code {
			t.Errorf("holder after sell-out: %d %s, want 200 with coupon %s", res.Status, res.Body, victim.Coupon.Code)
		}

		// A lottery: the entry number alone would tell, through the public
		// draw list, whether that number won.
		lot := approve(t, e, o, "LOTTERY", 0, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
		if res := e.Do("POST", entryPath(lot.ID), "", map[string]any{"name": "김민수", "phone": victimPhone}); res.Status != http.StatusCreated {
			t.Fatalf("lottery entry: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", entryPath(lot.ID), "", map[string]any{"name": "아무개", "phone": victimPhone})
		if res.Status != http.StatusOK || strings.Contains(string(res.Body), "entryNumber") {
			t.Errorf("lottery repeat by another: %d %s, want 200 without an entry number", res.Status, res.Body)
		}
	}, noLimits)
}

// entryBrowser is a browser without JavaScript on the public page: a cookie
// jar, the form's CSRF token, form posts.
type entryBrowser struct {
	t   *testing.T
	e   *Env
	c   *http.Client
	hdr http.Header
}

func newEntryBrowser(t *testing.T, e *Env) *entryBrowser {
	jar, _ := cookiejar.New(nil)
	return &entryBrowser{t: t, e: e, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// enter opens /e/{code} and submits the entry form; it returns the answer's
// status and page.
func (p *entryBrowser) enter(code, name, phone string) (int, string) {
	p.t.Helper()
	res, err := p.c.Get(p.e.URL + "/e/" + code)
	if err != nil {
		p.t.Fatal(err)
	}
	page := string(readAll(res))
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		p.t.Fatalf("GET /e/%s: %d, no form token", code, res.StatusCode)
	}
	res, err = p.c.PostForm(p.e.URL+"/e/"+code, url.Values{"csrf": {m[1]}, "name": {name}, "phone": {phone}})
	if err != nil {
		p.t.Fatal(err)
	}
	return res.StatusCode, string(readAll(res))
}

var couponOnPage = regexp.MustCompile(`class="pub-code">([0-9A-Z-]+)<`)

// The same attack through the public page /e/{code}: another browser gets
// "이미 참여하셨어요" and nothing more; the browser that entered gets its
// coupon back (its HttpOnly entry cookie carries the token).
func TestParticipationRepeatPageRevealsNothing(t *testing.T) {
	e := Start(t, noLimits)
	ev := activeEvent(t, e, "FIRST_COME", 5)
	victim, attacker := newEntryBrowser(t, e), newEntryBrowser(t, e)
	status, page := victim.enter(ev.Code, "김민수", "010-2718-2818")
	m := couponOnPage.FindStringSubmatch(page)
	if status != http.StatusCreated || m == nil {
		t.Fatalf("victim's entry: %d, coupon %v", status, m)
	}
	code := m[1]
	u, _ := url.Parse(e.URL + "/e/" + ev.Code)
	var cookie *http.Cookie
	for _, c := range victim.c.Jar.Cookies(u) {
		if c.Name == "ae_entry" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatalf("no entry cookie after the first entry")
	}
	if other, _ := url.Parse(e.URL + "/e/zzzzzzzzzz"); len(victim.c.Jar.Cookies(other)) > 0 {
		for _, c := range victim.c.Jar.Cookies(other) {
			if c.Name == "ae_entry" {
				t.Errorf("entry cookie sent to another event's page")
			}
		}
	}
	status, page = attacker.enter(ev.Code, "아무개", "01027182818")
	if status != http.StatusOK || !strings.Contains(page, "이미 참여하셨어요") {
		t.Errorf("attacker: %d, want 200 이미 참여하셨어요", status)
	}
	for _, s := range []string{code, "/coupons/", "응모번호", cookie.Value} {
		if strings.Contains(page, s) {
			t.Errorf("attacker's page reveals %q", s)
		}
	}
	status, page = victim.enter(ev.Code, "김민수", "010 2718 2818")
	if status != http.StatusOK || !strings.Contains(page, code) || !strings.Contains(page, "이미 참여하셨어요") {
		t.Errorf("victim again: %d, want 200 with coupon %s", status, code)
	}
}

// Attacker's view of the per-IP entry limit: probing phone numbers against
// an event that has ended (where a repeat could be looked up) is limited
// exactly like entering an open one, through the API and the page alike.
// Above the threshold an address's new entries are taken and flagged for
// the owner (a shop's Wi-Fi, a carrier's NAT), but nothing that tells
// whether a number entered is answered, and ten times the threshold is
// refused outright.
func TestParticipationEntryLimitBeforeLookup(t *testing.T) {
	const limit = 5
	e := Start(t, func(c *config.Config) { c.EntryIPLimit = limit }) // the anonymous API limit (600/min) stays on
	o := e.SignupOwner("CAFE", "서울 강남구")
	now := time.Now()
	ended := approve(t, e, o, "FIRST_COME", 5, now.Add(-48*time.Hour), now.Add(-time.Hour))
	open := approve(t, e, o, "LOTTERY", 0, now.Add(-time.Hour), now.Add(time.Hour))
	for i := range limit {
		res := e.Do("POST", entryPath(ended.ID), "", map[string]any{"name": "아무개", "phone": "010-4000-000" + string(rune('0'+i))})
		if res.Status != http.StatusConflict || res.Code() != "event_ended" {
			t.Fatalf("probe %d: %d %s, want 409 event_ended", i+1, res.Status, res.Body)
		}
	}
	res := e.Do("POST", entryPath(ended.ID), "", map[string]any{"name": "아무개", "phone": "010-4000-0009"})
	if res.Status != http.StatusTooManyRequests || res.Code() != "rate_limited" || res.Header.Get("Retry-After") == "" {
		t.Errorf("probe %d of an ended event: %d %s, want 429 rate_limited with Retry-After", limit+1, res.Status, res.Body)
	}
	// One budget for every entry path of this address: a new entry is
	// taken and flagged, a repeat learns nothing.
	if res := e.Do("POST", entryPath(open.ID), "", map[string]any{"name": "김민수", "phone": "010-4000-1000"}); res.Status != http.StatusCreated {
		t.Errorf("new entry above the threshold: %d %s, want 201 (flagged, not refused)", res.Status, res.Body)
	}
	if res := e.Do("POST", entryPath(open.ID), "", map[string]any{"name": "김민수", "phone": "010-4000-1000"}); res.Status != http.StatusTooManyRequests {
		t.Errorf("repeat above the threshold: %d %s, want 429", res.Status, res.Body)
	}
	if status, _ := newEntryBrowser(t, e).enter(open.Code, "이영희", "010-4000-1001"); status != http.StatusCreated {
		t.Errorf("public page above the threshold: %d, want 201", status)
	}
	var list struct {
		Items []struct {
			EntryNumber int64  `json:"entryNumber"`
			Review      string `json:"review"`
		} `json:"items"`
	}
	e.Do("GET", "/api/v1/events/"+open.ID+"/entries", o.Token, nil).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].Review != "shared_ip" || list.Items[1].Review != "shared_ip" {
		t.Errorf("owner's list = %+v, want 2 entries flagged shared_ip", list.Items)
	}
	// 10 × the threshold a minute: refused.
	refused := 0
	for i := range 10 * limit {
		res := e.Do("POST", entryPath(open.ID), "", map[string]any{"name": "봇", "phone": "010-4100-" + strconv.Itoa(1000+i)})
		if res.Status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Error("no entry refused at 10 × the threshold")
	}
}

// Redemption takes the code as a person types it at the counter: no
// dashes, lower case, spaces, O for 0 and l or I for 1, full-width. Each
// spelling is the same coupon, used once.
func TestParticipationCouponRedeemAsTyped(t *testing.T) {
	e := Start(t, noLimits)
	ev := activeEvent(t, e, "FIRST_COME", 5)
	res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": "010-1618-0339"})
	var a entryAnswer
	res.JSON(t, &a)
	if a.Coupon == nil {
		t.Fatalf("entry without coupon: %s", res.Body)
	}
	code := a.Coupon.Code
	typed := strings.NewReplacer("-", "", "0", "o", "1", "l").Replace(strings.ToLower(code))
	spaced := " " + strings.NewReplacer("-", " ", "0", "O", "1", "I").Replace(code) + " "
	fullWidth := strings.Map(func(r rune) rune { return r + 0xFEE0 }, strings.ReplaceAll(code, "-", ""))
	redeem := func(c string) Response {
		return e.Do("POST", "/api/v1/events/"+ev.ID+"/coupons/"+url.PathEscape(c)+"/redeem", ev.Owner.Token, nil)
	}
	if res := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/coupons/"+url.PathEscape(typed)+"/qr.png", "", nil); res.Status != 200 {
		t.Errorf("coupon QR as typed %q: %d, want 200", typed, res.Status)
	}
	if res := redeem(typed); res.Status != http.StatusOK {
		t.Fatalf("redeem %q (coupon %s): %d %s, want 200", typed, code, res.Status, res.Body)
	}
	for _, c := range []string{spaced, fullWidth, code} {
		if res := redeem(c); res.Status != http.StatusConflict || res.Code() != "coupon_already_redeemed" {
			t.Errorf("redeem %q again: %d %s, want 409 coupon_already_redeemed", c, res.Status, res.Body)
		}
	}
	if res := redeem("ZZZZ ZZZZ ZZZZ"); res.Status != http.StatusNotFound || res.Code() != "coupon_not_found" {
		t.Errorf("unknown coupon: %d %s, want 404 coupon_not_found", res.Status, res.Body)
	}
	if got := overview(t, e, ev).CouponsRedeemed; got != 1 {
		t.Errorf("coupons redeemed = %d, want 1", got)
	}
}

// TestParticipationRepeatBrowser walks the repeat at phone size in
// headless Chromium: another phone typing the number sees "이미
// 참여하셨어요" and nothing of the entry; the phone that entered sees its
// coupon again.
func TestParticipationRepeatBrowser(t *testing.T) {
	e := Start(t, noLimits)
	ev := activeEvent(t, e, "FIRST_COME", 5)
	enter := func(phone string, then ...chromedp.Action) chromedp.Tasks {
		return append(chromedp.Tasks{
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.URL + "/e/" + ev.Code),
			chromedp.WaitVisible(`form.pub-form`),
			chromedp.SendKeys(`#name`, "김민수"),
			chromedp.SendKeys(`#phone`, phone),
			chromedp.Click(`button.pub-submit`),
			chromedp.WaitVisible(`.pub-done`),
		}, then...)
	}
	owner, other := Browser(t, 390, 844), Browser(t, 390, 844)
	var code string
	if err := chromedp.Run(owner, enter("010-5772-1566", chromedp.Text(`.pub-code`, &code))); err != nil {
		t.Fatalf("first entry: %v", err)
	}
	var heading, text string
	if err := chromedp.Run(other, enter("01057721566",
		chromedp.Text(`.pub-done h1`, &heading), chromedp.Text(`.pub-done`, &text))); err != nil {
		t.Fatalf("other phone: %v", err)
	}
	if heading != "이미 참여하셨어요" || strings.Contains(text, code) || strings.Contains(text, "응모번호") {
		t.Errorf("other phone sees %q / %q, want 이미 참여하셨어요 without the entry", heading, text)
	}
	Screenshot(t, other, "part-repeat-other-phone")
	var again string
	if err := chromedp.Run(owner, enter("010-5772-1566",
		chromedp.Text(`.pub-code`, &again), chromedp.Sleep(300*time.Millisecond))); err != nil {
		t.Fatalf("same phone again: %v", err)
	}
	if again != code {
		t.Errorf("same phone again: coupon %q, want %q", again, code)
	}
	Screenshot(t, owner, "part-repeat-same-phone")
}
