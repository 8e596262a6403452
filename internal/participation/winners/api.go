package winners

import (
	"net/http"
	"strconv"

	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// API is the HTTP surface of draws and winners.
type API struct{ svc *Service }

// NewAPI returns the API; svc is nil when the participation service runs
// in another process (the routes are then proxied).
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes declares the routes.
func (a *API) Routes(r *httpapi.Router) {
	const svc = "participation"
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/draws/commitment", Service: svc, Access: httpapi.Owner,
		Summary:  "Publish the commitment (SHA-256 of a fresh secret seed) of the next draw; returns the pending draw",
		Response: Draw{}, Status: http.StatusCreated,
		Also: []httpapi.Answer{{Status: http.StatusOK, Description: "The commitment already published", Body: Draw{}}}}, a.commit)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/draws", Service: svc, Access: httpapi.Owner,
		Summary: "Draw the winners (weighted, verifiable); a redraw names the draw it replaces and why",
		Request: DrawInput{}, Response: Draw{}, Status: http.StatusCreated}, a.draw)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/draws", Service: svc, Access: httpapi.Owner,
		Summary: "The event's draws with winners and notification states", Response: EventDraws{}}, a.list)
	// No GET …/draws/{drawId}: the list carries every draw.
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/draws/{drawId}/winners/{entryNumber}/prize-delivered",
		Service: svc, Access: httpapi.Owner, Summary: "Record that a winner received the prize (their data is then destroyed)",
		Response: Winner{}}, a.delivered)

	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/coupons/notifications", Service: svc, Access: httpapi.Owner,
		Summary:  "Coupon holders of a first-come event (masked phone) with the state of their 알림톡",
		Response: CouponNotices{}}, a.couponNotices)

	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/events/{id}/draws", Service: svc,
		Summary:  "Public draws of an event: commitments, and after the draw the seed, proof links and masked winners",
		Response: EventDraws{}}, a.publicList)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/events/{id}/draws/{drawId}/proof", Service: svc,
		Summary:  "The proof of a draw (algorithm, commitment, seed, entry list hash, parameters, winners)",
		Response: draw.Proof{}}, a.proof)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/events/{id}/draws/{drawId}/entries.txt", Service: svc,
		Summary:   "The canonical entry list of a draw (\"entryNumber:weight\" lines, no personal data)",
		MediaType: "text/plain"}, a.entries)
}

func (a *API) commit(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	d, created, err := a.svc.Commit(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpapi.WriteJSON(w, status, d)
}

func (a *API) draw(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in DrawInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	d, err := a.svc.Draw(r.Context(), p.UserID, r.PathValue("id"), in)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", d.ProofURL)
	httpapi.WriteJSON(w, http.StatusCreated, d)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	out, err := a.svc.List(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func (a *API) couponNotices(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	out, err := a.svc.CouponNotifications(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func (a *API) delivered(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	n, err := strconv.ParseInt(r.PathValue("entryNumber"), 10, 64)
	if err != nil || n <= 0 {
		httpapi.WriteError(w, r, ErrWinnerNotFound)
		return
	}
	win, err := a.svc.MarkPrizeDelivered(r.Context(), p.UserID, r.PathValue("id"), r.PathValue("drawId"), n)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, win)
}

func (a *API) publicList(w http.ResponseWriter, r *http.Request) {
	out, err := a.svc.PublicList(r.Context(), r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func (a *API) proof(w http.ResponseWriter, r *http.Request) {
	p, err := a.svc.Proof(r.Context(), r.PathValue("id"), r.PathValue("drawId"))
	if err != nil {
		httpapi.WriteError(w, r, notFoundWhilePending(err))
		return
	}
	// A completed draw never changes.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	httpapi.WriteJSON(w, http.StatusOK, p)
}

func (a *API) entries(w http.ResponseWriter, r *http.Request) {
	err := a.svc.WriteEntryList(r.Context(), r.PathValue("id"), r.PathValue("drawId"), w, func() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.WriteHeader(http.StatusOK)
	})
	if err != nil && w.Header().Get("Content-Type") == "" {
		httpapi.WriteError(w, r, notFoundWhilePending(err))
	}
}

// notFoundWhilePending: before the draw there is no proof to show.
func notFoundWhilePending(err error) error {
	if apperr.KindOf(err) == apperr.Conflict {
		return apperr.New(apperr.NotFound, "proof_not_ready", "아직 추첨 전이라 증명이 없습니다.").Wrap(err)
	}
	return err
}
