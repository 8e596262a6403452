package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func participantsAPI(t *testing.T, method string) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}/participation", http.StatusOK, overviewJSON(method, "OPEN")).
		JSON("GET /api/v1/events/{id}/entries", http.StatusOK, obj{"total": 120, "page": 1, "size": 50, "items": []obj{
			{"entryNumber": 7, "name": "이*희", "phone": "010-****-5678", "storeVisit": true, "couponCode": "ABCD-EFGH-JKLM",
				"createdAt": "2026-12-10T03:04:05Z"},
			{"entryNumber": 8, "name": "박*수", "phone": "010-****-1111", "storeVisit": false, "createdAt": "2026-12-10T04:00:00Z",
				"review": "shared_ip"}}}).
		JSON("GET /api/v1/events/{id}/coupons/notifications", http.StatusOK, obj{"items": []obj{
			{"entryNumber": 7, "notification": obj{"status": "DELIVERED"}}}})
}

func TestParticipantsPage(t *testing.T) {
	api := participantsAPI(t, "FIRST_COME")
	signedIn(t, api).Get("/app/events/ev1/participants?last4=5678").WantHTML(http.StatusOK).WantTitle("참여자 · AutoEvent").
		WantText("참여자 · 겨울 붕어빵 추첨", "http://localhost:8080/e/abcdefghij", "쿠폰 발급 / 100",
			"이*희", "010-****-5678", "ABCD-EFGH-JKLM", "알림톡 수신", "2026.12.10 12:04", "총 120명", ">확인 필요</span>",
			`href="?page=2&last4=5678"`, `href="/app/events/ev1/participants/qr.pdf"`, `href="/app/events/ev1/announce"`).
		WantForms("/logout", "/app/events/ev1/participants/entries-full.csv", "/app/events/ev1/participants/redeem")
	if q := api.Last("GET", "/api/v1/events/ev1/entries").Query; q != "last4=5678&page=1&size=50" {
		t.Errorf("entries query = %q", q)
	}
	wantAuth(t, api.Last("GET", "/api/v1/events/ev1/participation"))

	// A lottery has no coupons to redeem.
	signedIn(t, participantsAPI(t, "LOTTERY")).Get("/app/events/ev1/participants").WantHTML(http.StatusOK).
		WantNoText("쿠폰 사용 처리").WantForms("/logout", "/app/events/ev1/participants/entries-full.csv")
}

func TestParticipantsPageErrors(t *testing.T) {
	t.Run("unknown event", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}/participation", apperr.NotFound, "event_not_found", "이벤트가 없습니다.")
		signedIn(t, api).Get("/app/events/ev1/participants").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요")
	})
	t.Run("entries unavailable", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}/participation", http.StatusOK, overviewJSON("LOTTERY", "OPEN")).
			Problem("GET /api/v1/events/{id}/entries", apperr.Unavailable, "unavailable", "참여자 목록을 잠시 불러올 수 없어요.")
		signedIn(t, api).Get("/app/events/ev1/participants").WantHTML(http.StatusOK).
			WantAlert("참여자 목록을 잠시 불러올 수 없어요.").WantText("아직 참여자가 없어요.")
	})
}

func TestParticipantsLive(t *testing.T) {
	p := signedIn(t, participantsAPI(t, "FIRST_COME")).Get("/app/events/ev1/participants/live").WantStatus(http.StatusOK)
	if p.Body != `{"entries":3,"storeVisits":1,"couponsIssued":3,"couponsRedeemed":1,"phase":"OPEN"}`+"\n" {
		t.Errorf("live = %s", p.Body)
	}
	api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}/participation", apperr.NotFound, "event_not_found", "없음")
	signedIn(t, api).Get("/app/events/ev1/participants/live").WantStatus(http.StatusNotFound)
}

