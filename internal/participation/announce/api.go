package announce

import (
	"context"
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// StoreContact returns the calling owner's store phone number or address
// (the app reads the store profile from the user service).
type StoreContact func(ctx context.Context, r *http.Request) (string, error)

// API is the HTTP surface of announcements and opt-outs.
type API struct {
	svc     *Service
	contact StoreContact
}

// NewAPI returns the API; svc is nil when the participation service runs
// in another process (the routes are then proxied).
func NewAPI(svc *Service, contact StoreContact) *API { return &API{svc: svc, contact: contact} }

// List is the body of GET /api/v1/events/{id}/announcements.
type List struct {
	Items []Announcement `json:"items"`
}

// Routes declares the routes.
func (a *API) Routes(r *httpapi.Router) {
	const svc = "participation"
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/announcements", Service: svc, Access: httpapi.Owner,
		Summary: "Announce the event by SMS/LMS advertising to past participants who consented (once per event; " +
			"\"(광고)\", the shop's contact and an opt-out link added; never sent 21:00–08:00 KST: scheduled for 08:00 instead)",
		Request: Input{}, Response: Announcement{}, Status: http.StatusCreated, Headers: []string{"Location"}}, a.create)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/announcements/preview", Service: svc, Access: httpapi.Owner,
		Summary: "What POST …/announcements would send, to how many and when, without storing or sending anything",
		Request: Input{}, Response: Announcement{}}, a.preview)
	r.Handle(httpapi.Route{Method: "DELETE", Pattern: "/api/v1/events/{id}/announcements/{announcementId}", Service: svc, Access: httpapi.Owner,
		Summary: "Cancel a scheduled announcement before it is sent (deleted with its recipients; the event may be announced again); " +
			"409 once sending has begun", Status: http.StatusNoContent}, a.cancel)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/announcements", Service: svc, Access: httpapi.Owner,
		Summary: "The event's announcement with its recipients per delivery state", Response: List{}}, a.list)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/optout/{token}", Service: svc,
		Summary: "The shop an opt-out link withdraws advertising consent from", Response: OptOutInfo{}}, a.optOutStatus)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/public/optout/{token}", Service: svc,
		Summary:  "Withdraw the advertising consent given to the link's shop (free opt-out; repeating it changes nothing)",
		Response: OptOutInfo{}}, a.optOut)
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	a.write(w, r, http.StatusCreated, a.svc.Create)
}

func (a *API) preview(w http.ResponseWriter, r *http.Request) {
	a.write(w, r, http.StatusOK, a.svc.Preview)
}

// write decodes the input, fills in the store's contact and answers with
// what do returns.
func (a *API) write(w http.ResponseWriter, r *http.Request, status int,
	do func(ctx context.Context, ownerID, eventID string, in Input, storeContact string) (Announcement, error)) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in Input
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	contact := ""
	if in.Contact == "" && a.contact != nil {
		if contact, err = a.contact(r.Context(), r); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
	}
	out, err := do(r.Context(), p.UserID, r.PathValue("id"), in, contact)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/events/"+out.EventID+"/announcements")
	}
	httpapi.WriteJSON(w, status, out)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	items, err := a.svc.List(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, List{Items: items})
}

func (a *API) cancel(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.svc.Cancel(r.Context(), p.UserID, r.PathValue("id"), r.PathValue("announcementId")); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) optOutStatus(w http.ResponseWriter, r *http.Request) {
	out, err := a.svc.OptOutStatus(r.Context(), r.PathValue("token"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func (a *API) optOut(w http.ResponseWriter, r *http.Request) {
	out, err := a.svc.OptOut(r.Context(), r.PathValue("token"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}
