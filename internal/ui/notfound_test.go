package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/uitest"
)

// Unknown URLs answer the site's Korean page, with a way back that fits the
// reader; the API's paths keep their problem+json.
func TestUnknownPages(t *testing.T) {
	api := uitest.NewAPI(t)
	b := newBrowser(t, api)

	p := b.Get("/no/such/page").WantErrorPage(http.StatusNotFound, "페이지를 찾을 수 없어요").WantText(`href="/"`, "회원가입")
	if strings.Contains(p.Body, "404 page not found") {
		t.Errorf("Go's English 404 shown")
	}
	newBrowser(t, api).SignIn().Get("/app/nothing").WantErrorPage(http.StatusNotFound, "페이지를 찾을 수 없어요").
		WantText(`href="/app"`, "내 이벤트로 돌아가기")

	// A customer's mistyped link: the customer layout, no owner menu, no
	// link to the owners' landing page.
	b.Get("/e/abcdefghij/extra").WantErrorPage(http.StatusNotFound, "페이지를 찾을 수 없어요").
		WantText("QR 코드를 다시 찍거나").WantNoText(`href="/"`, "회원가입", "로그인")

	// A page asked with the wrong method: 405 naming the methods it takes.
	p = b.Get("/logout").WantErrorPage(http.StatusMethodNotAllowed, "이 방법으로는 열 수 없는 페이지예요")
	if p.Header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q, want POST", p.Header.Get("Allow"))
	}

	// The API's paths stay the API's.
	p = b.Get("/api/v1/no-such-route").WantStatus(http.StatusNotFound)
	if ct := p.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("API 404 Content-Type = %q, want problem+json", ct)
	}
}

// A page that fails unexpectedly answers the Korean 500 page in its
// reader's layout, not the API's problem+json or Go's text.
func TestPanicPage(t *testing.T) {
	boom := func(http.ResponseWriter, *http.Request) { panic("boom") }
	api := uitest.NewAPI(t).Handle("GET /api/v1/events/{id}", boom).Handle("GET /api/v1/public/event-codes/{code}", boom)
	signedIn(t, api).Get("/app/events/ev1").WantErrorPage(http.StatusInternalServerError, "잠시 문제가 생겼어요").
		WantText(`href="/app"`)
	newBrowser(t, api).Get("/e/abcdefghij").WantErrorPage(http.StatusInternalServerError, "잠시 문제가 생겼어요").
		WantNoText(`href="/"`, "회원가입")
}
