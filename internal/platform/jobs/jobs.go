// Package jobs is the asynchronous request-reply framework of the ai and
// content services. Submitting a job answers 202 with its id, a Location and
// a Retry-After; the job is queued on the bus work queue through the outbox
// (in the same transaction as the job row, so a job is never lost between the
// two), run by a bounded worker pool, survives restarts (unacknowledged work
// is redelivered), times out, can be cancelled by its owner (CANCELLED: the
// worker's context ends), and keeps its status for 24 hours. Only its owner
// can read it.
package jobs

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Status of a job.
type Status string

// Job statuses.
const (
	Pending    Status = "PENDING"
	Processing Status = "PROCESSING"
	Completed  Status = "COMPLETED"
	Failed     Status = "FAILED"
	// Cancelled: the owner stopped it (Cancel); its worker's context is
	// cancelled and whatever it returns is dropped.
	Cancelled Status = "CANCELLED"
)

// Retention is how long a job's status stays readable.
const Retention = 24 * time.Hour

// Job is the status document of one job.
type Job struct {
	ID        string    `json:"id"`
	OwnerID   string    `json:"-"`
	Kind      string    `json:"kind"`
	SubjectID string    `json:"subjectId,omitempty"`
	Status    Status    `json:"status"`
	Progress  int       `json:"progress"`
	Message   string    `json:"message"`
	ResultURL string    `json:"resultUrl,omitempty"`
	ErrorCode string    `json:"errorCode,omitempty"`
	Input     []byte    `json:"-"`
	Attempts  int       `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Done reports whether the job reached a final status.
func (j Job) Done() bool { return j.Status == Completed || j.Status == Failed || j.Status == Cancelled }

// ErrNotFound is returned for unknown jobs and for other owners' jobs alike.
var ErrNotFound = apperr.New(apperr.NotFound, "job_not_found", "작업을 찾을 수 없습니다.")

// ErrAlreadyDone answers a cancel of a job that already ended.
var ErrAlreadyDone = apperr.New(apperr.Conflict, "job_already_done", "이미 끝난 작업은 취소할 수 없습니다.")

// errCancelled is the cause of a cancelled job's context.
var errCancelled = errors.New("jobs: cancelled by its owner")

// Queue is what the framework needs from the bus: enqueue inside a database
// transaction (outbox) and consume a work queue with bounded workers.
type Queue interface {
	EnqueueWork(ctx context.Context, tx *db.Tx, queue, id string, payload []byte) error
	Work(ctx context.Context, queue string, workers int, handle func(ctx context.Context, payload []byte, attempt int) error) (stop func(), err error)
}

// Progress lets a running handler report progress (0–100) and a message.
type Progress func(ctx context.Context, percent int, message string)

// Result is what a finished job hands back: the URL of its result and a
// short final message for the status (default "완료"), e.g. which provider
// served it.
type Result struct {
	URL     string
	Message string
}

// Handler runs one job.
type Handler func(ctx context.Context, job Job, progress Progress) (Result, error)

// Kind configures one job kind.
type Kind struct {
	Name        string
	Queue       string        // work queue name, e.g. "ai-job"
	Workers     int           // bounded worker pool size
	Timeout     time.Duration // per attempt
	MaxAttempts int           // attempts before FAILED (transient errors only)
	RetryAfter  time.Duration // polling hint given to clients
	Handler     Handler
}

// Manager stores jobs and runs workers.
type Manager struct {
	db     *db.DB
	queue  Queue
	log    *slog.Logger
	now    func() time.Time
	mu     sync.Mutex
	kinds  map[string]Kind
	owners map[string]string       // kind → service that owns it (Own)
	away   map[string]http.Handler // kind → proxy or 503 when its owner runs elsewhere (Routes)
	stops  []func()
	gauges *prometheus.GaugeVec
	// running holds the cancel functions of the jobs this process runs.
	running map[string]context.CancelCauseFunc
	// latency: submission to the end, by kind and final status.
	latency *prometheus.HistogramVec
}

// New returns a manager; call Migrate before use.
func New(d *db.DB, q Queue, log *slog.Logger, reg prometheus.Registerer) *Manager {
	m := &Manager{db: d, queue: q, log: log, now: time.Now, kinds: map[string]Kind{}, owners: map[string]string{},
		running: map[string]context.CancelCauseFunc{}}
	if reg != nil {
		m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "autoevent_job_duration_seconds",
			Help:    "Time from a job's submission to its end (queue wait included), by kind and final status.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 60, 120, 300}}, []string{"kind", "status"})
		reg.MustRegister(m.latency)
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "autoevent_jobs_queued", Help: "Jobs waiting or running (PENDING + PROCESSING).",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			var n int
			_ = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs WHERE status IN ('PENDING','PROCESSING')").Scan(&n)
			return float64(n)
		}))
	}
	return m
}

// Migrate creates the jobs table.
func (m *Manager) Migrate(ctx context.Context) error { return m.db.Migrate(ctx, "jobs", migrations) }

// Register declares a job kind; Start runs its workers.
func (m *Manager) Register(k Kind) {
	if k.Workers <= 0 {
		k.Workers = 4
	}
	if k.Timeout <= 0 {
		k.Timeout = time.Minute
	}
	if k.MaxAttempts <= 0 {
		k.MaxAttempts = 3
	}
	if k.RetryAfter <= 0 {
		k.RetryAfter = 2 * time.Second
	}
	if k.Queue == "" {
		k.Queue = k.Name
	}
	m.mu.Lock()
	m.kinds[k.Name] = k
	m.mu.Unlock()
}

// RetryAfter is the polling hint for a kind.
func (m *Manager) RetryAfter(kind string) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok := m.kinds[kind]; ok {
		return k.RetryAfter
	}
	return 2 * time.Second
}

type workItem struct {
	JobID string `json:"jobId"`
}

// Submit creates a PENDING job and queues it in one transaction.
func (m *Manager) Submit(ctx context.Context, ownerID, kind, subjectID string, input any) (Job, error) {
	var job Job
	err := m.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		job, err = m.SubmitTx(ctx, tx, ownerID, kind, subjectID, input)
		return err
	})
	return job, err
}

// SubmitTx is Submit inside the caller's transaction.
func (m *Manager) SubmitTx(ctx context.Context, tx *db.Tx, ownerID, kind, subjectID string, input any) (Job, error) {
	m.mu.Lock()
	k, ok := m.kinds[kind]
	m.mu.Unlock()
	if !ok {
		return Job{}, fmt.Errorf("jobs: unknown kind %q", kind)
	}
	in, err := json.Marshal(input)
	if err != nil {
		return Job{}, fmt.Errorf("jobs: input: %w", err)
	}
	now := m.now().UTC()
	job := Job{ID: uuid.Must(uuid.NewV7()).String(), OwnerID: ownerID, Kind: kind, SubjectID: subjectID,
		Status: Pending, Message: "대기 중", Input: in, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(Retention)}
	_, err = tx.ExecContext(ctx, `INSERT INTO jobs (id, owner_id, kind, subject_id, status, progress, message, input, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
		job.ID, job.OwnerID, job.Kind, job.SubjectID, job.Status, job.Message, string(in), now, now, job.ExpiresAt)
	if err != nil {
		return Job{}, fmt.Errorf("jobs: insert: %w", err)
	}
	payload, _ := json.Marshal(workItem{JobID: job.ID})
	if err := m.queue.EnqueueWork(ctx, tx, k.Queue, job.ID, payload); err != nil {
		return Job{}, fmt.Errorf("jobs: enqueue: %w", err)
	}
	return job, nil
}

