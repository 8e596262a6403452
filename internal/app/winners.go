package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autoevent/autoevent/internal/participation/notify"
	sensclient "github.com/autoevent/autoevent/internal/participation/notify/sens"
	participationsql "github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/participation/winners"
	winnerssql "github.com/autoevent/autoevent/internal/participation/winners/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	senssandbox "github.com/autoevent/autoevent/internal/sandbox/sens"
)

// Notification parameters of the draw side (the rate, workers and
// retention periods are configuration).
const (
	trackEvery      = 30 * time.Second
	dispatchEvery   = time.Minute // announcements due, deferred messages
	trackMinAge     = 10 * time.Second
	sandboxSMSFrom  = "0212345678"
	sandboxChannel  = "@autoevent"
	sandboxAlimtalk = "ncp:kkobizmsg:kr:0000000:autoevent"
	sandboxSMS      = "ncp:sms:kr:0000000:autoevent"
)

// winnersModule is the draw side of the participation service: draws,
// winner notifications (SENS 알림톡 with SMS failover; the SENS simulator
// at /sandbox/sens/ when no SENS URL is configured) on the notify queue,
// and the retention job.
func (a *App) winnersModule() module {
	var svc *winners.Service
	return module{
		Name: "participation",
		Open: func(ctx context.Context) (err error) {
			svc, err = a.openWinners(ctx)
			return err
		},
		Routes: func(r *httpapi.Router) { winners.NewAPI(svc).Routes(r) },
		Consumers: []consumer{{Name: "winners_lifecycle", Subjects: winners.LifecycleSubjects,
			Handle: func(ctx context.Context, tx *db.Tx, m bus.Message) error { return svc.HandleLifecycle(ctx, tx, m) }}},
		Queues: []string{winners.NotifyQueue},
		Start: func(ctx context.Context) error {
			stop, err := svc.StartNotifier(ctx, a.cfg.NotifyWorkers)
			if err != nil {
				return err
			}
			a.onStop(stop)
			a.every(ctx, a.cfg.RetentionEvery.Duration, func(ctx context.Context) {
				if rep, err := svc.RunRetention(ctx); err != nil {
					a.log.Warn("retention run failed", "err", err)
				} else if rep.Purged > 0 {
					a.log.Info("personal data destroyed", "events", rep.Events, "entries", rep.Purged, "done", rep.Done)
				}
			})
			a.every(ctx, trackEvery, func(ctx context.Context) {
				if _, err := svc.TrackDeliveries(ctx, trackMinAge); err != nil {
					a.log.Warn("delivery tracking failed", "err", err)
				}
			})
			return nil
		},
	}
}

func (a *App) openWinners(ctx context.Context) (*winners.Service, error) {
	store := winnerssql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	sender, err := a.notifySender()
	if err != nil {
		return nil, err
	}
	draws := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "autoevent_draw_phase_seconds",
		Help:    "Duration of the phases of a lottery draw (select: entries to proof; store: the transaction).",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"phase"})
	a.reg.MustRegister(draws)
	return winners.NewService(winners.Deps{
		DB: a.db, Store: store, Entries: participationsql.New(a.db).Winners(a.cipher), Publish: a.relay.Publish,
		Queue: jobs.BusQueue(a.bus, a.relay), Sender: sender, Sealer: a.cipher, PublicURL: a.cfg.PublicURL,
		Observe: func(phase string, d time.Duration) { draws.WithLabelValues(phase).Observe(d.Seconds()) },
		Retention: winners.RetentionConfig{WinnerPeriod: a.cfg.WinnerRetention.Duration,
			FirstComePeriod: a.cfg.FirstComeRetention.Duration, UndrawnPeriod: a.cfg.UndrawnRetention.Duration,
			RedrawPeriod: a.cfg.RedrawPeriod.Duration},
		Log: a.log.With("service", "participation", "part", "winners"),
	})
}

// notifySender is the one Dispatcher of this process, shared by winner
// notifications and announcements (same SENS accounts, rate limits and
// resilience policies).
func (a *App) notifySender() (*notify.Dispatcher, error) {
	if a.sender == nil {
		s, err := winnerSender(a)
		if err != nil {
			return nil, err
		}
		a.sender = s
	}
	return a.sender, nil
}

// winnerSender builds the Dispatcher over the SENS adapters, each guarded
// by its own rate limit and resilience policy. Without a configured SENS
// URL it mounts the simulator and uses locally generated keys.
func winnerSender(a *App) (*notify.Dispatcher, error) {
	cfg := sensclient.Config{
		BaseURL: a.cfg.SENSURL, AccessKey: a.cfg.SENSAccessKey, SecretKey: a.cfg.SENSSecretKey,
		AlimtalkServiceID: a.cfg.SENSAlimtalk, SMSServiceID: a.cfg.SENSSMSID, PlusFriendID: a.cfg.KakaoChannel, SMSFrom: a.cfg.SENSSender,
	}
	if cfg.BaseURL == "" {
		ak, sk := randomKey(), randomKey()
		sim, err := senssandbox.New(senssandbox.Config{AccessKey: ak, SecretKey: sk})
		if err != nil {
			return nil, err
		}
		// The simulator checks the signature over the URI as received
		// (prefix included), which is what the client signed.
		a.sandbox.Handle("/sandbox/sens/", http.StripPrefix("/sandbox/sens", sim))
		sensSims.Store(a, sim)
		a.onStop(func() { sensSims.Delete(a) })
		cfg = sensclient.Config{BaseURL: a.baseURL + "/sandbox/sens", AccessKey: ak, SecretKey: sk,
			AlimtalkServiceID: sandboxAlimtalk, SMSServiceID: sandboxSMS, PlusFriendID: sandboxChannel, SMSFrom: sandboxSMSFrom}
	}
	client, err := sensclient.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("sens: %w", err)
	}
	sms, err := winners.Guard(client.SMS(), winners.GuardConfig{Name: sensclient.SystemSMS,
		Policy: a.policies.Policy(resilience.SystemSMS), Limiter: a.cache, Limit: a.cfg.NotifyRate})
	if err != nil {
		return nil, err
	}
	var alimtalk notify.Provider
	if cfg.AlimtalkServiceID != "" {
		if alimtalk, err = winners.Guard(client.Alimtalk(), winners.GuardConfig{Name: sensclient.SystemAlimtalk,
			Policy: a.policies.Policy(resilience.SystemKakao), Limiter: a.cache, Limit: a.cfg.NotifyRate, Failover: true}); err != nil {
			return nil, err
		}
	}
	return notify.NewDispatcher(alimtalk, sms)
}

// sensSims holds each App's SENS simulator (only when no SENS URL is
// configured), for tests that inspect what was "sent".
var sensSims sync.Map // *App → *senssandbox.Server

// SENSSandbox returns the SENS simulator this app sends through, or nil
// when a real SENS URL is configured.
func (a *App) SENSSandbox() *senssandbox.Server {
	if v, ok := sensSims.Load(a); ok {
		return v.(*senssandbox.Server)
	}
	return nil
}
