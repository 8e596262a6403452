package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/messages"
)

// serve is the server half: the real app, in its own process (so client and
// server each have their own file-descriptor budget for 10,000 sockets),
// serving HTTP on loopback. It prints its URL, then reads EventApproved
// messages (one JSON object a line) on stdin and publishes them through the
// app's outbox — the stand-in for the event service.
func serve(dataDir, pgURL, sync string) error {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dataDir
	cfg.PostgresURL = pgURL
	cfg.Synchronous = sync
	cfg.LogLevel = "warn"
	cfg.BcryptCost = 4
	// One client address sends everything: the per-IP limits would refuse
	// it. The per-event limit (20,000/s) stays on.
	cfg.AnonRateLimit, cfg.UserRateLimit = 0, 0
	cfg.NATSURL, cfg.NATSPrefix = os.Getenv("LOADTEST_NATS_URL"), os.Getenv("LOADTEST_NATS_PREFIX")
	cfg.RedisURL = os.Getenv("LOADTEST_REDIS_URL")
	if pgURL != "" {
		cfg.JWTSecret = "loadtest-jwt-secret-0123456789abcdefghij"
		cfg.DataKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
		cfg.Migrate = config.AutoBool{Set: true, Value: true} // one process, fresh schema
	}
	if path := os.Getenv("LOADTEST_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if addr := os.Getenv("LOADTEST_PPROF_ADDR"); addr != "" {
		// Only when the parent asks (-pprof-addr): a separate loopback
		// listener, so profiling never shares the app's router.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", httppprof.Index)
		mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
		go func() { _ = http.ListenAndServe(addr, mux) }()
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	fmt.Println(a.URL())
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			var m messages.EventApproved
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				fmt.Fprintln(os.Stderr, "bad approve line:", err)
				continue
			}
			if err := a.Publish(ctx, m); err != nil {
				fmt.Fprintln(os.Stderr, "publish:", err)
			}
		}
		if sc.Err() == nil || sc.Err() == io.EOF {
			cancel() // parent closed stdin: stop
		}
	}()
	return <-done
}
