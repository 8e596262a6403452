package jobs_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

var quiet = slog.New(slog.NewJSONHandler(io.Discard, nil))

// rig is a database, a bus and its relay.
type rig struct {
	d     *db.DB
	b     *bus.Bus
	relay *bus.Relay
}

// backends are the bus transports the job queue must work on: the
// embedded NATS server and an external one (a namespace of its own per
// test, deleted at the end). A Kafka transport adds its configuration here.
var backends = []struct {
	name   string
	config func(t *testing.T) bus.Config
}{
	{"embedded", func(t *testing.T) bus.Config { return bus.Config{DataDir: t.TempDir()} }},
	{"external", func(t *testing.T) bus.Config {
		url, prefix := testenv.NATSURL(t), "j"+rand.Text()[:10]
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := bus.DeleteStreams(ctx, url, prefix); err != nil {
				t.Errorf("delete streams %s: %v", prefix, err)
			}
		})
		return bus.Config{URL: url, Prefix: prefix}
	}},
}

// each runs fn on every bus backend, each on SQLite and PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, r *rig)) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel() // separate broker state and databases
			dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newRig(t, d, be.config(t))) })
		})
	}
}

func newRig(t *testing.T, d *db.DB, cfg bus.Config) *rig {
	t.Helper()
	ctx := context.Background()
	cfg.JobAckWait, cfg.Backoff = 2*time.Second, []time.Duration{100 * time.Millisecond}
	b, err := bus.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	r := &rig{d: d, b: b, relay: bus.NewRelay(d, b, quiet)}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { r.relay.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; b.Close() })
	return r
}

func (r *rig) manager(t *testing.T, k jobs.Kind) *jobs.Manager {
	t.Helper()
	m := jobs.New(r.d, jobs.BusQueue(r.b, r.relay), quiet, nil)
	if err := m.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Register(k)
	return m
}

func waitFor(t *testing.T, m *jobs.Manager, owner, id string, want jobs.Status) jobs.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j, err := m.Get(context.Background(), owner, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == want {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s is %s (%s), want %s", id, j.Status, j.Message, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJobLifecycle(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		release := make(chan struct{})
		m := r.manager(t, jobs.Kind{Name: "echo", Queue: "echo", Workers: 2, Timeout: 5 * time.Second,
			Handler: func(ctx context.Context, j jobs.Job, p jobs.Progress) (jobs.Result, error) {
				p(ctx, 50, "절반")
				<-release
				return jobs.Result{URL: "/api/v1/results/" + j.SubjectID}, nil
			}})
		if err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer m.Stop()

		job, err := m.Submit(ctx, "owner-a", "echo", "s1", map[string]string{"x": "y"})
		if err != nil {
			t.Fatal(err)
		}
		if job.Status != jobs.Pending {
			t.Errorf("new job status = %s, want PENDING", job.Status)
		}
		got := waitFor(t, m, "owner-a", job.ID, jobs.Processing)
		for deadline := time.Now().Add(20 * time.Second); got.Progress != 50; {
			if time.Now().After(deadline) {
				t.Fatalf("progress = %d, want 50 reported by the running handler", got.Progress)
			}
			time.Sleep(10 * time.Millisecond)
			got, _ = m.Get(ctx, "owner-a", job.ID)
		}
		if _, err := m.Get(ctx, "owner-b", job.ID); !errors.Is(err, jobs.ErrNotFound) {
			t.Errorf("another owner reads the job: err = %v, want not found", err)
		}
		close(release)
		done := waitFor(t, m, "owner-a", job.ID, jobs.Completed)
		if done.Progress != 100 || done.ResultURL != "/api/v1/results/s1" {
			t.Errorf("completed job = %+v", done)
		}

		// HTTP: status, 303 with the result media type, 404 for others.
		router := httpapi.NewRouter(httpapi.RouterConfig{Authenticate: func(r *http.Request) (httpapi.Principal, error) {
			if u := r.Header.Get("X-Test-User"); u != "" {
				return httpapi.Principal{UserID: u}, nil
			}
			return httpapi.Principal{}, apperr.ErrUnauthenticated
		}})
		m.Routes(router)
		get := func(user, accept string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", "/api/v1/jobs/"+job.ID, nil)
			req.Header.Set("X-Test-User", user)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			return rec
		}
		if rec := get("owner-a", ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"COMPLETED"`) {
			t.Errorf("GET job = %d %s", rec.Code, rec.Body)
		}
		if rec := get("owner-a", jobs.ResultMediaType); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/api/v1/results/s1" {
			t.Errorf("GET job asking for the result = %d %q", rec.Code, rec.Header().Get("Location"))
		}
		if rec := get("owner-b", ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET by another owner = %d, want 404", rec.Code)
		}
	})
}

func TestJobTimeoutFails(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		m := r.manager(t, jobs.Kind{Name: "slow", Queue: "slow", Timeout: 100 * time.Millisecond, MaxAttempts: 1,
			Handler: func(ctx context.Context, j jobs.Job, p jobs.Progress) (jobs.Result, error) {
				<-ctx.Done()
				return jobs.Result{}, ctx.Err()
			}})
		if err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer m.Stop()
		job, err := m.Submit(ctx, "o", "slow", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		got := waitFor(t, m, "o", job.ID, jobs.Failed)
		if got.ErrorCode != "job_timeout" {
			t.Errorf("error code = %q, want job_timeout", got.ErrorCode)
		}
	})
}

// TestJobSurvivesRestart stops the workers in the middle of a job (as a
// shutdown or crash would) and shows a new manager on the same stores
// finishes it.
func TestJobSurvivesRestart(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		var runs atomic.Int32
		started := make(chan struct{}, 4)
		kind := func(block bool) jobs.Kind {
			return jobs.Kind{Name: "work", Queue: "work", Timeout: 10 * time.Second,
				Handler: func(ctx context.Context, j jobs.Job, p jobs.Progress) (jobs.Result, error) {
					runs.Add(1)
					started <- struct{}{}
					if block {
						<-ctx.Done() // the process is going away
						return jobs.Result{}, ctx.Err()
					}
					var in map[string]int
					_ = json.Unmarshal(j.Input, &in)
					return jobs.Result{URL: "/done"}, nil
				}}
		}
		ctx1, stop1 := context.WithCancel(context.Background())
		m1 := r.manager(t, kind(true))
		if err := m1.Start(ctx1); err != nil {
			t.Fatal(err)
		}
		job, err := m1.Submit(ctx1, "o", "work", "", map[string]int{"n": 1})
		if err != nil {
			t.Fatal(err)
		}
		<-started
		stop1()
		m1.Stop()

		ctx2, stop2 := context.WithCancel(context.Background())
		defer stop2()
		m2 := r.manager(t, kind(false))
		if err := m2.Start(ctx2); err != nil {
			t.Fatal(err)
		}
		defer m2.Stop()
		waitFor(t, m2, "o", job.ID, jobs.Completed)
		if n := runs.Load(); n != 2 {
			t.Errorf("handler ran %d times, want 2 (interrupted, then redelivered)", n)
		}
	})
}
