package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/content/imagegen"
	"github.com/autoevent/autoevent/internal/content/render"
	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// Job kinds and queues: the seed's image-job topic, and the videos.
const (
	ImageJobKind = "image-job"
	VideoJobKind = "video-job"
	// Retention is the seed's 7-day image cache: a blob no asset uses any
	// more is deleted this long after it was last used.
	Retention = 7 * 24 * time.Hour
	// MediaPrefix is where blobs are served.
	MediaPrefix = "/media/"
	// blobPrefix is the content service's part of the blob store.
	blobPrefix = "content/"
)

// Text limits of an edit (characters); the renderer shrinks and wraps
// anything up to them.
const (
	MaxTitle   = 60
	MaxBenefit = 60
	MaxCTA     = 20
	MaxStore   = 40
)

// EventInfo is what the content service needs to know about an event.
type EventInfo struct {
	ID        string
	StoreName string
	Industry  string
	Status    string
	Title     string
	Benefit   string
	Headline  string
	Body      string
	Hashtags  []string
	Method    string
	Winners   int
	Coupons   int
	StartDate string
	EndDate   string
	HasPlan   bool
}

// Events reads an event as the caller (the event service's public API, with
// the caller's credentials in r); another owner's event is a NotFound error.
type Events interface {
	ContentEvent(ctx context.Context, eventID string, r *http.Request) (EventInfo, error)
}

// Links gives the participation page of an event and its store-visit
// variant, once the participation service has the event (after approval);
// ok is false before.
type Links interface {
	ParticipationLinks(ctx context.Context, eventID string, r *http.Request) (entryURL, visitURL string, ok bool, err error)
}

// Jobs is the part of the job framework the service uses.
type Jobs interface {
	SubmitTx(ctx context.Context, tx *db.Tx, ownerID, kind, subjectID string, input any) (jobs.Job, error)
	Latest(ctx context.Context, kind, subjectID string) (jobs.Job, error)
}

// Call runs one remote provider call under the resilience policy of system.
type Call func(ctx context.Context, system string, call func(context.Context) error) error

// ServiceDeps wires the content service.
type ServiceDeps struct {
	DB      *db.DB
	Store   Store
	Blobs   blob.Store
	Jobs    Jobs
	Publish bus.Publisher
	Events  Events
	Links   Links // optional
	// Images is the remote image provider (nil: the local renderer only);
	// Wrap applies the resilience policy to its calls.
	Images imagegen.Generator
	Wrap   Call
	// Speech voices the ringback audio and the narration; Fallback when it
	// fails (the local synthesizer).
	Speech         tts.Synthesizer
	SpeechFallback tts.Synthesizer
	// Videos makes the two videos after the images (nil: no video job).
	Videos Videos
	// PublicURL makes absolute media URLs (the blog post's pictures, links
	// for entry when participation has none yet).
	PublicURL string
	// RenderSlots bounds concurrent renders in the process (default: CPUs),
	// whatever the number of running jobs.
	RenderSlots int
	Log         *slog.Logger
	Now         func() time.Time
}

// Service makes, stores and serves event content.
type Service struct {
	d     ServiceDeps
	slots chan struct{}
}

