package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

const drawRefused = "요청을 처리할 수 없습니다"

func drawAPI(t *testing.T, draws ...obj) *uitest.API {
	return uitest.NewAPI(t).JSON("GET /api/v1/events/{id}/draws", http.StatusOK, eventDrawsJSON(draws...))
}

func TestDrawPage(t *testing.T) {
	t.Run("before any draw", func(t *testing.T) {
		api := drawAPI(t)
		signedIn(t, api).Get("/app/events/ev1/draw").WantHTML(http.StatusOK).WantTitle("추첨 · 겨울 붕어빵 추첨 · AutoEvent").
			WantText("당첨자 추첨", "1. 추첨 봉인하기", "2. 추첨하기", "진행 중").
			WantNoText("약속값", "시드", "해시").
			WantForms("/logout", "/app/events/ev1/draw/commitment", "/app/events/ev1/draw")
		wantAuth(t, api.Last("GET", "/api/v1/events/ev1/draws"))
	})
	t.Run("committed and drawn", func(t *testing.T) {
		p := signedIn(t, drawAPI(t, drawJSON("d2", "PENDING"), drawJSON("d1", "DRAWN"))).Get("/app/events/ev1/draw").
			WantHTML(http.StatusOK).
			WantText("현재 당첨자", "봉인한 추첨으로 뽑아요", "당첨자 교체 (재추첨)", "추첨 기록", "참여자 120명 중 추첨 (매장 방문 30명은 당첨 기회 2배)",
				"이*영", "알림톡 수신", `<a href="/e/abcdefghij#draw-public-title">손님이 보는 결과와 검증 정보</a>`).
			// No jargon for owners: the commitment, seed and hashes are on
			// the proof the link opens.
			WantNoText("약속값", "시드", "해시", "c0ffee", "5eedd1", "autoevent verify").
			WantForms("/logout", "/app/events/ev1/draw/d1/winners/17/delivered", "/app/events/ev1/draw")
		// The results come first, the redraw form after them.
		if cur, rec, redraw := strings.Index(p.Body, "현재 당첨자"), strings.Index(p.Body, "추첨 기록"), strings.Index(p.Body, "당첨자 교체 (재추첨)"); !(cur < rec && rec < redraw) {
			t.Errorf("order: current winners at %d, records at %d, redraw form at %d; want results above the redraw", cur, rec, redraw)
		}
		if got := p.WantForm("/app/events/ev1/draw").Fields.Get("redrawOf"); got != "d1" {
			t.Errorf("redrawOf = %q, want the latest draw", got)
		}
	})
	t.Run("unknown event", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}/draws", apperr.NotFound, "event_not_found", "이벤트가 없습니다.")
		signedIn(t, api).Get("/app/events/ev1/draw").WantErrorPage(http.StatusNotFound, "추첨").WantText("이벤트가 없습니다.")
	})
	t.Run("signed out", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}/draws", apperr.Unauthenticated, "unauthenticated", "로그인")
		newBrowser(t, api).Get("/app/events/ev1/draw").WantRedirect("/login?next=%2Fapp%2Fevents%2Fev1%2Fdraw")
	})
}

