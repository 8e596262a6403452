package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/autoevent/autoevent/internal/participation/announce"
	announcesql "github.com/autoevent/autoevent/internal/participation/announce/sqlstore"
	participationsql "github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// announceModule is the advertising side of the participation service:
// announcements of events to past participants who consented, sent
// through the winners' providers (notifySender) on the announce queue.
func (a *App) announceModule() module {
	var svc *announce.Service
	return module{
		Name: "participation",
		Open: func(ctx context.Context) (err error) {
			svc, err = a.openAnnounce(ctx)
			return err
		},
		Routes: func(r *httpapi.Router) { announce.NewAPI(svc, a.storeContact).Routes(r) },
		Queues: []string{announce.Queue},
		Start: func(ctx context.Context) error {
			stop, err := svc.StartWorkers(ctx, a.cfg.NotifyWorkers)
			if err != nil {
				return err
			}
			a.onStop(stop)
			a.every(ctx, a.cfg.RetentionEvery.Duration, func(ctx context.Context) {
				if n, err := svc.PurgeLapsed(ctx); err != nil {
					a.log.Warn("lapsed marketing consents not purged", "err", err)
				} else if n > 0 {
					a.log.Info("lapsed marketing consents purged", "contacts", n)
				}
			})
			a.every(ctx, dispatchEvery, func(ctx context.Context) {
				if n, err := svc.Dispatch(ctx); err != nil {
					a.log.Warn("announcement dispatch failed", "err", err)
				} else if n > 0 {
					a.log.Info("announcement messages queued", "messages", n)
				}
			})
			return nil
		},
	}
}

func (a *App) openAnnounce(ctx context.Context) (*announce.Service, error) {
	store := announcesql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	sender, err := a.notifySender()
	if err != nil {
		return nil, err
	}
	entries := participationsql.New(a.db)
	return announce.NewService(announce.Deps{
		Sender: sender, DB: a.db, Store: store, Contacts: entries.Marketing(a.cipher), Events: entries.Winners(a.cipher),
		Queue: jobs.BusQueue(a.bus, a.relay), PublicURL: a.cfg.PublicURL, OptOutPhone: a.cfg.OptOutPhone,
		Log: a.log.With("service", "participation", "part", "announce"),
	})
}

// storeCard returns a store's address and phone for the public event view.
func (a *App) storeCard(ctx context.Context, r *http.Request, storeID string) (string, string, error) {
	c, err := a.userClient().StoreCard(ctx, r, storeID)
	return c.Address, c.Phone, err
}

// storeContact returns the calling owner's store phone number or, without
// one, its address ("" without a store profile: the announcement then asks
// for a contact).
func (a *App) storeContact(ctx context.Context, r *http.Request) (string, error) {
	st, err := a.userClient().MyStore(ctx, r)
	if apperr.KindOf(err) == apperr.NotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if phone := strings.TrimSpace(st.Phone); phone != "" {
		return phone, nil
	}
	return strings.TrimSpace(st.Address), nil
}
