// Package oidc is the user service's OpenID Connect relying party (the
// seed's KT 인증 연동): any provider named by its issuer URL, authorization
// code flow with PKCE (S256), state and nonce. It implements
// user.Federation on github.com/coreos/go-oidc (discovery, JWKS, ID token
// verification) and golang.org/x/oauth2 (code exchange).
package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/autoevent/autoevent/internal/user"
)

// Config configures the relying party.
type Config struct {
	Issuer       string // e.g. https://id.kt.com
	ClientID     string
	ClientSecret string // may be empty for a public client (PKCE alone)
	RedirectURL  string // PublicURL + ui.OIDCCallbackPath (set by the app)
	Name         string // button label, e.g. "KT 계정"
	// HTTPClient reaches the provider (default: 10 s timeout).
	HTTPClient *http.Client
}

// Provider implements user.Federation. Discovery runs on first use and is
// retried until it succeeds, so a provider that is down at start does not
// keep the product from starting.
type Provider struct {
	cfg    Config
	client *http.Client

	mu       sync.Mutex
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	oauth    oauth2.Config
}

var _ user.Federation = (*Provider)(nil)

// New validates cfg and returns the provider; it does not call the network.
func New(cfg Config) (*Provider, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("oidc: issuer is required")
	case !strings.HasPrefix(cfg.Issuer, "https://") && !strings.HasPrefix(cfg.Issuer, "http://"):
		return nil, fmt.Errorf("oidc: issuer %q is not an http(s) URL", cfg.Issuer)
	case cfg.ClientID == "":
		return nil, errors.New("oidc: client id is required")
	case cfg.RedirectURL == "":
		return nil, errors.New("oidc: redirect URL is required")
	}
	if cfg.Name == "" {
		cfg.Name = "외부 계정"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Provider{cfg: cfg, client: client}, nil
}

// Name is the button label.
func (p *Provider) Name() string { return p.cfg.Name }

// ID names the provider in stored links: the issuer, which OIDC guarantees
// together with "sub" to be a stable, unique identity.
func (p *Provider) ID() string { return p.cfg.Issuer }

// ctx carries the HTTP client for go-oidc and oauth2 (both read it from the
// context).
func (p *Provider) ctx(ctx context.Context) context.Context {
	ctx = gooidc.ClientContext(ctx, p.client)
	return context.WithValue(ctx, oauth2.HTTPClient, p.client)
}

func (p *Provider) discover(ctx context.Context) (*gooidc.Provider, *gooidc.IDTokenVerifier, oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider == nil {
		prov, err := gooidc.NewProvider(p.ctx(ctx), p.cfg.Issuer)
		if err != nil {
			return nil, nil, oauth2.Config{}, user.ErrFederationUnavailable.Wrap(fmt.Errorf("oidc discovery: %w", err))
		}
		var meta struct {
			AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		}
		_ = prov.Claims(&meta)
		endpoint := prov.Endpoint()
		// Say how the client authenticates: oauth2's auto-detection retries
		// a refused exchange with the other style, which sends the one-time
		// code twice. client_secret_basic is the OIDC default.
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
		if len(meta.AuthMethods) > 0 && !slices.Contains(meta.AuthMethods, "client_secret_basic") &&
			slices.Contains(meta.AuthMethods, "client_secret_post") {
			endpoint.AuthStyle = oauth2.AuthStyleInParams
		}
		p.provider = prov
		p.verifier = prov.Verifier(&gooidc.Config{ClientID: p.cfg.ClientID})
		p.oauth = oauth2.Config{
			ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
			Endpoint: endpoint, Scopes: []string{gooidc.ScopeOpenID, "email"},
		}
	}
	return p.provider, p.verifier, p.oauth, nil
}

// AuthCodeURL is the provider's authorization URL for the flow.
func (p *Provider) AuthCodeURL(ctx context.Context, f user.FederationFlow) (string, error) {
	_, _, oc, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return oc.AuthCodeURL(f.State, gooidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Identify redeems the code and verifies the ID token and its nonce.
func (p *Provider) Identify(ctx context.Context, f user.FederationFlow, code string) (user.Identity, error) {
	if code == "" || len(code) > 2048 {
		return user.Identity{}, user.ErrFederationFailed
	}
	_, verifier, oc, err := p.discover(ctx)
	if err != nil {
		return user.Identity{}, err
	}
	tok, err := oc.Exchange(p.ctx(ctx), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		// The provider refused the code (used, expired, PKCE mismatch):
		// the owner's attempt failed. Anything else: the provider is down.
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return user.Identity{}, user.ErrFederationFailed.Wrap(fmt.Errorf("oidc token: %s %s", re.Response.Status, re.ErrorCode))
		}
		return user.Identity{}, user.ErrFederationUnavailable.Wrap(fmt.Errorf("oidc token: %w", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return user.Identity{}, user.ErrFederationFailed.Wrap(errors.New("oidc: token response without id_token"))
	}
	idt, err := verifier.Verify(p.ctx(ctx), raw)
	if err != nil {
		return user.Identity{}, user.ErrFederationFailed.Wrap(fmt.Errorf("oidc id token: %w", err))
	}
	// go-oidc leaves the nonce to the caller: it binds the token to the
	// flow this browser started, so a token replayed from another flow is
	// refused.
	if idt.Nonce == "" || idt.Nonce != f.Nonce {
		return user.Identity{}, user.ErrFederationNonce
	}
	if idt.Subject == "" {
		return user.Identity{}, user.ErrFederationFailed.Wrap(errors.New("oidc: id token without sub"))
	}
	var claims struct {
		Email string `json:"email"`
	}
	_ = idt.Claims(&claims)
	return user.Identity{Subject: idt.Subject, Email: claims.Email}, nil
}
