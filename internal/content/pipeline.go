package content

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/png" // decodes stored frames and backgrounds
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/autoevent/autoevent/internal/content/imagegen"
	"github.com/autoevent/autoevent/internal/content/render"
	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// renderVersion is part of every content address: a change to the renderer
// that alters its output bumps it, so old files are not served for new
// inputs (and the sweep removes them).
const renderVersion = "r1"

// Notices shown to the owner when something fell back.
const (
	NoticeImagesLocal  = "원격 이미지 생성이 실패해 기본 디자인으로 만들었어요"
	NoticeSpeechLocal  = "음성 합성 서비스가 응답하지 않아 기본 음성으로 만들었어요"
	NoticeLinksPending = "참여 링크는 이벤트를 승인한 뒤 콘텐츠를 다시 만들면 포스터와 문구에 들어가요"
)

// task is one file an image job makes.
type task struct {
	kind   string
	slot   string // style column
	style  string // style rendered (an edit may change it)
	size   render.Size
	edit   Edit
	poster bool
}

func (t task) id(eventID string) string {
	size := t.size.Name
	if t.poster {
		size = ""
	}
	return assetID(eventID, t.kind, t.slot, size)
}

// background is a picture from the remote provider for one style.
type background struct {
	img      image.Image
	key      string
	provider string
}

// run keeps the per-job state.
type run struct {
	s        *Service
	job      jobs.Job
	set      Set
	progress jobs.Progress
	total    int
	done     atomic.Int64
	degraded atomic.Bool
	speech   atomic.Bool
	mu       sync.Mutex
	assets   []Asset
	// touchesVideo: the job re-renders frames of the videos.
	touchesVideo bool
}

// step records one finished asset: the content page's progress.
func (r *run) step(ctx context.Context, a *Asset) {
	n := int(r.done.Add(1))
	if a != nil {
		r.mu.Lock()
		r.assets = append(r.assets, *a)
		r.mu.Unlock()
	}
	_ = r.s.d.Store.SetProgress(ctx, r.set.EventID, n, r.total)
	r.progress(ctx, 1+n*98/max(r.total, 1), fmt.Sprintf("%d/%d 만드는 중", n, r.total))
}

// HandleImageJob runs one image-job: backgrounds from the remote provider
// (when configured), every image and the poster by the renderer, the copy
// and the ringback audio, then the final state with ContentReady (and the
// video job) in one transaction.
func (s *Service) HandleImageJob(ctx context.Context, job jobs.Job, progress jobs.Progress) (jobs.Result, error) {
	var in jobInput
	if err := json.Unmarshal(job.Input, &in); err != nil {
		return jobs.Result{}, errBadJobInput.Wrap(err)
	}
	set, err := s.d.Store.Set(ctx, nil, job.SubjectID)
	if err != nil {
		return jobs.Result{}, err
	}
	if set.OwnerID != job.OwnerID {
		return jobs.Result{}, errBadJobInput.Wrap(fmt.Errorf("job %s: owner differs from the content set's", job.ID))
	}
	edits, err := s.d.Store.Edits(ctx, set.EventID)
	if err != nil {
		return jobs.Result{}, err
	}
	tasks, audio, err := s.plan(ctx, set, in, edits)
	if err != nil {
		return jobs.Result{}, err
	}
	r := &run{s: s, job: job, set: set, progress: progress, total: len(tasks) + 1} // + the copy
	for _, t := range tasks {
		// An edit of a video-size image makes the videos again.
		r.touchesVideo = r.touchesVideo || t.kind == KindImage && slices.Contains(videoSizes, t.size.Name)
	}
	if audio {
		r.total++
	}
	progress(ctx, 1, "준비 중")

	var bgStyles []string
	for _, t := range tasks {
		if !slices.Contains(bgStyles, t.style) {
			bgStyles = append(bgStyles, t.style)
		}
	}
	bgs := s.backgrounds(ctx, r, bgStyles, in.Variant)
	if err := ctx.Err(); err != nil {
		return jobs.Result{}, err
	}

	// Renders run on the process-wide slots, so many jobs share the CPUs
	// instead of each taking them all.
	errs := make(chan error, len(tasks))
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Go(func() {
			select {
			case s.slots <- struct{}{}:
			case <-ctx.Done():
				errs <- ctx.Err()
				return
			}
			defer func() { <-s.slots }()
			if err := ctx.Err(); err != nil {
				errs <- err
				return
			}
			a, err := s.renderTask(ctx, set, t, bgs[t.style])
			if err != nil {
				errs <- fmt.Errorf("content: %s %s %s: %w", t.kind, t.style, t.size.Name, err)
				return
			}
			if err := s.d.Store.PutAsset(ctx, nil, a); err != nil {
				errs <- err
				return
			}
			r.step(ctx, &a)
		})
	}
	if audio {
		wg.Go(func() {
			a, err := s.ringback(ctx, r)
			if err != nil {
				errs <- fmt.Errorf("content: ringback audio: %w", err)
				return
			}
			if err := s.d.Store.PutAsset(ctx, nil, a); err != nil {
				errs <- err
				return
			}
			r.step(ctx, &a)
		})
	}
	wg.Wait()
	close(errs)
	if err := ctx.Err(); err != nil {
		return jobs.Result{}, err
	}
	if err := <-errs; err != nil {
		return jobs.Result{}, err
	}
	return s.finishImages(ctx, r, in)
}

