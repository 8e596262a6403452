package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autoevent/autoevent/internal/participation"
	participationsql "github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/participation/visit"
	"github.com/autoevent/autoevent/internal/platform/db"
)

func init() { modules["participation"] = append(modules["participation"], wireParticipation) }

// wireParticipation wires the entry side of the participation service: its
// copy of approved events (consumer "participation-events"), the public
// entry API with the group committer, coupons and the owner's views. The
// draw side (package winners) reads entries through
// participationsql.New(a.db).Winners(a.cipher).
func wireParticipation(ctx context.Context, a *App, local bool) error {
	if !local {
		participation.NewAPI(nil, a.cfg.TrustProxy).Routes(a.router)
		return nil
	}
	store := participationsql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	signer, err := visit.New([]byte(a.secrets.VisitKey))
	if err != nil {
		return fmt.Errorf("visit key: %w", err)
	}
	ipLimit, eventLimit := a.cfg.EntryIPLimit, a.cfg.EntryEventLimit
	if ipLimit == 0 || a.cfg.AnonRateLimit == 0 {
		// Off, or the operator turned anonymous limits off (load tests, a
		// trusted front proxy that limits): the per-IP entry limit follows.
		ipLimit = -1
	}
	if eventLimit == 0 {
		eventLimit = -1
	}
	svc, err := participation.NewService(participation.Deps{
		DB: a.db, Store: store, Cache: a.cache, Publish: a.publish,
		PublishMany: func(ctx context.Context, tx *db.Tx, subject string, payloads []any) error {
			_, err := a.relay.EnqueueMany(ctx, tx, subject, payloads)
			return err
		},
		// One notification work item per issued coupon, in the entry's
		// transaction (handled by the winners side on its notify queue).
		EnqueueWork: a.relay.EnqueueWork,
		Cipher:      a.cipher, Visit: signer,
		// The user service confirms the password, wherever it runs.
		Reauth: func(ctx context.Context, r *http.Request, password string) error {
			return a.callAs(ctx, r, "POST", "/api/v1/auth/reauth", map[string]string{"password": password}, nil)
		},
		PublicURL: a.cfg.PublicURL, Log: a.log.With("service", "participation"), IPLimit: ipLimit, EventLimit: eventLimit,
	})
	if err != nil {
		return err
	}
	participation.NewAPI(svc, a.cfg.TrustProxy).Routes(a.router)
	// Group-commit figures: mean batch = entries / batches.
	a.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "autoevent_participation_batches_total",
			Help: "Entry transactions written by the group committers."},
			func() float64 { b, _, _ := svc.BatchStats(); return float64(b) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "autoevent_participation_batch_entries_total",
			Help: "Entry requests carried by those transactions."},
			func() float64 { _, n, _ := svc.BatchStats(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "autoevent_participation_batch_seconds_total",
			Help: "Time spent in entry transactions, summed over the group committers (waits for the event row included)."},
			func() float64 { _, _, busy := svc.BatchStats(); return busy.Seconds() }),
	)
	a.onStart(func(ctx context.Context) error {
		if err := svc.Start(ctx); err != nil {
			return err
		}
		c, err := a.bus.Consume(ctx, a.db, participation.ConsumerName, participation.ConsumedSubjects, svc.HandleEventMessage)
		if err != nil {
			return err
		}
		a.onStop(c.Stop)
		return nil
	})
	// Registered before the consumer's stop, so it runs after it: the HTTP
	// server has stopped by then, and queued entries are committed.
	a.onStop(svc.Stop)
	return nil
}
