package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/user/oidc/oidctest"
)

// oidcEnv is an app configured for a test OpenID Connect provider.
type oidcEnv struct {
	*Env
	idp  *oidctest.Provider
	site string // PublicURL: where the provider sends the browser back
}

func startOIDC(t *testing.T) oidcEnv {
	t.Helper()
	idp := oidctest.New(t, "autoevent-test", "test-client-secret")
	e := Start(t, func(c *config.Config) {
		c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, c.OIDCName = idp.URL, idp.ClientID, idp.ClientSecret, "KT 계정"
	})
	// The app's default PublicURL is http://localhost:<port>; the browser
	// must use the same host so the flow cookie comes back.
	return oidcEnv{Env: e, idp: idp, site: strings.Replace(e.URL, "127.0.0.1", "localhost", 1)}
}

// signedInBrowser logs an owner in through the log-in page.
func (o oidcEnv) signedInBrowser(t *testing.T, owner Owner, follow bool) *pageClient {
	t.Helper()
	p := newPageClient(t, o.site, follow)
	lp := p.get("/login")
	p.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res := p.post("/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "email": {owner.Email}, "password": {owner.Password}, "next": {"/app/store"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("page login = %d", res.Status)
	}
	if follow {
		p.c.CheckRedirect = nil
	}
	return p
}

func TestOIDCLinkThenLogin(t *testing.T) {
	o := startOIDC(t)
	owner := o.SignupOwner("CAFE", "서울 강남구")
	o.idp.SignIn("kt-subject-42", "kim@kt.example")

	// Linking: the store page's button, through the provider and back.
	b := o.signedInBrowser(t, owner, true)
	st := b.get("/app/store")
	if !strings.Contains(st.Body, "KT 계정 연결") {
		t.Fatalf("store page has no link button")
	}
	linked := b.post("/app/store/oidc", url.Values{"csrf": {csrfOf(t, st.Body)}})
	if linked.Status != 200 || !strings.HasSuffix(linked.URL, "/app/store") || !strings.Contains(linked.Body, "연결을 완료했습니다") ||
		!strings.Contains(linked.Body, "연결됨") {
		t.Fatalf("after linking: %d at %s", linked.Status, linked.URL)
	}

	// Log-in: a fresh browser, no password.
	fresh := newPageClient(t, o.site, true)
	lp := fresh.get("/login?next=/app")
	if !strings.Contains(lp.Body, "KT 계정으로 로그인") {
		t.Fatalf("login page has no KT button")
	}
	home := fresh.post("/auth/oidc/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "next": {"/app"}})
	if home.Status != 200 || !strings.HasSuffix(home.URL, "/app") || !strings.Contains(home.Body, "홍길동 사장님") {
		t.Fatalf("federated login landed %d at %s: %.300s", home.Status, home.URL, home.Body)
	}
	if n := o.idp.TokenErrors("invalid_grant"); n != 0 {
		t.Errorf("provider refused %d code exchanges (PKCE or redirect URI wrong)", n)
	}
	// The API view of the same.
	var me struct {
		FederationLinked bool `json:"federationLinked"`
	}
	o.Do("GET", "/api/v1/users/me", owner.Token, nil).JSON(t, &me)
	if !me.FederationLinked {
		t.Errorf("users/me federationLinked = false after linking")
	}
	// The same identity cannot be linked to a second owner.
	other := o.SignupOwner("BAKERY", "부산 해운대구")
	ob := o.signedInBrowser(t, other, true)
	res := ob.post("/app/store/oidc", url.Values{"csrf": {csrfOf(t, ob.get("/app/store").Body)}})
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "이미 다른 AutoEvent 계정에 연결") {
		t.Errorf("linking a taken identity = %d", res.Status)
	}
}

