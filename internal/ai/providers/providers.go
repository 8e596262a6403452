// Package providers selects the AI providers from configuration: the local
// planner (default, no network) or Claude for products and an OpenAI-style
// model for copy, each with its own base URL, key and model.
package providers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/anthropic"
	"github.com/autoevent/autoevent/internal/ai/openai"
)

// Modes.
const (
	ModeLocal  = "local"            // local planner only (default)
	ModeRemote = "anthropic+openai" // Claude products + GPT copy, in parallel
)

// Config is the AI provider part of the application configuration.
type Config struct {
	// Mode is "local" (default) or "anthropic+openai".
	Mode      string
	Anthropic anthropic.Config
	OpenAI    openai.Config
}

// Apply fills the remote completers of rc according to cfg. In local mode
// it leaves them nil. hc is the HTTP client for both (nil: default).
func Apply(cfg Config, hc *http.Client, rc *ai.Config) error {
	switch strings.ToLower(strings.TrimSpace(cfg.Mode)) {
	case "", ModeLocal:
		rc.Products, rc.Copy = nil, nil
		return nil
	case ModeRemote, "remote":
		a, err := anthropic.New(cfg.Anthropic, hc)
		if err != nil {
			return fmt.Errorf("ai providers: %w", err)
		}
		o, err := openai.New(cfg.OpenAI, hc)
		if err != nil {
			return fmt.Errorf("ai providers: %w", err)
		}
		rc.Products, rc.ProductsName = a, ai.NameAnthropic
		rc.Copy, rc.CopyName = o, ai.NameOpenAI
		return nil
	}
	return fmt.Errorf("ai providers: mode %q must be %q or %q", cfg.Mode, ModeLocal, ModeRemote)
}
