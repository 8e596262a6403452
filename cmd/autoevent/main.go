// Command autoevent runs the AutoEvent platform: every service in one process
// with zero setup (`autoevent serve`), or any subset of them against
// PostgreSQL, Redis and NATS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
)

const usage = `autoevent — AI event planning for small shops

Usage:
  autoevent serve [flags]          run the gateway and services (default: all, embedded mode)
  autoevent migrate [flags]        apply the migrations of --services (default: all) and exit; replicas
                                   may run it at once (serve migrates by itself only in embedded mode
                                   or with --migrate)
  autoevent demo [flags]           create a demo owner you can log in with (through the running server
                                   when one holds --data-dir; one data dir belongs to one process)
  autoevent verify-draw FILE|URL   recompute a lottery draw from its published proof
  autoevent config [flags]         print the effective configuration (secrets masked)
  autoevent version                print the version

Run "autoevent serve -h" for the flags; each also reads AUTOEVENT_<NAME>.
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "autoevent:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "autoevent", app.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "verify-draw":
		return verifyDraw(ctx, args, stdout)
	}
	cfg := config.Default()
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := cfg.Bind(fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	slog.SetDefault(log)
	switch cmd {
	case "serve":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		return a.Run(ctx)
	case "migrate":
		return app.Migrate(ctx, cfg, log)
	case "demo":
		return app.Demo(ctx, cfg, log, stdout)
	case "config":
		if err := cfg.Validate(); err != nil {
			return err
		}
		fmt.Fprintln(stdout, cfg.String())
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
