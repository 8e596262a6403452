package ui_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func planningAPI(t *testing.T, status int, rec obj) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT")).
		JSON("GET /api/v1/events/{id}/recommendations", status, rec)
}

func TestEventPlanningPage(t *testing.T) {
	api := planningAPI(t, http.StatusAccepted, jobJSON("RUNNING", 40, "트렌드 분석 중"))
	signedIn(t, api).Get("/app/events/ev1/planning").WantHTML(http.StatusOK).WantTitle("AI 기획 중 · AutoEvent").
		WantText("AI가 이벤트를 기획하고 있어요", "행복카페 · 신규 고객 유치", `aria-valuenow="40"`, "트렌드 분석 중",
			`data-status-url="/app/events/ev1/job-status"`, "wizard.js").
		WantForms("/logout")
	wantAuth(t, api.Last("GET", "/api/v1/events/ev1/recommendations"))
}

func TestEventPlanningPageStates(t *testing.T) {
	t.Run("done", func(t *testing.T) {
		signedIn(t, planningAPI(t, http.StatusOK, recommendationJSON())).Get("/app/events/ev1/planning").
			WantRedirect("/app/events/ev1/options")
	})
	t.Run("failed", func(t *testing.T) {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT")).
			Problem("GET /api/v1/events/{id}/recommendations", apperr.NotFound, "recommendation_not_found", "없음")
		signedIn(t, api).Get("/app/events/ev1/planning").WantHTML(http.StatusOK).
			WantText("AI 기획을 시작하지 못했어요").WantForms("/logout", "/app/events/ev1/recommend")
	})
	t.Run("unknown event", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.NotFound, "event_not_found", "이벤트가 없습니다.")
		signedIn(t, api).Get("/app/events/ev9/planning").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요").
			WantText("이벤트가 없습니다.")
	})
	t.Run("session gone", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.Unauthenticated, "unauthenticated", "로그인")
		signedIn(t, api).Get("/app/events/ev1/planning").WantRedirect("/login?next=%2Fapp%2Fevents%2Fev1%2Fplanning")
	})
}

func TestEventJobStatus(t *testing.T) {
	get := func(t *testing.T, api *uitest.API, path string, wantStatus int) map[string]any {
		t.Helper()
		p := signedIn(t, api).Get(path).WantStatus(wantStatus)
		if ct := p.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(p.Body), &out); err != nil {
			t.Fatalf("body %q: %v", p.Body, err)
		}
		return out
	}
	out := get(t, planningAPI(t, http.StatusAccepted, jobJSON("RUNNING", 40, "트렌드 분석 중")), "/app/events/ev1/job-status", http.StatusOK)
	if out["status"] != "RUNNING" || out["progress"] != 40.0 || out["done"] != false {
		t.Errorf("running = %v", out)
	}
	out = get(t, planningAPI(t, http.StatusOK, recommendationJSON()), "/app/events/ev1/job-status", http.StatusOK)
	if out["status"] != "COMPLETED" || out["done"] != true || out["next"] != "/app/events/ev1/options" {
		t.Errorf("done = %v", out)
	}
	api := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.NotFound, "event_not_found", "없음")
	if out = get(t, api, "/app/events/ev9/job-status", http.StatusNotFound); out["message"] != "이벤트를 찾을 수 없어요." {
		t.Errorf("unknown = %v", out)
	}
}

func TestEventRecommend(t *testing.T) {
	api := planningAPI(t, http.StatusAccepted, jobJSON("RUNNING", 10, "")).
		JSON("POST /api/v1/events/{id}/recommendations", http.StatusAccepted, jobJSON("PENDING", 0, ""))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/planning")
	b.Post("/app/events/ev1/recommend", url.Values{"regenerate": {"1"}}).WantRedirect("/app/events/ev1/planning")
	var in map[string]bool
	api.Last("POST", "/api/v1/events/ev1/recommendations").Decode(t, &in)
	if !in["regenerate"] {
		t.Errorf("recommend body = %v, want regenerate", in)
	}

	t.Run("refused", func(t *testing.T) {
		api := planningAPI(t, http.StatusAccepted, jobJSON("RUNNING", 10, "")).
			Problem("POST /api/v1/events/{id}/recommendations", apperr.Conflict, "invalid_transition", "이미 시작한 이벤트예요.").
			JSON("GET /api/v1/users/me", http.StatusOK, meJSON())
		b := signedIn(t, api)
		b.Get("/app/events/ev1/planning")
		b.Post("/app/events/ev1/recommend", nil).WantRedirect("/app/events/ev1")
		if b.Cookie("ae_flash") == "" {
			t.Errorf("no flash with the API's message")
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := uitest.NewAPI(t)
		signedIn(t, api).Post("/app/events/ev1/recommend", url.Values{"csrf": {""}}).WantRedirect("/app/events/ev1")
		if len(api.Calls()) != 0 {
			t.Errorf("a refused form reached the API")
		}
	})
}
