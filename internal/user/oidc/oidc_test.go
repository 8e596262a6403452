package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/oidc"
	"github.com/autoevent/autoevent/internal/user/oidc/oidctest"
)

const redirect = "http://localhost:8080/auth/oidc/callback"

// authorize follows the authorization URL to the provider and returns the
// code it sends back, checking the state round-trips.
func authorize(t *testing.T, p *oidc.Provider, f user.FederationFlow) string {
	t.Helper()
	u, err := p.AuthCodeURL(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("authorize = %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := back.Query().Get("state"); got != f.State {
		t.Fatalf("state came back as %q, want %q", got, f.State)
	}
	return back.Query().Get("code")
}

func flow() user.FederationFlow {
	return user.FederationFlow{State: "state-0123456789abcdef", Nonce: "nonce-0123456789abcdef",
		Verifier: "verifier-0123456789abcdef0123456789abcdef0123", Intent: user.IntentLogin}
}

func TestIdentify(t *testing.T) {
	idp := oidctest.New(t, "client-1", "secret-1")
	idp.SignIn("subject-7", "seven@example.kr")
	p, err := oidc.New(oidc.Config{Issuer: idp.URL, ClientID: "client-1", ClientSecret: "secret-1", RedirectURL: redirect, Name: "KT 계정"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	f := flow()
	id, err := p.Identify(ctx, f, authorize(t, p, f))
	if err != nil || id.Subject != "subject-7" || id.Email != "seven@example.kr" {
		t.Fatalf("Identify = %+v, %v; want subject-7", id, err)
	}

	tests := []struct {
		name    string
		mutate  func(f *user.FederationFlow) // applied after authorizing
		nonce   string                       // forced into the ID token
		reuse   bool
		want    error
		grantNo int // provider's invalid_grant count afterwards
	}{
		{name: "wrong PKCE verifier", mutate: func(f *user.FederationFlow) { f.Verifier += "x" }, want: user.ErrFederationFailed, grantNo: 1},
		{name: "wrong nonce", nonce: "someone-elses-nonce", want: user.ErrFederationNonce, grantNo: 1},
		{name: "code used twice", reuse: true, want: user.ErrFederationFailed, grantNo: 2},
	}
	for _, tc := range tests {
		idp.ForceNonce(tc.nonce)
		f := flow()
		code := authorize(t, p, f)
		if tc.reuse {
			if _, err := p.Identify(ctx, f, code); err != nil {
				t.Fatalf("%s: first use: %v", tc.name, err)
			}
		}
		if tc.mutate != nil {
			tc.mutate(&f)
		}
		_, err := p.Identify(ctx, f, code)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		if got := idp.TokenErrors("invalid_grant"); got != tc.grantNo {
			t.Errorf("%s: provider invalid_grant count = %d, want %d", tc.name, got, tc.grantNo)
		}
	}
	idp.ForceNonce("")
}

func TestProviderDownIsUnavailable(t *testing.T) {
	p, err := oidc.New(oidc.Config{Issuer: "http://127.0.0.1:1", ClientID: "c", RedirectURL: redirect})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.AuthCodeURL(context.Background(), flow()); !errors.Is(err, user.ErrFederationUnavailable) {
		t.Errorf("discovery against a closed port: err = %v, want ErrFederationUnavailable", err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []oidc.Config{
		{ClientID: "c", RedirectURL: redirect},
		{Issuer: "ftp://x", ClientID: "c", RedirectURL: redirect},
		{Issuer: "https://id.example", RedirectURL: redirect},
		{Issuer: "https://id.example", ClientID: "c"},
	} {
		if _, err := oidc.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted an incomplete config", cfg)
		}
	}
}
