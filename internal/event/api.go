package event

import (
	"net/http"
	"strconv"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// ServiceName is the event service's name in routes and configuration.
const ServiceName = "event"

// API is the event service's HTTP interface.
type API struct {
	svc *Service
}

// NewAPI returns the API; svc may be nil when the service runs in another
// process (routes are then only declared, for the proxy).
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the event endpoints.
func (a *API) Routes(r *httpapi.Router) {
	route := func(method, pattern, summary string, req, resp any, status int, h http.HandlerFunc) {
		r.Handle(httpapi.Route{Method: method, Pattern: pattern, Service: ServiceName, Access: httpapi.Owner,
			Summary: summary, Request: req, Response: resp, Status: status}, h)
	}
	route("POST", "/api/v1/events", "Create a DRAFT event for the owner's store with a purpose", CreateInput{}, Event{}, http.StatusCreated, a.create)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events", Service: ServiceName, Access: httpapi.Owner,
		Summary: "The owner's events, newest first (?limit=1–100&cursor=&status=)", Response: Page{},
		Params: []httpapi.Param{{Name: "limit", Type: "integer", Description: "1–100"},
			{Name: "cursor", Description: "nextCursor of the previous page"}, {Name: "status", Description: "only events in this status"}}}, a.list)
	route("GET", "/api/v1/events/{id}", "One event", nil, Event{}, 0, a.get)
	route("PATCH", "/api/v1/events/{id}", "Edit the purpose (DRAFT or PLANNED)", UpdateInput{}, Event{}, 0, a.update)
	route("DELETE", "/api/v1/events/{id}", "Delete a DRAFT event", nil, nil, http.StatusNoContent, a.delete)
	route("POST", "/api/v1/events/{id}/cancel", "Cancel an event that has not started", nil, Event{}, 0, a.cancel)
	route("PUT", "/api/v1/events/{id}/selection", "Pick a recommended option (1–3) with edits; the event becomes PLANNED", SelectionInput{}, Event{}, 0, a.selection)
	route("POST", "/api/v1/events/{id}/approve", "Approve a PLANNED or CONTENT_READY event (no channels: in-store only)", ApproveInput{}, Event{}, 0, a.approve)
	route("POST", "/api/v1/events/{id}/end", "End an ACTIVE event now", nil, Event{}, 0, a.end)
}

func owner(w http.ResponseWriter, r *http.Request) (string, bool) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return "", false
	}
	return p.UserID, true
}

func answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, status, v)
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	var in CreateInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	e, err := a.svc.Create(r.Context(), uid, in, r)
	if err == nil {
		w.Header().Set("Location", "/api/v1/events/"+e.ID)
	}
	answer(w, r, http.StatusCreated, e, err)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	lq := ListQuery{Cursor: q.Get("cursor"), Status: Status(q.Get("status"))}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			httpapi.WriteError(w, r, apperr.InvalidField("limit", "invalid_limit", "limit은 1~100 사이여야 합니다."))
			return
		}
		lq.Limit = n
	}
	p, err := a.svc.List(r.Context(), uid, lq)
	answer(w, r, http.StatusOK, p, err)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	e, err := a.svc.Get(r.Context(), uid, r.PathValue("id"))
	answer(w, r, http.StatusOK, e, err)
}

func (a *API) update(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	var in UpdateInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	e, err := a.svc.Update(r.Context(), uid, r.PathValue("id"), in)
	answer(w, r, http.StatusOK, e, err)
}

func (a *API) delete(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	if err := a.svc.Delete(r.Context(), uid, r.PathValue("id")); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) cancel(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	e, err := a.svc.Cancel(r.Context(), uid, r.PathValue("id"))
	answer(w, r, http.StatusOK, e, err)
}

func (a *API) selection(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	var in SelectionInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	e, err := a.svc.Select(r.Context(), uid, r.PathValue("id"), in, r)
	answer(w, r, http.StatusOK, e, err)
}

func (a *API) approve(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	var in ApproveInput
	if r.ContentLength != 0 {
		if err := httpapi.DecodeJSON(w, r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
	}
	e, err := a.svc.Approve(r.Context(), uid, r.PathValue("id"), in)
	answer(w, r, http.StatusOK, e, err)
}

func (a *API) end(w http.ResponseWriter, r *http.Request) {
	uid, ok := owner(w, r)
	if !ok {
		return
	}
	e, err := a.svc.End(r.Context(), uid, r.PathValue("id"))
	answer(w, r, http.StatusOK, e, err)
}