// NewService checks the dependencies.
func NewService(d ServiceDeps) (*Service, error) {
	if d.DB == nil || d.Store == nil || d.Blobs == nil || d.Jobs == nil || d.Publish == nil || d.Events == nil || d.Speech == nil {
		return nil, errors.New("content: NewService needs DB, Store, Blobs, Jobs, Publish, Events and Speech")
	}
	if d.Wrap == nil {
		d.Wrap = func(ctx context.Context, _ string, call func(context.Context) error) error { return call(ctx) }
	}
	if d.SpeechFallback == nil {
		d.SpeechFallback = d.Speech
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.RenderSlots <= 0 {
		d.RenderSlots = runtime.GOMAXPROCS(0)
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	return &Service{d: d, slots: make(chan struct{}, d.RenderSlots)}, nil
}

func (s *Service) now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// job operations
const (
	opAll   = "all"
	opStyle = "style"
	opAsset = "asset"
)

// jobInput is the payload of both job kinds: everything the workers need,
// so they never call another service back.
type jobInput struct {
	Op      string   `json:"op"`
	Styles  []string `json:"styles"`
	AssetID string   `json:"assetId,omitempty"`
	Variant int      `json:"variant"`
}

// ParseStyles validates a style list ("" = all three), in the canonical
// order.
func ParseStyles(in []string) ([]string, error) {
	if len(in) == 0 {
		out := make([]string, 0, len(render.Styles))
		for _, st := range render.Styles {
			out = append(out, string(st))
		}
		return out, nil
	}
	var out []string
	for i, x := range in {
		st, ok := render.ParseStyle(x)
		if !ok {
			return nil, errUnknownStyle(fmt.Sprintf("styles[%d]", i))
		}
		if !slices.Contains(out, string(st)) {
			out = append(out, string(st))
		}
	}
	return out, nil
}

func sourceOf(ownerID string, ev EventInfo) Source {
	return Source{EventID: ev.ID, OwnerID: ownerID, StoreName: ev.StoreName, Industry: ev.Industry, Title: ev.Title, Benefit: ev.Benefit,
		Headline: ev.Headline, Body: ev.Body, Hashtags: ev.Hashtags, Method: ev.Method, Winners: ev.Winners, Coupons: ev.Coupons,
		StartDate: ev.StartDate, EndDate: ev.EndDate}
}

// contentable says whether content can be made for an event in status st.
func contentable(ev EventInfo) bool {
	switch ev.Status {
	case "PLANNED", "CONTENT_READY", "APPROVED", "ACTIVE":
		return ev.HasPlan
	}
	return false
}

// Start asks for the content of the caller's event: every image of the
// chosen styles, the poster, the copy and the ringback audio (image-job;
// the videos follow as a video-job). A job already running is returned.
func (s *Service) Start(ctx context.Context, ownerID, eventID string, in StartInput, r *http.Request) (jobs.Job, error) {
	styles, err := ParseStyles(in.Styles)
	if err != nil {
		return jobs.Job{}, err
	}
	ev, err := s.d.Events.ContentEvent(ctx, eventID, r)
	if err != nil {
		return jobs.Job{}, err
	}
	if !contentable(ev) {
		return jobs.Job{}, ErrNotPlanned.Wrap(fmt.Errorf("event %s is %s", eventID, ev.Status))
	}
	if j, ok := s.running(ctx, eventID, ownerID); ok {
		return j, nil
	}
	src := sourceOf(ownerID, ev)
	s.links(ctx, &src, r)
	prev, err := s.d.Store.Set(ctx, nil, eventID)
	found := err == nil
	if err != nil && !errors.Is(err, ErrContentNotFound) {
		return jobs.Job{}, err
	}
	if found && prev.OwnerID != ownerID {
		return jobs.Job{}, ErrEventNotFound
	}
	variant := 0
	if found {
		variant = prev.Source.Variant
		if in.Regenerate {
			variant++
		}
	}
	src.Variant = variant
	return s.submit(ctx, ownerID, eventID, ImageJobKind, jobInput{Op: opAll, Styles: styles, Variant: variant}, func(st *Set) {
		st.Source, st.Styles = src, styles
	})
}

// links fills the participation links: the participation page when the
// participation service has the event, else the owner-side event page so
// the QR and links are never empty (they are made again after approval).
func (s *Service) links(ctx context.Context, src *Source, r *http.Request) {
	if s.d.Links != nil {
		entry, visit, ok, err := s.d.Links.ParticipationLinks(ctx, src.EventID, r)
		if err == nil && ok {
			src.EntryURL, src.VisitURL = entry, visit
			return
		}
		if err != nil {
			s.d.Log.Warn("content: participation links unavailable", "event", src.EventID, "err", err)
		}
	}
	src.EntryURL, src.LinksPending = s.d.PublicURL+"/events/"+src.EventID, true
}

// submit saves the set as GENERATING and queues the job in one transaction.
func (s *Service) submit(ctx context.Context, ownerID, eventID, kind string, in jobInput, edit func(*Set)) (jobs.Job, error) {
	var job jobs.Job
	err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		st, err := s.d.Store.Set(ctx, tx, eventID)
		if errors.Is(err, ErrContentNotFound) {
			st, err = Set{EventID: eventID, OwnerID: ownerID}, nil
		}
		if err != nil {
			return err
		}
		if job, err = s.d.Jobs.SubmitTx(ctx, tx, ownerID, kind, eventID, in); err != nil {
			return err
		}
		if edit != nil {
			edit(&st)
		}
		st.Status, st.JobID, st.Done, st.Total, st.UpdatedAt = StatusGenerating, job.ID, 0, 0, s.now()
		if kind == ImageJobKind {
			st.Notice = ""
		}
		return s.d.Store.SaveSet(ctx, tx, st)
	})
	return job, err
}