// flowTo runs a flow up to the provider's redirect back, without following
// it, and returns the callback URL.
func flowTo(t *testing.T, p *pageClient, path string, form url.Values) *url.URL {
	t.Helper()
	start := p.post(path, form)
	if start.Status != http.StatusSeeOther || start.Location == "" {
		t.Fatalf("start %s = %d", path, start.Status)
	}
	authz, err := url.Parse(start.Location)
	if err != nil {
		t.Fatal(err)
	}
	q := authz.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Errorf("authorization request lacks PKCE S256, nonce or state: %s", authz.RawQuery)
	}
	back := p.get(start.Location)
	if back.Status != http.StatusFound {
		t.Fatalf("provider authorize = %d %s", back.Status, back.Body)
	}
	cb, err := url.Parse(back.Location)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func TestOIDCWrongStateRefused(t *testing.T) {
	o := startOIDC(t)
	owner := o.SignupOwner("CAFE", "서울 강남구")
	b := o.signedInBrowser(t, owner, false)
	cb := flowTo(t, b, "/app/store/oidc", url.Values{"csrf": {csrfOf(t, b.get("/app/store").Body)}})

	// The browser comes back with another state than the one it started.
	q := cb.Query()
	q.Set("state", strings.Repeat("A", 43))
	cb.RawQuery = q.Encode()
	res := b.get(cb.String())
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "로그인 요청이 만료되었거나 올바르지 않습니다") {
		t.Errorf("callback with a wrong state = %d", res.Status)
	}
	// A callback in a browser that never started a flow (login CSRF).
	stranger := newPageClient(t, o.site, false)
	good := flowTo(t, b, "/app/store/oidc", url.Values{"csrf": {csrfOf(t, b.get("/app/store").Body)}})
	if res := stranger.get(good.String()); res.Status != http.StatusBadRequest {
		t.Errorf("callback in another browser = %d, want 400", res.Status)
	}
	// The API itself: unknown state; a link state used to log in; a state
	// used twice.
	if res := o.Do("POST", "/api/v1/auth/oidc/login/finish", "", map[string]string{"state": strings.Repeat("B", 43), "code": "x"}); res.Status != 400 || res.Code() != "oidc_state_invalid" {
		t.Errorf("finish with an unknown state = %d %q", res.Status, res.Code())
	}
	if res := o.Do("POST", "/api/v1/auth/oidc/login/finish", "", map[string]string{"state": good.Query().Get("state"), "code": good.Query().Get("code")}); res.Code() != "oidc_state_invalid" {
		t.Errorf("a link state finishing a log-in = %d %q", res.Status, res.Code())
	}
	var me struct {
		FederationLinked bool `json:"federationLinked"`
	}
	o.Do("GET", "/api/v1/users/me", owner.Token, nil).JSON(t, &me)
	if me.FederationLinked {
		t.Errorf("an identity was linked by a refused flow")
	}
}

func TestOIDCWrongNonceRefused(t *testing.T) {
	o := startOIDC(t)
	owner := o.SignupOwner("CAFE", "서울 강남구")
	o.idp.ForceNonce("a-nonce-from-another-flow")
	b := o.signedInBrowser(t, owner, true)
	res := b.post("/app/store/oidc", url.Values{"csrf": {csrfOf(t, b.get("/app/store").Body)}})
	if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "인증 응답이 이 요청과 맞지 않습니다") {
		t.Errorf("link with a wrong nonce = %d at %s: %s", res.Status, res.URL, alertOf(res.Body))
	}
	var me struct {
		FederationLinked bool `json:"federationLinked"`
	}
	o.Do("GET", "/api/v1/users/me", owner.Token, nil).JSON(t, &me)
	if me.FederationLinked {
		t.Errorf("linked despite the wrong nonce")
	}
}

func TestOIDCUnlinkedIdentity(t *testing.T) {
	o := startOIDC(t)
	o.idp.SignIn("never-linked", "who@kt.example")
	b := newPageClient(t, o.site, true)
	lp := b.get("/login")
	res := b.post("/auth/oidc/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "next": {"/app"}})
	if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "연결된 AutoEvent 계정이 없습니다") {
		t.Errorf("unlinked identity = %d at %s", res.Status, res.URL)
	}
	if strings.Contains(res.Body, "로그아웃") {
		t.Errorf("unlinked identity got a session")
	}
}

func TestOIDCOffByDefault(t *testing.T) {
	e := Start(t)
	var info struct{ Enabled bool }
	e.Do("GET", "/api/v1/auth/oidc", "", nil).JSON(t, &info)
	if info.Enabled {
		t.Errorf("OIDC enabled without configuration")
	}
	if res := e.Do("POST", "/api/v1/auth/oidc/login", "", nil); res.Status != http.StatusNotFound || res.Code() != "oidc_disabled" {
		t.Errorf("start without configuration = %d %q", res.Status, res.Code())
	}
	p := newPageClient(t, e.URL, false)
	if strings.Contains(p.get("/login").Body, "으로 로그인") {
		t.Errorf("login page shows a federated button without configuration")
	}
}

// alertOf is the page's error banner, for failure messages.
func alertOf(body string) string {
	_, after, ok := strings.Cut(body, `class="alert" role="alert">`)
	if !ok {
		return "(no alert)"
	}
	msg, _, _ := strings.Cut(after, "<")
	return msg
}