func TestParticipantsRedeem(t *testing.T) {
	api := participantsAPI(t, "FIRST_COME").
		JSON("POST /api/v1/events/{id}/coupons/{code}/redeem", http.StatusOK, obj{"entryNumber": 7})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/participants")
	b.Post("/app/events/ev1/participants/redeem", url.Values{"code": {" abcd-efgh-jklm "}}).WantRedirect("/app/events/ev1/participants")
	api.Last("POST", "/api/v1/events/ev1/coupons/ABCD-EFGH-JKLM/redeem")
	b.Get("/app/events/ev1/participants").WantFlash("쿠폰 사용 처리했어요. (응모번호 7)")

	t.Run("refused", func(t *testing.T) {
		api := participantsAPI(t, "FIRST_COME").
			Problem("POST /api/v1/events/{id}/coupons/{code}/redeem", apperr.Conflict, "coupon_already_redeemed", "이미 사용한 쿠폰이에요.")
		b := signedIn(t, api)
		b.Get("/app/events/ev1/participants")
		b.Post("/app/events/ev1/participants/redeem", url.Values{"code": {"X"}}).WantRedirect("/app/events/ev1/participants")
		// A refusal is an error, not the green success line.
		b.Get("/app/events/ev1/participants").WantAlert("이미 사용한 쿠폰이에요.").WantNoText(`class="flash"`)
	})
}

func TestParticipantsFiles(t *testing.T) {
	api := uitest.NewAPI(t).
		Raw("GET /api/v1/events/{id}/participation/qr.png", "image/png", []byte("\x89PNG fake")).
		Raw("GET /api/v1/events/{id}/entries.csv", "text/csv; charset=utf-8", []byte("entryNumber,name\n7,이*희\n")).
		Problem("GET /api/v1/events/{id}/participation/qr.pdf", apperr.Internal, "internal", "x")
	b := signedIn(t, api)
	p := b.Get("/app/events/ev1/participants/qr.png").WantStatus(http.StatusOK)
	if p.Body != "\x89PNG fake" || p.Header.Get("Content-Type") != "image/png" || p.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("qr.png = %q %v", p.Body, p.Header)
	}
	b.Get("/app/events/ev1/participants/entries.csv").WantStatus(http.StatusOK).WantText("7,이*희")
	b.Get("/app/events/ev1/participants/qr.pdf").WantErrorPage(http.StatusNotFound, "파일을 만들 수 없어요")

	signedOut := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}/participation/qr.png", apperr.Unauthenticated, "unauthenticated", "로그인")
	newBrowser(t, signedOut).Get("/app/events/ev1/participants/qr.png").
		WantRedirect("/login?next=%2Fapp%2Fevents%2Fev1%2Fparticipants")
}

func TestParticipantsFullExport(t *testing.T) {
	api := participantsAPI(t, "LOTTERY").
		Raw("POST /api/v1/events/{id}/entries.csv", "text/csv; charset=utf-8", []byte("entryNumber,name,phone\n7,이영희,010-1234-5678\n"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/participants")
	b.Post("/app/events/ev1/participants/entries-full.csv", url.Values{"password": {"pw"}}).WantStatus(http.StatusOK).
		WantText("010-1234-5678")
	var in map[string]string
	api.Last("POST", "/api/v1/events/ev1/entries.csv").Decode(t, &in)
	if in["password"] != "pw" {
		t.Errorf("export body = %v", in)
	}

	t.Run("wrong password", func(t *testing.T) {
		api := participantsAPI(t, "LOTTERY").
			Problem("POST /api/v1/events/{id}/entries.csv", apperr.Forbidden, "password_mismatch", "비밀번호가 올바르지 않아요.")
		b := signedIn(t, api)
		b.Get("/app/events/ev1/participants")
		b.Post("/app/events/ev1/participants/entries-full.csv", url.Values{"password": {"bad"}}).WantRedirect("/app/events/ev1/participants")
		b.Get("/app/events/ev1/participants").WantAlert("비밀번호가 올바르지 않아요.").WantNoText(`class="flash"`)
	})
	t.Run("stale token", func(t *testing.T) {
		api := participantsAPI(t, "LOTTERY")
		signedIn(t, api).Post("/app/events/ev1/participants/entries-full.csv", url.Values{"csrf": {""}}).
			WantRedirect("/app/events/ev1/participants")
		if api.Called("POST", "/api/v1/events/ev1/entries.csv") {
			t.Errorf("a refused form reached the API")
		}
	})
}
