package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// ServiceName is the content service's name in routes and configuration.
const ServiceName = "content"

// API is the content service's HTTP interface.
type API struct {
	svc  *Service
	jobs *jobs.Manager
}

// NewAPI returns the API; svc and m may be nil when the service runs in
// another process (routes are then only declared, for the proxy).
func NewAPI(svc *Service, m *jobs.Manager) *API { return &API{svc: svc, jobs: m} }

// Routes registers the content endpoints.
func (a *API) Routes(r *httpapi.Router) {
	base := "/api/v1/events/{id}/content"
	r.Handle(httpapi.Route{Method: "POST", Pattern: base, Service: ServiceName, Access: httpapi.Owner,
		Summary: "Make the event's content: images of the chosen styles at every channel size, poster, copy, ringback audio, then the videos (202 + image-job)",
		Request: StartInput{}, BodyOptional: true, Response: jobs.Document{}, Status: http.StatusAccepted, Headers: jobs.AcceptedHeaders}, a.start)
	r.Handle(httpapi.Route{Method: "GET", Pattern: base, Service: ServiceName, Access: httpapi.Owner,
		Summary:  "The event's content: every asset (kind, style, size, URL, dimensions, provider, checksum), copy per platform, channel styles",
		Response: Content{}}, a.get)
	r.Handle(httpapi.Route{Method: "POST", Pattern: base + "/assets/{assetId}/regenerate", Service: ServiceName, Access: httpapi.Owner,
		Summary: "Render one image (or the poster) again with the owner's text, colour or style edit (202 + image-job)",
		Request: RegenerateInput{}, BodyOptional: true, Response: jobs.Document{}, Status: http.StatusAccepted, Headers: jobs.AcceptedHeaders}, a.regenerateAsset)
	r.Handle(httpapi.Route{Method: "POST", Pattern: base + "/styles/{style}/regenerate", Service: ServiceName, Access: httpapi.Owner,
		Summary:  "Render every image of one style again (202 + image-job)",
		Response: jobs.Document{}, Status: http.StatusAccepted, Headers: jobs.AcceptedHeaders}, a.regenerateStyle)
	r.Handle(httpapi.Route{Method: "PUT", Pattern: base + "/channel-styles", Service: ServiceName, Access: httpapi.Owner,
		Summary: "Choose which style goes to which channel (channel code → simple, vivid or trendy)",
		Request: map[string]string{}, Response: Content{}}, a.channelStyles)
	r.Handle(httpapi.Route{Method: "GET", Pattern: base + "/progress", Service: ServiceName, Access: httpapi.Owner,
		Summary:   "Per-asset progress as server-sent events: \"progress\" {done,total,asset} and \"done\" (the content)",
		MediaType: "text/event-stream", NoUserLimit: true}, a.progress)
}

func (a *API) start(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in StartInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil && !errors.Is(err, io.EOF) {
		httpapi.WriteError(w, r, err)
		return
	}
	job, err := a.svc.Start(r.Context(), p.UserID, r.PathValue("id"), in, r)
	if err != nil {
		httpapi.WriteError(w, r, err)
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
	c, err := a.svc.Get(r.Context(), p.UserID, r.PathValue("id"), r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-cache")
	httpapi.WriteJSON(w, http.StatusOK, c)
}

func (a *API) regenerateAsset(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in RegenerateInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil && !errors.Is(err, io.EOF) {
		httpapi.WriteError(w, r, err)
		return
	}
	job, err := a.svc.RegenerateAsset(r.Context(), p.UserID, r.PathValue("id"), r.PathValue("assetId"), in, r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	a.jobs.Accepted(w, job)
}

func (a *API) regenerateStyle(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	job, err := a.svc.RegenerateStyle(r.Context(), p.UserID, r.PathValue("id"), r.PathValue("style"), r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	a.jobs.Accepted(w, job)
}

func (a *API) channelStyles(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in map[string]string
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	c, err := a.svc.SetChannelStyles(r.Context(), p.UserID, r.PathValue("id"), in, r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

// progress streams the content page's progress: one "progress" event per
// finished asset, then "done" with the whole content when no job runs.
// It polls the database, so it works whichever process runs the job.
func (a *API) progress(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	if _, err := a.svc.owned(ctx, p.UserID, id, r); err != nil && !errors.Is(err, ErrContentNotFound) {
		httpapi.WriteError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		_ = rc.Flush()
		return true
	}
	seen := map[string]string{} // asset id → sha256 already sent
	first, last := true, ""
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		c, err := a.svc.Get(ctx, p.UserID, id, r)
		if err != nil {
			return
		}
		st, _ := a.svc.d.Store.Set(ctx, nil, id)
		for i := range c.Assets {
			as := c.Assets[i]
			if first {
				seen[as.ID] = as.SHA256 // the stream reports what changes from now on
				continue
			}
			if seen[as.ID] == as.SHA256 {
				continue
			}
			seen[as.ID] = as.SHA256
			if !send("progress", Progress{Done: st.Done, Total: st.Total, Status: c.Status, Asset: &as}) {
				return
			}
		}
		if now := fmt.Sprint(st.Done, "/", st.Total, c.Status); now != last {
			last = now
			if !send("progress", Progress{Done: st.Done, Total: st.Total, Status: c.Status}) {
				return
			}
		}
		first = false
		if c.Status != StatusGenerating {
			send("done", c)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-heartbeat.C:
			_, _ = fmt.Fprint(w, ": keep-alive\n\n")
			_ = rc.Flush()
		case <-tick.C:
		}
	}
}

// MediaCacheControl: blob keys are content hashes, so a file never changes
// under its URL (the seed's 7-day cache).
const MediaCacheControl = "public, max-age=604800, immutable"

// MediaHandler serves GET/HEAD /media/{key...} from the blob store: the
// content service's files only, with long-lived cache headers. Keys are
// unguessable content hashes (the owner's drafts need no further check).
func MediaHandler(store func() blob.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, MediaPrefix)
		st := store()
		if st == nil {
			httpapi.WriteError(w, r, ErrMediaNotFound)
			return
		}
		if !strings.HasPrefix(key, blobPrefix) || blob.ValidKey(key) != nil {
			httpapi.WriteError(w, r, ErrMediaNotFound)
			return
		}
		w.Header().Set("Cache-Control", MediaCacheControl)
		if err := blob.Serve(w, r, st, key); err != nil {
			w.Header().Del("Cache-Control")
			httpapi.WriteError(w, r, ErrMediaNotFound.Wrap(err))
		}
	})
}
