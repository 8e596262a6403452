package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func TestOptOutPage(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/public/optout/{token}", http.StatusOK, obj{"storeName": "행복카페", "optedOut": false}).
		JSON("POST /api/v1/public/optout/{token}", http.StatusOK, obj{"storeName": "행복카페", "optedOut": true})
	b := newBrowser(t, api)
	b.Get("/u/tok1").WantHTML(http.StatusOK).WantTitle("광고 수신거부").
		WantText("광고 문자 수신거부", "행복카페에서 보내는 이벤트 광고 문자").WantNoText("로그아웃").
		WantForms("/u/tok1")
	b.Post("/u/tok1", nil).WantHTML(http.StatusOK).WantText("수신거부 완료").WantForms()
	if c := api.Last("POST", "/api/v1/public/optout/tok1"); c.Auth != "" {
		t.Errorf("opt-out sent credentials")
	}
}

func TestOptOutErrors(t *testing.T) {
	t.Run("unknown link", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/public/optout/{token}", apperr.NotFound, "optout_not_found", "없음")
		newBrowser(t, api).Get("/u/nope").WantErrorPage(http.StatusNotFound, "링크를 찾을 수 없어요").
			WantText("문자에 있는 수신거부 주소를 다시 확인해 주세요.").WantNoText("로그아웃")
	})
	t.Run("failure is not an unknown link", func(t *testing.T) {
		api := uitest.NewAPI(t).
			JSON("GET /api/v1/public/optout/{token}", http.StatusOK, obj{"storeName": "행복카페"}).
			Problem("POST /api/v1/public/optout/{token}", apperr.Unavailable, "unavailable", "x")
		b := newBrowser(t, api)
		b.Get("/u/tok1")
		b.Post("/u/tok1", nil).WantErrorPage(http.StatusServiceUnavailable, "수신거부를 처리하지 못했어요").
			WantTitle("잠시 후 다시 시도해 주세요")
	})
	t.Run("stale token", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/public/optout/{token}", http.StatusOK, obj{"storeName": "행복카페"})
		newBrowser(t, api).Post("/u/tok1", url.Values{"csrf": {""}}).WantHTML(http.StatusForbidden).
			WantAlert("페이지가 만료되었어요. 다시 눌러 주세요.").WantForms("/u/tok1")
		if api.Called("POST", "/api/v1/public/optout/tok1") {
			t.Errorf("a refused form reached the API")
		}
	})
}
