package app

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autoevent/autoevent/internal/participation"
	participationsql "github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/participation/visit"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// participationModule is the entry side of the participation service: its
// copy of approved events (consumer "participation-events"), the public
// entry API with the group committer, coupons and the owner's views. The
// draw side (winnersModule) reads entries through
// participationsql.New(a.db).Winners(a.cipher).
func (a *App) participationModule() module {
	var svc *participation.Service
	return module{
		Name: "participation",
		Open: func(ctx context.Context) (err error) {
			svc, err = a.openParticipation(ctx)
			return err
		},
		Routes: func(r *httpapi.Router) {
			participation.NewAPI(svc, a.cfg.TrustProxy).WithStoreCard(a.storeCard).Routes(r)
		},
		Consumers: []consumer{{Name: participation.ConsumerName, Subjects: participation.ConsumedSubjects,
			Handle: func(ctx context.Context, tx *db.Tx, m bus.Message) error { return svc.HandleEventMessage(ctx, tx, m) }}},
		Start: func(ctx context.Context) error { return svc.Start(ctx) },
		// After the consumer's stop and the HTTP server's: queued entries
		// are committed by then.
		Stop: func() { svc.Stop() },
	}
}

func (a *App) openParticipation(ctx context.Context) (*participation.Service, error) {
	store := participationsql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	signer, err := visit.New([]byte(a.secrets.VisitKey))
	if err != nil {
		return nil, fmt.Errorf("visit key: %w", err)
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
		DB: a.db, Store: store, Cache: a.cache, Publish: a.relay.Publish,
		PublishMany: a.relay.PublishMany,
		// One notification work item per issued coupon, in the entry's
		// transaction (handled by the winners side on its notify queue).
		EnqueueWork: a.relay.EnqueueWork,
		Cipher:      a.cipher, Visit: signer,
		// The user service confirms the password, wherever it runs.
		Reauth:    a.userClient().Reauth,
		PublicURL: a.cfg.PublicURL, Log: a.log.With("service", "participation"), IPLimit: ipLimit, EventLimit: eventLimit,
	})
	if err != nil {
		return nil, err
	}
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
	return svc, nil
}
