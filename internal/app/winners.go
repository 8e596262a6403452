package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/participation/notify"
	sensclient "github.com/autoevent/autoevent/internal/participation/notify/sens"
	participationsql "github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/participation/winners"
	winnerssql "github.com/autoevent/autoevent/internal/participation/winners/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/jobs"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	senssandbox "github.com/autoevent/autoevent/internal/sandbox/sens"
)

func init() { modules["participation"] = append(modules["participation"], wireWinners) }

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

// wireWinners wires draws, winner notifications (SENS 알림톡 with SMS
// failover; the SENS simulator at /sandbox/sens/ when no SENS URL is
// configured) and the retention job.
func wireWinners(ctx context.Context, a *App, local bool) error {
	if !local {
		winners.NewAPI(nil).Routes(a.router)
		return wireAnnounce(ctx, a, announce.Deps{}, false)
	}
	store := winnerssql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	sender, err := winnerSender(a)
	if err != nil {
		return err
	}
	draws := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "autoevent_draw_phase_seconds",
		Help:    "Duration of the phases of a lottery draw (select: entries to proof; store: the transaction).",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"phase"})
	a.reg.MustRegister(draws)
	svc, err := winners.NewService(winners.Deps{
		DB: a.db, Store: store, Entries: participationsql.New(a.db).Winners(a.cipher), Publish: a.publish,
		Queue: jobs.BusQueue(a.bus, a.relay), Sender: sender, Sealer: a.cipher, PublicURL: a.cfg.PublicURL,
		Observe: func(phase string, d time.Duration) { draws.WithLabelValues(phase).Observe(d.Seconds()) },
		Retention: winners.RetentionConfig{WinnerPeriod: a.cfg.WinnerRetention.Duration,
			FirstComePeriod: a.cfg.FirstComeRetention.Duration, UndrawnPeriod: a.cfg.UndrawnRetention.Duration},
		Log: a.log.With("service", "participation", "part", "winners"),
	})
	if err != nil {
		return err
	}
	winners.NewAPI(svc).Routes(a.router)
	if err := wireAnnounce(ctx, a, announce.Deps{Sender: sender}, true); err != nil {
		return err
	}

	a.onStart(func(ctx context.Context) error {
		stop, err := svc.StartNotifier(ctx, a.cfg.NotifyWorkers)
		if err != nil {
			return err
		}
		a.onStop(stop)
		c, err := a.bus.Consume(ctx, a.db, "winners_lifecycle", winners.LifecycleSubjects, svc.HandleLifecycle)
		if err != nil {
			return err
		}
		a.onStop(c.Stop)
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
	})
	return nil
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
