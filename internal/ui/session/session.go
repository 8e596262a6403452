// Package session keeps the owner's web session in cookies: the API's
// access and refresh tokens (HttpOnly, never in a page), a one-time flash
// message, and the CSRF token every form carries, bound to a signed cookie.
package session

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Cookie names. Tokens live only in HttpOnly cookies, never in pages.
const (
	AccessCookie  = "ae_at"
	RefreshCookie = "ae_rt"
	CSRFCookie    = "ae_csrf"
	FlashCookie   = "ae_flash"
)

// refreshTTL is how long the refresh cookie lives: the refresh token's own
// lifetime (7 days, rotating).
const refreshTTL = 7 * 24 * time.Hour

// Tokens is the log-in / refresh answer of the user API.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
	TokenType    string `json:"tokenType"`
}

// Config configures the cookies.
type Config struct {
	Secure  bool   // cookies only over TLS
	CSRFKey []byte // HMAC key of the form tokens
}

// Manager sets and reads the session cookies.
type Manager struct{ cfg Config }

// New returns a Manager.
func New(cfg Config) *Manager { return &Manager{cfg: cfg} }

// Active reports whether the browser holds a session (an access or a
// refresh token); whether it is still valid is the API's business.
func Active(r *http.Request) bool {
	return Token(r, AccessCookie) != "" || Token(r, RefreshCookie) != ""
}

// Token returns the value of the named cookie. The last cookie of a name
// wins, so a token added to the request by Use during this request is the
// one used.
func Token(r *http.Request, cookie string) string {
	var v string
	for _, c := range r.Cookies() {
		if c.Name == cookie {
			v = c.Value
		}
	}
	return v
}

// Use makes a freshly refreshed access token the one later calls of this
// request send.
func Use(r *http.Request, accessToken string) {
	r.AddCookie(&http.Cookie{Name: AccessCookie, Value: accessToken})
}

// Start stores the tokens of a log-in or a refresh.
func (m *Manager) Start(w http.ResponseWriter, t Tokens) {
	m.set(w, AccessCookie, t.AccessToken, time.Duration(t.ExpiresIn)*time.Second)
	m.set(w, RefreshCookie, t.RefreshToken, refreshTTL)
}

// End clears the tokens.
func (m *Manager) End(w http.ResponseWriter) {
	m.clear(w, AccessCookie)
	m.clear(w, RefreshCookie)
}

// Kind is what a flash message reports: the page shows each kind its own
// way (a green status line, a red alert, an amber notice).
type Kind string

const (
	Success Kind = "ok"
	Failure Kind = "error"
	Notice  Kind = "notice"
)

// Flash sets a one-time success message shown on the next page.
func (m *Manager) Flash(w http.ResponseWriter, msg string) { m.FlashKind(w, Success, msg) }

// FlashError sets a one-time error message shown on the next page: a
// failed action comes back as an error, never in the success banner.
func (m *Manager) FlashError(w http.ResponseWriter, msg string) { m.FlashKind(w, Failure, msg) }

// FlashKind sets a one-time message of the kind shown on the next page.
func (m *Manager) FlashKind(w http.ResponseWriter, kind Kind, msg string) {
	m.set(w, FlashCookie, string(kind)+":"+url.QueryEscape(msg), time.Minute)
}

// TakeFlash returns the flash message, if any, with its kind, and clears
// it. A value without a known kind is a success (cookies set before kinds).
func TakeFlash(w http.ResponseWriter, r *http.Request) (Kind, string) {
	c, err := r.Cookie(FlashCookie)
	if err != nil || c.Value == "" {
		return "", ""
	}
	http.SetCookie(w, &http.Cookie{Name: FlashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	kind, val := Success, c.Value
	if k, rest, ok := strings.Cut(c.Value, ":"); ok {
		switch Kind(k) {
		case Success, Failure, Notice:
			kind, val = Kind(k), rest
		}
	}
	msg, _ := url.QueryUnescape(val)
	return kind, msg
}

func (m *Manager) set(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, Secure: m.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds()),
	})
}

func (m *Manager) clear(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: m.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
