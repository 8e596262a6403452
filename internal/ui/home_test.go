package ui_test

import (
	"net/http"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func TestHomePage(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		JSON("GET /api/v1/events", http.StatusOK, obj{"items": []obj{eventJSON("DRAFT"), with(eventJSON("ACTIVE"), "id", "ev2")}, "nextCursor": "c2"})
	signedIn(t, api).Get("/app").WantHTML(http.StatusOK).
		WantTitle("내 이벤트 · AutoEvent").
		WantText("김사장 사장님, 행복카페", "기획 전", "신규 고객 유치 이벤트", `href="/app/events/ev1/planning"`,
			"진행 중", "겨울 붕어빵 추첨", `href="/app/events/ev2/participants"`, `href="/app/events/ev2/draw"`,
			`href="/app?cursor=c2"`, `href="/app/events/new"`).
		WantForms("/logout")
	wantAuth(t, api.Last("GET", "/api/v1/users/me"))
	if q := api.Last("GET", "/api/v1/events").Query; q != "limit=20" {
		t.Errorf("events query = %q, want limit=20", q)
	}
}

// A draft whose three plans are ready is not "기획 전": it waits for the
// owner's choice, and the badge and the link say so.
func TestHomeBadgeRecommendationsReady(t *testing.T) {
	ready := with(eventJSON("DRAFT"), "recommendedAt", "2026-12-01T01:05:00Z")
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		JSON("GET /api/v1/events", http.StatusOK, obj{"items": []obj{ready}}).
		JSON("GET /api/v1/events/{id}", http.StatusOK, ready)
	b := signedIn(t, api)
	b.Get("/app").WantHTML(http.StatusOK).WantText("추천 3안 도착", `href="/app/events/ev1/options"`).
		WantNoText("기획 전", `href="/app/events/ev1/planning"`)
	b.Get("/app/events/ev1").WantHTML(http.StatusOK).WantText("추천 3안 도착", "추천 3안이 준비됐어요", `href="/app/events/ev1/options"`).
		WantNoText("기획 전")
}

func TestHomePageShowsEventListFailureInline(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("GET /api/v1/users/me", http.StatusOK, meJSON()).
		Problem("GET /api/v1/events", apperr.Unavailable, "events_unavailable", "이벤트 목록을 잠시 불러올 수 없어요.")
	signedIn(t, api).Get("/app").WantHTML(http.StatusOK).WantAlert("이벤트 목록을 잠시 불러올 수 없어요.")
}

func TestHomePageErrors(t *testing.T) {
	t.Run("session gone", func(t *testing.T) {
		api := uitest.NewAPI(t).
			Problem("GET /api/v1/users/me", apperr.Unauthenticated, "token_expired", "로그인이 만료되었습니다.").
			Problem("POST /api/v1/auth/refresh", apperr.Unauthenticated, "invalid_token", "다시 로그인해 주세요.")
		b := signedIn(t, api)
		b.Get("/app").WantRedirect("/login?next=/app")
		if b.Cookie(session.AccessCookie) != "" || b.Cookie(session.RefreshCookie) != "" {
			t.Errorf("a refused refresh left the session cookies")
		}
	})
	t.Run("user service down", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("GET /api/v1/users/me", apperr.Unavailable, "service_unavailable", "잠시 후")
		signedIn(t, api).Get("/app").WantErrorPage(http.StatusBadGateway, "잠시 후 다시 시도해 주세요").
			WantText("정보를 불러오지 못했습니다.")
	})
}

// An expired access token is refreshed once and the page renders with the
// new one, which the browser keeps.
func TestHomePageRefreshesAnExpiredSession(t *testing.T) {
	api := uitest.NewAPI(t)
	api.Handle("GET /api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fresh" {
			uitest.WriteProblem(w, r, apperr.New(apperr.Unauthenticated, "token_expired", "만료"))
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, meJSON())
	})
	api.JSON("GET /api/v1/events", http.StatusOK, obj{"items": []obj{}})
	api.JSON("POST /api/v1/auth/refresh", http.StatusOK, obj{"accessToken": "fresh", "refreshToken": "fresh-rt", "expiresIn": 3600, "tokenType": "Bearer"})
	b := signedIn(t, api)
	b.Get("/app").WantHTML(http.StatusOK).WantText("김사장 사장님", "아직 이벤트가 없어요")
	var body map[string]string
	api.Last("POST", "/api/v1/auth/refresh").Decode(t, &body)
	if body["refreshToken"] != uitest.RefreshToken {
		t.Errorf("refresh sent %v, want the session's refresh token", body)
	}
	if got := api.Last("GET", "/api/v1/events").Auth; got != "Bearer fresh" {
		t.Errorf("later call of the request sent %q, want the refreshed token", got)
	}
	if b.Cookie(session.AccessCookie) != "fresh" || b.Cookie(session.RefreshCookie) != "fresh-rt" {
		t.Errorf("cookies after refresh = %q, %q", b.Cookie(session.AccessCookie), b.Cookie(session.RefreshCookie))
	}
}
