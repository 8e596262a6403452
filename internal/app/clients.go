package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/content"
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

// appContentEvents gives the content service the event it makes content of.
type appContentEvents struct{ events *event.Client }

func (s appContentEvents) ContentEvent(ctx context.Context, eventID string, r *http.Request) (content.EventInfo, error) {
	e, err := s.events.Event(ctx, r, eventID)
	if err != nil {
		return content.EventInfo{}, err
	}
	info := content.EventInfo{ID: e.ID, StoreName: e.StoreName, Industry: e.Industry, Status: string(e.Status)}
	if p := e.Plan; p != nil {
		info.HasPlan = true
		info.Title, info.Benefit, info.Headline, info.Body, info.Hashtags = p.Title, p.Benefit, p.Copy.Headline, p.Copy.Body, p.Copy.Hashtags
		info.Method, info.Winners, info.Coupons = string(p.Method), p.WinnerCount, p.CouponCount
		info.StartDate, info.EndDate = p.StartDate, p.EndDate
	}
	return info, nil
}

// appParticipationLinks gives the content service the participation page
// of an event (GET /api/v1/events/{id}/participation), which exists once
// the event is approved.
type appParticipationLinks struct{ c httpapi.Caller }

func (s appParticipationLinks) ParticipationLinks(ctx context.Context, eventID string, r *http.Request) (string, string, bool, error) {
	res, err := s.c.Call(ctx, r, "GET", "/api/v1/events/"+url.PathEscape(eventID)+"/participation", nil)
	if err != nil {
		return "", "", false, err
	}
	if res.Status == http.StatusNotFound {
		return "", "", false, nil
	}
	var o struct {
		PublicURL string `json:"publicUrl"`
		VisitURL  string `json:"visitUrl"`
	}
	if err := res.Decode(&o); err != nil {
		return "", "", false, err
	}
	return o.PublicURL, o.VisitURL, o.PublicURL != "", nil
}
