package session_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/session"
)

// browse carries the cookies a response set into a new request.
func browse(rec *httptest.ResponseRecorder, method string, form url.Values) *http.Request {
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, "/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, "/", nil)
	}
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge >= 0 {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return r
}

func TestCSRFTokenRoundTrip(t *testing.T) {
	m := session.New(session.Config{CSRFKey: []byte("k1")})
	rec := httptest.NewRecorder()
	first := httptest.NewRequest("GET", "/", nil)
	tok := m.CSRFToken(rec, first)
	if tok == "" || m.CSRFToken(rec, first) != tok {
		t.Fatalf("a second token in the same request differs (the new seed must be visible to it)")
	}
	cookie := rec.Result().Cookies()[0]
	if cookie.Name != session.CSRFCookie || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie = %+v", cookie)
	}

	for _, tc := range []struct {
		name  string
		token string
		site  string
		want  bool
	}{
		{"valid", tok, "", true},
		{"same-origin fetch", tok, "same-origin", true},
		{"cross-site", tok, "cross-site", false},
		{"missing", "", "", false},
		{"forged", "AAAAAAAAAAAAAAAAAAAAAAAA", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := browse(rec, "POST", url.Values{"csrf": {tc.token}})
			if tc.site != "" {
				r.Header.Set("Sec-Fetch-Site", tc.site)
			}
			if got := m.CheckCSRF(r); got != tc.want {
				t.Errorf("CheckCSRF = %v, want %v", got, tc.want)
			}
		})
	}
	// Without the cookie the token is worthless, and another key signs differently.
	noCookie := httptest.NewRequest("POST", "/", strings.NewReader("csrf="+tok))
	noCookie.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if m.CheckCSRF(noCookie) {
		t.Errorf("a token without its cookie passed")
	}
	if other := session.New(session.Config{CSRFKey: []byte("k2")}); other.CheckCSRF(browse(rec, "POST", url.Values{"csrf": {tok}})) {
		t.Errorf("a token signed with another key passed")
	}
}

func TestSessionCookies(t *testing.T) {
	m := session.New(session.Config{Secure: true})
	rec := httptest.NewRecorder()
	m.Start(rec, session.Tokens{AccessToken: "at", RefreshToken: "rt", ExpiresIn: 3600})
	m.Flash(rec, "저장했어요 & 끝")
	for _, c := range rec.Result().Cookies() {
		if !c.Secure || !c.HttpOnly {
			t.Errorf("cookie %s not Secure+HttpOnly", c.Name)
		}
		if c.Name == session.AccessCookie && c.MaxAge != 3600 {
			t.Errorf("access cookie lives %ds, want the token's 3600", c.MaxAge)
		}
	}
	r := browse(rec, "GET", nil)
	if !session.Active(r) || session.Token(r, session.AccessCookie) != "at" {
		t.Errorf("session not active after Start")
	}
	session.Use(r, "fresh")
	if session.Token(r, session.AccessCookie) != "fresh" {
		t.Errorf("Use did not make the refreshed token current")
	}
	rec2 := httptest.NewRecorder()
	if kind, got := session.TakeFlash(rec2, r); got != "저장했어요 & 끝" || kind != session.Success {
		t.Errorf("flash = %q %q", kind, got)
	}
	if c := rec2.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("flash not cleared: %v", c)
	}

	rec3 := httptest.NewRecorder()
	m.End(rec3)
	if session.Active(browse(rec3, "GET", nil)) {
		t.Errorf("session active after End")
	}
	if session.Active(httptest.NewRequest("GET", "/", nil)) {
		t.Errorf("a browser without cookies has a session")
	}
}

// An error flash keeps its kind, so the page shows it as an error.
func TestFlashKinds(t *testing.T) {
	m := session.New(session.Config{})
	for _, kind := range []session.Kind{session.Success, session.Failure, session.Notice} {
		rec := httptest.NewRecorder()
		m.FlashKind(rec, kind, "비밀번호: 틀렸어요")
		k, msg := session.TakeFlash(httptest.NewRecorder(), browse(rec, "GET", nil))
		if k != kind || msg != "비밀번호: 틀렸어요" {
			t.Errorf("flash = %q %q, want %q", k, msg, kind)
		}
	}
}
