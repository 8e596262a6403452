package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/dirlock"
	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/bizno"
)

// Demo credentials, documented in the README.
const (
	DemoEmail    = "demo@autoevent.kr"
	DemoPassword = "demo1234!"
	// DemoBusinessNumber is a valid-check-digit number the sandbox reports
	// as active. It is also the README's example for signing up by hand, so
	// when someone took it the demo uses the next of DemoBusinessNumbers.
	DemoBusinessNumber = "124-81-00998"
)

// DemoBusinessNumbers are the numbers the demo owner may sign up with, in
// the order tried: valid check digits, active in the NTS sandbox.
func DemoBusinessNumbers() []string {
	out := []string{DemoBusinessNumber}
	for i := 1; i < 10; i++ {
		first9 := fmt.Sprintf("1248100%02d", 99-i)
		out = append(out, bizno.Format(fmt.Sprintf("%s%d", first9, bizno.CheckDigit(first9))))
	}
	return out
}

// Demo leaves an owner that can log in with DemoEmail and DemoPassword, or
// says exactly why it cannot. When a server already runs on the data dir
// (it holds the dir's lock, see dirlock) the demo signs up through that
// server's API instead of opening the same files; otherwise it runs the
// app quietly on a loopback port for the time of the sign-up. Either way
// it proves the result by logging in, and prints one line.
func Demo(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	// Only errors: the demo is a command, not a second server.
	quiet := slog.New(minLevel{Handler: log.Handler(), min: slog.LevelError})
	pageURL := servePublicURL(cfg)
	local := cfg
	local.Addr = "127.0.0.1:0"
	a, err := New(ctx, local, quiet)
	if held := (*dirlock.HeldError)(nil); errors.As(err, &held) {
		if held.Owner.URL == "" {
			return fmt.Errorf("demo: %w (it has not said where it serves)", err)
		}
		note, err := demoOwner(ctx, held.Owner.URL)
		if err != nil {
			return fmt.Errorf("demo, through the process holding %s (pid %d, %s): %w", cfg.DataDir, held.Owner.PID, held.Owner.URL, err)
		}
		if held.Owner.PublicURL != "" {
			pageURL = held.Owner.PublicURL
		}
		fmt.Fprintf(out, "demo owner ready: log in at %s/login as %s / %s%s\n", pageURL, DemoEmail, DemoPassword, note)
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer a.Close()
	// The NTS sandbox is reached over HTTP, so serve while signing up.
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	note, err := demoOwner(ctx, a.URL())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(out, "demo owner ready: run `autoevent serve`, then log in at %s/login as %s / %s%s\n", pageURL, DemoEmail, DemoPassword, note)
	return nil
}

// servePublicURL is the address `serve` with this configuration would put
// in links: --public-url, or http(s)://localhost:<port of --addr>.
func servePublicURL(cfg config.Config) string {
	if cfg.PublicURL != "" {
		return strings.TrimSuffix(cfg.PublicURL, "/")
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	_, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || port == "" || port == "0" {
		return scheme + "://localhost"
	}
	return scheme + "://localhost:" + port
}

// demoOwner signs the demo owner up at base (the API of a running app) and
// logs in to prove it works. It returns a note for the output line when the
// owner got another business number than the README's.
func demoOwner(ctx context.Context, base string) (string, error) {
	// The holder may be a `migrate` that listens but does not serve: ask
	// briefly before the slower sign-up.
	probe, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := healthy(probe, base); err != nil {
		return "", fmt.Errorf("it does not answer (%w): wait for it to finish or stop it, then run demo again", err)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	var taken []string
	for _, bno := range DemoBusinessNumbers() {
		status, p, err := postJSON(ctx, c, base+"/api/v1/auth/signup", user.SignupInput{
			Email: DemoEmail, Password: DemoPassword, OwnerName: "김사장", Phone: "010-1234-5678", BusinessNumber: bno,
			Store: user.StoreInput{Name: "하늘카페", Industry: "CAFE", Region: "서울 강남구", Address: "서울 강남구 테헤란로 123"},
		})
		switch {
		case err != nil:
			return "", err
		case status == http.StatusCreated:
			note := ""
			if len(taken) > 0 {
				note = fmt.Sprintf(" (business number %s: %s belongs to another account)", bno, strings.Join(taken, ", "))
			}
			return note, demoLogin(ctx, c, base, "signed up, but")
		case p.Code == "email_taken":
			return "", demoLogin(ctx, c, base, DemoEmail+" already exists here, and")
		case p.Code == "business_number_taken":
			taken = append(taken, bno)
		default:
			return "", fmt.Errorf("sign-up: %s", p.describe(status))
		}
	}
	return "", fmt.Errorf("every demo business number (%s) belongs to another account here: sign up with your own number instead, or use another --data-dir",
		strings.Join(taken, ", "))
}

func healthy(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /healthz: HTTP %d", res.StatusCode)
	}
	return nil
}

func demoLogin(ctx context.Context, c *http.Client, base, what string) error {
	status, p, err := postJSON(ctx, c, base+"/api/v1/auth/login", user.LoginInput{Email: DemoEmail, Password: DemoPassword})
	switch {
	case err != nil:
		return err
	case status == http.StatusOK:
		return nil
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%s logging in with the demo password fails (%s): its password was changed; log in with the new one, or use another --data-dir", what, p.describe(status))
	default:
		return fmt.Errorf("%s logging in fails: %s", what, p.describe(status))
	}
}

// problem is the part of an RFC 9457 answer the demo reports.
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

func (p problem) describe(status int) string {
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if p.Code != "" {
		msg += " [" + p.Code + "]"
	}
	return fmt.Sprintf("HTTP %d %s", status, strings.TrimSpace(msg))
}

func postJSON(ctx context.Context, c *http.Client, url string, body any) (int, problem, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, problem{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, problem{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0, problem{}, err
	}
	defer res.Body.Close()
	var p problem
	if res.StatusCode >= 400 {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		_ = json.Unmarshal(raw, &p)
	}
	return res.StatusCode, p, nil
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(as), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}