const jobColumns = `id, owner_id, kind, subject_id, status, progress, message, input, result_url, error_code, attempts, created_at, updated_at, expires_at`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var input string
	err := row.Scan(&j.ID, &j.OwnerID, &j.Kind, &j.SubjectID, &j.Status, &j.Progress, &j.Message, &input,
		&j.ResultURL, &j.ErrorCode, &j.Attempts, &j.CreatedAt, &j.UpdatedAt, &j.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, ErrNotFound
	}
	j.Input = []byte(input)
	return j, err
}

// Get returns the job if it belongs to ownerID and has not expired.
func (m *Manager) Get(ctx context.Context, ownerID, id string) (Job, error) {
	j, err := m.load(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if j.OwnerID != ownerID || m.now().After(j.ExpiresAt) {
		return Job{}, ErrNotFound
	}
	return j, nil
}

// Latest returns the newest job of a kind for a subject (e.g. the last
// recommendation job of an event), whoever asks; callers check ownership of
// the subject first.
func (m *Manager) Latest(ctx context.Context, kind, subjectID string) (Job, error) {
	return scanJob(m.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = ? AND subject_id = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`, kind, subjectID))
}

func (m *Manager) load(ctx context.Context, id string) (Job, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Job{}, ErrNotFound
	}
	return scanJob(m.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
}

func (m *Manager) update(ctx context.Context, id string, set string, args ...any) error {
	_, err := m.updateIf(ctx, id, "", set, args...)
	return err
}

// updateIf updates the job only while its status is one of those listed
// (comma-separated quoted literals, "" = any) and reports whether it did: a
// cancelled job is never moved on by its worker.
func (m *Manager) updateIf(ctx context.Context, id, statuses string, set string, args ...any) (bool, error) {
	args = append(args, m.now().UTC(), id)
	q := `UPDATE jobs SET ` + set + `, updated_at = ? WHERE id = ?`
	if statuses != "" {
		q += ` AND status IN (` + statuses + `)`
	}
	res, err := m.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// live are the statuses a job can be cancelled from (and its worker may
// still write).
const live = `'PENDING','PROCESSING'`

// Cancel stops the caller's job: CANCELLED at once, and the worker's
// context is cancelled (here, or in another process at its next progress
// report). A job that already ended answers ErrAlreadyDone.
func (m *Manager) Cancel(ctx context.Context, ownerID, id string) (Job, error) {
	j, err := m.Get(ctx, ownerID, id)
	if err != nil {
		return Job{}, err
	}
	if j.Done() {
		return j, ErrAlreadyDone
	}
	ok, err := m.updateIf(ctx, id, live, "status = ?, message = ?", Cancelled, "취소됨")
	if err != nil {
		return Job{}, err
	}
	if !ok {
		return j, ErrAlreadyDone // it ended meanwhile
	}
	m.mu.Lock()
	cancel := m.running[id]
	m.mu.Unlock()
	if cancel != nil {
		cancel(errCancelled)
	}
	return m.Get(ctx, ownerID, id)
}

// Start runs the workers of every registered kind.
func (m *Manager) Start(ctx context.Context) error {
	m.mu.Lock()
	kinds := make([]Kind, 0, len(m.kinds))
	for _, k := range m.kinds {
		kinds = append(kinds, k)
	}
	m.mu.Unlock()
	for _, k := range kinds {
		stop, err := m.queue.Work(ctx, k.Queue, k.Workers, func(ctx context.Context, payload []byte, attempt int) error {
			return m.run(ctx, k, payload, attempt)
		})
		if err != nil {
			return fmt.Errorf("jobs: start %s: %w", k.Name, err)
		}
		m.stops = append(m.stops, stop)
	}
	go m.janitor(ctx)
	return nil
}

// Stop stops the workers after their in-flight jobs.
func (m *Manager) Stop() {
	for _, stop := range m.stops {
		stop()
	}
	m.stops = nil
}

// errRetry asks the queue to redeliver the work item.
var errRetry = errors.New("jobs: transient failure, retry")

func (m *Manager) run(ctx context.Context, k Kind, payload []byte, attempt int) error {
	var item workItem
	if err := json.Unmarshal(payload, &item); err != nil {
		m.log.Error("jobs: bad work item dropped", "kind", k.Name, "err", err)
		return nil
	}
	job, err := m.load(ctx, item.JobID)
	if errors.Is(err, ErrNotFound) {
		return nil // expired and swept: nothing to do
	}
	if err != nil {
		return err
	}
	if job.Done() {
		return nil // a redelivery after completion
	}
	job.Attempts++
	if ok, err := m.updateIf(ctx, job.ID, live, "status = ?, attempts = ?, progress = ?, message = ?",
		Processing, job.Attempts, max(job.Progress, 1), "처리 중"); err != nil || !ok {
		return err // !ok: cancelled before it started
	}
	cancelCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	runCtx, stop := context.WithTimeout(cancelCtx, k.Timeout)
	defer stop()
	m.mu.Lock()
	m.running[job.ID] = cancel
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.running, job.ID)
		m.mu.Unlock()
	}()
	progress := func(ctx context.Context, pct int, msg string) {
		pct = min(max(pct, 1), 99)
		ok, err := m.updateIf(ctx, job.ID, `'PROCESSING'`, "progress = ?, message = ?", pct, msg)
		if err != nil {
			m.log.Warn("jobs: progress update failed", "job", job.ID, "err", err)
		} else if !ok {
			cancel(errCancelled) // cancelled through another process
		}
	}
	result, err := k.Handler(runCtx, job, progress)
	if ctx.Err() != nil {
		// Shutting down: leave the job to be redelivered to the next process.
		return ctx.Err()
	}
	if errors.Is(context.Cause(cancelCtx), errCancelled) {
		m.log.Info("jobs: cancelled", "job", job.ID, "kind", k.Name)
		m.observe(job, Cancelled)
		return nil
	}
	if err == nil {
		if result.Message == "" {
			result.Message = "완료"
		}
		_, err := m.updateIf(context.WithoutCancel(ctx), job.ID, live, "status = ?, progress = 100, message = ?, result_url = ?",
			Completed, result.Message, result.URL)
		m.observe(job, Completed)
		return err
	}
	code, msg := "job_failed", "작업을 완료하지 못했습니다."
	if e, ok := apperr.As(err); ok {
		code, msg = e.Code, e.Message
	}
	if errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		code, msg = "job_timeout", "시간 안에 작업을 끝내지 못했습니다."
	}
	transient := apperr.KindOf(err) == apperr.Internal || apperr.KindOf(err) == apperr.Unavailable
	if transient && job.Attempts < k.MaxAttempts {
		m.log.Warn("jobs: attempt failed, will retry", "job", job.ID, "kind", k.Name, "attempt", job.Attempts, "err", err)
		_, _ = m.updateIf(context.WithoutCancel(ctx), job.ID, live, "status = ?, message = ?", Pending, "다시 시도하는 중")
		return errRetry
	}
	m.log.Error("jobs: failed", "job", job.ID, "kind", k.Name, "err", err)
	_, err = m.updateIf(context.WithoutCancel(ctx), job.ID, live, "status = ?, message = ?, error_code = ?", Failed, msg, code)
	m.observe(job, Failed)
	return err
}

// observe records a finished job's latency.
func (m *Manager) observe(j Job, s Status) {
	if m.latency != nil {
		m.latency.WithLabelValues(j.Kind, string(s)).Observe(m.now().Sub(j.CreatedAt).Seconds())
	}
}

// janitor deletes expired job records once an hour.
func (m *Manager) janitor(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := m.db.ExecContext(ctx, `DELETE FROM jobs WHERE expires_at < ?`, m.now().UTC()); err != nil && ctx.Err() == nil {
			m.log.Warn("jobs: sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
