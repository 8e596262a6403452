package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func optionsAPI(t *testing.T, ev obj) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}", http.StatusOK, ev).
		JSON("GET /api/v1/events/{id}/recommendations", http.StatusOK, recommendationJSON())
}

func TestEventOptionsPage(t *testing.T) {
	b := signedIn(t, optionsAPI(t, eventJSON("DRAFT")))
	b.Get("/app/events/ev1/options").WantHTML(http.StatusOK).WantTitle("AI 추천 이벤트 · AutoEvent").
		WantText("AI가 추천한 이벤트 3가지", "제공: AutoEvent 기획 엔진", "말차 디저트",
			"첫 방문 할인", "선착순 100명", "겨울 붕어빵 추첨", "추첨 10명", "스탬프 두 배",
									"100,000원~", "250,000원", `href="/app/events/ev1/options?pick=2#edit"`).
		WantForms("/logout", "/app/events/ev1/recommend") // no edit form before a pick

	p := b.Get("/app/events/ev1/options?pick=3").WantHTML(http.StatusOK).
		WantText("추천 3 수정하고 저장하기").
		WantForms("/logout", "/app/events/ev1/selection", "/app/events/ev1/recommend")
	f := p.WantForm("/app/events/ev1/selection")
	if f.Fields.Get("title") != "스탬프 두 배" || f.Fields.Get("count") != "50" || f.Fields.Get("optionNumber") != "3" {
		t.Errorf("edit form = %v", f.Fields)
	}
}

// Once the owner saved an option, the page opens on it with what was saved.
func TestEventOptionsPageShowsSavedPlan(t *testing.T) {
	p := signedIn(t, optionsAPI(t, eventJSON("PLANNED"))).Get("/app/events/ev1/options").WantHTML(http.StatusOK)
	f := p.WantForm("/app/events/ev1/selection")
	if f.Fields.Get("optionNumber") != "2" || f.Fields.Get("benefit") != "붕어빵 세트" || f.Fields.Get("startDate") != "2026-12-10" ||
		f.Fields.Get("count") != "10" || f.Fields.Get("hashtags") != "#붕어빵 #강남카페" {
		t.Errorf("saved plan not in the form: %v", f.Fields)
	}
}

func TestEventOptionsPageWithoutRecommendation(t *testing.T) {
	api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT")).
		JSON("GET /api/v1/events/{id}/recommendations", http.StatusAccepted, jobJSON("RUNNING", 30, ""))
	signedIn(t, api).Get("/app/events/ev1/options").WantRedirect("/app/events/ev1/planning")
}

func TestEventOptionsPageOfAnotherOwner(t *testing.T) {
	api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.Forbidden, "forbidden", "권한이 없습니다.")
	signedIn(t, api).Get("/app/events/ev1/options").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요")
}

func selectionForm() url.Values {
	return url.Values{"optionNumber": {"2"}, "title": {"겨울 붕어빵 추첨"}, "benefit": {"붕어빵 세트"}, "description": {"QR"},
		"startDate": {"2026-12-10"}, "endDate": {"2026-12-24"}, "method": {"LOTTERY"}, "count": {"1,000"},
		"headline": {"붕어빵"}, "body": {"본문"}, "hashtags": {"#a  #b"}}
}

func TestEventSelectionSaves(t *testing.T) {
	api := optionsAPI(t, eventJSON("DRAFT")).JSON("PUT /api/v1/events/{id}/selection", http.StatusOK, eventJSON("PLANNED"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/options?pick=2")
	b.Post("/app/events/ev1/selection", selectionForm()).WantRedirect("/app/events/ev1")
	var in struct {
		OptionNumber        int
		Title               string
		ParticipationMethod struct {
			Type        string
			CouponCount int
		}
		Copy struct{ Hashtags []string }
	}
	c := api.Last("PUT", "/api/v1/events/ev1/selection")
	c.Decode(t, &in)
	wantAuth(t, c)
	if in.OptionNumber != 2 || in.ParticipationMethod.Type != "LOTTERY" || in.ParticipationMethod.CouponCount != 1000 ||
		len(in.Copy.Hashtags) != 2 {
		t.Errorf("selection body = %+v", in)
	}
}

func TestEventSelectionErrors(t *testing.T) {
	t.Run("count not a number", func(t *testing.T) {
		api := optionsAPI(t, eventJSON("DRAFT"))
		b := signedIn(t, api)
		b.Get("/app/events/ev1/options?pick=2")
		form := selectionForm()
		form.Set("count", "열 명")
		b.Post("/app/events/ev1/selection", form).WantHTML(http.StatusBadRequest).WantField("count", "숫자로 입력해 주세요.")
		if api.Called("PUT", "/api/v1/events/ev1/selection") {
			t.Errorf("a bad count reached the API")
		}
	})
	t.Run("API field names land on the form", func(t *testing.T) {
		api := optionsAPI(t, eventJSON("DRAFT")).Problem("PUT /api/v1/events/{id}/selection", apperr.Invalid, "validation_failed",
			"입력값을 확인해 주세요.", "winnerCount", "당첨 인원은 1명 이상이에요.", "copy.headline", "헤드라인이 너무 길어요.")
		b := signedIn(t, api)
		b.Get("/app/events/ev1/options?pick=2")
		p := b.Post("/app/events/ev1/selection", selectionForm()).WantHTML(http.StatusBadRequest).
			WantAlert("입력값을 확인해 주세요.").
			WantField("count", "당첨 인원은 1명 이상이에요.").WantField("headline", "헤드라인이 너무 길어요.")
		if p.WantForm("/app/events/ev1/selection").Fields.Get("count") != "1,000" {
			t.Errorf("form not refilled with what was typed")
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := optionsAPI(t, eventJSON("DRAFT"))
		form := selectionForm()
		form.Set("csrf", "")
		signedIn(t, api).Post("/app/events/ev1/selection", form).WantHTML(http.StatusForbidden).WantAlert(pageExpired)
		if api.Called("PUT", "/api/v1/events/ev1/selection") {
			t.Errorf("a refused form reached the API")
		}
	})
}

// The numbers measure what the purpose asks for, and say where they come
// from.
func TestEventOptionsPageShowsGoalAndAssumptions(t *testing.T) {
	rec := recommendationJSON()
	opts := rec["recommendations"].([]obj)
	opts[0]["expectedMetrics"].(obj)["goal"] = obj{"metric": "REVISITS", "label": "재방문", "unit": "회", "min": 40, "max": 70}
	opts[0]["assumptions"] = []string{"객단가 6,500원 · 마진 60%", "참여율 3~5%"}
	api := optionsAPI(t, eventJSON("DRAFT")).JSON("GET /api/v1/events/{id}/recommendations", http.StatusOK, rec)
	signedIn(t, api).Get("/app/events/ev1/options").WantHTML(http.StatusOK).
		WantText("예상 재방문", "40~70회", "이 숫자는 이렇게 계산했어요", "객단가 6,500원 · 마진 60%", "신규 고객")
}
