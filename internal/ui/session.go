package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

// Cookie names. Tokens live only in HttpOnly cookies, never in pages.
const (
	accessCookie  = "ae_at"
	refreshCookie = "ae_rt"
	csrfCookie    = "ae_csrf"
	flashCookie   = "ae_flash"
)

func hasSession(r *http.Request) bool {
	if c, err := r.Cookie(accessCookie); err == nil && c.Value != "" {
		return true
	}
	c, err := r.Cookie(refreshCookie)
	return err == nil && c.Value != ""
}

func (s *Site) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds()),
	})
}

func (s *Site) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// startSession stores the tokens of a log-in.
func (s *Site) startSession(w http.ResponseWriter, t tokens) {
	s.setCookie(w, accessCookie, t.AccessToken, time.Duration(t.ExpiresIn)*time.Second)
	s.setCookie(w, refreshCookie, t.RefreshToken, 7*24*time.Hour)
}

func (s *Site) endSession(w http.ResponseWriter) {
	s.clearCookie(w, accessCookie)
	s.clearCookie(w, refreshCookie)
}

// csrfToken returns the form token bound to the browser's CSRF cookie,
// setting the cookie on first use (double submit, signed so a cookie planted
// by a sibling domain cannot be paired with a guessed token).
func (s *Site) csrfToken(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(csrfCookie)
	seed := ""
	if err == nil && len(c.Value) >= 16 {
		seed = c.Value
	} else {
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		s.setCookie(w, csrfCookie, seed, 12*time.Hour)
		// Make the new seed visible to a render later in this request.
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: seed})
	}
	return s.sign(seed)
}

func (s *Site) sign(seed string) string {
	m := hmac.New(sha256.New, s.cfg.CSRFKey)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkCSRF verifies a form post: the token must match the cookie, and a
// browser-declared cross-site request is refused outright.
func (s *Site) checkCSRF(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return false
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(s.sign(c.Value)))
}

// flash sets a one-time message shown on the next page.
func (s *Site) flash(w http.ResponseWriter, msg string) {
	s.setCookie(w, flashCookie, url.QueryEscape(msg), time.Minute)
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}
