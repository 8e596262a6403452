package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUserBrowserJourney drives the owner's first minutes in headless
// Chromium, at phone and desktop size: sign-up (first with a wrong check
// digit, shown inline), the home page, log-out, log-in, editing the store.
// Screenshots of every step go to ./screenshots (user-*.png).
func TestUserBrowserJourney(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		t.Run(size.name, func(t *testing.T) {
			e := Start(t)
			ctx := Browser(t, size.w, size.h)
			// Chromium's window has a minimum width; emulate the phone's
			// viewport so the page really lays out at 390 px.
			if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(size.w), int64(size.h))); err != nil {
				t.Fatal(err)
			}
			shot := func(step string) { Screenshot(t, ctx, "user-"+step+"-"+size.name) }
			run := func(what string, actions ...chromedp.Action) {
				t.Helper()
				if err := chromedp.Run(ctx, actions...); err != nil {
					var loc, body string
					_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Text("main", &body, chromedp.ByQuery))
					t.Fatalf("%s: %v (at %s: %.300s)", what, err, loc, body)
				}
			}
			email := fmt.Sprintf("browser-%s-%d@example.kr", size.name, time.Now().UnixNano())
			const password = "haneul2024!"
			good := ValidBusinessNumber()

			run("open sign-up", chromedp.Navigate(e.URL+"/signup"), chromedp.WaitVisible(`#email`, chromedp.ByQuery))
			shot("1-signup")
			run("fill sign-up",
				chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
				chromedp.SendKeys(`#password`, password, chromedp.ByQuery),
				chromedp.SendKeys(`#ownerName`, "김하늘", chromedp.ByQuery),
				chromedp.SendKeys(`#phone`, "010-4321-8765", chromedp.ByQuery),
				chromedp.SendKeys(`#businessNumber`, wrongCheckDigit(good), chromedp.ByQuery),
				chromedp.SendKeys(`[id="store.name"]`, "하늘빵집", chromedp.ByQuery),
				chromedp.SetValue(`[id="store.industry"]`, "BAKERY", chromedp.ByQuery),
				chromedp.SetValue(`[id="store.sido"]`, "서울특별시", chromedp.ByQuery),
				chromedp.SendKeys(`[id="store.sigungu"]`, "마포구", chromedp.ByQuery),
				chromedp.SendKeys(`[id="store.address"]`, "서울 마포구 월드컵로 1", chromedp.ByQuery),
				chromedp.SendKeys(`#password2`, password, chromedp.ByQuery),
				chromedp.Click(`#terms`, chromedp.ByQuery),
				chromedp.Click(`form[action="/signup"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#businessNumber-error`, chromedp.ByQuery),
			)
			var errText, invalid, kept, pw string
			run("read inline error",
				chromedp.Text(`#businessNumber-error`, &errText, chromedp.ByQuery),
				chromedp.AttributeValue(`#businessNumber`, "aria-invalid", &invalid, nil, chromedp.ByQuery),
				chromedp.Value(`[id="store.name"]`, &kept, chromedp.ByQuery),
				chromedp.Value(`#password`, &pw, chromedp.ByQuery),
			)
			if !strings.Contains(errText, "사업자등록번호가 올바르지 않습니다") || invalid != "true" || kept != "하늘빵집" || pw != "" {
				t.Errorf("after a wrong check digit: error %q aria-invalid %q store name kept %q password kept %q", errText, invalid, kept, pw)
			}
			run("scroll to the error", chromedp.ScrollIntoView(`#businessNumber`, chromedp.ByQuery))
			shot("2-signup-error")

			var flash, loc string
			run("fix and sign up",
				chromedp.SetValue(`#businessNumber`, good, chromedp.ByQuery),
				chromedp.SendKeys(`#password`, password, chromedp.ByQuery),
				chromedp.SendKeys(`#password2`, password, chromedp.ByQuery),
				chromedp.Click(`form[action="/signup"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
				chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
				chromedp.Location(&loc),
			)
			if !strings.HasSuffix(loc, "/app") || !strings.Contains(flash, "가입이 완료되었습니다") {
				t.Errorf("after sign-up at %s with flash %q, want /app and the welcome", loc, flash)
			}
			shot("3-home")

			run("log out",
				chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
				chromedp.WaitVisible(`form[action="/login"]`, chromedp.ByQuery),
				chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
			)
			if !strings.Contains(flash, "로그아웃") {
				t.Errorf("after log-out the flash is %q", flash)
			}
			shot("4-logged-out")

			run("log in",
				chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
				chromedp.SendKeys(`#password`, password, chromedp.ByQuery),
				chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`a[href="/app/store"]`, chromedp.ByQuery),
				chromedp.Navigate(e.URL+"/app/store"),
				chromedp.WaitVisible(`form[action="/app/store"]`, chromedp.ByQuery),
			)
			var summary string
			run("read store page", chromedp.Text(`.kv`, &summary, chromedp.ByQuery))
			if !strings.Contains(summary, "010-****-8765") || !strings.Contains(summary, good[:3]+"-"+good[3:5]+"-*****") ||
				!strings.Contains(summary, "국세청 확인 완료") {
				t.Errorf("store page summary %q: want the masked phone, masked number and the verified badge", summary)
			}
			shot("5-store")

			var name, industry, sigungu string
			run("edit store",
				chromedp.SetValue(`#name`, "하늘빵집 2호점", chromedp.ByQuery),
				chromedp.SetValue(`#industry`, "CAFE", chromedp.ByQuery),
				chromedp.SetValue(`#sigungu`, "서대문구", chromedp.ByQuery),
				chromedp.Click(`form[action="/app/store"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
				chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
				chromedp.Value(`#name`, &name, chromedp.ByQuery),
				chromedp.Value(`#industry`, &industry, chromedp.ByQuery),
				chromedp.Value(`#sigungu`, &sigungu, chromedp.ByQuery),
			)
			if !strings.Contains(flash, "저장했습니다") || name != "하늘빵집 2호점" || industry != "CAFE" || sigungu != "서대문구" {
				t.Errorf("after saving: flash %q name %q industry %q sigungu %q", flash, name, industry, sigungu)
			}
			shot("6-store-saved")
		})
	}
}
