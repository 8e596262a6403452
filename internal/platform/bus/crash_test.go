package bus

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// The crash tests re-run this test binary as a child process
// (-test.run=^TestCrashChild$ with crashModeEnv set), let it work against a
// database and an embedded NATS data dir, and kill it with SIGKILL at
// random points. Then the parent runs the same relay and consumer to
// quiescence and checks the invariants.
const (
	crashModeEnv   = "BUS_CRASH_MODE" // "outbox" or "work"
	crashDSNEnv    = "BUS_CRASH_DSN"  // SQLite path or PostgreSQL URL
	crashNATSEnv   = "BUS_CRASH_NATS" // embedded NATS data dir
	crashMarkerEnv = "BUS_CRASH_MARKER"
	crashItersEnv  = "BUS_CRASH_ITERATIONS"
)

const crashAckWait = time.Second // redelivery of what the killed child held

func crashBusConfig(dir string) Config {
	return Config{
		DataDir: dir,
		// Each kill costs every message the child had fetched and not yet
		// acknowledged one delivery: that is how a message that crashes
		// its consumer every time (a poison pill) ends in the dead-letter
		// stream after MaxDeliver. Twenty kills in a row must not turn
		// into poison verdicts on healthy messages here, so the limit is
		// far above the kill count (dead-lettering has its own tests).
		MaxDeliver: 100,
		Backoff:    []time.Duration{50 * time.Millisecond},
		AckWait:    crashAckWait,
		JobAckWait: crashAckWait,
	}
}

func openCrashDB(ctx context.Context, dsn string) (*db.DB, error) {
	if strings.HasPrefix(dsn, "postgres") {
		return db.Open(ctx, db.Config{PostgresURL: dsn, MaxConns: 4})
	}
	return db.Open(ctx, db.Config{Path: dsn})
}

// crashApply is the consumer under test: it applies each row event to
// crash_applied, which has no unique key so a double apply would show.
func crashApply(ctx context.Context, tx *db.Tx, m Message) error {
	ev, err := Decode[struct {
		Row string `json:"row"`
	}](m)
	if err != nil {
		return Permanent(err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO crash_applied (row_id, msg_id) VALUES (?, ?)", ev.Row, m.ID)
	return err
}

// TestCrashChild is not a test of its own: it is the process the crash
// tests kill. It runs until killed.
func TestCrashChild(t *testing.T) {
	mode := os.Getenv(crashModeEnv)
	if mode == "" {
		t.Skip("child process of the crash tests")
	}
	ctx := context.Background()
	d, err := openCrashDB(ctx, os.Getenv(crashDSNEnv))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, crashBusConfig(os.Getenv(crashNATSEnv)))
	if err != nil {
		t.Fatal(err)
	}
	r := NewRelay(d, b, nil)
	go r.Run(ctx)
	switch mode {
	case "outbox":
		if _, err := b.Consume(ctx, d, "applier", []string{"events.crash.>"}, crashApply, WithAckWait(crashAckWait)); err != nil {
			t.Fatal(err)
		}
		errRollback := errors.New("rollback")
		var ready sync.Once // the parent kills only after the first commit
		for w := range 2 {
			go func() {
				rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
				for {
					err := d.InTx(ctx, func(tx *db.Tx) error {
						// One to three rows: their events go out as one
						// event or as a batch row (enqueueMany).
						var events []any
						for range 1 + rng.IntN(3) {
							id := uuid.NewString()
							if _, err := tx.ExecContext(ctx, "INSERT INTO crash_rows (id) VALUES (?)", id); err != nil {
								return err
							}
							events = append(events, map[string]string{"row": id})
						}
						if _, err := r.enqueueMany(ctx, tx, "events.crash.row", events); err != nil {
							return err
						}
						if rng.IntN(7) == 0 {
							return errRollback
						}
						return nil
					})
					if err != nil && !errors.Is(err, errRollback) {
						fmt.Fprintln(os.Stderr, "child write:", err)
					}
					if err == nil {
						ready.Do(func() { _ = os.WriteFile(os.Getenv(crashMarkerEnv), nil, 0o600) })
					}
					time.Sleep(3 * time.Millisecond) // enough load; the kills are the point
				}
			}()
		}
	case "work":
		marker := os.Getenv(crashMarkerEnv)
		if _, err := b.Work(ctx, "crash", 1, func(ctx context.Context, m Message) error {
			_ = os.WriteFile(marker, []byte(m.ID), 0o600)
			select {} // the job is running when the parent kills us
		}); err != nil {
			t.Fatal(err)
		}
	}
	select {}
}

// startChild starts the crash child and returns it with its output buffer.
func startChild(t *testing.T, env ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	return cmd, &out
}

func kill9(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v before it was killed; output:\n%s", err, out)
	}
}

