package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/autoevent/autoevent/internal/platform/dirlock"
)

// lockDataDir takes the data dir for this process when it keeps state
// there that only one process may open: the SQLite file or the embedded
// bus's JetStream files (a second embedded NATS on them corrupts the
// streams). Scaled mode — PostgreSQL and an external NATS — keeps only
// generated files there, which replicas may share. A second process gets a
// *dirlock.HeldError naming the first, before it has touched anything.
func (a *App) lockDataDir() error {
	if a.cfg.PostgresURL != "" && a.cfg.NATSURL != "" {
		return nil
	}
	l, err := dirlock.Acquire(a.cfg.DataDir)
	if err != nil {
		return err
	}
	a.lock = l
	a.closers = append(a.closers, l.Release)
	return nil
}

// recordAddress writes where this process serves into the lock, so that a
// second process can name it (or, for `demo`, talk to it).
func (a *App) recordAddress() error {
	if a.lock == nil {
		return nil
	}
	cmd := filepath.Base(os.Args[0])
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		cmd += " " + os.Args[1]
	}
	err := a.lock.Record(dirlock.Owner{Addr: a.ln.Addr().String(), URL: a.baseURL, PublicURL: a.cfg.PublicURL, Command: cmd})
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}
