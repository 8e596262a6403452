package app

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/user"
)

// Calls between services go through the callee's typed client over its
// public API, whether or not it runs in this process: over HTTP to its
// --service-urls entry, or through this process's router (its handler when
// it runs here, 503 service_not_running when it runs nowhere reachable).
// The callers declare the interfaces they need; the adapters below map the
// callee's types onto the caller's.

// caller is the transport to service's API.
func (a *App) caller(service string) httpapi.Caller {
	if remotes, err := a.cfg.Remotes(); err == nil && remotes[service] != nil {
		if c, err := httpapi.OverHTTP(remotes[service].String(), serviceHTTP); err == nil {
			return c
		}
	}
	return httpapi.InProcess(a.router)
}

// serviceHTTP is the client for calls to services in other processes; the
// timeout only guards against a hung peer.
var serviceHTTP = &http.Client{Timeout: 30 * time.Second}

func (a *App) userClient() *user.Client   { return user.NewClient(a.caller("user")) }
func (a *App) eventClient() *event.Client { return event.NewClient(a.caller("event")) }
func (a *App) aiClient() *ai.Client       { return ai.NewClient(a.caller("ai")) }

// appStores gives the event service the owner's store.
type appStores struct{ users *user.Client }

func (s appStores) StoreOf(ctx context.Context, _ string, r *http.Request) (event.StoreInfo, error) {
	st, err := s.users.MyStore(ctx, r) // the owner is the one r is signed in as
	if err != nil {
		return event.StoreInfo{}, err
	}
	return event.StoreInfo{ID: st.ID, Name: st.Name, Industry: st.Industry, Sido: st.Sido, Sigungu: st.Sigungu}, nil
}

// appRecommendations gives the event service an event's recommendation in
// its own view, which reads the fields it needs from the wire form.
type appRecommendations struct{ ai *ai.Client }

func (s appRecommendations) Recommendation(ctx context.Context, eventID string, r *http.Request) (event.Recommendation, error) {
	doc, err := s.ai.Recommendation(ctx, r, eventID)
	if err != nil {
		return event.Recommendation{}, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return event.Recommendation{}, err
	}
	var view event.Recommendation
	return view, json.Unmarshal(b, &view)
}

// appEvents gives the AI service the event it plans for.
type appEvents struct{ events *event.Client }

func (s appEvents) PlanningEvent(ctx context.Context, eventID string, r *http.Request) (ai.PlanningEvent, error) {
	e, err := s.events.Event(ctx, r, eventID)
	if err != nil {
		return ai.PlanningEvent{}, err
	}
	return ai.PlanningEvent{ID: e.ID, StoreName: e.StoreName, Industry: e.Industry, Sido: e.RegionSido, Sigungu: e.RegionSigungu,
		Purpose: e.Purpose, PurposeText: e.PurposeText, Status: string(e.Status)}, nil
}
