package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// Env is one running app under test.
type Env struct {
	T      testing.TB
	App    *app.App
	URL    string
	Config config.Config
	client *http.Client

	// The OpenAPI document every API answer is checked against.
	specOnce sync.Once
	specDoc  *apiSpec
	specErr  error
}

// Option adjusts the configuration of a test app.
type Option func(*config.Config)

// Start runs the app in embedded mode on a free port.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.BcryptCost = 4 // bcrypt.MinCost: tests log in a lot
	cfg.LogLevel = "warn"
	for _, o := range opts {
		o(&cfg)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if os.Getenv("E2E_LOG") != "" {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("app.Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("app did not stop")
		}
		a.Close()
	})
	e := &Env{T: t, App: a, URL: a.URL(), Config: cfg, client: &http.Client{Timeout: 30 * time.Second,
		// Tests trust the self-signed certificate of the TLS test.
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	e.waitReady()
	return e
}

// WithPostgres runs the app on a fresh schema of the test PostgreSQL server
// (skips, or fails under CI=true, when none is configured).
func WithPostgres(t testing.TB) Option {
	base := testenv.PostgresURL(t)
	schema := fmt.Sprintf("e2e_%d_%d", time.Now().UnixNano(), seq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return func(c *config.Config) {
		c.PostgresURL = u.String()
		c.JWTSecret = "e2e-jwt-secret-0123456789abcdefghijkl"
		c.DataKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
		// A fresh schema per app: it migrates itself (the scaled tests
		// turn this off and run `migrate` first, as an operator would).
		c.Migrate = config.AutoBool{Set: true, Value: true}
	}
}

var seq atomic.Int64

// EachDB runs fn against an app on SQLite and one on PostgreSQL.
func EachDB(t *testing.T, fn func(t *testing.T, e *Env), opts ...Option) {
	t.Run("sqlite", func(t *testing.T) { fn(t, Start(t, opts...)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Start(t, append([]Option{WithPostgres(t)}, opts...)...)) })
}

func (e *Env) waitReady() {
	e.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		res, err := e.client.Get(e.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.T.Fatalf("app not ready at %s", e.URL)
}

// Response is a decoded HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v (failing the test on error).
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Code is the problem+json "code" of an error answer.
func (r Response) Code() string {
	var p struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(r.Body, &p)
	return p.Code
}

// Do sends a request; body may be nil, a []byte or a value to encode as JSON.
func (e *Env) Do(method, path, token string, body any, headers ...string) Response {
	e.T.Helper()
	var rd io.Reader
	var sent []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, sent = bytes.NewReader(b), b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd, sent = bytes.NewReader(j), j
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header, Body: b}
	e.checkExchange(req, sent, out)
	return out
}

// Owner is a signed-up, logged-in owner.
type Owner struct {
	Email, Password, Token, Refresh, UserID, StoreID string
}

var bizSeq atomic.Int64

// ValidBusinessNumber returns a fresh number with a correct check digit.
func ValidBusinessNumber() string {
	weights := []int{1, 3, 7, 1, 3, 7, 1, 3, 5}
	n := bizSeq.Add(1) + time.Now().UnixNano()%1_000_000*100
	d := fmt.Sprintf("%03d81%04d", 100+n%800, (n/800)%10000)
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	sum += int(d[8]-'0') * 5 / 10
	return d + fmt.Sprint((10-sum%10)%10)
}

// SignupOwner signs up and logs in a new owner with the given store.
func (e *Env) SignupOwner(industry, region string) Owner {
	e.T.Helper()
	n := seq.Add(1)
	o := Owner{Email: fmt.Sprintf("owner%d_%d@example.kr", n, time.Now().UnixNano()), Password: "passw0rd!"}
	res := e.Do("POST", "/api/v1/auth/signup", "", map[string]any{
		"email": o.Email, "password": o.Password, "ownerName": "홍길동", "phone": "010-1234-5678",
		"businessNumber": ValidBusinessNumber(),
		"store":          map[string]string{"name": "테스트 가게", "industry": industry, "region": region, "address": "테스트로 1"},
	})
	if res.Status != http.StatusCreated {
		e.T.Fatalf("signup: %d %s", res.Status, res.Body)
	}
	var s struct {
		User  struct{ ID string } `json:"user"`
		Store struct{ ID string } `json:"store"`
	}
	res.JSON(e.T, &s)
	o.UserID, o.StoreID = s.User.ID, s.Store.ID
	res = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": o.Email, "password": o.Password})
	if res.Status != http.StatusOK {
		e.T.Fatalf("login: %d %s", res.Status, res.Body)
	}
	var tok struct{ AccessToken, RefreshToken string }
	res.JSON(e.T, &tok)
	o.Token, o.Refresh = tok.AccessToken, tok.RefreshToken
	return o
}
