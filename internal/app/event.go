package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/event"
	eventsql "github.com/autoevent/autoevent/internal/event/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
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
	if s.a.users != nil {
		st, err := s.a.users.MyStore(ctx, ownerID)
		if err != nil {
			return event.StoreInfo{}, err
		}
		return event.StoreInfo{ID: st.ID, Name: st.Name, Industry: st.Industry, Sido: st.Sido, Sigungu: st.Sigungu}, nil
	}
	var st struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Industry string `json:"industry"`
		Sido     string `json:"regionSido"`
		Sigungu  string `json:"regionSigungu"`
	}
	if err := s.a.callAs(ctx, r, "GET", "/api/v1/stores/me", nil, &st); err != nil {
		return event.StoreInfo{}, err
	}
	return event.StoreInfo{ID: st.ID, Name: st.Name, Industry: st.Industry, Sido: st.Sido, Sigungu: st.Sigungu}, nil
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

// callAs runs an API request through the router with the caller's
// Authorization header, so the callee applies its own access checks
// (another owner's data stays a 404). Problems come back as *apperr.Error.
func (a *App) callAs(ctx context.Context, r *http.Request, method, path string, body, out any) error {
	_, err := a.callAsStatus(ctx, r, method, path, body, out)
	return err
}

func (a *App) callAsStatus(ctx context.Context, r *http.Request, method, path string, body, out any) (int, error) {
	if r == nil {
		return 0, apperr.ErrUnauthenticated
	}
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	ctx = httpapi.Internal(ctx)
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequestWithContext(ctx, method, path, rd)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, path, nil)
	}
	if err != nil {
		return 0, err
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", r.Header.Get("Authorization"))
	req.Header.Set("X-Request-Id", httpapi.RequestID(r.Context()))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	a.router.ServeHTTP(rec, req)
	if rec.Code >= 400 {
		var p httpapi.Problem
		if json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Code == "" {
			return rec.Code, fmt.Errorf("app: %s %s answered %d", method, path, rec.Code)
		}
		return rec.Code, httpapi.ErrorOf(rec.Code, p)
	}
	if out != nil && rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			return rec.Code, fmt.Errorf("app: %s %s: %w", method, path, err)
		}
	}
	return rec.Code, nil
}
