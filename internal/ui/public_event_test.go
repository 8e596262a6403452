package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func publicAPI(t *testing.T, ev obj) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/public/event-codes/{code}", http.StatusOK, ev).
		JSON("GET /api/v1/public/events/{id}/draws", http.StatusOK, eventDrawsJSON(drawJSON("d1", "DRAWN")))
}

func TestPublicEventPage(t *testing.T) {
	api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN"))
	p := newBrowser(t, api).Get("/e/abcdefghij?v=visit-token&c=INSTAGRAM").WantHTML(http.StatusOK).
		WantTitle("겨울 붕어빵 추첨").
		WantText("행복카페", "붕어빵 세트", "2026.12.10 00:00 ~ 2026.12.25 00:00", "추첨 · 10명 당첨",
						"개인정보 안내", "광고성 정보 수신 동의", "추첨 결과와 공정성 확인", "참여 번호 17", "5eedd1").
		WantNoText("로그아웃", "내 이벤트"). // the customer layout has no owner menu
		WantForms("/e/abcdefghij")
	f := p.WantForm("/e/abcdefghij")
	if f.Fields.Get("v") != "visit-token" || f.Fields.Get("c") != "INSTAGRAM" {
		t.Errorf("visit token and channel not carried: %v", f.Fields)
	}
	if c := api.Last("GET", "/api/v1/public/event-codes/abcdefghij"); c.Auth != "" {
		t.Errorf("public page sent credentials %q", c.Auth)
	}
}

func TestPublicEventPagePhases(t *testing.T) {
	for _, tc := range []struct{ method, phase, want string }{
		{"FIRST_COME", "SOLD_OUT", "준비한 쿠폰이 모두 소진되었어요."},
		{"FIRST_COME", "NOT_STARTED", "2026.12.10 00:00부터 참여할 수 있어요."},
		{"LOTTERY", "ENDED", "이벤트가 종료되었어요."},
		{"LOTTERY", "CANCELLED", "이 이벤트는 취소되었어요."},
	} {
		t.Run(tc.phase, func(t *testing.T) {
			newBrowser(t, publicAPI(t, publicEventJSON(tc.method, tc.phase))).Get("/e/abcdefghij").
				WantHTML(http.StatusOK).WantText(tc.want).WantForms()
		})
	}
	// First-come events show their stock and no draw section.
	api := publicAPI(t, publicEventJSON("FIRST_COME", "OPEN"))
	newBrowser(t, api).Get("/e/abcdefghij").WantText("선착순 100명 (남은 쿠폰 42개)").WantNoText("추첨 결과와 공정성 확인")
	if api.Called("GET", "/api/v1/public/events/ev1/draws") {
		t.Errorf("a first-come page asked for draws")
	}
}

func TestPublicEventPageUnknownCode(t *testing.T) {
	api := uitest.NewAPI(t).Problem("GET /api/v1/public/event-codes/{code}", apperr.NotFound, "event_code_not_found", "없음")
	newBrowser(t, api).Get("/e/zzzzzzzzzz").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요").
		WantText("주소를 다시 확인해 주세요.", "AutoEvent로 만든 이벤트 페이지입니다.")
}

func TestPublicEnter(t *testing.T) {
	api := publicAPI(t, publicEventJSON("FIRST_COME", "OPEN")).
		JSON("POST /api/v1/public/events/{id}/entries", http.StatusCreated,
			obj{"entryNumber": 1234, "storeVisit": true, "coupon": obj{"code": "ABCD-EFGH-JKLM", "qrUrl": "/api/v1/public/coupons/x.png"}})
	b := newBrowser(t, api)
	b.Get("/e/abcdefghij?v=vt")
	b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"010-1234-5678"}, "marketing": {"on"}, "v": {"vt"}}).
		WantHTML(http.StatusCreated).
		WantText("참여 완료!", "응모번호 <strong>1,234</strong>", "매장 방문 참여 ✓", "ABCD-EFGH-JKLM", `src="/api/v1/public/coupons/x.png"`)
	var in struct {
		Name, Phone, VisitToken, Channel string
		Consents                         map[string]bool
	}
	api.Last("POST", "/api/v1/public/events/ev1/entries").Decode(t, &in)
	if in.Name != "이영희" || in.Phone != "010-1234-5678" || in.VisitToken != "vt" || in.Channel != "" || !in.Consents["marketing"] {
		t.Errorf("entry body = %+v", in)
	}
}

func TestPublicEnterAgain(t *testing.T) {
	api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN")).
		JSON("POST /api/v1/public/events/{id}/entries", http.StatusOK, obj{"entryNumber": 7, "repeat": true})
	b := newBrowser(t, api)
	b.Get("/e/abcdefghij")
	b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"01012345678"}}).WantHTML(http.StatusOK).
		WantText("이미 참여하셨어요", "추첨 후 당첨되시면 개별 연락드릴게요.")
}

func TestPublicEnterErrors(t *testing.T) {
	t.Run("bad phone", func(t *testing.T) {
		api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN")).Problem("POST /api/v1/public/events/{id}/entries",
			apperr.Invalid, "invalid_phone", "휴대전화 번호를 확인해 주세요.", "phone", "010으로 시작하는 번호를 입력해 주세요.")
		b := newBrowser(t, api)
		b.Get("/e/abcdefghij")
		p := b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"02-123"}}).WantHTML(http.StatusBadRequest).
			WantField("phone", "010으로 시작하는 번호를 입력해 주세요.")
		if p.WantForm("/e/abcdefghij").Fields.Get("name") != "이영희" {
			t.Errorf("form not refilled")
		}
	})
	t.Run("closed meanwhile", func(t *testing.T) {
		api := publicAPI(t, publicEventJSON("FIRST_COME", "OPEN")).Problem("POST /api/v1/public/events/{id}/entries",
			apperr.Gone, "coupons_sold_out", "준비한 쿠폰이 모두 소진되었어요.")
		b := newBrowser(t, api)
		b.Get("/e/abcdefghij")
		b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"01012345678"}}).WantHTML(http.StatusGone).
			WantAlert("준비한 쿠폰이 모두 소진되었어요.")
	})
	t.Run("stale token", func(t *testing.T) {
		api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN"))
		newBrowser(t, api).Post("/e/abcdefghij", url.Values{"csrf": {""}, "name": {"이영희"}}).
			WantHTML(http.StatusForbidden).WantAlert(pageExpired).WantForm("/e/abcdefghij")
		if api.Called("POST", "/api/v1/public/events/ev1/entries") {
			t.Errorf("a refused form reached the API")
		}
	})
}
