package ai

import (
	"errors"
	"io"
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// ServiceName is the AI service's name in routes and configuration.
const ServiceName = "ai"

// RecommendInput is the optional body of POST .../recommendations.
type RecommendInput struct {
	// Regenerate asks for a new plan although one exists (explicit, as
	// the seed caches results for an hour).
	Regenerate bool `json:"regenerate"`
}

// API is the AI service's HTTP interface.
type API struct {
	svc  *Service
	jobs *jobs.Manager
}

// NewAPI returns the API; svc and m may be nil when the service runs in
// another process (routes are then only declared, for the proxy).
func NewAPI(svc *Service, m *jobs.Manager) *API { return &API{svc: svc, jobs: m} }

// Routes registers the recommendation endpoints.
func (a *API) Routes(r *httpapi.Router) {
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/recommendations", Service: ServiceName, Access: httpapi.Owner,
		Summary: "Start the AI recommendation job (202 + job; 303 to the result when one exists and regenerate is false)",
		Request: RecommendInput{}, BodyOptional: true, Response: jobs.Document{}, Status: http.StatusAccepted,
		Headers: jobs.AcceptedHeaders, Also: []httpapi.Answer{{Status: http.StatusSeeOther, Description: "A result exists: its URL",
			Body: map[string]string{}, Headers: []string{"Location"}}}}, a.start)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/recommendations", Service: ServiceName, Access: httpapi.Owner,
		Summary:  "The event's recommendation: trend analysis and three options (202 pointing at the job while it runs)",
		Response: Recommendation{}, Also: []httpapi.Answer{jobs.AcceptedAnswer}}, a.get)
}

func (a *API) start(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in RecommendInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil && !errors.Is(err, io.EOF) {
		httpapi.WriteError(w, r, err)
		return
	}
	id := r.PathValue("id")
	job, done, err := a.svc.Start(r.Context(), p.UserID, id, in.Regenerate, r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if done {
		loc := "/api/v1/events/" + id + "/recommendations"
		w.Header().Set("Location", loc)
		httpapi.WriteJSON(w, http.StatusSeeOther, map[string]string{"resultUrl": loc})
		return
	}
	a.jobs.Accepted(w, job)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	doc, running, err := a.svc.Result(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if running != nil {
		a.jobs.Accepted(w, *running)
		return
	}
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("X-AI-Provider", doc.AIProvider)
	httpapi.WriteJSON(w, http.StatusOK, doc)
}
