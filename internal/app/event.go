package app

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/event"
	eventsql "github.com/autoevent/autoevent/internal/event/sqlstore"
	"github.com/autoevent/autoevent/internal/user"
)

func init() { modules["event"] = append(modules["event"], wireEvent) }

// eventTickEvery is how often approved events are activated and finished
// ones ended (events start and end at midnight KST; a few seconds late is
// fine, and the query is an index range scan).
const eventTickEvery = 15 * time.Second

// wireEvent wires the event service: the API, the consumer of
// participation's sold-out and the AI service's recommendation-ready
// messages, and the lifecycle ticker.
func wireEvent(ctx context.Context, a *App, local bool) error {
	if !local {
		event.NewAPI(nil).Routes(a.router)
		return nil
	}
	store := eventsql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	svc, err := event.NewService(event.Deps{DB: a.db, Store: store, Stores: appStores{a}, Recommendations: appRecommendations{a},
		Publish: a.publish, Log: a.log.With("service", "event")})
	if err != nil {
		return err
	}
	event.NewAPI(svc).Routes(a.router)
	a.onStart(func(ctx context.Context) error {
		c, err := a.bus.Consume(ctx, a.db, event.ConsumerName, event.ConsumedSubjects, svc.HandleMessage)
		if err != nil {
			return err
		}
		a.onStop(c.Stop)
		a.bg.Go(func() { svc.RunTicker(ctx, eventTickEvery) })
		return nil
	})
	return nil
}

// appStores finds the owner's store: in process when the user service runs
// here, otherwise through the router (which proxies to the user service)
// with the caller's own credentials.
type appStores struct{ a *App }

func (s appStores) StoreOf(ctx context.Context, ownerID string, r *http.Request) (event.StoreInfo, error) {
	st, err := s.store(ctx, ownerID, r)
	if err != nil {
		return event.StoreInfo{}, err
	}
	return event.StoreInfo{ID: st.ID, Name: st.Name, Industry: st.Industry, Sido: st.Sido, Sigungu: st.Sigungu}, nil
}

// store reads the owner's store profile.
func (s appStores) store(ctx context.Context, ownerID string, r *http.Request) (user.Store, error) {
	if s.a.users != nil {
		return s.a.users.MyStore(ctx, ownerID)
	}
	var st user.Store
	err := s.a.callAs(ctx, r, "GET", "/api/v1/stores/me", nil, &st)
	return st, err
}

// appRecommendations reads an event's recommendation as the caller, through
// the router: in process when the AI service runs here, proxied otherwise.
type appRecommendations struct{ a *App }

func (s appRecommendations) Recommendation(ctx context.Context, eventID string, r *http.Request) (ai.Recommendation, error) {
	var doc ai.Recommendation
	status, err := s.a.callAsStatus(ctx, r, "GET", "/api/v1/events/"+url.PathEscape(eventID)+"/recommendations", nil, &doc)
	if err != nil {
		return ai.Recommendation{}, err
	}
	if status != http.StatusOK {
		// 202: still being generated.
		return ai.Recommendation{}, ai.ErrRecommendationNotFound
	}
	return doc, nil
}
