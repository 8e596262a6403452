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

// wireAnnounce wires the advertising announcements of events to past
// participants, sending through the winners' providers (same SENS
// accounts, rate limits and resilience policies). It is called by
// wireWinners, which owns the sender; local is false when the
// participation service runs elsewhere (routes proxied).
func wireAnnounce(ctx context.Context, a *App, sender announce.Deps, local bool) error {
	if !local {
		announce.NewAPI(nil, nil).Routes(a.router)
		return nil
	}
	store := announcesql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	entries := participationsql.New(a.db)
	d := sender
	d.DB, d.Store, d.Contacts, d.Events = a.db, store, entries.Marketing(a.cipher), entries.Winners(a.cipher)
	d.Queue, d.PublicURL, d.OptOutPhone = jobs.BusQueue(a.bus, a.relay), a.cfg.PublicURL, a.cfg.OptOutPhone
	d.Log = a.log.With("service", "participation", "part", "announce")
	svc, err := announce.NewService(d)
	if err != nil {
		return err
	}
	announce.NewAPI(svc, a.storeContact).Routes(a.router)
	a.onStart(func(ctx context.Context) error {
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
	})
	return nil
}

// storeContact returns the calling owner's store phone number or, without
// one, its address ("" without a store profile: the announcement then asks
// for a contact).
func (a *App) storeContact(ctx context.Context, r *http.Request) (string, error) {
	p, err := httpapi.MustPrincipal(ctx)
	if err != nil {
		return "", err
	}
	st, err := appStores{a}.store(ctx, p.UserID, r)
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
