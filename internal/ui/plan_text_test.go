package ui_test

import (
	"net/http"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/uitest"
)

// The edit form's benefit starts from the option's benefit, never from its
// title: the customer page shows both, and the title would show twice.
func TestOptionFormBenefitIsNotTheTitle(t *testing.T) {
	rec := recommendationJSON()
	opts := rec["recommendations"].([]obj)
	opts[0]["benefit"] = "아메리카노 30% 할인"
	api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT")).
		JSON("GET /api/v1/events/{id}/recommendations", http.StatusOK, rec)
	b := signedIn(t, api)
	f := b.Get("/app/events/ev1/options?pick=1").WantHTML(http.StatusOK).WantForm("/app/events/ev1/selection")
	if got := f.Fields.Get("benefit"); got != "아메리카노 30% 할인" {
		t.Errorf("benefit prefilled %q, want the option's benefit", got)
	}
	// An option without a benefit leaves the field for the owner.
	f = b.Get("/app/events/ev1/options?pick=3").WantHTML(http.StatusOK).WantForm("/app/events/ev1/selection")
	if got := f.Fields.Get("benefit"); got != "" {
		t.Errorf("benefit prefilled %q, want empty (not the title %q)", got, f.Fields.Get("title"))
	}
}

// The customer page shows the title once: a benefit equal to it (plans
// saved before the fix) or empty is not shown again.
func TestPublicPageShowsTitleOnce(t *testing.T) {
	for _, benefit := range []string{"겨울 붕어빵 추첨", ""} {
		ev := publicEventJSON("LOTTERY", "OPEN")
		ev["benefit"] = benefit
		newBrowser(t, publicAPI(t, ev)).Get("/e/abcdefghij").WantHTML(http.StatusOK).WantNoText(`class="pub-benefit"`)
	}
	newBrowser(t, publicAPI(t, publicEventJSON("LOTTERY", "OPEN"))).Get("/e/abcdefghij").
		WantText(`<p class="pub-benefit">붕어빵 세트</p>`)
}

// A plan whose count or days the owner changed says what the AI's estimates
// were made for; an unchanged one does not.
func TestEventDetailSaysWhatEstimatesAreFor(t *testing.T) {
	ev := eventJSON("PLANNED")
	ev["plan"].(obj)["estimateFor"] = obj{"count": 150, "days": 14}
	api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, ev)
	signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).
		WantText("예상 비용과 ROI는 AI 추천안(150명 · 14일) 기준이에요.")
	api = uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("PLANNED"))
	signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).WantNoText("AI 추천안(")
}
