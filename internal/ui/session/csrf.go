package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// csrfTTL is how long a browser keeps its CSRF seed; a form older than
// that is refused and shown again with a fresh token.
const csrfTTL = 12 * time.Hour

// CSRFToken returns the form token bound to the browser's CSRF cookie,
// setting the cookie on first use (double submit, signed so a cookie planted
// by a sibling domain cannot be paired with a guessed token).
func (m *Manager) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(CSRFCookie)
	seed := ""
	if err == nil && len(c.Value) >= 16 {
		seed = c.Value
	} else {
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		m.set(w, CSRFCookie, seed, csrfTTL)
		// Make the new seed visible to a render later in this request.
		r.AddCookie(&http.Cookie{Name: CSRFCookie, Value: seed})
	}
	return m.sign(seed)
}

func (m *Manager) sign(seed string) string {
	h := hmac.New(sha256.New, m.cfg.CSRFKey)
	h.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// CheckCSRF verifies a form post: the "csrf" field must be the token of the
// browser's cookie, and a browser-declared cross-site request is refused
// outright.
func (m *Manager) CheckCSRF(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	c, err := r.Cookie(CSRFCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(m.sign(c.Value)))
}
