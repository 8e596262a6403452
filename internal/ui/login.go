package ui

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/user"
)

// The log-in page (password, and the federated log-in when configured).

// loginView is the log-in template's data.
type loginView struct {
	Federation user.FederationInfo
}

func (s *Site) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if session.Active(r) {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, View{Form: map[string]string{"next": next}})
}

func (s *Site) renderLogin(w http.ResponseWriter, r *http.Request, status int, v View) {
	var fed user.FederationInfo
	_, _ = s.api.CallPublic(r, "GET", "/api/v1/auth/oidc", nil, &fed)
	v.Title = "로그인"
	v.Data = loginView{Federation: fed}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.Form["next"] == "" {
		v.Form["next"] = "/app"
	}
	s.html.Render(w, r, status, "login.html", v)
}

func (s *Site) handleLogin(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{"email": strings.TrimSpace(r.PostFormValue("email")), "next": safeNext(r.PostFormValue("next"))}
	if !s.sessions.CheckCSRF(r) {
		s.renderLogin(w, r, http.StatusForbidden, View{Form: form, Error: csrfMessage})
		return
	}
	var t struct {
		session.Tokens
		FailedAttempts int `json:"failedAttemptsSinceLastLogin"`
	}
	in := user.LoginInput{Email: form["email"], Password: r.PostFormValue("password")}
	res, err := s.api.CallPublic(r, "POST", "/api/v1/auth/login", in, &t)
	if err != nil {
		banner, fields := apiclient.FormErrors(err)
		if banner == "" {
			banner = "이메일과 비밀번호를 확인해 주세요."
		}
		if ra := res.Header.Get("Retry-After"); ra != "" {
			w.Header().Set("Retry-After", ra)
			banner = withWait(banner, ra)
		}
		s.renderLogin(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	s.sessions.Start(w, t.Tokens)
	if t.FailedAttempts > 0 {
		s.sessions.FlashKind(w, session.Notice, failedAttemptsNotice(t.FailedAttempts))
	}
	http.Redirect(w, r, form["next"], http.StatusSeeOther)
}

// failedAttemptsNotice tells the owner about wrong passwords tried since the
// last log-in; there is no e-mail to send it to, so the next page says it.
func failedAttemptsNotice(n int) string {
	return "지난 로그인 이후 틀린 비밀번호로 로그인한 시도가 " + strconv.Itoa(n) + "번 있었습니다."
}

// statedWait matches a message that already says how long ("15분 후").
var statedWait = regexp.MustCompile(`\d+\s*(초|분|시간) 후`)

// withWait adds how long to wait (the API's Retry-After, in seconds) to a
// throttling message that does not say it already: "잠시 후" is no answer
// to someone locked out for minutes.
func withWait(msg, retryAfter string) string {
	secs, err := strconv.Atoi(retryAfter)
	if err != nil || secs <= 0 || statedWait.MatchString(msg) {
		return msg
	}
	msg = strings.Replace(msg, " 잠시 후 다시 시도해 주세요.", "", 1)
	wait := strconv.Itoa((secs+59)/60) + "분"
	if secs >= 3600 {
		wait = strconv.Itoa((secs+3599)/3600) + "시간"
	}
	return strings.TrimSpace(msg + " " + wait + " 후 다시 시도해 주세요.")
}