// plan lists the files a job makes.
func (s *Service) plan(ctx context.Context, set Set, in jobInput, edits map[string]Edit) (tasks []task, audio bool, err error) {
	styleOf := func(slot, key string) (string, Edit) {
		e := edits[key]
		if e.Style != "" {
			return e.Style, e
		}
		return slot, e
	}
	image := func(slot string, size render.Size) task {
		t := task{kind: KindImage, slot: slot, size: size}
		t.style, t.edit = styleOf(slot, assetID(set.EventID, KindImage, slot, size.Name))
		return t
	}
	posters := func() []task {
		cs, _ := s.channelStyles(ctx, set)
		slot := cs[messages.ChannelStorePoster]
		st, e := styleOf(slot, "poster")
		return []task{{kind: KindPosterPNG, slot: "", style: st, edit: e, poster: true},
			{kind: KindPosterPDF, slot: "", style: st, edit: e, poster: true}}
	}
	switch in.Op {
	case opAll, opStyle:
		styles, err := ParseStyles(in.Styles)
		if err != nil {
			return nil, false, errBadJobInput.Wrap(err)
		}
		for _, st := range styles {
			for _, size := range render.Sizes {
				tasks = append(tasks, image(st, size))
			}
		}
		if in.Op == opAll {
			tasks = append(tasks, posters()...)
		}
		return tasks, in.Op == opAll, nil
	case opAsset:
		a, err := s.d.Store.Asset(ctx, set.EventID, in.AssetID)
		if err != nil {
			return nil, false, errBadJobInput.Wrap(err)
		}
		if a.Kind == KindPosterPNG || a.Kind == KindPosterPDF {
			return posters(), false, nil
		}
		size, ok := render.SizeByName(a.Size)
		if !ok || a.Kind != KindImage {
			return nil, false, errBadJobInput.Wrap(fmt.Errorf("asset %s is not an image", a.ID))
		}
		return []task{image(a.Slot, size)}, false, nil
	}
	return nil, false, errBadJobInput.Wrap(fmt.Errorf("op %q", in.Op))
}

// card is the render input of a task, the event text with the edit applied.
func card(src Source, t task, w, h int) render.Card {
	c := render.Card{Style: render.Style(t.style), Width: w, Height: h, StoreName: src.StoreName, Title: src.Title,
		Benefit: src.Benefit, Period: src.Period(), CTA: src.CTA()}
	if t.edit.Title != nil {
		c.Title = *t.edit.Title
	}
	if t.edit.Benefit != nil {
		c.Benefit = *t.edit.Benefit
	}
	if t.edit.CTA != nil {
		c.CTA = *t.edit.CTA
	}
	if col := t.edit.Colors; col != nil {
		c.Colors = render.Colors{Background: col.Background, Accent: col.Accent, Text: col.Text}
	}
	return c
}

// address is the content address of a render input: the same input is
// stored under the same key and never rendered twice.
func address(kind, ext string, parts ...any) string {
	h := sha256.New()
	_ = json.NewEncoder(h).Encode(append([]any{renderVersion, kind}, parts...))
	sum := hex.EncodeToString(h.Sum(nil))
	return blobPrefix + sum[:2] + "/" + sum + ext
}

