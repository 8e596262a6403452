package e2e

import (
	"encoding/json"
	"github.com/autoevent/autoevent/internal/config"
	"io"
	"net/http"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func readAll(res *http.Response) []byte {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return b
}

// noLimits turns off the gateway's per-user and per-IP limits (and with the
// latter the entry API's per-IP limit): these tests send thousands of
// requests from one address.
func noLimits(c *config.Config) { c.AnonRateLimit, c.UserRateLimit = 0, 0 }
