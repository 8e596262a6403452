package ui

import (
	"net/http"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/user"
)

// The user pages: sign-up, log-in, log-out and the store profile. Each form
// posts to its page, which checks the CSRF token, calls the JSON API in
// process and, on an error, renders the form again with what was typed
// (never the password) and the API's field errors inline.

// userRoutes registers the user pages.
func (s *Site) userRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /signup", s.handleSignupPage)
	mux.HandleFunc("POST /signup", s.handleSignup)
	mux.HandleFunc("GET /login", s.handleLoginPage)
	mux.HandleFunc("POST /login", s.handleLogin)
	mux.HandleFunc("POST /logout", s.handleLogout)
	mux.HandleFunc("GET /app/store", s.handleStorePage)
	mux.HandleFunc("POST /app/store", s.handleStoreSave)
	s.oidcRoutes(mux)
}

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
	if hasSession(r) {
		http.Redirect(w, r, "/app", http.StatusSeeOther)
		return
	}
	s.renderSignup(w, r, http.StatusOK, View{Form: map[string]string{}})
}

func (s *Site) renderSignup(w http.ResponseWriter, r *http.Request, status int, v View) {
	v.Title = "회원가입"
	v.Data = signupForm{Industries: user.Industries, Sidos: sidoNames()}
	s.render(w, r, status, "signup.html", v)
}