// stored returns the attributes of a blob already at key.
func (s *Service) stored(ctx context.Context, key string) (blob.Attrs, bool) {
	a, err := s.d.Blobs.Stat(ctx, key)
	if err != nil {
		return blob.Attrs{}, false
	}
	if err := s.d.Store.TouchBlob(ctx, key, s.d.Now().UTC()); err != nil {
		s.d.Log.Warn("content: touch blob", "key", key, "err", err)
	}
	return a, true
}

func (s *Service) put(ctx context.Context, key string, data []byte, contentType string) (blob.Attrs, error) {
	sum := sha256.Sum256(data)
	if err := s.d.Store.TouchBlob(ctx, key, s.d.Now().UTC()); err != nil {
		return blob.Attrs{}, err
	}
	return s.d.Blobs.Put(ctx, key, bytes.NewReader(data), blob.PutOptions{ContentType: contentType, SHA256: hex.EncodeToString(sum[:])})
}

func (s *Service) asset(set Set, t task, key string, at blob.Attrs, w, h int, provider string) Asset {
	return Asset{ID: t.id(set.EventID), EventID: set.EventID, Kind: t.kind, Slot: t.slot, Style: t.style, Size: sizeName(t),
		Width: w, Height: h, BlobKey: key, ContentType: at.ContentType, Provider: provider, SHA256: at.SHA256, Bytes: at.Size,
		CreatedAt: s.now()}
}

func sizeName(t task) string {
	if t.poster {
		return ""
	}
	return t.size.Name
}

// renderTask makes one image or poster file (or finds it made).
func (s *Service) renderTask(ctx context.Context, set Set, t task, bg *background) (Asset, error) {
	src := set.Source
	provider, bgKey := "local", ""
	if bg != nil {
		provider, bgKey = bg.provider, bg.key
	}
	if t.poster {
		c := card(src, t, 0, 0)
		p := render.Poster{Card: c, EntryURL: ChannelLink(src.EntryURL, messages.ChannelStorePoster), VisitURL: src.VisitURL, Lines: posterLines(src)}
		ext, ctype, make := ".png", "image/png", render.PosterPNG
		if t.kind == KindPosterPDF {
			ext, ctype, make = ".pdf", "application/pdf", render.PosterPDF
		}
		key := address(t.kind, ext, p.Card, p.EntryURL, p.VisitURL, p.Lines, bgKey)
		if at, ok := s.stored(ctx, key); ok {
			w, h := dims(s, ctx, key, t.kind)
			return s.asset(set, t, key, at, w, h, provider), nil
		}
		if bg != nil {
			p.Background = bg.img
		}
		data, err := make(p)
		if err != nil {
			return Asset{}, err
		}
		at, err := s.put(ctx, key, data, ctype)
		if err != nil {
			return Asset{}, err
		}
		w, h := 0, 0
		if t.kind == KindPosterPNG {
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
				w, h = cfg.Width, cfg.Height
			}
		}
		return s.asset(set, t, key, at, w, h, provider), nil
	}
	c := card(src, t, t.size.Width, t.size.Height)
	key := address(t.kind, ".png", c, bgKey)
	if at, ok := s.stored(ctx, key); ok {
		return s.asset(set, t, key, at, c.Width, c.Height, provider), nil
	}
	if bg != nil {
		c.Background = bg.img
	}
	img, err := render.RenderCard(c)
	if err != nil {
		return Asset{}, err
	}
	data, err := render.EncodePNG(img)
	if err != nil {
		return Asset{}, err
	}
	at, err := s.put(ctx, key, data, "image/png")
	if err != nil {
		return Asset{}, err
	}
	return s.asset(set, t, key, at, c.Width, c.Height, provider), nil
}

