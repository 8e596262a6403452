package content_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/content/imagegen"
	"github.com/autoevent/autoevent/internal/content/render"
	"github.com/autoevent/autoevent/internal/content/sqlstore"
	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// fakeJobs records submitted jobs; the test runs their handlers itself.
type fakeJobs struct {
	mu   sync.Mutex
	jobs []jobs.Job
}

func (f *fakeJobs) SubmitTx(_ context.Context, _ *db.Tx, owner, kind, subject string, input any) (jobs.Job, error) {
	in, _ := json.Marshal(input)
	j := jobs.Job{ID: uuid.NewString(), OwnerID: owner, Kind: kind, SubjectID: subject, Status: jobs.Pending, Input: in}
	f.mu.Lock()
	f.jobs = append(f.jobs, j)
	f.mu.Unlock()
	return j, nil
}

func (f *fakeJobs) Latest(_ context.Context, kind, subject string) (jobs.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.jobs) - 1; i >= 0; i-- {
		if f.jobs[i].Kind == kind && f.jobs[i].SubjectID == subject {
			return f.jobs[i], nil
		}
	}
	return jobs.Job{}, jobs.ErrNotFound
}

func (f *fakeJobs) finish(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.jobs {
		if f.jobs[i].ID == id {
			f.jobs[i].Status = jobs.Completed
		}
	}
}

// events answers as the event service would: another owner's event is not
// found.
type events struct{ owner string }

func (e events) ContentEvent(_ context.Context, id string, r *http.Request) (content.EventInfo, error) {
	if r.Header.Get("X-Owner") != e.owner {
		return content.EventInfo{}, content.ErrEventNotFound
	}
	return content.EventInfo{ID: id, StoreName: "행복한 빵집", Industry: "BAKERY", Status: "PLANNED", HasPlan: true,
		Title: "가을 신메뉴 시식 이벤트", Benefit: "소금빵 1개 무료", Headline: "소금빵 드세요", Body: "선착순 30명",
		Hashtags: []string{"소금빵"}, Method: "FIRST_COME", Coupons: 30, StartDate: "2026-12-01", EndDate: "2026-12-14"}, nil
}

// countingBlobs counts Puts: content addressing means a repeated input
// writes nothing.
type countingBlobs struct {
	blob.Store
	puts atomic.Int64
}

func (c *countingBlobs) Put(ctx context.Context, key string, r io.Reader, o blob.PutOptions) (blob.Attrs, error) {
	c.puts.Add(1)
	return c.Store.Put(ctx, key, r, o)
}

// links answers as the participation service does once the event is
// approved.
type links struct{}

func (links) ParticipationLinks(_ context.Context, id string, _ *http.Request) (string, string, bool, error) {
	return "https://ae.example/e/Code" + id, "https://ae.example/e/Code" + id + "?v=token&c=qr", true, nil
}

type voice struct{}

func (voice) Name() string { return "test-voice" }
func (voice) Synthesize(_ context.Context, text string) (tts.Audio, error) {
	return tts.Audio{Data: tts.EncodeWAV(make([]int16, 16000), 16000), ContentType: "audio/wav", Duration: time.Second}, nil
}

// painter is a remote image provider: it paints, or fails like a provider
// that is down.
type painter struct {
	fail  bool
	calls atomic.Int64
}

