package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
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
		WantText("행복카페", "붕어빵 세트", "12.10(목) ~ 12.24(목)", "추첨 · 10명 당첨",
						"개인정보 안내", "광고성 정보 수신 동의", "추첨 결과와 공정성 확인", "응모번호 17", "5eedd1").
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
		{"FIRST_COME", "NOT_STARTED", "12.10(목)부터 참여할 수 있어요."},
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

// An online entrant who scans the in-store QR is told the visit was added
// to the earlier entry, or why it was not.
func TestPublicEnterAgainInStore(t *testing.T) {
	for _, tc := range []struct {
		added     bool
		want, not string
	}{
		{true, "먼저 하신 참여에 방문 가산이 더해져 당첨 확률이 올라가요.", "한 번만 반영돼요"},
		{false, "매장 방문은 참여 1건에 한 번만 반영돼요.", "방문이 확인됐어요"},
	} {
		api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN")).
			JSON("POST /api/v1/public/events/{id}/entries", http.StatusOK, obj{"eventId": "ev1", "repeat": true, "visitAdded": tc.added})
		b := newBrowser(t, api)
		b.Get("/e/abcdefghij?v=vt")
		b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"01012345678"}, "v": {"vt"}}).WantHTML(http.StatusOK).
			WantText("이미 참여하셨어요", tc.want).WantNoText(tc.not, "응모번호")
	}
}

// A repeat the API did not let this browser prove (another person typing
// the number) shows that the number entered and nothing of that entry.
func TestPublicEnterAgain(t *testing.T) {
	for _, tc := range []struct{ method, want string }{
		{"LOTTERY", "당첨되시면 그 번호로 알림톡이나 문자로 연락드릴게요."},
		{"FIRST_COME", "쿠폰은 그 번호로 보내 드린 알림톡이나 문자에서 확인하실 수 있어요."},
	} {
		t.Run(tc.method, func(t *testing.T) {
			api := publicAPI(t, publicEventJSON(tc.method, "OPEN")).
				JSON("POST /api/v1/public/events/{id}/entries", http.StatusOK, obj{"eventId": "ev1", "repeat": true})
			b := newBrowser(t, api)
			b.Get("/e/abcdefghij")
			p := b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"01012345678"}}).WantHTML(http.StatusOK).
				WantText("이미 참여하셨어요", "이 휴대전화 번호는 이미 참여했어요.", tc.want).
				WantNoText("응모번호", "쿠폰 QR 코드", "캡처")
			if c := p.Header.Get("Set-Cookie"); strings.Contains(c, "ae_entry") {
				t.Errorf("an unproven repeat set the entry cookie: %s", c)
			}
		})
	}
}

// The browser keeps the entry token of its entry in an HttpOnly cookie of
// the event's page and sends it back when it enters again, so the same
// browser sees its entry number and coupon again.
func TestPublicEnterKeepsEntryToken(t *testing.T) {
	const tok1, tok2 = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	answers := []obj{
		{"entryNumber": 3, "entryToken": tok1, "coupon": obj{"code": "ABCD-EFGH-JKMN", "qrUrl": "/qr/1.png"}},
		{"entryNumber": 4, "entryToken": tok2, "coupon": obj{"code": "ABCD-EFGH-JKMP", "qrUrl": "/qr/2.png"}},
		{"entryNumber": 3, "entryToken": tok1, "repeat": true, "coupon": obj{"code": "ABCD-EFGH-JKMN", "qrUrl": "/qr/1.png"}},
	}
	calls := 0
	api := publicAPI(t, publicEventJSON("FIRST_COME", "OPEN")).
		Handle("POST /api/v1/public/events/{id}/entries", func(w http.ResponseWriter, r *http.Request) {
			status := http.StatusCreated
			if answers[calls]["repeat"] == true {
				status = http.StatusOK
			}
			httpapi.WriteJSON(w, status, answers[calls])
			calls++
		})
	b := newBrowser(t, api)
	b.Get("/e/abcdefghij")
	p := b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"010-1234-5678"}}).WantHTML(http.StatusCreated)
	ck := entryCookieOf(t, p.Header)
	if ck.Value != tok1 || ck.Path != "/e/abcdefghij" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 {
		t.Errorf("entry cookie = %+v, want %s, HttpOnly, Lax, path /e/abcdefghij", ck, tok1)
	}
	var in struct{ EntryToken string }
	api.Last("POST", "/api/v1/public/events/ev1/entries").Decode(t, &in)
	if in.EntryToken != "" {
		t.Errorf("first entry sent entryToken %q, want none", in.EntryToken)
	}
	// A second number from the same browser: both tokens are kept.
	b.Post("/e/abcdefghij", url.Values{"name": {"김철수"}, "phone": {"010-2222-3333"}}).WantHTML(http.StatusCreated)
	api.Last("POST", "/api/v1/public/events/ev1/entries").Decode(t, &in)
	if in.EntryToken != tok1 {
		t.Errorf("second entry sent entryToken %q, want %q", in.EntryToken, tok1)
	}
	b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"01012345678"}}).WantHTML(http.StatusOK).
		WantText("이미 참여하셨어요", "응모번호 <strong>3</strong>", "ABCD-EFGH-JKMN")
	api.Last("POST", "/api/v1/public/events/ev1/entries").Decode(t, &in)
	if in.EntryToken != tok1+"."+tok2 {
		t.Errorf("repeat sent entryToken %q, want both tokens %q", in.EntryToken, tok1+"."+tok2)
	}
}

// A forged cookie is not passed on as is: only token-shaped values reach
// the API.
func TestPublicEnterDropsForgedEntryCookie(t *testing.T) {
	api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN")).
		JSON("POST /api/v1/public/events/{id}/entries", http.StatusOK, obj{"eventId": "ev1", "repeat": true})
	b := newBrowser(t, api)
	b.Get("/e/abcdefghij")
	b.SetCookie("ae_entry", "x\"y.0123456789abcdef0123456789abcdef.ZZZZZZZZZZZZZZZZZZZZ")
	b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"01012345678"}}).WantHTML(http.StatusOK)
	var in struct{ EntryToken string }
	api.Last("POST", "/api/v1/public/events/ev1/entries").Decode(t, &in)
	if in.EntryToken != "0123456789abcdef0123456789abcdef" {
		t.Errorf("entryToken = %q, want only the token-shaped part", in.EntryToken)
	}
}

func entryCookieOf(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "ae_entry" {
			return c
		}
	}
	t.Fatalf("no ae_entry cookie set (Set-Cookie %q)", h.Values("Set-Cookie"))
	return nil
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

// Customers see where the shop is and how to call it.
func TestPublicEventPageShowsStoreContact(t *testing.T) {
	ev := with(publicEventJSON("LOTTERY", "OPEN"), "storeAddress", "서울 강남구 테헤란로 1", "storePhone", "02-123-4567")
	newBrowser(t, publicAPI(t, ev)).Get("/e/abcdefghij").WantHTML(http.StatusOK).
		WantText("<dt>매장</dt><dd>서울 강남구 테헤란로 1</dd>", `<a href="tel:021234567">02-123-4567</a>`)
	// Without a card the page leaves the lines out.
	newBrowser(t, publicAPI(t, publicEventJSON("LOTTERY", "OPEN"))).Get("/e/abcdefghij").WantHTML(http.StatusOK).
		WantNoText("<dt>매장</dt>", "<dt>전화</dt>")
}
