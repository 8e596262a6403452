package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/uitest"
)

// The fixtures' event runs 12-10 to 12-24 (KST) inclusive: the API stores
// the end as 2026-12-24T15:00:00Z, midnight KST after the last day. Every
// page shows the same days, and none the day after the last.
const (
	fixturePeriod = "12.10(목) ~ 12.24(목)"
	dayAfter      = "12.25"
	dayAfterISO   = "2026.12.25"
)

func TestPeriodOnEveryPage(t *testing.T) {
	t.Run("public event", func(t *testing.T) {
		newBrowser(t, publicAPI(t, publicEventJSON("LOTTERY", "OPEN"))).Get("/e/abcdefghij").WantHTML(http.StatusOK).
			WantText("<dt>기간</dt><dd>"+fixturePeriod+"</dd>").WantNoText(dayAfter, dayAfterISO)
	})
	t.Run("public entry result", func(t *testing.T) {
		api := publicAPI(t, publicEventJSON("LOTTERY", "OPEN")).
			JSON("POST /api/v1/public/events/{id}/entries", http.StatusCreated, obj{"entryNumber": 12})
		b := newBrowser(t, api)
		b.Get("/e/abcdefghij")
		b.Post("/e/abcdefghij", url.Values{"name": {"이영희"}, "phone": {"010-1234-5678"}}).WantHTML(http.StatusCreated).
			WantText("참여는 12.24(목)까지예요.").WantNoText(dayAfter)
	})
	t.Run("draw", func(t *testing.T) {
		signedIn(t, drawAPI(t)).Get("/app/events/ev1/draw").WantHTML(http.StatusOK).
			WantText(fixturePeriod).WantNoText(dayAfter, dayAfterISO)
	})
	t.Run("event detail", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("PLANNED"))
		signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).
			WantText("<dt>기간</dt><dd>" + fixturePeriod + "</dd>").WantNoText("2026-12-10 ~")
	})
	t.Run("home", func(t *testing.T) {
		api := uitest.NewAPI(t).
			JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
			JSON("GET /api/v1/events", http.StatusOK, obj{"items": []obj{with(eventJSON("ACTIVE"), "id", "ev2")}})
		signedIn(t, api).Get("/app").WantHTML(http.StatusOK).WantText(fixturePeriod).WantNoText("2026-12-10 ~")
	})
	t.Run("options", func(t *testing.T) {
		rec := recommendationJSON()
		opts := rec["recommendations"].([]obj)
		opts[1]["duration"] = obj{"recommendedDays": 15, "recommendedPeriod": "2주", "startDate": "2026-12-10", "endDate": "2026-12-24"}
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT")).
			JSON("GET /api/v1/events/{id}/recommendations", http.StatusOK, rec)
		signedIn(t, api).Get("/app/events/ev1/options").WantHTML(http.StatusOK).
			WantText("2주 (15일) · " + fixturePeriod).WantNoText("2026-12-10~")
	})
}
