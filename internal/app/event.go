package app

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/event"
	eventsql "github.com/autoevent/autoevent/internal/event/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// eventTickEvery is how often approved events are activated and finished
// ones ended (events start and end at midnight KST; a few seconds late is
// fine, and the query is an index range scan).
const eventTickEvery = 15 * time.Second

// eventModule is the event service: events and their lifecycle, the
// consumer of participation's sold-out and entries-closed (an early draw)
// and the AI service's recommendation-ready messages, and the lifecycle
// ticker.
func (a *App) eventModule() module {
	var svc *event.Service
	return module{
		Name: "event",
		Open: func(ctx context.Context) error {
			store := eventsql.New(a.db)
			if err := store.Migrate(ctx); err != nil {
				return err
			}
			var err error
			svc, err = event.NewService(event.Deps{DB: a.db, Store: store, Stores: appStores{a.userClient()}, Recommendations: appRecommendations{a.aiClient()},
				Publish: a.relay.Publish, Log: a.log.With("service", "event")})
			return err
		},
		Routes: func(r *httpapi.Router) { event.NewAPI(svc).Routes(r) },
		Consumers: []consumer{{Name: event.ConsumerName, Subjects: event.ConsumedSubjects,
			Handle: func(ctx context.Context, tx *db.Tx, m bus.Message) error { return svc.HandleMessage(ctx, tx, m) }}},
		Start: func(ctx context.Context) error {
			a.bg.Go(func() { svc.RunTicker(ctx, eventTickEvery) })
			return nil
		},
	}
}
