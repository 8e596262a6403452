package ui

import (
	"net/http"
	"strings"

	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/user"
)

// The sign-up page. Like every form page it posts to itself, checks the
// CSRF token, calls the JSON API and, on an error, renders the form again
// with what was typed (never the password) and the API's field errors
// inline.

// signupForm is what the sign-up template needs besides the View.
type signupForm struct {
	Industries []user.Industry
	Sidos      []string
}

func sidoNames() []string {
	out := make([]string, len(user.Sidos))
	for i, sd := range user.Sidos {
		out[i] = sd.Name
	}
	return out
}

// Sign-up form fields, named as the API names them so its field errors land
// on the right input. The region is two inputs joined into "시/도 시/군/구".
var signupFields = []string{"email", "ownerName", "phone", "businessNumber",
	"store.name", "store.industry", "store.sido", "store.sigungu", "store.address", "terms"}

func (s *Site) handleSignupPage(w http.ResponseWriter, r *http.Request) {
	if session.Active(r) {
		http.Redirect(w, r, "/app", http.StatusSeeOther)
		return
	}
	s.renderSignup(w, r, http.StatusOK, View{Form: map[string]string{}})
}

func (s *Site) renderSignup(w http.ResponseWriter, r *http.Request, status int, v View) {
	v.Title = "회원가입"
	v.Data = signupForm{Industries: user.Industries, Sidos: sidoNames()}
	s.html.Render(w, r, status, "signup.html", v)
}

func (s *Site) handleSignup(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{}
	for _, f := range signupFields {
		form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	if !s.sessions.CheckCSRF(r) {
		s.renderSignup(w, r, http.StatusForbidden, View{Form: form, Error: csrfMessage})
		return
	}
	if fields := signupChecks(form, r); len(fields) > 0 {
		s.renderSignup(w, r, http.StatusUnprocessableEntity, View{Form: form, Fields: fields,
			Error: "입력한 내용을 확인해 주세요. 표시된 항목을 고치면 됩니다."})
		return
	}
	in := user.SignupInput{
		Email: form["email"], Password: r.PostFormValue("password"), OwnerName: form["ownerName"],
		Phone: form["phone"], BusinessNumber: form["businessNumber"], AgreeTerms: form["terms"] == "on",
		Store: user.StoreInput{Name: form["store.name"], Industry: form["store.industry"],
			Region: strings.TrimSpace(form["store.sido"] + " " + form["store.sigungu"]), Address: form["store.address"]},
	}
	var res user.SignupResult
	if _, err := s.api.CallPublic(r, "POST", "/api/v1/auth/signup", in, &res); err != nil {
		banner, fields := pageErrors(err)
		if msg := fields["store.region"]; msg != "" {
			// Both parts were given (signupChecks), so the 시/군/구 is what
			// the API could not read: mark that input, not the pair.
			delete(fields, "store.region")
			fields["store.sigungu"] = "시/군/구를 확인해 주세요. 예: 강남구, 수원시 영통구"
		}
		s.renderSignup(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	// Signed up: log in at once with what was just typed.
	var t session.Tokens
	if _, err := s.api.CallPublic(r, "POST", "/api/v1/auth/login", user.LoginInput{Email: in.Email, Password: in.Password}, &t); err != nil {
		s.sessions.FlashKind(w, session.Notice, res.Message+" 로그인해 주세요.")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.sessions.Start(w, t)
	s.sessions.Flash(w, res.Message)
	http.Redirect(w, r, "/app", http.StatusSeeOther)
}

// signupChecks are what the page asks that the API does not: the password
// typed twice, consent to the terms, and which half of the region is
// missing (the API only knows the joined "시/도 시/군/구").
func signupChecks(form map[string]string, r *http.Request) map[string]string {
	fields := map[string]string{}
	if pw := r.PostFormValue("password"); pw != r.PostFormValue("password2") {
		fields["password2"] = "비밀번호가 서로 달라요. 같은 비밀번호를 두 번 입력해 주세요."
	}
	if form["terms"] != "on" {
		fields["terms"] = "이용약관과 개인정보 수집·이용에 동의해야 가입할 수 있어요."
	}
	if form["store.sido"] == "" {
		fields["store.sido"] = "시/도를 선택해 주세요."
	}
	if form["store.sigungu"] == "" {
		fields["store.sigungu"] = "시/군/구를 입력해 주세요. 예: 강남구"
	}
	return fields
}
