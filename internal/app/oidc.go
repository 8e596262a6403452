package app

import (
	"fmt"
	"strings"

	"github.com/autoevent/autoevent/internal/ui"
	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/oidc"
)

// federation builds the optional OpenID Connect log-in (nil when no issuer
// is configured). Discovery happens on first use, not here.
func (a *App) federation() (user.Federation, error) {
	if a.cfg.OIDCIssuer == "" {
		return nil, nil
	}
	p, err := oidc.New(oidc.Config{
		Issuer: a.cfg.OIDCIssuer, ClientID: a.cfg.OIDCClientID, ClientSecret: a.cfg.OIDCClientSecret,
		RedirectURL: strings.TrimSuffix(a.cfg.PublicURL, "/") + ui.OIDCCallbackPath, Name: a.cfg.OIDCName,
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return p, nil
}
