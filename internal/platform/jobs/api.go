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

// AcceptedHeaders and AcceptedAnswer document what Accepted answers.
var (
	AcceptedHeaders = []string{"Location", "Retry-After"}
	AcceptedAnswer  = httpapi.Answer{Status: http.StatusAccepted, Description: "The job computing it is still running",
		Body: Document{}, Headers: AcceptedHeaders}
)

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

// Service is the name under which the job status routes are declared:
// they belong to the jobs platform, which every process serves, and each
// request reaches the service that owns the job's kind.
const Service = "jobs"

// Own declares that service owns the given job kinds, in every process
// (whether or not the service runs there), before Routes.
func (m *Manager) Own(service string, kinds ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range kinds {
		m.owners[k] = service
	}
}

// Routes registers the job status endpoints. A job whose kind is owned by
// a service that runs elsewhere is answered by that service's process
// (proxied), or 503 when this process reaches none.
func (m *Manager) Routes(r *httpapi.Router) {
	m.mu.Lock()
	m.away = map[string]http.Handler{}
	for kind, service := range m.owners {
		if h := r.Forward(service); h != nil {
			m.away[kind] = h
		}
	}
	m.mu.Unlock()
	service := Service
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/jobs/{id}", Service: service, Access: httpapi.Owner,
		Summary:  "Job status (303 to the result when COMPLETED and Accept asks for " + ResultMediaType + ")",
		Response: Document{}, Also: []httpapi.Answer{{Status: http.StatusSeeOther,
			Description: "The job is COMPLETED: its result", Headers: []string{"Location"}}}}, m.handleGet)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/jobs/{id}/events", Service: service, Access: httpapi.Owner,
		Summary: "Job status as server-sent events until the job ends", MediaType: "text/event-stream", NoUserLimit: true}, m.handleEvents)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/jobs/{id}/cancel", Service: service, Access: httpapi.Owner,
		Summary:  "Cancel a PENDING or PROCESSING job (CANCELLED; its worker stops; 409 job_already_done once it ended)",
		Response: Document{}}, m.handleCancel)
}

func (m *Manager) handleCancel(w http.ResponseWriter, r *http.Request) {
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
	if m.forward(w, r, job) {
		return
	}
	if job, err = m.Cancel(r.Context(), p.UserID, job.ID); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, m.document(job))
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
	if m.forward(w, r, job) {
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
	if m.forward(w, r, job) {
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

// forward hands the request to the process of the service that owns the
// job's kind when that is not this one, and reports whether it did.
func (m *Manager) forward(w http.ResponseWriter, r *http.Request, job Job) bool {
	m.mu.Lock()
	h := m.away[job.Kind]
	m.mu.Unlock()
	if h == nil {
		return false
	}
	h.ServeHTTP(w, r)
	return true
}
