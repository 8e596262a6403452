package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// BenchmarkGatewayOverhead measures the same trivial handler served through
// the full gateway (request id, access log + metrics, security headers, body
// limit, JWT verification with the revocation check, per-user rate limit)
// and served directly, over loopback HTTP, in the same run:
//
//	go test -run '^$' -bench GatewayOverhead -benchtime 5s ./internal/app/
func BenchmarkGatewayOverhead(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Services = "127.0.0.1:0", b.TempDir(), "gateway"
	cfg.UserRateLimit = 1 << 30 // counted, never refused
	a, err := New(ctx, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	ping := func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
	a.router.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/bench/ping", Service: "gateway", Access: httpapi.Owner}, ping)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	token, _, err := a.issuer.Issue("bench-user", "bench-store")
	if err != nil {
		b.Fatal(err)
	}
	direct := httptest.NewServer(http.HandlerFunc(ping))
	defer direct.Close()
	time.Sleep(50 * time.Millisecond)

	run := func(b *testing.B, url string) {
		tr := &http.Transport{MaxIdleConnsPerHost: 256}
		client := &http.Client{Transport: tr}
		b.SetParallelism(16)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	}
	b.Run("gateway", func(b *testing.B) { run(b, a.URL()+"/api/v1/bench/ping") })
	b.Run("direct", func(b *testing.B) { run(b, direct.URL+"/api/v1/bench/ping") })
}