// crashDSNs gives a fresh SQLite file and a fresh PostgreSQL schema.
func crashDSN(t *testing.T, dialect db.Dialect) string {
	if dialect == db.SQLite {
		return filepath.Join(t.TempDir(), "crash.db")
	}
	base := testenv.PostgresURL(t)
	schema := "crash_" + randHex(5)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func prepareCrashDB(t *testing.T, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := openCrashDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE crash_rows (id TEXT PRIMARY KEY)",
		"CREATE TABLE crash_applied (row_id TEXT NOT NULL, msg_id TEXT NOT NULL)",
		"CREATE TABLE crash_jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, deliveries INTEGER NOT NULL DEFAULT 0)",
	} {
		if _, err := d.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// TestOutboxSurvivesKill9 kills a writer+relay+consumer process at random
// points, many times, then checks: every committed row yields exactly one
// applied event, no applied event exists without its row, and the broker
// stored each event once.
func TestOutboxSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped with -short")
	}
	iterations := 20
	if v, err := strconv.Atoi(os.Getenv(crashItersEnv)); err == nil && v > 0 {
		iterations = v
	}
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel() // own database and NATS dir: the two runs overlap
			dsn := crashDSN(t, dialect)
			d := prepareCrashDB(t, dsn)
			natsDir := t.TempDir()
			seed := time.Now().UnixNano()
			rng := rand.New(rand.NewPCG(uint64(seed), 0))
			t.Logf("seed %d, %d kills", seed, iterations)
			began := time.Now()
			marker := filepath.Join(t.TempDir(), "committing")
			for range iterations {
				_ = os.Remove(marker)
				cmd, out := startChild(t, crashModeEnv+"=outbox", crashDSNEnv+"="+dsn, crashNATSEnv+"="+natsDir, crashMarkerEnv+"="+marker)
				// Kill at a random point of the child's work, however long
				// a busy machine takes to start it.
				eventually(t, 30*time.Second, "the child's first commit", func() bool {
					_, err := os.Stat(marker)
					return err == nil
				})
				time.Sleep(time.Duration(rng.Int64N(int64(450 * time.Millisecond))))
				kill9(t, cmd, out)
			}

			t.Logf("kills done in %v", time.Since(began))
			began = time.Now()
			// Restart once more in this process and run to quiescence.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b, err := Open(ctx, crashBusConfig(natsDir))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			r := NewRelay(d, b, nil)
			relayDone := make(chan error, 1)
			go func() { relayDone <- r.Run(ctx) }()
			c, err := b.Consume(ctx, d, "applier", []string{"events.crash.>"}, crashApply, WithAckWait(crashAckWait))
			if err != nil {
				t.Fatal(err)
			}
			rows := countRows(t, d, "SELECT COUNT(*) FROM crash_rows")
			if rows == 0 {
				t.Fatal("the children committed no rows; the test proves nothing")
			}
			eventually(t, 30*time.Second, "quiescence", func() bool {
				s, err := r.Stats(ctx)
				return err == nil && s.Pending == 0 &&
					countRows(t, d, "SELECT COUNT(*) FROM crash_rows r WHERE NOT EXISTS (SELECT 1 FROM crash_applied a WHERE a.row_id = r.id)") == 0
			})
			t.Logf("quiescent after %v (backlog at restart: %d rows)", time.Since(began), rows)
			time.Sleep(2 * crashAckWait) // let any stray redelivery arrive
			c.Stop()
			cancel()
			<-relayDone

			checks := []struct {
				what  string
				query string
			}{
				{"committed rows without an applied event",
					"SELECT COUNT(*) FROM crash_rows r WHERE NOT EXISTS (SELECT 1 FROM crash_applied a WHERE a.row_id = r.id)"},
				{"rows applied more than once",
					"SELECT COUNT(*) FROM (SELECT row_id FROM crash_applied GROUP BY row_id HAVING COUNT(*) > 1) x"},
				{"applied events without their row",
					"SELECT COUNT(*) FROM crash_applied a WHERE NOT EXISTS (SELECT 1 FROM crash_rows r WHERE r.id = a.row_id)"},
				{"pending outbox rows", "SELECT COUNT(*) FROM bus_outbox WHERE published_at IS NULL"},
			}
			for _, c := range checks {
				if got := countRows(t, d, c.query); got != 0 {
					t.Errorf("%s = %d, want 0", c.what, got)
				}
			}
			applied := countRows(t, d, "SELECT COUNT(*) FROM crash_applied")
			if applied != rows {
				t.Errorf("applied events = %d, want %d (one per committed row)", applied, rows)
			}
			stored, err := b.subjectCount(context.Background(), StreamEvents, b.wire("events.crash.row"))
			if err != nil {
				t.Fatal(err)
			}
			if int(stored) != rows {
				t.Errorf("events stored by the broker = %d, want %d (duplicates dropped by message id)", stored, rows)
			}
			if n, err := b.DeadLetters(context.Background()); err != nil || n != 0 {
				t.Errorf("dead letters = %d, %v; want 0", n, err)
			}
			t.Logf("%d committed rows, %d applied events, %d redeliveries skipped in the final run",
				rows, applied, c.Stats().Duplicates)
		})
	}
}