// running returns the event's image job still under way (a video job may
// run beside a new image job: it read its frames when it started).
func (s *Service) running(ctx context.Context, eventID, ownerID string) (jobs.Job, bool) {
	if j, err := s.d.Jobs.Latest(ctx, ImageJobKind, eventID); err == nil && !j.Done() && j.OwnerID == ownerID {
		return j, true
	}
	return jobs.Job{}, false
}

// owned returns the caller's content set; another owner's (or none, for
// an event that is not the caller's) is ErrEventNotFound.
func (s *Service) owned(ctx context.Context, ownerID, eventID string, r *http.Request) (Set, error) {
	st, err := s.d.Store.Set(ctx, nil, eventID)
	if err == nil {
		if st.OwnerID != ownerID {
			return Set{}, ErrEventNotFound
		}
		return st, nil
	}
	if !errors.Is(err, ErrContentNotFound) {
		return Set{}, err
	}
	// No content yet: whose event is it?
	if _, err := s.d.Events.ContentEvent(ctx, eventID, r); err != nil {
		return Set{}, err
	}
	return Set{}, ErrContentNotFound
}

// Get returns the caller's content of the event (status NONE before any).
func (s *Service) Get(ctx context.Context, ownerID, eventID string, r *http.Request) (Content, error) {
	st, err := s.owned(ctx, ownerID, eventID, r)
	if errors.Is(err, ErrContentNotFound) {
		return Content{EventID: eventID, Status: StatusNone, Assets: []Asset{}, Copy: []Copy{}, ChannelStyles: map[string]string{}}, nil
	}
	if err != nil {
		return Content{}, err
	}
	return s.document(ctx, st)
}

func (s *Service) document(ctx context.Context, st Set) (Content, error) {
	assets, err := s.d.Store.Assets(ctx, st.EventID)
	if err != nil {
		return Content{}, err
	}
	for i := range assets {
		assets[i].URL = MediaPrefix + assets[i].BlobKey
	}
	cp, err := s.d.Store.Copy(ctx, st.EventID)
	if err != nil {
		return Content{}, err
	}
	cs, err := s.channelStyles(ctx, st)
	if err != nil {
		return Content{}, err
	}
	c := Content{EventID: st.EventID, Status: s.status(ctx, st, len(assets)), JobID: st.JobID, VideoJobID: st.VideoJobID, Notice: st.Notice,
		Assets: assets, Copy: cp, ChannelStyles: cs, UpdatedAt: st.UpdatedAt}
	return c, nil
}

