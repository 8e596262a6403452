package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func TestEventDetailPage(t *testing.T) {
	t.Run("planned", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("PLANNED"))
		signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).WantTitle("겨울 붕어빵 추첨 · AutoEvent").
			WantText("기획 완료", "붕어빵 세트", "12.10(목) ~ 12.24(목)", "추첨 10명", "100,000원 ~ 250,000원",
				"80 ~ 260%", "“붕어빵이 왔어요”", "AI 기획: AutoEvent 기획 엔진", "만든 날 2026.12.01 10:00",
				`href="/app/events/ev1/options"`).
			WantNoText("참여자 보기", "손님 참여 링크").
			WantForms("/logout", "/app/events/ev1/approve", "/app/events/ev1/cancel")
	})
	t.Run("running lottery", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("ACTIVE")).
			JSON("GET /api/v1/events/{id}/participation", http.StatusOK, overviewJSON("LOTTERY", "OPEN"))
		// The public link and the QR poster are on the event page itself,
		// not only under 참여자 보기.
		signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).
			WantText("진행 중", `href="/app/events/ev1/participants"`, `href="/app/events/ev1/draw"`,
				"손님 참여 링크와 매장 QR", `value="http://localhost:8080/e/abcdefghij"`,
				`src="/app/events/ev1/participants/qr.png"`, `href="/app/events/ev1/participants/qr.pdf"`).
			WantForms("/logout", "/app/events/ev1/end")
		wantAuth(t, api.Last("GET", "/api/v1/events/ev1/participation"))
	})
	t.Run("draft", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT"))
		signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).WantTitle("신규 고객 유치 이벤트 · AutoEvent").
			WantText("아직 기획 전이에요").WantNoText("승인하고 시작하기")
	})
}

func TestEventDetailPageErrors(t *testing.T) {
	t.Run("not found", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.NotFound, "event_not_found", "이벤트가 없습니다.")
		signedIn(t, api).Get("/app/events/nope").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요").WantText("이벤트가 없습니다.")
	})
	t.Run("not a problem answer", func(t *testing.T) {
		api := uitest.NewAPI(t).Handle("GET /api/v1/events/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream connect error", http.StatusBadGateway)
		})
		signedIn(t, api).Get("/app/events/ev1").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요").
			WantText("일시적인 오류가 발생했습니다.").WantNoText("upstream")
	})
	t.Run("signed out", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.Unauthenticated, "unauthenticated", "로그인")
		newBrowser(t, api).Get("/app/events/ev1").WantRedirect("/login?next=%2Fapp%2Fevents%2Fev1")
	})
}

func TestEventActions(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("PLANNED")).
		JSON("POST /api/v1/events/{id}/approve", http.StatusOK, eventJSON("APPROVED")).
		Problem("POST /api/v1/events/{id}/end", apperr.Conflict, "invalid_transition", "아직 시작하지 않은 이벤트예요.")
	b := signedIn(t, api)
	b.Get("/app/events/ev1")
	b.Post("/app/events/ev1/approve", nil).WantRedirect("/app/events/ev1")
	var in map[string][]string
	c := api.Last("POST", "/api/v1/events/ev1/approve")
	c.Decode(t, &in)
	wantAuth(t, c)
	if ch, ok := in["channels"]; !ok || len(ch) != 0 {
		t.Errorf("approve body = %v, want no channels", in)
	}
	b.Get("/app/events/ev1").WantFlash("이벤트를 시작했어요. 매장 QR 포스터를 붙이고 손님을 맞아 보세요!")
	b.Post("/app/events/ev1/end", url.Values{"confirm": {"on"}}).WantRedirect("/app/events/ev1")
	b.Get("/app/events/ev1").WantAlert("아직 시작하지 않은 이벤트예요.")

	before := len(api.Calls())
	b.Post("/app/events/ev1/cancel", url.Values{"csrf": {"forged"}}).WantRedirect("/app/events/ev1")
	if len(api.Calls()) != before {
		t.Errorf("a forged action reached the API")
	}
	b.Get("/app/events/ev1").WantText(pageExpired)
}

// Ending and cancelling act only after the owner confirms: one click opens
// the step, and a post without the checked box never reaches the API.
func TestEventEndCancelConfirm(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("ACTIVE")).
		JSON("POST /api/v1/events/{id}/end", http.StatusOK, eventJSON("ENDED")).
		JSON("POST /api/v1/events/{id}/cancel", http.StatusOK, eventJSON("CANCELLED"))
	b := signedIn(t, api)
	p := b.Get("/app/events/ev1").WantText("이벤트 지금 종료하기", `name="confirm" value="on" required`, "이벤트를 지금 종료합니다")
	if p.WantForm("/app/events/ev1/end").Fields.Get("confirm") != "on" {
		t.Errorf("end form lacks its confirmation box")
	}
	for _, action := range []string{"end", "cancel"} {
		b.Post("/app/events/ev1/"+action, nil).WantRedirect("/app/events/ev1?confirm=" + action)
		if api.Called("POST", "/api/v1/events/ev1/"+action) {
			t.Fatalf("%s without confirmation reached the API", action)
		}
		b.Get("/app/events/ev1?confirm=" + action).WantAlert("확인란에 체크해야 " + map[string]string{"end": "종료", "cancel": "취소"}[action] + "할 수 있어요.").
			WantNoText(`class="flash"`)
	}
	// The refused step comes back open (an ACTIVE event can end; an
	// APPROVED one can also be cancelled).
	b.Get("/app/events/ev1?confirm=end").WantText(`<details class="ev-confirm" open>`)
	api.JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("APPROVED"))
	b.Get("/app/events/ev1?confirm=cancel").WantText("이벤트를 취소합니다", `<details class="ev-confirm" open>`).
		WantForms("/logout", "/app/events/ev1/cancel")
	api.JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("ACTIVE"))
	b.Post("/app/events/ev1/end", url.Values{"confirm": {"on"}}).WantRedirect("/app/events/ev1")
	api.Last("POST", "/api/v1/events/ev1/end")
	b.Get("/app/events/ev1").WantFlash("이벤트를 종료했어요.")
}