func (p *painter) Name() string { return "stability" }
func (p *painter) Generate(_ context.Context, r imagegen.Request) (image.Image, error) {
	p.calls.Add(1)
	if p.fail {
		return nil, &imagegen.ProviderError{Provider: "stability", StatusCode: 503, Code: "unavailable"}
	}
	img := image.NewRGBA(image.Rect(0, 0, r.Width, r.Height))
	for y := range r.Height {
		for x := range r.Width {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img, nil
}

type rig struct {
	svc   *content.Service
	store *sqlstore.Store
	blobs *countingBlobs
	jobs  *fakeJobs
	now   *atomic.Pointer[time.Time]
	mu    sync.Mutex
	sent  []messages.ContentReady
}

func newRig(t *testing.T, images imagegen.Generator) *rig {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	st := sqlstore.New(d)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	fs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{store: st, blobs: &countingBlobs{Store: fs}, jobs: &fakeJobs{}, now: &atomic.Pointer[time.Time]{}}
	start := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	r.now.Store(&start)
	r.svc, err = content.NewService(content.ServiceDeps{DB: d, Store: st, Blobs: r.blobs, Jobs: r.jobs,
		Publish: func(_ context.Context, _ *db.Tx, e bus.Event) error {
			r.mu.Lock()
			r.sent = append(r.sent, e.(messages.ContentReady))
			r.mu.Unlock()
			return nil
		},
		Events: events{owner: "u1"}, Links: links{}, Images: images, Speech: voice{}, PublicURL: "https://ae.example",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return *r.now.Load() }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) run(t *testing.T, j jobs.Job) jobs.Result {
	t.Helper()
	res, err := r.svc.HandleImageJob(context.Background(), j, func(context.Context, int, string) {})
	if err != nil {
		t.Fatalf("image job: %v", err)
	}
	r.jobs.finish(j.ID)
	return res
}

func as(owner string) *http.Request {
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Owner", owner)
	return req
}

func code(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return ""
}

// TestImageJob makes every image of the three styles at every size, the
// poster, the copy and the ringback audio; a second run of the same input
// renders nothing; ContentReady is published with the final state.
func TestImageJob(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	job, err := r.svc.Start(ctx, "u1", "ev1", content.StartInput{}, as("u1"))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := r.svc.Get(ctx, "u1", "ev1", as("u1")); c.Status != content.StatusGenerating {
		t.Errorf("status while the job waits = %s", c.Status)
	}
	res := r.run(t, job)
	if res.URL != "/api/v1/events/ev1/content" {
		t.Errorf("result URL %q", res.URL)
	}
	c, err := r.svc.Get(ctx, "u1", "ev1", as("u1"))
	if err != nil {
		t.Fatal(err)
	}
	want := len(render.Styles)*len(render.Sizes) + 3 // + poster PNG, PDF, audio
	if c.Status != content.StatusReady || len(c.Assets) != want || c.Notice != "" {
		t.Fatalf("content: %s, %d assets (want %d), notice %q", c.Status, len(c.Assets), want, c.Notice)
	}
	kinds := map[string]int{}
	for _, a := range c.Assets {
		kinds[a.Kind]++
		rc, at, err := r.blobs.Get(ctx, a.URL[len(content.MediaPrefix):])
		if err != nil {
			t.Fatalf("asset %s: %v", a.ID, err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if at.SHA256 != a.SHA256 || int64(len(data)) != a.Bytes {
			t.Errorf("asset %s: checksum/size differ from the stored file", a.ID)
		}
		if a.Kind == content.KindImage {
			cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil || format != "png" || cfg.Width != a.Width || cfg.Height != a.Height {
				t.Errorf("image %s %s: %s %dx%d (%v), want png %dx%d", a.Style, a.Size, format, cfg.Width, cfg.Height, err, a.Width, a.Height)
			}
			if size, _ := render.SizeByName(a.Size); size.Width != a.Width || size.Height != a.Height || a.Provider != "local" {
				t.Errorf("image %s: %dx%d by %s", a.Size, a.Width, a.Height, a.Provider)
			}
		}
		if a.Kind == content.KindPosterPDF && !bytes.HasPrefix(data, []byte("%PDF")) {
			t.Errorf("poster PDF does not start with %%PDF")
		}
	}
	if kinds[content.KindImage] != want-3 || kinds[content.KindPosterPNG] != 1 || kinds[content.KindPosterPDF] != 1 || kinds[content.KindAudio] != 1 {
		t.Errorf("kinds = %v", kinds)
	}
	if len(c.Copy) != 5 || len(c.ChannelStyles) != len(messages.Channels) {
		t.Errorf("%d copies, channel styles %v", len(c.Copy), c.ChannelStyles)
	}
	if len(r.sent) != 1 || r.sent[0].EventID != "ev1" || r.sent[0].AssetCount != want || r.sent[0].Degraded {
		t.Errorf("published %+v", r.sent)
	}

	// The same input again: every file is found by its content address.
	puts := r.blobs.puts.Load()
	job, err = r.svc.Start(ctx, "u1", "ev1", content.StartInput{}, as("u1"))
	if err != nil {
		t.Fatal(err)
	}
	r.run(t, job)
	if n := r.blobs.puts.Load() - puts; n != 0 {
		t.Errorf("second run of the same input wrote %d files, want 0", n)
	}
	c2, _ := r.svc.Get(ctx, "u1", "ev1", as("u1"))
	if len(c2.Assets) != want {
		t.Errorf("second run: %d assets", len(c2.Assets))
	}

	// Another owner sees nothing and changes nothing.
	if _, err := r.svc.Get(ctx, "u2", "ev1", as("u2")); code(err) != messages.CodeEventNotFound {
		t.Errorf("another owner's Get: %v", err)
	}
	if _, err := r.svc.Start(ctx, "u2", "ev1", content.StartInput{}, as("u2")); code(err) != messages.CodeEventNotFound {
		t.Errorf("another owner's Start: %v", err)
	}
	if _, err := r.svc.RegenerateStyle(ctx, "u2", "ev1", "vivid", as("u2")); code(err) != messages.CodeEventNotFound {
		t.Errorf("another owner's RegenerateStyle: %v", err)
	}
}

// TestRemoteImagesFallBack: with the provider down every picture is made
// locally and the content says so; with it up, each style gets one
// picture (cached: a second run asks for none).
func TestRemoteImagesFallBack(t *testing.T) {
	ctx := context.Background()
	down := &painter{fail: true}
	r := newRig(t, down)
	job, err := r.svc.Start(ctx, "u1", "ev1", content.StartInput{}, as("u1"))
	if err != nil {
		t.Fatal(err)
	}
	res := r.run(t, job)
	c, _ := r.svc.Get(ctx, "u1", "ev1", as("u1"))
	if c.Notice != content.NoticeImagesLocal || len(r.sent) != 1 || !r.sent[0].Degraded || !bytes.Contains([]byte(res.Message), []byte(content.NoticeImagesLocal)) {
		t.Errorf("notice %q, result %q, published %+v", c.Notice, res.Message, r.sent)
	}
	for _, a := range c.Assets {
		if a.Kind == content.KindImage && a.Provider != "local" {
			t.Errorf("image by %s, want local", a.Provider)
		}
	}
	if down.calls.Load() != 3 {
		t.Errorf("provider asked %d times, want once per style (3)", down.calls.Load())
	}

	up := &painter{}
	r = newRig(t, up)
	job, _ = r.svc.Start(ctx, "u1", "ev1", content.StartInput{Styles: []string{"vivid", "simple"}}, as("u1"))
	r.run(t, job)
	c, _ = r.svc.Get(ctx, "u1", "ev1", as("u1"))
	if c.Notice != "" || up.calls.Load() != 2 {
		t.Errorf("notice %q, provider asked %d times (want 2 styles)", c.Notice, up.calls.Load())
	}
	for _, a := range c.Assets {
		if a.Kind == content.KindImage && (a.Provider != "stability" || a.Style == "trendy") {
			t.Errorf("image %s by %s", a.Style, a.Provider)
		}
		dump(t, r, a)
	}
	job, _ = r.svc.Start(ctx, "u1", "ev1", content.StartInput{Styles: []string{"vivid", "simple"}}, as("u1"))
	r.run(t, job)
	if up.calls.Load() != 2 {
		t.Errorf("same input: provider asked again (%d calls)", up.calls.Load())
	}
}

// TestEditAndSweep: bad edits are refused with stable codes and change
// nothing; a good one re-renders only its image; the replaced file is
// deleted once unused for 7 days, the files in use stay.
func TestEditAndSweep(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, nil)
	job, _ := r.svc.Start(ctx, "u1", "ev1", content.StartInput{Styles: []string{"simple"}}, as("u1"))
	r.run(t, job)
	before, _ := r.svc.Get(ctx, "u1", "ev1", as("u1"))
	var target content.Asset
	for _, a := range before.Assets {
		if a.Kind == content.KindImage && a.Size == "ig_square" {
			target = a
		}
	}
	long := string(bytes.Repeat([]byte("가"), content.MaxTitle+1))
	jobsBefore := len(r.jobs.jobs)
	for name, tc := range map[string]struct {
		in   content.RegenerateInput
		code string
	}{
		"style":  {content.RegenerateInput{Style: "neon"}, "unknown_style"},
		"long":   {content.RegenerateInput{Title: &long}, "text_too_long"},
		"colour": {content.RegenerateInput{Colors: &content.Colors{Accent: "red"}}, "invalid_color"},
	} {
		if _, err := r.svc.RegenerateAsset(ctx, "u1", "ev1", target.ID, tc.in, as("u1")); code(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	if _, err := r.svc.RegenerateAsset(ctx, "u1", "ev1", "nope", content.RegenerateInput{}, as("u1")); code(err) != "asset_not_found" {
		t.Errorf("unknown asset: %v", err)
	}
	if _, err := r.svc.RegenerateAsset(ctx, "u2", "ev1", target.ID, content.RegenerateInput{}, as("u2")); code(err) != messages.CodeEventNotFound {
		t.Errorf("another owner's asset: %v", err)
	}
	if edits, _ := r.store.Edits(ctx, "ev1"); len(edits) != 0 || len(r.jobs.jobs) != jobsBefore {
		t.Fatalf("bad input changed something: edits %v, jobs %d → %d", edits, jobsBefore, len(r.jobs.jobs))
	}

	title, none := "새 제목으로 바꿨어요", "" // a plan may have no benefit line
	job, err := r.svc.RegenerateAsset(ctx, "u1", "ev1", target.ID, content.RegenerateInput{Title: &title, Benefit: &none, Style: "vivid",
		Colors: &content.Colors{Accent: "#ff3366"}}, as("u1"))
	if err != nil {
		t.Fatal(err)
	}
	r.run(t, job)
	after, _ := r.svc.Get(ctx, "u1", "ev1", as("u1"))
	changed := 0
	old := map[string]content.Asset{}
	for _, a := range before.Assets {
		old[a.ID] = a
	}
	for _, a := range after.Assets {
		if old[a.ID].SHA256 != a.SHA256 {
			changed++
			if a.ID != target.ID || a.Style != "vivid" || a.Slot != "simple" {
				t.Errorf("changed %s (%s/%s), want only %s in vivid", a.ID, a.Slot, a.Style, target.ID)
			}
		}
	}
	if changed != 1 || len(after.Assets) != len(before.Assets) {
		t.Errorf("%d assets changed, %d → %d assets", changed, len(before.Assets), len(after.Assets))
	}

	oldKey := target.URL[len(content.MediaPrefix):]
	if n, err := r.svc.Sweep(ctx); err != nil || n != 0 {
		t.Errorf("sweep at once: %d, %v (the replaced file is kept 7 days)", n, err)
	}
	later := r.now.Load().Add(content.Retention + time.Hour)
	r.now.Store(&later)
	if n, err := r.svc.Sweep(ctx); err != nil || n != 1 {
		t.Errorf("sweep after 7 days: %d, %v, want 1", n, err)
	}
	if _, err := r.blobs.Stat(ctx, oldKey); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("replaced file still there: %v", err)
	}
	for _, a := range after.Assets {
		if _, err := r.blobs.Stat(ctx, a.URL[len(content.MediaPrefix):]); err != nil {
			t.Errorf("file in use %s deleted: %v", a.ID, err)
		}
	}
}

// dump writes an asset to $CONTENT_DUMP (to look at the pictures).
func dump(t *testing.T, r *rig, a content.Asset) {
	dir := os.Getenv("CONTENT_DUMP")
	if dir == "" {
		return
	}
	rc, _, err := r.blobs.Get(context.Background(), strings.TrimPrefix(a.URL, content.MediaPrefix))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	ext := map[string]string{"image/png": ".png", "application/pdf": ".pdf", "audio/wav": ".wav", "audio/mpeg": ".mp3"}[a.ContentType]
	_ = os.WriteFile(filepath.Join(dir, a.Kind+"-"+a.Style+"-"+a.Size+ext), data, 0o644)
}
