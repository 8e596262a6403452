package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func storeAPI(t *testing.T) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		JSON("GET /api/v1/auth/oidc", http.StatusOK, obj{"enabled": true, "name": "KT 계정"})
}

func TestStorePage(t *testing.T) {
	api := storeAPI(t)
	p := signedIn(t, api).Get("/app/store").WantHTML(http.StatusOK).WantTitle("매장 정보 · AutoEvent").
		WantText("김사장", "124-81-*****", "국세청 확인 완료", "KT 계정 연결").
		WantForms("/logout", "/app/store", "/app/store/oidc")
	f := p.WantForm("/app/store")
	if f.Fields.Get("name") != "행복카페" || f.Fields.Get("sigungu") != "강남구" || f.Fields.Get("phone") != "02-123-4567" {
		t.Errorf("form not filled from the profile: %v", f.Fields)
	}
	wantAuth(t, api.Last("GET", "/api/v1/users/me"))
}

func TestStoreSave(t *testing.T) {
	api := storeAPI(t).JSON("PUT /api/v1/stores/me", http.StatusOK, obj{})
	b := signedIn(t, api)
	b.Get("/app/store")
	b.Post("/app/store", url.Values{"name": {"행복카페 2호점"}, "industry": {"CAFE"}, "sido": {"서울특별시"},
		"sigungu": {"서초구"}, "address": {"서초대로 2"}, "phone": {""}}).WantRedirect("/app/store")
	var in map[string]string
	c := api.Last("PUT", "/api/v1/stores/me")
	c.Decode(t, &in)
	wantAuth(t, c)
	if in["name"] != "행복카페 2호점" || in["region"] != "서울특별시 서초구" {
		t.Errorf("store body = %v", in)
	}
	b.Get("/app/store").WantText("매장 정보를 저장했습니다.")
}

func TestStoreErrors(t *testing.T) {
	t.Run("field error", func(t *testing.T) {
		api := storeAPI(t).Problem("PUT /api/v1/stores/me", apperr.Invalid, "invalid_region", "지역이 올바르지 않습니다.",
			"region", "시/군/구를 입력해 주세요.")
		b := signedIn(t, api)
		b.Get("/app/store")
		p := b.Post("/app/store", url.Values{"name": {"행복카페"}, "industry": {"CAFE"}, "sido": {"서울특별시"}}).
			WantHTML(http.StatusBadRequest).WantField("region", "시/군/구를 입력해 주세요.")
		if p.WantForm("/app/store").Fields.Get("name") != "행복카페" {
			t.Errorf("form not refilled with what was typed")
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := storeAPI(t)
		signedIn(t, api).Post("/app/store", url.Values{"csrf": {"x"}, "name": {"새 이름"}}).
			WantHTML(http.StatusForbidden).WantAlert(csrfExpired)
		if api.Called("PUT", "/api/v1/stores/me") {
			t.Errorf("a refused form reached the API")
		}
	})
	t.Run("session gone", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/users/me", apperr.Unauthenticated, "unauthenticated", "로그인해 주세요.")
		signedIn(t, api).Get("/app/store").WantRedirect("/login?next=/app/store")
	})
	t.Run("user service down", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/users/me", apperr.Internal, "internal", "x")
		signedIn(t, api).Get("/app/store").WantErrorPage(http.StatusBadGateway, "잠시 후 다시 시도해 주세요").
			WantText("매장 정보를 불러오지 못했습니다.")
	})
}
