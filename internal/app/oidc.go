package app

import (
	"fmt"
	"strings"

	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/oidc"
)

// OIDCCallbackPath is where the provider sends the browser back; register
// PublicURL + OIDCCallbackPath as the redirect URI at the provider.
const OIDCCallbackPath = "/auth/oidc/callback"

// federation builds the optional OpenID Connect log-in (nil when no issuer
// is configured). Discovery happens on first use, not here.
func (a *App) federation() (user.Federation, error) {
	if a.cfg.OIDCIssuer == "" {
		return nil, nil
	}
	p, err := oidc.New(oidc.Config{
		Issuer: a.cfg.OIDCIssuer, ClientID: a.cfg.OIDCClientID, ClientSecret: a.cfg.OIDCClientSecret,
		RedirectURL: strings.TrimSuffix(a.cfg.PublicURL, "/") + OIDCCallbackPath, Name: a.cfg.OIDCName,
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return p, nil
}
