package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

const csrfExpired = "보안 확인이 만료되었습니다. 내용을 확인하고 다시 제출해 주세요."

func signupForm() url.Values {
	return url.Values{"email": {"owner@example.com"}, "password": {"secret123"}, "password2": {"secret123"}, "terms": {"on"}, "ownerName": {"김사장"},
		"phone": {"010-1234-5678"}, "businessNumber": {"124-81-00998"}, "store.name": {"행복카페"},
		"store.industry": {"CAFE"}, "store.sido": {"서울특별시"}, "store.sigungu": {"강남구"}, "store.address": {"테헤란로 1"}}
}

func TestSignupPage(t *testing.T) {
	b := newBrowser(t, uitest.NewAPI(t))
	b.Get("/signup").WantHTML(http.StatusOK).WantTitle("회원가입 · AutoEvent").
		WantText("사업자등록번호", `<option value="CAFE">카페</option>`, "<option>서울특별시</option>").
		WantForms("/signup")
	// The placeholder is a format hint, not an invalid number people copy;
	// the password is typed twice and the terms need consent.
	b.Get("/signup").WantText(`placeholder="000-00-00000"`, `name="password2"`, `name="terms" type="checkbox" value="on" required`,
		"[필수] 이용약관과 개인정보 수집·이용에 동의합니다").WantNoText("123-45-67890")
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
		AgreeTerms      bool
		Store           struct{ Name, Industry, Region, Address string }
	}
	api.Last("POST", "/api/v1/auth/signup").Decode(t, &in)
	if in.Email != "owner@example.com" || in.Password != "secret123" || in.Store.Region != "서울특별시 강남구" || in.Store.Industry != "CAFE" ||
		!in.AgreeTerms {
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
	t.Run("page checks", func(t *testing.T) {
		api := uitest.NewAPI(t)
		b := newBrowser(t, api)
		b.Get("/signup")
		form := signupForm()
		form.Set("password2", "secret124")
		form.Del("terms")
		form.Set("store.sido", "")
		p := b.Post("/signup", form).WantHTML(http.StatusUnprocessableEntity).
			WantField("password2", "비밀번호가 서로 달라요. 같은 비밀번호를 두 번 입력해 주세요.").
			WantField("terms", "이용약관과 개인정보 수집·이용에 동의해야 가입할 수 있어요.").
			WantField("store.sido", "시/도를 선택해 주세요.")
		if api.Called("POST", "/api/v1/auth/signup") {
			t.Errorf("a form without consent reached the API")
		}
		if p.WantForm("/signup").Fields.Get("store.sigungu") != "강남구" {
			t.Errorf("form not refilled")
		}
	})
	t.Run("region error marks the 시/군/구", func(t *testing.T) {
		api := uitest.NewAPI(t).Problem("POST /api/v1/auth/signup", apperr.Invalid, "invalid_region",
			"입력값을 확인해 주세요.", "store.region", "지역을 ‘시/도 시/군/구’ 형식으로 입력해 주세요. 예: 서울 강남구")
		b := newBrowser(t, api)
		b.Get("/signup")
		p := b.Post("/signup", signupForm()).WantHTML(http.StatusBadRequest).
			WantField("store.sigungu", "시/군/구를 확인해 주세요. 예: 강남구, 수원시 영통구")
		if strings.Contains(p.Body, `id="store.sido" name="store.sido" required aria-invalid`) {
			t.Errorf("the 시/도, which was fine, is marked invalid")
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
