package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func announcementJSON(status string, scheduled string) obj {
	return obj{"id": "a1", "eventId": "ev1", "body": "붕어빵 왔어요", "senderName": "행복카페", "senderContact": "02-123-4567",
		"preview": "(광고) 행복카페\n붕어빵 왔어요\n무료수신거부 {수신거부 링크}", "status": status, "recipients": 3,
		"counts": obj{"SENT": 2, "FAILED": 1}, "scheduledAt": scheduled, "createdAt": "2026-12-10T03:00:00Z"}
}

func announceAPI(t *testing.T, items ...obj) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}/participation", http.StatusOK, overviewJSON("LOTTERY", "OPEN")).
		JSON("GET /api/v1/events/{id}/announcements", http.StatusOK, obj{"items": items})
}

func TestAnnouncePage(t *testing.T) {
	signedIn(t, announceAPI(t)).Get("/app/events/ev1/announce").WantHTML(http.StatusOK).
		WantTitle("지난 참여자에게 알리기 · AutoEvent").
		WantText("지난 참여자에게 알리기", "겨울 붕어빵 추첨", "미리 보기").
		WantForms("/logout", "/app/events/ev1/announce")

	sent := announcementJSON("SENT", "2026-12-10T03:00:00Z")
	signedIn(t, announceAPI(t, sent)).Get("/app/events/ev1/announce").WantHTML(http.StatusOK).
		WantText("보낸 알림", "3명", "발송 2", "실패 1", "(광고) 행복카페").
		WantForms("/logout") // one announcement per event: no form once sent

	api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}/participation", apperr.NotFound, "event_not_found", "없음")
	signedIn(t, api).Get("/app/events/ev1/announce").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요")
}

func TestAnnouncePreviewThenSend(t *testing.T) {
	api := announceAPI(t).
		JSON("POST /api/v1/events/{id}/announcements/preview", http.StatusOK, announcementJSON("PREVIEW", "2026-12-10T03:00:00Z")).
		JSON("POST /api/v1/events/{id}/announcements", http.StatusCreated, announcementJSON("SENDING", "2026-12-10T03:00:00Z"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/announce")
	p := b.Post("/app/events/ev1/announce", url.Values{"message": {"붕어빵 왔어요"}, "contact": {"02-123-4567"}}).
		WantHTML(http.StatusOK).WantText("이렇게 보내요", "지금 바로", "3명에게 보내기", "고쳐서 다시 미리 보기")
	if api.Called("POST", "/api/v1/events/ev1/announcements") {
		t.Fatalf("the preview sent the announcement")
	}
	var confirm uitest.Form
	for _, f := range p.Forms() {
		if f.Fields.Get("confirm") == "1" {
			confirm = f
		}
	}
	if confirm.Action != "/app/events/ev1/announce" || confirm.Fields.Get("message") != "붕어빵 왔어요" || confirm.Fields.Get("csrf") == "" {
		t.Fatalf("confirmation form = %+v", confirm)
	}
	b.Post(confirm.Action, confirm.Fields).WantRedirect("/app/events/ev1/announce")
	var in map[string]string
	c := api.Last("POST", "/api/v1/events/ev1/announcements")
	c.Decode(t, &in)
	wantAuth(t, c)
	if in["message"] != "붕어빵 왔어요" || in["contact"] != "02-123-4567" {
		t.Errorf("announce body = %v", in)
	}
	b.Get("/app/events/ev1/announce").WantText("지난 참여자 3명에게 광고 문자를 보내고 있어요.")
}

// At night the message waits for the morning, and the owner is told when.
func TestAnnounceAtNight(t *testing.T) {
	api := announceAPI(t).
		JSON("POST /api/v1/events/{id}/announcements", http.StatusCreated, announcementJSON("SCHEDULED", "2026-12-10T23:00:00Z"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/announce")
	b.Post("/app/events/ev1/announce", url.Values{"confirm": {"1"}}).WantRedirect("/app/events/ev1/announce")
	b.Get("/app/events/ev1/announce").WantText("2026.12.11 08:00에 3명에게 보낼게요.")
}

func TestAnnounceErrors(t *testing.T) {
	t.Run("message refused", func(t *testing.T) {
		api := announceAPI(t).Problem("POST /api/v1/events/{id}/announcements/preview", apperr.Invalid, "validation_failed",
			"입력값을 확인해 주세요.", "message", "문자로 보낼 수 없는 글자(이모지)가 있어요.")
		b := signedIn(t, api)
		b.Get("/app/events/ev1/announce")
		p := b.Post("/app/events/ev1/announce", url.Values{"message": {"붕어빵 🐟"}}).WantHTML(http.StatusUnprocessableEntity).
			WantAlert("입력값을 확인해 주세요.").WantField("message", "문자로 보낼 수 없는 글자(이모지)가 있어요.")
		if p.WantForm("/app/events/ev1/announce").Fields.Get("message") != "붕어빵 🐟" {
			t.Errorf("message not refilled")
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := announceAPI(t)
		signedIn(t, api).Post("/app/events/ev1/announce", url.Values{"csrf": {""}, "confirm": {"1"}}).
			WantErrorPage(http.StatusForbidden, drawRefused)
		if len(api.Calls()) != 0 {
			t.Errorf("a refused form reached the API")
		}
	})
}

// Before it is sent a night-time announcement is listed as 예약됨 (not as
// sent) and can be cancelled from the page.
func TestAnnounceScheduledCancel(t *testing.T) {
	scheduled := with(announcementJSON("SCHEDULED", "2026-12-10T23:00:00Z"), "counts", obj{"PENDING": 3})
	api := announceAPI(t, scheduled).Handle("DELETE /api/v1/events/{id}/announcements/{aid}",
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	b := signedIn(t, api)
	b.Get("/app/events/ev1/announce").WantHTML(http.StatusOK).
		WantText("예약한 알림", "예약됨", "2026.12.11 08:00 예정", "예약 취소하기").WantNoText("보낸 알림").
		WantForms("/logout", "/app/events/ev1/announce/a1/cancel")
	b.Post("/app/events/ev1/announce/a1/cancel", nil).WantRedirect("/app/events/ev1/announce")
	wantAuth(t, api.Last("DELETE", "/api/v1/events/ev1/announcements/a1"))
	api.JSON("GET /api/v1/events/{id}/announcements", http.StatusOK, obj{"items": []obj{}})
	b.Get("/app/events/ev1/announce").WantFlash("예약한 알림을 취소했어요. 아무에게도 보내지 않았어요.").
		WantForms("/logout", "/app/events/ev1/announce")

	t.Run("already sending", func(t *testing.T) {
		api := announceAPI(t, scheduled).Problem("DELETE /api/v1/events/{id}/announcements/{aid}", apperr.Conflict,
			"announcement_not_scheduled", "이미 보내기 시작한 알림은 취소할 수 없습니다.")
		b := signedIn(t, api)
		b.Get("/app/events/ev1/announce")
		b.Post("/app/events/ev1/announce/a1/cancel", nil).WantRedirect("/app/events/ev1/announce")
		b.Get("/app/events/ev1/announce").WantAlert("이미 보내기 시작한 알림은 취소할 수 없습니다.")
	})
}
