package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/platform/dirlock"
)

// TestDemoPrintsOneLine: `demo` is a command, not a second server: no
// start-up logs, one line with where to log in and as whom.
func TestDemoPrintsOneLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"demo", "--data-dir", t.TempDir(), "--bcrypt-cost", "4"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("demo logged:\n%s\nwant nothing on stderr", stderr.String())
	}
	checkDemoLine(t, stdout.String(), "http://localhost:8080/login")
}

// TestServeThenDemo runs the README's two commands on one data dir: serve
// warns once that its links point at localhost, and demo works through the
// running server instead of opening its files.
func TestServeThenDemo(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	serveLog := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--bcrypt-cost", "4"}, &bytes.Buffer{}, serveLog)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := waitServing(t, dir)

	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"demo", "--data-dir", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("demo next to serve: %v\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("demo logged:\n%s\nwant nothing on stderr", stderr.String())
	}
	port := base[strings.LastIndex(base, ":"):]
	checkDemoLine(t, stdout.String(), "http://localhost"+port+"/login")

	res, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+app.DemoEmail+`","password":"`+app.DemoPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("demo owner log-in = %d, want 200", res.StatusCode)
	}
	if n := strings.Count(serveLog.String(), "public URL is a loopback address"); n != 1 {
		t.Errorf("serve logged the loopback warning %d times, want once:\n%s", n, serveLog.String())
	}
}

func checkDemoLine(t *testing.T, out, url string) {
	t.Helper()
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("demo printed %q, want one line", out)
	}
	for _, want := range []string{url, app.DemoEmail, app.DemoPassword} {
		if !strings.Contains(out, want) {
			t.Errorf("demo printed %q, want %q in it", out, want)
		}
	}
}

// waitServing waits until the server in dir has written its address into
// the lock and answers /readyz, and returns its URL.
func waitServing(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second) // guards a hang only
	for time.Now().Before(deadline) {
		var o dirlock.Owner
		if b, err := os.ReadFile(filepath.Join(dir, dirlock.FileName)); err == nil && json.Unmarshal(b, &o) == nil && o.URL != "" {
			if res, err := http.Get(o.URL + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return o.URL
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("serve did not become ready")
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
