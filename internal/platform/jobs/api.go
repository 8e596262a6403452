package jobs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// ResultMediaType is the Accept value with which a client asks the status
// endpoint to redirect (303) to the result once the job is COMPLETED.
const ResultMediaType = "application/vnd.autoevent.result+json"

// Accepted answers a submission: 202, Location of the status, Retry-After.
func (m *Manager) Accepted(w http.ResponseWriter, job Job) {
	loc := "/api/v1/jobs/" + job.ID
	w.Header().Set("Location", loc)
	w.Header().Set("Retry-After", strconv.Itoa(int(m.RetryAfter(job.Kind).Seconds())))
	httpapi.WriteJSON(w, http.StatusAccepted, m.document(job))
}

// Document is the JSON status of a job.
type Document struct {
	Job
	Links map[string]string `json:"links"`
}

func (m *Manager) document(j Job) Document {
	links := map[string]string{"self": "/api/v1/jobs/" + j.ID, "events": "/api/v1/jobs/" + j.ID + "/events"}
	if j.Status == Completed && j.ResultURL != "" {
		links["result"] = j.ResultURL
	}
	return Document{Job: j, Links: links}
}

// Routes registers the job status endpoints.
func (m *Manager) Routes(r *httpapi.Router, service string) {
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/jobs/{id}", Service: service, Access: httpapi.Owner,
		Summary:  "Job status (303 to the result when COMPLETED and Accept asks for " + ResultMediaType + ")",
		Response: Document{}}, m.handleGet)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/jobs/{id}/events", Service: service, Access: httpapi.Owner,
		Summary: "Job status as server-sent events until the job ends", NoUserLimit: true}, m.handleEvents)
}

func (m *Manager) handleGet(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	job, err := m.Get(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if job.Status == Completed && job.ResultURL != "" && strings.Contains(r.Header.Get("Accept"), ResultMediaType) {
		w.Header().Set("Location", job.ResultURL)
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	if !job.Done() {
		w.Header().Set("Retry-After", strconv.Itoa(int(m.RetryAfter(job.Kind).Seconds())))
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, m.document(job))
}

// handleEvents streams the status whenever it changes. It polls the database
// so it works whichever process runs the job.
func (m *Manager) handleEvents(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	job, err := m.Get(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	last := ""
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		b, _ := json.Marshal(m.document(job))
		if s := string(b); s != last {
			last = s
			event := "progress"
			if job.Done() {
				event = strings.ToLower(string(job.Status))
			}
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
				return
			}
			_ = rc.Flush()
		}
		if job.Done() {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-heartbeat.C:
			_, _ = fmt.Fprint(w, ": keep-alive\n\n")
			_ = rc.Flush()
		case <-tick.C:
		}
		if job, err = m.Get(r.Context(), p.UserID, job.ID); err != nil {
			return
		}
	}
}
