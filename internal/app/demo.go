package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/user"
)

// Demo credentials, documented in the README.
const (
	DemoEmail    = "demo@autoevent.kr"
	DemoPassword = "demo1234!"
	// DemoBusinessNumber is a valid-check-digit number the sandbox reports
	// as active.
	DemoBusinessNumber = "124-81-00998"
)

// Demo creates the demo owner (idempotent) in the configured data store.
func Demo(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	cfg.Addr = "127.0.0.1:0"
	a, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.users == nil {
		return fmt.Errorf("demo: the user service does not run in this process")
	}
	// The sandbox is reached over HTTP, so serve while signing up.
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	_, err = a.users.Signup(ctx, user.SignupInput{
		Email: DemoEmail, Password: DemoPassword, OwnerName: "김사장", Phone: "010-1234-5678",
		BusinessNumber: DemoBusinessNumber,
		Store:          user.StoreInput{Name: "하늘카페", Industry: "CAFE", Region: "서울 강남구", Address: "서울 강남구 테헤란로 123"},
	})
	if err != nil && apperr.KindOf(err) != apperr.Conflict {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(out, "demo owner ready\n  email:    %s\n  password: %s\n  data dir: %s\n", DemoEmail, DemoPassword, cfg.DataDir)
	return nil
}
