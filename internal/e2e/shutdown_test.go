package e2e

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
)

// TestGracefulShutdown stops the app while an HTTP request (a sign-up
// waiting on a slow NTS) and a job (a recommendation waiting on slow AI
// providers) are in flight: the request is answered and the job completes
// before Run returns.
func TestGracefulShutdown(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.BcryptCost, cfg.LogLevel = "127.0.0.1:0", t.TempDir(), 4, "warn"
	cfg.AIProvider = "remote"
	cfg.Resilience = "anthropic.max-retries=-1;openai.max-retries=-1"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	e := &Env{T: t, App: a, URL: a.URL(), Config: cfg, client: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}}
	e.waitReady()

	o := e.SignupOwner("CAFE", "서울 강남구")
	res := e.Do("POST", "/api/v1/events", o.Token, map[string]string{"purpose": "NEW_CUSTOMERS"})
	var ev struct{ ID string }
	res.JSON(t, &ev)
	evSetFaults(t, e, `{"anthropic":{"latency":"1500ms"},"openai":{"latency":"1s"}}`)
	res = e.Do("POST", "/api/v1/events/"+ev.ID+"/recommendations", o.Token, nil)
	var job evJob
	res.JSON(t, &job)
	waitFor(t, "job running", func() bool {
		var j evJob
		e.Do("GET", "/api/v1/jobs/"+job.ID, o.Token, nil).JSON(t, &j)
		return j.Status == "PROCESSING"
	})

	a.NTSSandbox().SetLatency(time.Second)
	signup := make(chan Response, 1)
	go func() {
		signup <- e.Do("POST", "/api/v1/auth/signup", "", map[string]any{
			"email": "late@example.kr", "password": "passw0rd!", "ownerName": "늦은손님", "phone": "010-1111-2222",
			"businessNumber": ValidBusinessNumber(),
			"store":          map[string]string{"name": "가게", "industry": "CAFE", "region": "서울 마포구", "address": "주소 1"},
		})
	}()
	time.Sleep(200 * time.Millisecond) // the sign-up is now waiting on the NTS
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("shutdown did not finish")
	}
	if res := <-signup; res.Status != http.StatusCreated {
		t.Errorf("in-flight sign-up during shutdown = %d %s, want 201", res.Status, res.Body)
	}
	a.Close()

	// The job finished before the process stopped: a new process on the same
	// data shows it COMPLETED.
	again := Start(t, func(c *config.Config) { c.DataDir = cfg.DataDir })
	var j evJob
	again.Do("GET", "/api/v1/jobs/"+job.ID, o.Token, nil).JSON(t, &j)
	if j.Status != "COMPLETED" {
		t.Errorf("job after shutdown = %s (%s), want COMPLETED", j.Status, j.Message)
	}
}