func TestDrawCommit(t *testing.T) {
	api := drawAPI(t).JSON("POST /api/v1/events/{id}/draws/commitment", http.StatusCreated, drawJSON("d1", "PENDING"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/draw")
	b.Post("/app/events/ev1/draw/commitment", nil).WantRedirect("/app/events/ev1/draw")
	wantAuth(t, api.Last("POST", "/api/v1/events/ev1/draws/commitment"))

	refused := drawAPI(t).Problem("POST /api/v1/events/{id}/draws/commitment", apperr.Conflict, "draw_pending", "이미 공개한 약속값이 있어요.")
	b = signedIn(t, refused)
	b.Get("/app/events/ev1/draw")
	b.Post("/app/events/ev1/draw/commitment", nil).WantHTML(http.StatusUnprocessableEntity).WantAlert("이미 공개한 약속값이 있어요.")
}

func TestDrawRun(t *testing.T) {
	api := drawAPI(t, drawJSON("d1", "DRAWN")).JSON("POST /api/v1/events/{id}/draws", http.StatusCreated, drawJSON("d2", "DRAWN"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/draw")
	b.Post("/app/events/ev1/draw", url.Values{"winnerCount": {"3"}, "visitBonusWeight": {"2.5"}, "exclusions": {"4, 9\n12"},
		"closeEntries": {"on"}, "excludeFlagged": {"on"}}).WantRedirect("/app/events/ev1/draw")
	var in struct {
		WinnerCount      int
		VisitBonusWeight float64
		Exclusions       []int64
		CloseEntries     bool
		ExcludeFlagged   bool
		RedrawOf, Reason string
		Replace          []int64
	}
	api.Last("POST", "/api/v1/events/ev1/draws").Decode(t, &in)
	if in.WinnerCount != 3 || in.VisitBonusWeight != 2.5 || len(in.Exclusions) != 3 || in.Exclusions[2] != 12 || !in.CloseEntries || !in.ExcludeFlagged || in.RedrawOf != "" {
		t.Errorf("draw body = %+v", in)
	}
	b.Get("/app/events/ev1/draw").WantText("참여를 마감하고 추첨했습니다.")

	// A redraw sends only the checked winners to replace, with the reason.
	in = struct {
		WinnerCount      int
		VisitBonusWeight float64
		Exclusions       []int64
		CloseEntries     bool
		ExcludeFlagged   bool
		RedrawOf, Reason string
		Replace          []int64
	}{}
	b.Get("/app/events/ev1/draw")
	b.Post("/app/events/ev1/draw", url.Values{"redrawOf": {"d1"}, "replace": {"17"}, "reason": {"연락 불가"}}).WantRedirect("/app/events/ev1/draw")
	api.Last("POST", "/api/v1/events/ev1/draws").Decode(t, &in)
	if in.RedrawOf != "d1" || len(in.Replace) != 1 || in.Replace[0] != 17 || in.Reason != "연락 불가" || in.WinnerCount != 0 {
		t.Errorf("redraw body = %+v, want redrawOf d1, replace [17], the reason and no winner count", in)
	}
	b.Get("/app/events/ev1/draw").WantText("선택한 당첨자만 다시 뽑았습니다.")
}

// TestDrawPageDefaultsAndConfirmation: the first draw form defaults to the
// planned winner count and, while the event still takes entries, asks the
// owner to confirm closing them; a redraw form lists the standing winners
// to replace and marks the replaced ones in the record.
func TestDrawPageDefaultsAndConfirmation(t *testing.T) {
	ev := eventDrawsJSON()
	ev["event"].(obj)["winnerCount"], ev["event"].(obj)["entriesOpen"] = 5, true
	api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}/draws", http.StatusOK, ev)
	p := signedIn(t, api).Get("/app/events/ev1/draw").WantHTML(http.StatusOK).
		WantText("아직 참여 기간입니다", "참여를 지금 마감하고 추첨합니다", "참여 마감하고 추첨하기")
	f := p.WantForm("/app/events/ev1/draw")
	if got := f.Fields.Get("winnerCount"); got != "5" {
		t.Errorf("winnerCount default = %q, want the planned 5", got)
	}

	first, redo := drawJSON("d1", "DRAWN"), drawJSON("d2", "DRAWN")
	first["winners"] = []obj{
		{"rank": 1, "entryNumber": 17, "name": "이*영", "phone": "010-****-1234", "replacedBy": "d2"},
		{"rank": 2, "entryNumber": 30, "name": "박*수", "phone": "010-****-5678", "notification": obj{"status": "SENT", "attempts": 1, "updatedAt": "2026-12-24T01:01:00Z"}},
	}
	redo["redrawOf"], redo["reason"], redo["replaces"] = "d1", "연락 불가", []int{17}
	redo["winners"] = []obj{{"rank": 1, "entryNumber": 44, "name": "최*진", "phone": "010-****-9999"}}
	api = uitest.NewAPI(t).JSON("GET /api/v1/events/{id}/draws", http.StatusOK, eventDrawsJSON(redo, first))
	p = signedIn(t, api).Get("/app/events/ev1/draw").WantHTML(http.StatusOK).
		WantText("현재 당첨자", "당첨자 교체 (재추첨)", "응모번호 17 교체 · 사유: 연락 불가", "교체됨", "최*진", "박*수").
		WantNoText("재추첨됨", "참여를 지금 마감하고 추첨합니다")
	// The standing winners are 30 and 44; 17 was replaced.
	redraw := p.WantForm("/app/events/ev1/draw")
	if got := strings.Join(redraw.Fields["replace"], ","); got != "30,44" && got != "44,30" {
		t.Errorf("replace choices = %q, want the standing winners 30 and 44", got)
	}
}

func TestDrawRunErrors(t *testing.T) {
	t.Run("bad numbers", func(t *testing.T) {
		api := drawAPI(t)
		b := signedIn(t, api)
		b.Get("/app/events/ev1/draw")
		p := b.Post("/app/events/ev1/draw", url.Values{"winnerCount": {"세 명"}, "visitBonusWeight": {"2"}, "exclusions": {"7, x"}}).
			WantHTML(http.StatusUnprocessableEntity).
			WantField("winnerCount", "당첨자 수를 숫자로 입력해 주세요.").
			WantField("exclusions", "제외할 응모번호는 쉼표로 구분한 숫자로 입력해 주세요.")
		if p.WantForm("/app/events/ev1/draw").Fields.Get("winnerCount") != "세 명" {
			t.Errorf("form not refilled")
		}
		if api.Called("POST", "/api/v1/events/ev1/draws") {
			t.Errorf("bad input reached the API")
		}
	})
	t.Run("refused by the API", func(t *testing.T) {
		api := drawAPI(t).Problem("POST /api/v1/events/{id}/draws", apperr.Unprocessable, "no_entries", "참여자가 없어 추첨할 수 없어요.")
		b := signedIn(t, api)
		b.Get("/app/events/ev1/draw")
		b.Post("/app/events/ev1/draw", url.Values{"winnerCount": {"1"}, "visitBonusWeight": {"2"}}).
			WantHTML(http.StatusUnprocessableEntity).WantAlert("참여자가 없어 추첨할 수 없어요.")
	})
	t.Run("stale token", func(t *testing.T) {
		api := drawAPI(t)
		b := signedIn(t, api)
		for _, path := range []string{"/app/events/ev1/draw", "/app/events/ev1/draw/commitment", "/app/events/ev1/draw/d1/winners/17/delivered"} {
			b.Post(path, url.Values{"csrf": {"forged"}, "winnerCount": {"1"}, "visitBonusWeight": {"2"}}).
				WantErrorPage(http.StatusForbidden, drawRefused)
		}
		if len(api.Calls()) != 0 {
			t.Errorf("refused forms reached the API: %v", api.Calls())
		}
	})
}

func TestPrizeDelivered(t *testing.T) {
	api := drawAPI(t, drawJSON("d1", "DRAWN")).
		JSON("POST /api/v1/events/{id}/draws/{draw}/winners/{entry}/prize-delivered", http.StatusOK, obj{})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/draw")
	b.Post("/app/events/ev1/draw/d1/winners/17/delivered", nil).WantRedirect("/app/events/ev1/draw")
	wantAuth(t, api.Last("POST", "/api/v1/events/ev1/draws/d1/winners/17/prize-delivered"))
	b.Get("/app/events/ev1/draw").WantText("경품 전달을 기록했습니다.")
}
