package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

const pageExpired = "페이지가 만료되었어요. 다시 시도해 주세요."

func TestEventNewPage(t *testing.T) {
	signedIn(t, uitest.NewAPI(t)).Get("/app/events/new?purpose=REVISIT").WantHTML(http.StatusOK).
		WantTitle("새 이벤트 · AutoEvent").
		WantText("어떤 이벤트를 원하세요?", "신규 고객 유치", "재방문 유도", "매출 증대", "인지도 향상", "신메뉴/신상품 홍보", "기타",
			`value="REVISIT" required checked`).
		WantForms("/logout", "/app/events")
	newBrowser(t, uitest.NewAPI(t)).Get("/app/events/new").WantRedirect("/login?next=/app/events/new")
}

func TestEventCreateStartsPlanning(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("POST /api/v1/events", http.StatusCreated, eventJSON("DRAFT")).
		JSON("POST /api/v1/events/{id}/recommendations", http.StatusAccepted, jobJSON("PENDING", 0, ""))
	b := signedIn(t, api)
	b.Get("/app/events/new")
	b.Post("/app/events", url.Values{"purpose": {"NEW_CUSTOMERS"}, "purposeText": {"붕어빵 홍보"}}).WantRedirect("/app/events/ev1/planning")
	var in map[string]string
	c := api.Last("POST", "/api/v1/events")
	c.Decode(t, &in)
	wantAuth(t, c)
	if in["purpose"] != "NEW_CUSTOMERS" || in["purposeText"] != "붕어빵 홍보" {
		t.Errorf("create body = %v", in)
	}
	var rec map[string]bool
	api.Last("POST", "/api/v1/events/ev1/recommendations").Decode(t, &rec)
	if v, ok := rec["regenerate"]; !ok || v {
		t.Errorf("recommendations body = %v, want regenerate false", rec)
	}
}

func TestEventCreateErrors(t *testing.T) {
	t.Run("field error", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("POST /api/v1/events", apperr.Invalid, "validation_failed", "입력값을 확인해 주세요.",
			"purposeText", "‘기타’는 내용을 적어 주세요.")
		b := signedIn(t, api)
		b.Get("/app/events/new")
		p := b.Post("/app/events", url.Values{"purpose": {"OTHER"}}).WantHTML(http.StatusBadRequest).
			WantAlert("입력값을 확인해 주세요.").WantField("purposeText", "‘기타’는 내용을 적어 주세요.")
		p.WantText(`value="OTHER" required checked`)
		if api.Called("POST", "/api/v1/events/ev1/recommendations") {
			t.Errorf("planning started for an event that was not created")
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := uitest.NewAPI(t)
		signedIn(t, api).Post("/app/events", url.Values{"csrf": {""}, "purpose": {"SALES"}}).
			WantHTML(http.StatusForbidden).WantAlert(pageExpired)
		if len(api.Calls()) != 0 {
			t.Errorf("a refused form reached the API: %v", api.Calls())
		}
	})
	t.Run("session gone", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("POST /api/v1/events", apperr.Unauthenticated, "unauthenticated", "로그인")
		b := signedIn(t, api)
		b.Get("/app/events/new")
		b.Post("/app/events", url.Values{"purpose": {"SALES"}}).WantRedirect("/login?next=/app/events/new")
	})
}