// TestWorkJobSurvivesKill9: a job created through the outbox is running
// when its worker process is killed; after a restart it is redelivered and
// completes.
func TestWorkJobSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped with -short")
	}
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := crashDSN(t, dialect)
			d := prepareCrashDB(t, dsn)
			natsDir := t.TempDir()
			marker := filepath.Join(t.TempDir(), "running")

			// The job row and its queue message commit together.
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO crash_jobs (id, status) VALUES ('job-1', 'PENDING')"); err != nil {
					return err
				}
				return NewRelay(d, nil, nil).EnqueueWork(ctx, tx, "crash", "job-1", []byte(`{"size":3}`))
			}); err != nil {
				t.Fatal(err)
			}

			cmd, out := startChild(t, crashModeEnv+"=work", crashDSNEnv+"="+dsn, crashNATSEnv+"="+natsDir, crashMarkerEnv+"="+marker)
			eventually(t, 10*time.Second, "job running in the child", func() bool {
				_, err := os.Stat(marker)
				return err == nil
			})
			kill9(t, cmd, out)

			b, err := Open(ctx, crashBusConfig(natsDir))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			runRelay(t, d, b)
			got := make(chan Message, 2)
			c, err := b.Work(ctx, "crash", 2, func(ctx context.Context, m Message) error {
				got <- m
				return d.InTx(ctx, func(tx *db.Tx) error {
					_, err := tx.ExecContext(ctx, "UPDATE crash_jobs SET status = 'COMPLETED', deliveries = ? WHERE id = ?", m.Delivery, m.ID)
					return err
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Stop()
			select {
			case m := <-got:
				if m.ID != "job-1" || m.Delivery != 2 || string(m.Data) != `{"size":3}` {
					t.Errorf("job = {%s, delivery %d, %s}, want {job-1, delivery 2, {\"size\":3}}", m.ID, m.Delivery, m.Data)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("job not redelivered after the worker was killed")
			}
			eventually(t, 5*time.Second, "job completed and queue empty", func() bool {
				n, err := b.QueueDepth(ctx, "crash")
				return err == nil && n == 0 &&
					countRows(t, d, "SELECT COUNT(*) FROM crash_jobs WHERE status = 'COMPLETED'") == 1
			})
			select {
			case m := <-got:
				t.Errorf("job delivered again after completing: delivery %d", m.Delivery)
			case <-time.After(2 * crashAckWait):
			}
		})
	}
}
