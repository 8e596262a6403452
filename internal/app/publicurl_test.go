package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/config"
)

func TestIsLoopbackURL(t *testing.T) {
	for u, want := range map[string]bool{
		"http://localhost:8080":      true,
		"http://LOCALHOST.:8080":     true,
		"http://app.localhost":       true,
		"http://127.0.0.1:8080":      true,
		"http://127.3.2.1":           true,
		"http://[::1]:8080":          true,
		"http://0.0.0.0:8080":        true,
		"https://event.example.kr":   false,
		"http://192.168.0.10:8080":   false,
		"https://localhost.example":  false,
		"http://[2001:db8::1]:8080/": false,
	} {
		if got := isLoopbackURL(u); got != want {
			t.Errorf("isLoopbackURL(%q) = %v, want %v", u, got, want)
		}
	}
}

// TestLoopbackPublicURLWarning: the default public URL (localhost) puts
// links in QR codes and messages that no customer's phone can open; start-up
// says so once, and says nothing when --public-url is a real address.
func TestLoopbackPublicURLWarning(t *testing.T) {
	for _, tc := range []struct {
		publicURL string
		want      int
	}{{"", 1}, {"http://127.0.0.1:9000", 1}, {"https://event.example.kr", 0}} {
		var logs bytes.Buffer
		cfg := config.Default()
		cfg.Addr, cfg.DataDir, cfg.PublicURL = "127.0.0.1:0", t.TempDir(), tc.publicURL
		a, err := New(t.Context(), cfg, slog.New(slog.NewJSONHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		if got := strings.Count(logs.String(), "public URL is a loopback address"); got != tc.want {
			t.Errorf("public URL %q: %d warnings, want %d\n%s", tc.publicURL, got, tc.want, logs.String())
		}
	}
}
