package apiclient_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

func request(access string) *http.Request {
	r := httptest.NewRequest("GET", "/app", nil)
	r.AddCookie(&http.Cookie{Name: session.AccessCookie, Value: access})
	r.AddCookie(&http.Cookie{Name: session.RefreshCookie, Value: "rt"})
	return r
}

func TestCallRefreshesOnceOnExpiredToken(t *testing.T) {
	api := uitest.NewAPI(t).
		Handle("GET /api/v1/things", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer new" {
				uitest.WriteProblem(w, r, apperr.New(apperr.Unauthenticated, "token_expired", "만료"))
				return
			}
			httpapi.WriteJSON(w, http.StatusOK, map[string]int{"n": 1})
		}).
		JSON("POST /api/v1/auth/refresh", http.StatusOK, session.Tokens{AccessToken: "new", RefreshToken: "rt2", ExpiresIn: 60})
	c := apiclient.New(api, session.New(session.Config{}))
	var out struct{ N int }
	rec := httptest.NewRecorder()
	if err := c.Call(rec, request("old"), "GET", "/api/v1/things", nil, &out); err != nil || out.N != 1 {
		t.Fatalf("Call = %v, %+v", err, out)
	}
	if n := len(api.Calls()); n != 3 {
		t.Errorf("%d API calls, want call, refresh, retry", n)
	}
	var set []string
	for _, ck := range rec.Result().Cookies() {
		set = append(set, ck.Name+"="+ck.Value)
	}
	if len(set) != 2 || set[0] != session.AccessCookie+"=new" || set[1] != session.RefreshCookie+"=rt2" {
		t.Errorf("cookies set = %v", set)
	}
}

func TestCallDoesNotRefreshOnBusinessRefusal(t *testing.T) {
	api := uitest.NewAPI(t).Problem("POST /api/v1/auth/login", apperr.Unauthenticated, "invalid_credentials", "틀렸어요")
	c := apiclient.New(api, session.New(session.Config{}))
	err := c.Call(httptest.NewRecorder(), request("old"), "POST", "/api/v1/auth/login", map[string]string{}, nil)
	if !apiclient.NeedLogin(err) {
		t.Errorf("err = %v, want unauthenticated", err)
	}
	if api.Called("POST", "/api/v1/auth/refresh") {
		t.Errorf("a wrong password triggered a refresh")
	}
}

func TestCallPublicSendsNoCredentials(t *testing.T) {
	api := uitest.NewAPI(t).JSON("GET /api/v1/public/x", http.StatusOK, map[string]string{})
	c := apiclient.New(api, session.New(session.Config{}))
	if _, err := c.CallPublic(request("at"), "GET", "/api/v1/public/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if a := api.Last("GET", "/api/v1/public/x").Auth; a != "" {
		t.Errorf("Authorization = %q", a)
	}
}

func TestFormErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		banner string
		fields int
	}{
		{"message only", apperr.New(apperr.Conflict, "taken", "이미 있어요"), "이미 있어요", 0},
		{"fields only", apperr.New(apperr.Invalid, "bad_phone", "전화").WithField("phone", "x", "번호 확인"), "", 1},
		{"validation_failed keeps its banner", apperr.New(apperr.Invalid, "validation_failed", "확인").WithField("a", "x", "m"), "확인", 1},
		{"not an API error", errors.New("boom"), "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.", 0},
	} {
		banner, fields := apiclient.FormErrors(tc.err)
		if banner != tc.banner || len(fields) != tc.fields {
			t.Errorf("%s: %q %v, want %q and %d fields", tc.name, banner, fields, tc.banner, tc.fields)
		}
	}
}
