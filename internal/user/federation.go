package user

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/autoevent/autoevent/internal/platform/cache"
)

// Federated log-in (the seed's KT 인증 연동): an owner links an OpenID
// Connect identity to the account once, while signed in, and afterwards
// signs in with it. The authorization code flow runs with PKCE (S256), a
// state and a nonce; the flow's secrets stay on the server, in the cache,
// under the state, for FederationFlowTTL and are usable once.

// Intents of a federated flow: the state of one cannot finish the other.
const (
	IntentLogin = "login"
	IntentLink  = "link"
)

// FederationFlowTTL is how long a started flow can be finished.
const FederationFlowTTL = 10 * time.Minute

// Federation is an OpenID Connect provider (implemented by user/oidc).
type Federation interface {
	// Name is the label shown to owners, e.g. "KT 계정".
	Name() string
	// ID names the provider in stored links (its issuer URL).
	ID() string
	// AuthCodeURL is where the browser signs in: it carries the state, the
	// nonce and the S256 challenge of the verifier.
	AuthCodeURL(ctx context.Context, f FederationFlow) (string, error)
	// Identify redeems the code with the PKCE verifier, verifies the ID
	// token (signature, issuer, audience, expiry) and checks its nonce
	// against f.Nonce. Errors are ErrFederationNonce, ErrFederationFailed or
	// ErrFederationUnavailable (wrapping the cause).
	Identify(ctx context.Context, f FederationFlow, code string) (Identity, error)
}

// FederationFlow is one started flow, kept server-side until its callback.
type FederationFlow struct {
	State    string `json:"-"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Intent   string `json:"intent"`
	UserID   string `json:"userId,omitempty"` // IntentLink: who started it
}

// Identity is a verified federated identity.
type Identity struct {
	Subject string
	Email   string
}

// FederationInfo says whether federated log-in is offered, and its label.
type FederationInfo struct {
	Enabled bool   `json:"enabled"`
	Name    string `json:"name,omitempty"`
}

// FederationStart is the answer of a start call: send the browser to
// AuthorizationURL and remember State in the browser (a short-lived cookie)
// to compare on the callback.
type FederationStart struct {
	AuthorizationURL string `json:"authorizationUrl"`
	State            string `json:"state"`
}

// FederationFinishInput is the callback's query, passed on by the page.
type FederationFinishInput struct {
	State string `json:"state"`
	Code  string `json:"code"`
}

// FederationLinked is the answer of a finished link.
type FederationLinked struct {
	Linked bool   `json:"linked"`
	Name   string `json:"name"`
}

// Federation answers whether federated log-in is configured.
func (s *Service) Federation() FederationInfo {
	if s.d.Federation == nil {
		return FederationInfo{}
	}
	return FederationInfo{Enabled: true, Name: s.d.Federation.Name()}
}

// StartFederated starts a flow. For IntentLink, userID is the signed-in
// owner; for IntentLogin it is empty.
func (s *Service) StartFederated(ctx context.Context, intent, userID string) (FederationStart, error) {
	fed := s.d.Federation
	if fed == nil {
		return FederationStart{}, ErrFederationOff
	}
	f := FederationFlow{State: randomToken(), Nonce: randomToken(), Verifier: randomToken(), Intent: intent, UserID: userID}
	url, err := fed.AuthCodeURL(ctx, f)
	if err != nil {
		return FederationStart{}, err
	}
	b, err := json.Marshal(f)
	if err != nil {
		return FederationStart{}, err
	}
	if err := s.d.Cache.Set(ctx, flowKey(f.State), b, FederationFlowTTL); err != nil {
		return FederationStart{}, err
	}
	return FederationStart{AuthorizationURL: url, State: f.State}, nil
}

// FinishFederatedLogin completes a log-in flow: the identity must be
// linked to an owner, who then gets tokens as after a password log-in.
func (s *Service) FinishFederatedLogin(ctx context.Context, in FederationFinishInput) (Tokens, error) {
	f, err := s.takeFlow(ctx, in.State, IntentLogin, "")
	if err != nil {
		return Tokens{}, err
	}
	id, err := s.d.Federation.Identify(ctx, f, in.Code)
	if err != nil {
		return Tokens{}, err
	}
	u, err := s.d.Repo.UserByIdentity(ctx, s.d.Federation.ID(), id.Subject)
	if errors.Is(err, ErrUserNotFound) {
		return Tokens{}, ErrFederationNotLinked
	}
	if err != nil {
		return Tokens{}, err
	}
	return s.logIn(ctx, u)
}

// FinishFederatedLink completes a link flow started by the same owner.
func (s *Service) FinishFederatedLink(ctx context.Context, userID string, in FederationFinishInput) (FederationLinked, error) {
	f, err := s.takeFlow(ctx, in.State, IntentLink, userID)
	if err != nil {
		return FederationLinked{}, err
	}
	id, err := s.d.Federation.Identify(ctx, f, in.Code)
	if err != nil {
		return FederationLinked{}, err
	}
	if err := s.d.Repo.LinkIdentity(ctx, s.d.Federation.ID(), id.Subject, userID); err != nil {
		return FederationLinked{}, err
	}
	s.d.Log.Info("user: federated identity linked", "user", userID)
	return FederationLinked{Linked: true, Name: s.d.Federation.Name()}, nil
}

// takeFlow loads a flow and consumes it: a state works once, for its own
// intent, and a link state only for the owner who started it.
func (s *Service) takeFlow(ctx context.Context, state, intent, userID string) (FederationFlow, error) {
	if s.d.Federation == nil {
		return FederationFlow{}, ErrFederationOff
	}
	if len(state) < 16 || len(state) > 128 {
		return FederationFlow{}, ErrFederationState
	}
	b, err := s.d.Cache.Get(ctx, flowKey(state))
	if errors.Is(err, cache.ErrMiss) {
		return FederationFlow{}, ErrFederationState
	}
	if err != nil {
		return FederationFlow{}, err
	}
	// Exactly one of concurrent callbacks with the same state proceeds.
	first, err := s.d.Cache.SetNX(ctx, flowKey(state)+":used", []byte{1}, FederationFlowTTL)
	if err != nil {
		return FederationFlow{}, err
	}
	if !first {
		return FederationFlow{}, ErrFederationState
	}
	_ = s.d.Cache.Delete(ctx, flowKey(state))
	var f FederationFlow
	if err := json.Unmarshal(b, &f); err != nil {
		return FederationFlow{}, ErrFederationState.Wrap(err)
	}
	f.State = state
	if f.Intent != intent || f.UserID != userID {
		return FederationFlow{}, ErrFederationState
	}
	return f, nil
}

func flowKey(state string) string { return "user:oidc:flow:" + state }

// randomToken is 32 random bytes, base64url: good for state, nonce and a
// PKCE verifier (43 characters, within RFC 7636's 43–128).
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
