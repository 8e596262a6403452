package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/dirlock"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

var quietLog = slog.New(slog.NewJSONHandler(io.Discard, nil))

// TestDataDirBelongsToOneProcess starts a second app on the data dir of a
// running one, as `autoevent demo --data-dir` next to `serve` did: it
// refuses, naming the first (pid, address), before touching the files, and
// the first keeps working — a job still completes on its embedded bus.
func TestDataDirBelongsToOneProcess(t *testing.T) {
	e := Start(t)
	o := e.SignupOwner("CAFE", "서울특별시 강남구")
	secrets, err := os.ReadFile(filepath.Join(e.Config.DataDir, "secrets.json"))
	if err != nil {
		t.Fatal(err)
	}

	cfg := e.Config
	cfg.Addr = "127.0.0.1:0"
	second, err := app.New(t.Context(), cfg, quietLog)
	if err == nil {
		second.Close()
		t.Fatal("a second app started on the data dir of a running one")
	}
	var held *dirlock.HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second app.New = %v, want a *dirlock.HeldError", err)
	}
	addr := strings.TrimPrefix(e.URL, "http://")
	for _, want := range []string{fmt.Sprintf("pid %d", os.Getpid()), addr, e.Config.DataDir, "another --data-dir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if held.Owner.URL != e.URL {
		t.Errorf("lock names URL %q, want %q", held.Owner.URL, e.URL)
	}

	// Nothing stored was touched, and the first process's bus still works.
	if now, _ := os.ReadFile(filepath.Join(e.Config.DataDir, "secrets.json")); !bytes.Equal(now, secrets) {
		t.Error("the refused process rewrote secrets.json")
	}
	ev := evCreate(t, e, o, "NEW_CUSTOMERS")
	if job, _ := evRecommend(t, e, o, ev.ID, nil); job.Status != "COMPLETED" {
		t.Errorf("job after the refused start = %s, want COMPLETED", job.Status)
	}
}

// TestScaledProcessesShareADataDir: with PostgreSQL and an external NATS
// nothing in the data dir is single-process, so replicas started with the
// same --data-dir (a shared default) do not lock each other out.
func TestScaledProcessesShareADataDir(t *testing.T) {
	natsURL := testenv.NATSURL(t)
	prefix := fmt.Sprintf("e2edir%d", time.Now().UnixNano()%1e9)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := bus.DeleteStreams(ctx, natsURL, prefix); err != nil {
			t.Error(err)
		}
	})
	pg := WithPostgres(t)
	scaled := func(c *config.Config) { pg(c); c.NATSURL, c.NATSPrefix = natsURL, prefix }
	e := Start(t, scaled)
	cfg := e.Config
	cfg.Addr = "127.0.0.1:0"
	second, err := app.New(t.Context(), cfg, quietLog)
	if err != nil {
		t.Fatalf("a second scaled process on the same data dir: %v", err)
	}
	second.Close()
}

// TestDemoThroughRunningServer: the README's order — serve, sign up by
// hand with the README's example business number, then `demo` on the same
// data dir. The demo works through the running server, gives the demo
// owner another valid number, says so, and the demo owner can log in.
func TestDemoThroughRunningServer(t *testing.T) {
	e := Start(t)
	if res := e.Do("POST", "/api/v1/auth/signup", "", signupBody("first@example.kr", "passw0rd!", "010-2222-3333", app.DemoBusinessNumber)); res.Status != http.StatusCreated {
		t.Fatalf("sign-up with the README's number: %d %s", res.Status, res.Body)
	}
	cfg := config.Default()
	cfg.DataDir = e.Config.DataDir
	var out bytes.Buffer
	if err := app.Demo(t.Context(), cfg, quietLog, &out); err != nil {
		t.Fatalf("demo next to a running server: %v", err)
	}
	line := out.String()
	if strings.Count(line, "\n") != 1 {
		t.Errorf("demo printed %q, want one line", line)
	}
	port := e.URL[strings.LastIndex(e.URL, ":"):]
	for _, want := range []string{"http://localhost" + port + "/login", app.DemoEmail, app.DemoPassword, app.DemoBusinessNumbers()[1]} {
		if !strings.Contains(line, want) {
			t.Errorf("demo output %q lacks %q", line, want)
		}
	}
	res := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": app.DemoEmail, "password": app.DemoPassword})
	if res.Status != http.StatusOK {
		t.Fatalf("demo owner log-in = %d %s, want 200", res.Status, res.Body)
	}
	// The server's bus survived: a job completes.
	o := e.SignupOwner("CAFE", "서울특별시 강남구")
	ev := evCreate(t, e, o, "NEW_CUSTOMERS")
	evRecommend(t, e, o, ev.ID, nil)
}

// TestDemoSaysWhyNot runs `demo` with no server on data dirs where it
// cannot simply sign up: the README's number is taken (it uses another and
// the owner logs in), or the demo e-mail exists with another password (it
// fails and says so instead of printing "ready").
func TestDemoSaysWhyNot(t *testing.T) {
	cases := []struct {
		name    string
		signup  map[string]any
		wantErr string
	}{
		{"business number taken", signupBody("first@example.kr", "passw0rd!", "010-2222-3333", app.DemoBusinessNumber), ""},
		{"demo e-mail with another password", signupBody(app.DemoEmail, "other-passw0rd", "010-2222-3333", ValidBusinessNumber()), "password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Run("serve and sign up", func(t *testing.T) {
				e := Start(t, func(c *config.Config) { c.DataDir = dir })
				if res := e.Do("POST", "/api/v1/auth/signup", "", tc.signup); res.Status != http.StatusCreated {
					t.Fatalf("sign-up: %d %s", res.Status, res.Body)
				}
			}) // the server stops here
			cfg := config.Default()
			cfg.DataDir, cfg.BcryptCost = dir, 4
			var out bytes.Buffer
			err := app.Demo(t.Context(), cfg, quietLog, &out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), app.DemoEmail) {
					t.Fatalf("demo = %v (printed %q), want an error about %s's %s", err, out.String(), app.DemoEmail, tc.wantErr)
				}
				if strings.Contains(out.String(), "ready") {
					t.Errorf("demo failed but printed %q", out.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("demo: %v", err)
			}
			if !strings.Contains(out.String(), "http://localhost:8080/login") || !strings.Contains(out.String(), "autoevent serve") {
				t.Errorf("demo output %q: want the URL serve will use and how to start it", out.String())
			}
			e := Start(t, func(c *config.Config) { c.DataDir = dir })
			if res := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": app.DemoEmail, "password": app.DemoPassword}); res.Status != http.StatusOK {
				t.Fatalf("demo owner log-in = %d %s, want 200", res.Status, res.Body)
			}
		})
	}
}