// dims reads a stored poster PNG's size (a reused one).
func dims(s *Service, ctx context.Context, key, kind string) (int, int) {
	if kind != KindPosterPNG {
		return 0, 0
	}
	rc, _, err := s.d.Blobs.Get(ctx, key)
	if err != nil {
		return 0, 0
	}
	defer rc.Close()
	cfg, _, err := image.DecodeConfig(rc)
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

func posterLines(src Source) []string {
	var lines []string
	switch {
	case src.Method == string(messages.MethodFirstCome) && src.Coupons > 0:
		lines = append(lines, fmt.Sprintf("선착순 %d명", src.Coupons))
	case src.Winners > 0:
		lines = append(lines, fmt.Sprintf("추첨 %d명", src.Winners))
	}
	return lines // the card prints the period already
}

// backgroundSize is what the providers paint; the renderer crops it to
// each channel size.
const backgroundSize = 1024

// backgrounds gets one picture per style from the remote provider, in
// parallel, each call under the resilience policy; a style whose call
// fails gets none (the local design) and the job says so.
func (s *Service) backgrounds(ctx context.Context, r *run, styles []string, variant int) map[string]*background {
	out := map[string]*background{}
	if s.d.Images == nil {
		return out
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, st := range styles {
		wg.Go(func() {
			bg, err := s.background(ctx, r.set, st, variant)
			if err != nil {
				if ctx.Err() == nil {
					s.d.Log.Warn("content: remote image failed, local design instead", "provider", s.d.Images.Name(), "style", st, "err", err)
					r.degraded.Store(true)
				}
				return
			}
			mu.Lock()
			out[st] = bg
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func (s *Service) background(ctx context.Context, set Set, style string, variant int) (*background, error) {
	src := set.Source
	prompt, negative := imagegen.Prompt(style, src.Industry, src.Title, src.Benefit)
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%d", set.EventID, style, variant)))
	seed := int64(uint64(h[0])<<24|uint64(h[1])<<16|uint64(h[2])<<8|uint64(h[3])) + 1
	req := imagegen.Request{Prompt: prompt, NegativePrompt: negative, Width: backgroundSize, Height: backgroundSize, Style: style, Seed: seed}
	name := s.d.Images.Name()
	key := address("background", ".png", name, req)
	if _, ok := s.stored(ctx, key); ok {
		rc, _, err := s.d.Blobs.Get(ctx, key)
		if err == nil {
			img, _, derr := image.Decode(rc)
			rc.Close()
			if derr == nil {
				return &background{img: img, key: key, provider: name}, nil
			}
		}
	}
	var img image.Image
	err := s.d.Wrap(ctx, "images."+name, func(ctx context.Context) error {
		var err error
		img, err = s.d.Images.Generate(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	data, err := render.EncodePNG(img)
	if err != nil {
		return nil, err
	}
	if _, err := s.put(ctx, key, data, "image/png"); err != nil {
		return nil, err
	}
	return &background{img: img, key: key, provider: name}, nil
}

// ringback voices the ringback script (the copy's), falling back to the
// local voice when the configured one fails.
func (s *Service) ringback(ctx context.Context, r *run) (Asset, error) {
	script := ringbackScript(r.set.Source)
	t := task{kind: KindAudio}
	a, err := s.speak(ctx, r.set, t, s.d.Speech, script)
	if err != nil && s.d.SpeechFallback != s.d.Speech && ctx.Err() == nil {
		s.d.Log.Warn("content: speech failed, local voice instead", "provider", s.d.Speech.Name(), "err", err)
		r.speech.Store(true)
		a, err = s.speak(ctx, r.set, t, s.d.SpeechFallback, script)
	}
	return a, err
}

func ringbackScript(src Source) string {
	for _, c := range MakeCopy(src, nil) {
		if c.Platform == PlatformRingback {
			return c.Body
		}
	}
	return src.Title
}

func (s *Service) speak(ctx context.Context, set Set, t task, syn tts.Synthesizer, text string) (Asset, error) {
	key := address("audio", "", syn.Name(), text)
	// The extension follows the content type, unknown before synthesis:
	// look for either.
	for _, ext := range []string{".mp3", ".wav"} {
		if at, ok := s.stored(ctx, key+ext); ok {
			a := s.asset(set, t, key+ext, at, 0, 0, syn.Name())
			a.DurationMs = durationOf(at, ext)
			if prev, err := s.d.Store.Asset(ctx, set.EventID, a.ID); err == nil && prev.BlobKey == a.BlobKey {
				a.DurationMs = prev.DurationMs
			}
			return a, nil
		}
	}
	var au tts.Audio
	var err error
	if syn == s.d.SpeechFallback {
		au, err = syn.Synthesize(ctx, text) // local: no policy to apply
	} else {
		err = s.d.Wrap(ctx, "tts."+syn.Name(), func(ctx context.Context) error {
			var err error
			au, err = syn.Synthesize(ctx, text)
			return err
		})
	}
	if err != nil {
		return Asset{}, err
	}
	ext := ".wav"
	if au.ContentType == "audio/mpeg" {
		ext = ".mp3"
	}
	at, err := s.put(ctx, key+ext, au.Data, au.ContentType)
	if err != nil {
		return Asset{}, err
	}
	a := s.asset(set, t, key+ext, at, 0, 0, syn.Name())
	a.DurationMs = au.Duration.Milliseconds()
	return a, nil
}

// durationOf estimates a reused audio file's length from its size when
// no asset row remembers it (another event made it): 16 kHz mono 16-bit
// WAV, 48 kbit/s MP3.
func durationOf(at blob.Attrs, ext string) int64 {
	if ext == ".wav" {
		return max(at.Size-44, 0) * 1000 / 32000
	}
	return at.Size * 8 / 48
}

// finishImages writes the copy and the final state, publishes
// ContentReady and queues the videos, all in one transaction.
func (s *Service) finishImages(ctx context.Context, r *run, in jobInput) (jobs.Result, error) {
	assets, err := s.d.Store.Assets(ctx, r.set.EventID)
	if err != nil {
		return jobs.Result{}, err
	}
	cs, err := s.channelStyles(ctx, r.set)
	if err != nil {
		return jobs.Result{}, err
	}
	var pics []BlogImage
	for _, a := range assets {
		if a.Kind == KindImage && a.Size == "naver_blog" && a.Slot == cs[messages.ChannelNaverBlog] {
			pics = append(pics, BlogImage{URL: s.d.PublicURL + MediaPrefix + a.BlobKey, Alt: r.set.Source.Title})
		}
	}
	cp := MakeCopy(r.set.Source, pics)
	notice := ""
	if r.degraded.Load() {
		notice = NoticeImagesLocal
	}
	if r.speech.Load() {
		notice = joinNotice(notice, NoticeSpeechLocal)
	}
	if r.set.Source.LinksPending {
		notice = joinNotice(notice, NoticeLinksPending)
	}
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		st, err := s.d.Store.Set(ctx, tx, r.set.EventID)
		if err != nil {
			return err
		}
		if err := s.d.Store.SaveCopy(ctx, tx, st.EventID, cp); err != nil {
			return err
		}
		st.Status, st.Notice, st.Done, st.Total, st.UpdatedAt = StatusReady, notice, r.total, r.total, s.now()
		if s.d.Videos != nil && (in.Op == opAll || r.touchesVideo) {
			vj, err := s.d.Jobs.SubmitTx(ctx, tx, r.job.OwnerID, VideoJobKind, st.EventID, jobInput{Op: opAll, Styles: in.Styles})
			if err != nil {
				return err
			}
			st.VideoJobID = vj.ID
		}
		if err := s.d.Store.SaveSet(ctx, tx, st); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.ContentReady{EventID: st.EventID, OwnerID: r.job.OwnerID, JobID: r.job.ID,
			AssetCount: len(assets), Degraded: r.degraded.Load(), Notice: notice, OccurredAt: s.now()})
	})
	if err != nil {
		return jobs.Result{}, err
	}
	s.d.Log.Info("content: ready", "event", r.set.EventID, "job", r.job.ID, "assets", len(assets), "degraded", r.degraded.Load())
	msg := fmt.Sprintf("완료 · 파일 %d개", len(assets))
	if notice != "" {
		msg += " · " + notice
	}
	return jobs.Result{URL: "/api/v1/events/" + r.set.EventID + "/content", Message: msg}, nil
}

func joinNotice(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || a == b:
		return a
	}
	return a + " · " + b
}

// readBlob reads a whole stored file.
func (s *Service) readBlob(ctx context.Context, key string) ([]byte, error) {
	rc, _, err := s.d.Blobs.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

var errNoFrames = errors.New("content: no images to make the video of")

// videoDuration is the seed's 15-second video.
const videoDuration = 15 * time.Second

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
