package ui_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func TestLandingPage(t *testing.T) {
	b := newBrowser(t, uitest.NewAPI(t))
	p := b.Get("/").WantHTML(http.StatusOK).
		WantTitle("AI가 만드는 우리 가게 이벤트 · AutoEvent").
		WantText("이벤트 기획부터 홍보까지", `href="/signup"`, `href="/login"`).
		WantForms(). // signed out: not even the log-out form
		// Only what the product does: no channels or dashboard it lacks.
		WantNoText("6개 채널", "우리동네TV", "지니TV", "대시보드", "10분 만에").
		WantText("AI 추천 3안 비교", "매장 QR", "공정한 추첨")
	css := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/app\.css)"`).FindStringSubmatch(p.Body)
	if css == nil {
		t.Fatalf("no content-hashed stylesheet URL in the page")
	}
	st := b.Get(css[1]).WantStatus(http.StatusOK)
	if got := st.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("static Cache-Control = %q", got)
	}
	// Korean wraps between words everywhere ("추/첨" never), long Latin
	// tokens still break; the top bar's 회원가입 button is white on red.
	st.WantText("body { word-break: keep-all; overflow-wrap: anywhere; }", ".topbar nav a.button { color: #fff; }")
	b.Get("/static/0/missing.css").WantStatus(http.StatusNotFound)
}

func TestLandingPageSendsOwnerToTheApp(t *testing.T) {
	signedIn(t, uitest.NewAPI(t)).Get("/").WantRedirect("/app")
}
