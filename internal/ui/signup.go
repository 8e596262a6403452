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
	"store.name", "store.industry", "store.sido", "store.sigungu", "store.address"}

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
	in := user.SignupInput{
		Email: form["email"], Password: r.PostFormValue("password"), OwnerName: form["ownerName"],
		Phone: form["phone"], BusinessNumber: form["businessNumber"],
		Store: user.StoreInput{Name: form["store.name"], Industry: form["store.industry"],
			Region: strings.TrimSpace(form["store.sido"] + " " + form["store.sigungu"]), Address: form["store.address"]},
	}
	var res user.SignupResult
	if _, err := s.api.CallPublic(r, "POST", "/api/v1/auth/signup", in, &res); err != nil {
		banner, fields := pageErrors(err)
		s.renderSignup(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	// Signed up: log in at once with what was just typed.
	var t session.Tokens
	if _, err := s.api.CallPublic(r, "POST", "/api/v1/auth/login", user.LoginInput{Email: in.Email, Password: in.Password}, &t); err != nil {
		s.sessions.Flash(w, res.Message+" 로그인해 주세요.")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.sessions.Start(w, t)
	s.sessions.Flash(w, res.Message)
	http.Redirect(w, r, "/app", http.StatusSeeOther)
}
