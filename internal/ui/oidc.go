package ui

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/internal/user"
)

// Federated log-in pages ("KT 계정으로 로그인", "KT 계정 연결"). The flow's
// secrets (nonce, PKCE verifier) stay in the user service; the browser keeps
// only the state, in a short-lived HttpOnly cookie, so the callback can
// prove it was started here.

// oidcCookie carries the started flow's intent and state from the start
// page to the callback, so a callback this browser did not start is refused
// (login CSRF). Lax, because the callback is a top-level navigation coming
// from the provider's site; scoped to /auth/oidc.
const (
	oidcCookie    = "ae_oidc"
	oidcCookieTTL = 10 * time.Minute
)

func (s *Site) handleOIDCLogin(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	if !s.sessions.CheckCSRF(r) {
		s.renderLogin(w, r, http.StatusForbidden, View{Form: map[string]string{"next": next}, Error: csrfMessage})
		return
	}
	var start user.FederationStart
	if _, err := s.api.CallPublic(r, "POST", "/api/v1/auth/oidc/login", nil, &start); err != nil {
		banner, _ := apiclient.FormErrors(err)
		s.renderLogin(w, r, statusFor(err), View{Form: map[string]string{"next": next}, Error: banner})
		return
	}
	s.setOIDCCookie(w, user.IntentLogin, start.State, next)
	http.Redirect(w, r, start.AuthorizationURL, http.StatusSeeOther)
}

func (s *Site) handleOIDCLink(w http.ResponseWriter, r *http.Request) {
	if !s.sessions.CheckCSRF(r) {
		s.renderStore(w, r, http.StatusForbidden, View{Error: csrfMessage})
		return
	}
	var start user.FederationStart
	if err := s.api.Call(w, r, "POST", "/api/v1/auth/oidc/link", nil, &start); err != nil {
		if apiclient.NeedLogin(err) {
			s.sessions.End(w)
			http.Redirect(w, r, "/login?next=/app/store", http.StatusSeeOther)
			return
		}
		banner, _ := apiclient.FormErrors(err)
		s.renderStore(w, r, statusFor(err), View{Error: banner})
		return
	}
	s.setOIDCCookie(w, user.IntentLink, start.State, "/app/store")
	http.Redirect(w, r, start.AuthorizationURL, http.StatusSeeOther)
}

func (s *Site) setOIDCCookie(w http.ResponseWriter, intent, state, next string) {
	v := intent + "." + state + "." + base64.RawURLEncoding.EncodeToString([]byte(next))
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: v, Path: "/auth/oidc", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(oidcCookieTTL.Seconds())})
}

// takeOIDCCookie reads and clears the flow cookie.
func (s *Site) takeOIDCCookie(w http.ResponseWriter, r *http.Request) (intent, state, next string) {
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return "", "", ""
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/auth/oidc", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return "", "", ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", "", ""
	}
	return parts[0], parts[1], safeNext(string(b))
}

func (s *Site) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	intent, state, next := s.takeOIDCCookie(w, r)
	q := r.URL.Query()
	fail := func(status int, msg string) {
		if intent == user.IntentLink {
			s.renderStore(w, r, status, View{Error: msg})
			return
		}
		s.renderLogin(w, r, status, View{Form: map[string]string{"next": next}, Error: msg})
	}
	if q.Get("error") != "" {
		// The owner cancelled at the provider, or it refused; its text is
		// not shown (it is the provider's, not ours).
		fail(http.StatusBadRequest, "외부 계정 인증이 취소되었거나 완료되지 않았습니다.")
		return
	}
	got := q.Get("state")
	if state == "" || got == "" || subtle.ConstantTimeCompare([]byte(state), []byte(got)) != 1 {
		fail(http.StatusBadRequest, user.ErrFederationState.Message)
		return
	}
	in := user.FederationFinishInput{State: got, Code: q.Get("code")}
	switch intent {
	case user.IntentLogin:
		var t session.Tokens
		if _, err := s.api.CallPublic(r, "POST", "/api/v1/auth/oidc/login/finish", in, &t); err != nil {
			banner, _ := apiclient.FormErrors(err)
			fail(statusFor(err), banner)
			return
		}
		s.sessions.Start(w, t)
		http.Redirect(w, r, next, http.StatusSeeOther)
	case user.IntentLink:
		var res user.FederationLinked
		if err := s.api.Call(w, r, "POST", "/api/v1/auth/oidc/link/finish", in, &res); err != nil {
			if apiclient.NeedLogin(err) && !session.Active(r) {
				http.Redirect(w, r, "/login?next=/app/store", http.StatusSeeOther)
				return
			}
			banner, _ := apiclient.FormErrors(err)
			fail(statusFor(err), banner)
			return
		}
		s.sessions.Flash(w, "‘"+res.Name+"’ 연결을 완료했습니다. 다음부터 로그인 화면에서 바로 로그인할 수 있어요.")
		http.Redirect(w, r, "/app/store", http.StatusSeeOther)
	default:
		fail(http.StatusBadRequest, user.ErrFederationState.Message)
	}
}
