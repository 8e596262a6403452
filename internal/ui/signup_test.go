package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

const csrfExpired = "보안 확인이 만료되었습니다. 내용을 확인하고 다시 제출해 주세요."

func signupForm() url.Values {
	return url.Values{"email": {"owner@example.com"}, "password": {"secret123"}, "ownerName": {"김사장"},
		"phone": {"010-1234-5678"}, "businessNumber": {"124-81-00998"}, "store.name": {"행복카페"},
		"store.industry": {"CAFE"}, "store.sido": {"서울특별시"}, "store.sigungu": {"강남구"}, "store.address": {"테헤란로 1"}}
}

func TestSignupPage(t *testing.T) {
	b := newBrowser(t, uitest.NewAPI(t))
	b.Get("/signup").WantHTML(http.StatusOK).WantTitle("회원가입 · AutoEvent").
		WantText("사업자등록번호", `<option value="CAFE">카페</option>`, "<option>서울특별시</option>").
		WantForms("/signup")
	signedIn(t, uitest.NewAPI(t)).Get("/signup").WantRedirect("/app")
}

func TestSignupSignsUpAndLogsIn(t *testing.T) {
	api := uitest.NewAPI(t).
		JSON("POST /api/v1/auth/signup", http.StatusCreated, obj{"message": "가입을 환영합니다!"}).
		JSON("POST /api/v1/auth/login", http.StatusOK, obj{"accessToken": "at", "refreshToken": "rt", "expiresIn": 3600})
	b := newBrowser(t, api)
	b.Get("/signup")
	b.Post("/signup", signupForm()).WantRedirect("/app")
	var in struct {
		Email, Password string
		Store           struct{ Name, Industry, Region, Address string }
	}
	api.Last("POST", "/api/v1/auth/signup").Decode(t, &in)
	if in.Email != "owner@example.com" || in.Password != "secret123" || in.Store.Region != "서울특별시 강남구" || in.Store.Industry != "CAFE" {
		t.Errorf("signup body = %+v", in)
	}
	if b.Cookie(session.AccessCookie) != "at" || b.Cookie(session.RefreshCookie) != "rt" {
		t.Errorf("no session after sign-up")
	}
	if got := b.Cookie(session.FlashCookie); got == "" {
		t.Errorf("no welcome flash")
	}
}

func TestSignupErrors(t *testing.T) {
	t.Run("field error from the API", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("POST /api/v1/auth/signup", apperr.Invalid, "business_number_check_digit",
			"사업자등록번호가 올바르지 않습니다.", "businessNumber", "사업자등록번호를 다시 확인해 주세요.")
		b := newBrowser(t, api)
		b.Get("/signup")
		p := b.Post("/signup", signupForm()).WantHTML(http.StatusBadRequest).
			WantAlert("입력한 내용을 확인해 주세요. 표시된 항목을 고치면 됩니다.").
			WantField("businessNumber", "사업자등록번호를 다시 확인해 주세요.")
		f := p.WantForm("/signup")
		if f.Fields.Get("email") != "owner@example.com" || f.Fields.Get("store.sigungu") != "강남구" {
			t.Errorf("form not refilled: %v", f.Fields)
		}
		if f.Fields.Get("password") != "" {
			t.Errorf("the password came back in the page")
		}
	})
	t.Run("stale token", func(t *testing.T) {
		api := uitest.NewAPI(t)
		b := newBrowser(t, api)
		b.Get("/signup")
		form := signupForm()
		form.Set("csrf", "forged")
		b.Post("/signup", form).WantHTML(http.StatusForbidden).WantAlert(csrfExpired)
		if len(api.Calls()) != 0 {
			t.Errorf("a refused form reached the API: %v", api.Calls())
		}
	})
	t.Run("cross-site post", func(t *testing.T) {
		api := uitest.NewAPI(t)
		b := newBrowser(t, api)
		b.Get("/signup")
		b.Header.Set("Sec-Fetch-Site", "cross-site")
		b.Post("/signup", signupForm()).WantHTML(http.StatusForbidden).WantAlert(csrfExpired)
		if len(api.Calls()) != 0 {
			t.Errorf("a cross-site form reached the API: %v", api.Calls())
		}
	})
	t.Run("API down", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("POST /api/v1/auth/signup", apperr.Unavailable, "nts_unavailable", "잠시 후 다시 시도해 주세요.")
		b := newBrowser(t, api)
		b.Get("/signup")
		b.Post("/signup", signupForm()).WantHTML(http.StatusBadGateway).WantAlert("잠시 후 다시 시도해 주세요.")
	})
}
