package app

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/autoevent/autoevent/internal/config"
)

// localSecrets are generated on first start in embedded mode so the product
// runs with zero setup, and kept in the data dir (mode 0600) so tokens and
// encrypted data stay valid across restarts. Scaled deployments must pass
// them in through configuration (Validate enforces it).
type localSecrets struct {
	JWTSecret string `json:"jwtSecret"`
	DataKey   string `json:"dataKey"`
	CSRFKey   string `json:"csrfKey"`
	VisitKey  string `json:"visitKey"`
}

func loadSecrets(cfg *config.Config) (localSecrets, error) {
	path := filepath.Join(cfg.DataDir, "secrets.json")
	var s localSecrets
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &s); err != nil {
			return s, fmt.Errorf("app: %s: %w", path, err)
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return s, fmt.Errorf("app: read secrets: %w", err)
	}
	changed := false
	for _, f := range []*string{&s.JWTSecret, &s.DataKey, &s.CSRFKey, &s.VisitKey} {
		if *f == "" {
			*f = randomKey()
			changed = true
		}
	}
	if changed && !cfg.Scaled() {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return s, err
		}
		b, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return s, fmt.Errorf("app: write secrets: %w", err)
		}
	}
	// Configured values win over generated ones.
	if cfg.JWTSecret != "" {
		s.JWTSecret = cfg.JWTSecret
	}
	if cfg.DataKey != "" {
		s.DataKey = cfg.DataKey
		// Derived keys must be shared by every process too.
		s.CSRFKey = cfg.DataKey + ":csrf"
		s.VisitKey = cfg.DataKey + ":visit"
	}
	return s, nil
}

func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