// status is the stored status, corrected when the job it waits for ended
// without finishing it (failed or cancelled).
func (s *Service) status(ctx context.Context, st Set, assets int) string {
	if st.Status != StatusGenerating || st.JobID == "" {
		return st.Status
	}
	j, err := s.d.Jobs.Latest(ctx, ImageJobKind, st.EventID)
	switch {
	case err == nil && j.ID == st.JobID && !j.Done():
		return StatusGenerating
	case err == nil && j.ID == st.JobID && j.Status == jobs.Failed && assets == 0:
		return StatusFailed
	case assets == 0:
		return StatusNone
	}
	return StatusReady
}

// channelStyles is the owner's choice, completed with defaults: every
// channel gets the first style made.
func (s *Service) channelStyles(ctx context.Context, st Set) (map[string]string, error) {
	cs, err := s.d.Store.ChannelStyles(ctx, st.EventID)
	if err != nil {
		return nil, err
	}
	def := string(render.StyleSimple)
	if len(st.Styles) > 0 {
		def = st.Styles[0]
	}
	for _, ch := range messages.Channels {
		if cs[ch] == "" {
			cs[ch] = def
		}
	}
	return cs, nil
}

// SetChannelStyles records which style goes to which channel.
func (s *Service) SetChannelStyles(ctx context.Context, ownerID, eventID string, in map[string]string, r *http.Request) (Content, error) {
	for ch, st := range in {
		if !messages.ValidChannel(ch) {
			return Content{}, errUnknownChannel(ch)
		}
		if _, ok := render.ParseStyle(st); !ok {
			return Content{}, errUnknownStyle(ch)
		}
	}
	st, err := s.owned(ctx, ownerID, eventID, r)
	if err != nil {
		return Content{}, err
	}
	if err := s.d.Store.SetChannelStyles(ctx, nil, eventID, in); err != nil {
		return Content{}, err
	}
	return s.document(ctx, st)
}

// RegenerateStyle renders every image of one style again.
func (s *Service) RegenerateStyle(ctx context.Context, ownerID, eventID, style string, r *http.Request) (jobs.Job, error) {
	st, ok := render.ParseStyle(style)
	if !ok {
		return jobs.Job{}, errUnknownStyle("style")
	}
	set, err := s.owned(ctx, ownerID, eventID, r)
	if err != nil {
		return jobs.Job{}, err
	}
	if _, busy := s.running(ctx, eventID, ownerID); busy {
		return jobs.Job{}, ErrContentBusy
	}
	set.Source.Variant++
	return s.submit(ctx, ownerID, eventID, ImageJobKind, jobInput{Op: opStyle, Styles: []string{string(st)}, Variant: set.Source.Variant}, func(x *Set) {
		x.Source = set.Source
		if !slices.Contains(x.Styles, string(st)) {
			x.Styles = append(x.Styles, string(st))
		}
	})
}

// checkEdit validates an edit before anything is written.
func checkEdit(in RegenerateInput) error {
	var v apperr.Validation
	if in.Style != "" {
		if _, ok := render.ParseStyle(in.Style); !ok {
			return errUnknownStyle("style")
		}
	}
	for _, f := range []struct {
		name string
		val  *string
		max  int
	}{{"title", in.Title, MaxTitle}, {"benefit", in.Benefit, MaxBenefit}, {"cta", in.CTA, MaxCTA}} {
		if f.val != nil && utf8.RuneCountInString(*f.val) > f.max || f.val != nil && !utf8.ValidString(*f.val) {
			return errTextTooLong(f.name)
		}
	}
	if c := in.Colors; c != nil {
		for name, val := range map[string]string{"colors.background": c.Background, "colors.accent": c.Accent, "colors.text": c.Text} {
			if val != "" && !validColor(val) {
				return errBadColor(name)
			}
		}
	}
	return v.Err()
}

func validColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	_, err := hex.DecodeString(s[1:])
	return err == nil
}