func (s *Site) handleSignup(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{}
	for _, f := range signupFields {
		form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	if !s.checkCSRF(r) {
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
	if _, err := s.callPublic(r, "POST", "/api/v1/auth/signup", in, &res); err != nil {
		banner, fields := pageErrors(err)
		s.renderSignup(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	// Signed up: log in at once with what was just typed.
	var t tokens
	if _, err := s.callPublic(r, "POST", "/api/v1/auth/login", user.LoginInput{Email: in.Email, Password: in.Password}, &t); err != nil {
		s.flash(w, res.Message+" 로그인해 주세요.")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.startSession(w, t)
	s.flash(w, res.Message)
	http.Redirect(w, r, "/app", http.StatusSeeOther)
}

// pageErrors is formErrors plus a summary at the top of a long form, so an
// owner on a phone learns that something further down needs fixing.
func pageErrors(err error) (string, map[string]string) {
	banner, fields := formErrors(err)
	if banner == "" && len(fields) > 0 {
		banner = "입력한 내용을 확인해 주세요. 표시된 항목을 고치면 됩니다."
	}
	return banner, fields
}

const csrfMessage = "보안 확인이 만료되었습니다. 내용을 확인하고 다시 제출해 주세요."

// statusFor is the page status for an API error: the API's own 4xx (the
// form is shown again), and 502 when the API failed.
func statusFor(err error) int {
	if st := httpapi.StatusOf(err); st >= 400 && st < 500 {
		return st
	}
	return http.StatusBadGateway
}

// loginView is the log-in template's data.
type loginView struct {
	Federation user.FederationInfo
}

func (s *Site) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if hasSession(r) {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, View{Form: map[string]string{"next": next}})
}

func (s *Site) renderLogin(w http.ResponseWriter, r *http.Request, status int, v View) {
	var fed user.FederationInfo
	_, _ = s.callPublic(r, "GET", "/api/v1/auth/oidc", nil, &fed)
	v.Title = "로그인"
	v.Data = loginView{Federation: fed}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.Form["next"] == "" {
		v.Form["next"] = "/app"
	}
	s.render(w, r, status, "login.html", v)
}

func (s *Site) handleLogin(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{"email": strings.TrimSpace(r.PostFormValue("email")), "next": safeNext(r.PostFormValue("next"))}
	if !s.checkCSRF(r) {
		s.renderLogin(w, r, http.StatusForbidden, View{Form: form, Error: csrfMessage})
		return
	}
	var t tokens
	in := user.LoginInput{Email: form["email"], Password: r.PostFormValue("password")}
	res, err := s.callPublic(r, "POST", "/api/v1/auth/login", in, &t)
	if err != nil {
		banner, fields := formErrors(err)
		if banner == "" {
			banner = "이메일과 비밀번호를 확인해 주세요."
		}
		if ra := res.Header.Get("Retry-After"); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		s.renderLogin(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	s.startSession(w, t)
	http.Redirect(w, r, form["next"], http.StatusSeeOther)
}

func (s *Site) handleLogout(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(r) {
		// A cross-site form must not sign the owner out; a stale page just
		// lands back where it was.
		http.Redirect(w, r, "/app", http.StatusSeeOther)
		return
	}
	if hasSession(r) {
		// Revoke server-side too; the cookies go whatever the answer.
		_ = s.call(w, r, "POST", "/api/v1/auth/logout", user.RefreshInput{RefreshToken: bearer(r, refreshCookie)}, nil)
	}
	s.endSession(w)
	s.flash(w, "로그아웃되었습니다.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps redirects after log-in on this site: a local path only,
// not "//host" or "/\host" which browsers treat as another origin.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") || len(next) > 512 {
		return "/app"
	}
	return next
}

// storeView is the store template's data.
type storeView struct {
	Me         user.Me
	Industries []user.Industry
	Sidos      []string
	Federation user.FederationInfo
}

// storeFields are the store form's inputs (named as in PUT /stores/me).
var storeFields = []string{"name", "industry", "sido", "sigungu", "address", "phone"}

func (s *Site) handleStorePage(w http.ResponseWriter, r *http.Request) {
	s.renderStore(w, r, http.StatusOK, View{})
}

// renderStore loads the owner's account and store and renders the page;
// without v.Form the form shows the saved profile.
func (s *Site) renderStore(w http.ResponseWriter, r *http.Request, status int, v View) {
	var me user.Me
	if err := s.call(w, r, "GET", "/api/v1/users/me", nil, &me); err != nil {
		if needLogin(err) {
			s.endSession(w)
			http.Redirect(w, r, "/login?next=/app/store", http.StatusSeeOther)
			return
		}
		s.errorPage(w, r, http.StatusBadGateway, "잠시 후 다시 시도해 주세요", "매장 정보를 불러오지 못했습니다.")
		return
	}
	if v.Form == nil {
		v.Form = map[string]string{}
		if st := me.Store; st != nil {
			v.Form = map[string]string{"name": st.Name, "industry": st.Industry, "sido": st.Sido,
				"sigungu": st.Sigungu, "address": st.Address, "phone": st.Phone}
		}
	}
	var fed user.FederationInfo
	_, _ = s.callPublic(r, "GET", "/api/v1/auth/oidc", nil, &fed)
	v.Title, v.SignedIn = "매장 정보", true
	v.Data = storeView{Me: me, Industries: user.Industries, Sidos: sidoNames(), Federation: fed}
	s.render(w, r, status, "store.html", v)
}

func (s *Site) handleStoreSave(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{}
	for _, f := range storeFields {
		form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	if !s.checkCSRF(r) {
		s.renderStore(w, r, http.StatusForbidden, View{Form: form, Error: csrfMessage})
		return
	}
	in := user.StoreInput{Name: form["name"], Industry: form["industry"],
		Region: strings.TrimSpace(form["sido"] + " " + form["sigungu"]), Address: form["address"], Phone: form["phone"]}
	if err := s.call(w, r, "PUT", "/api/v1/stores/me", in, nil); err != nil {
		if needLogin(err) {
			s.endSession(w)
			http.Redirect(w, r, "/login?next=/app/store", http.StatusSeeOther)
			return
		}
		banner, fields := pageErrors(err)
		s.renderStore(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	s.flash(w, "매장 정보를 저장했습니다.")
	http.Redirect(w, r, "/app/store", http.StatusSeeOther)
}

// oidcCookie carries the started flow's intent and state from the start
// page to the callback, so a callback this browser did not start is refused
// (login CSRF). Lax, because the callback is a top-level navigation coming
// from the provider's site; scoped to /auth/oidc.
const (
	oidcCookie    = "ae_oidc"
	oidcCookieTTL = 10 * time.Minute
)
