package uitest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/ui/session"
)

// Browser drives a site over HTTP like a browser without JavaScript: it
// keeps cookies, does not follow redirects (a test checks where they go),
// and posts forms with the CSRF token of the last page that had one.
type Browser struct {
	t      testing.TB
	srv    *httptest.Server
	client *http.Client
	csrf   string
	// Header is sent with every request (e.g. Sec-Fetch-Site).
	Header http.Header
}

// NewBrowser serves site on a loopback test server for the test's lifetime.
func NewBrowser(t testing.TB, site http.Handler) *Browser {
	t.Helper()
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{t: t, srv: srv, Header: http.Header{}, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Tokens the stub API sees as the bearer of a signed-in browser.
const (
	AccessToken  = "test-access-token"
	RefreshToken = "test-refresh-token"
)

// SignIn gives the browser a session (the cookies a log-in sets); the stub
// API decides what the tokens are worth.
func (b *Browser) SignIn() *Browser {
	b.SetCookie(session.AccessCookie, AccessToken)
	b.SetCookie(session.RefreshCookie, RefreshToken)
	return b
}

// SetCookie stores a cookie for the site.
func (b *Browser) SetCookie(name, value string) {
	u, _ := url.Parse(b.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// Cookie returns the value of the site's cookie name ("" when unset).
func (b *Browser) Cookie(name string) string {
	u, _ := url.Parse(b.srv.URL + "/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// URL is the absolute URL of path on the site (for requests built by hand
// and sent with Do).
func (b *Browser) URL(path string) string { return b.srv.URL + path }

// Get fetches path.
func (b *Browser) Get(path string) *Page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.Do(req)
}

// Post submits form to path as a browser form post. Without a "csrf" value
// in form it sends the token of the last page that had one; set "csrf"
// (even to "") to send something else.
func (b *Browser) Post(path string, form url.Values) *Page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		if b.csrf == "" {
			b.t.Fatalf("uitest: POST %s: no CSRF token yet; Get a page with a form first", path)
		}
		form.Set("csrf", b.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// Do sends req (with b.Header) and reads the answer.
func (b *Browser) Do(req *http.Request) *Page {
	b.t.Helper()
	for k, v := range b.Header {
		req.Header[k] = v
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	p := &Page{t: b.t, Method: req.Method, Path: req.URL.Path, Status: res.StatusCode, Header: res.Header, Body: string(body)}
	if tok := p.CSRF(); tok != "" {
		b.csrf = tok
	}
	return p
}