// RegenerateAsset applies the owner's edit to one image (or the poster)
// and renders it again; the edit is kept for later runs.
func (s *Service) RegenerateAsset(ctx context.Context, ownerID, eventID, assetID string, in RegenerateInput, r *http.Request) (jobs.Job, error) {
	if err := checkEdit(in); err != nil {
		return jobs.Job{}, err
	}
	set, err := s.owned(ctx, ownerID, eventID, r)
	if errors.Is(err, ErrContentNotFound) {
		return jobs.Job{}, ErrAssetNotFound
	}
	if err != nil {
		return jobs.Job{}, err
	}
	a, err := s.d.Store.Asset(ctx, eventID, assetID)
	if err != nil {
		return jobs.Job{}, err
	}
	if a.Kind != KindImage && a.Kind != KindPosterPNG && a.Kind != KindPosterPDF {
		return jobs.Job{}, ErrAssetNotFound.Wrap(fmt.Errorf("asset %s is %s: not editable", assetID, a.Kind))
	}
	if _, busy := s.running(ctx, eventID, ownerID); busy {
		return jobs.Job{}, ErrContentBusy
	}
	edits, err := s.d.Store.Edits(ctx, eventID)
	if err != nil {
		return jobs.Job{}, err
	}
	key := editKey(a)
	e := edits[key]
	if in.Style != "" {
		e.Style = in.Style
	}
	if in.Title != nil {
		e.Title = in.Title
	}
	if in.Benefit != nil {
		e.Benefit = in.Benefit
	}
	if in.CTA != nil {
		e.CTA = in.CTA
	}
	if in.Colors != nil {
		e.Colors = in.Colors
	}
	var job jobs.Job
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.SaveEdit(ctx, tx, eventID, key, e); err != nil {
			return err
		}
		var err error
		job, err = s.d.Jobs.SubmitTx(ctx, tx, ownerID, ImageJobKind, eventID, jobInput{Op: opAsset, AssetID: assetID, Variant: set.Source.Variant})
		if err != nil {
			return err
		}
		set.Status, set.JobID, set.Done, set.Total, set.UpdatedAt = StatusGenerating, job.ID, 0, 0, s.now()
		return s.d.Store.SaveSet(ctx, tx, set)
	})
	return job, err
}

// editKey: the poster's PNG and PDF share one edit.
func editKey(a Asset) string {
	if a.Kind == KindPosterPDF || a.Kind == KindPosterPNG {
		return "poster"
	}
	return a.ID
}

// assetID is stable per slot, so a regeneration replaces the asset.
func assetID(eventID, kind, slot, size string) string {
	h := sha256.Sum256([]byte(eventID + "\x00" + kind + "\x00" + slot + "\x00" + size))
	return hex.EncodeToString(h[:12])
}

// Sweep deletes the blobs no asset has used for Retention (the seed's
// 7-day cache) and returns how many went.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	for {
		keys, err := s.d.Store.UnusedBlobs(ctx, s.d.Now().UTC().Add(-Retention), 200)
		if err != nil || len(keys) == 0 {
			return n, err
		}
		for _, k := range keys {
			if err := s.d.Blobs.Delete(ctx, k); err != nil {
				return n, err
			}
			if err := s.d.Store.ForgetBlob(ctx, k); err != nil {
				return n, err
			}
			n++
		}
		if len(keys) < 200 {
			return n, nil
		}
	}
}

// RunSweeper sweeps every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.d.Log.Warn("content: sweep failed", "err", err)
		} else if n > 0 {
			s.d.Log.Info("content: unused blobs deleted", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Kinds are the job kinds to register: bounded worker pools per process
// (the renders themselves share RenderSlots).
func (s *Service) Kinds(imageWorkers, videoWorkers int) []jobs.Kind {
	return []jobs.Kind{
		{Name: ImageJobKind, Queue: ImageJobKind, Workers: imageWorkers, Timeout: 3 * time.Minute, RetryAfter: time.Second, Handler: s.HandleImageJob},
		{Name: VideoJobKind, Queue: VideoJobKind, Workers: videoWorkers, Timeout: 5 * time.Minute, RetryAfter: 2 * time.Second, Handler: s.HandleVideoJob},
	}
}
