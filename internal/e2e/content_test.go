package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/content/render"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// ctPlanned makes a PLANNED event for a new owner: recommendation, then
// option 1 with its dates moved to this week.
func ctPlanned(t *testing.T, e *Env) (Owner, event.Event) {
	t.Helper()
	o := e.SignupOwner("BAKERY", "서울특별시 마포구")
	ev := evCreate(t, e, o, "NEW_CUSTOMERS")
	evRecommend(t, e, o, ev.ID, nil)
	today := time.Now().In(kst.Location)
	res := e.Do("PUT", "/api/v1/events/"+ev.ID+"/selection", o.Token, map[string]any{"optionNumber": 1,
		"title": "가을 신메뉴 시식 이벤트", "benefit": "소금빵 1개 무료",
		"startDate": today.Format(time.DateOnly), "endDate": today.AddDate(0, 0, 6).Format(time.DateOnly)})
	if res.Status != http.StatusOK {
		t.Fatalf("selection: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &ev)
	return o, ev
}

// ctWait polls a job until it ends (content jobs render dozens of files on
// a shared 2-core machine: a generous deadline, no timing assertion).
func ctWait(t *testing.T, e *Env, o Owner, jobID string) evJob {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	var job evJob
	for time.Now().Before(deadline) {
		res := e.Do("GET", "/api/v1/jobs/"+jobID, o.Token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("job status: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &job)
		if job.Status == "COMPLETED" || job.Status == "FAILED" || job.Status == "CANCELLED" {
			return job
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("job %s still %s", jobID, job.Status)
	return job
}

func ctStart(t *testing.T, e *Env, o Owner, path string, body any) evJob {
	t.Helper()
	res := e.Do("POST", path, o.Token, body)
	if res.Status != http.StatusAccepted || !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/jobs/") {
		t.Fatalf("POST %s: %d %s (Location %q)", path, res.Status, res.Body, res.Header.Get("Location"))
	}
	var job evJob
	res.JSON(t, &job)
	return job
}

func ctGet(t *testing.T, e *Env, o Owner, id string) content.Content {
	t.Helper()
	res := e.Do("GET", "/api/v1/events/"+id+"/content", o.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET content: %d %s", res.Status, res.Body)
	}
	var c content.Content
	res.JSON(t, &c)
	return c
}

// TestContentFlow: an owner with a planned event asks for content (202,
// job), the job makes every image of the three styles at every channel
// size, the poster, the copy and the ringback audio; each image downloads
// through /media as a PNG of its size with long cache headers; the event
// becomes CONTENT_READY; edits re-render one image; another owner gets 404
// on every route; bad input is a 4xx problem and changes nothing.
func TestContentFlow(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o, ev := ctPlanned(t, e)
		base := "/api/v1/events/" + ev.ID + "/content"
		if c := ctGet(t, e, o, ev.ID); c.Status != content.StatusNone || len(c.Assets) != 0 {
			t.Errorf("before any job: %s with %d assets", c.Status, len(c.Assets))
		}
		job := ctStart(t, e, o, base, nil)
		if job = ctWait(t, e, o, job.ID); job.Status != "COMPLETED" || job.ResultURL != base {
			t.Fatalf("content job %s (%s) result %q", job.Status, job.ErrorCode, job.ResultURL)
		}
		c := ctGet(t, e, o, ev.ID)
		images := len(render.Styles) * len(render.Sizes)
		kinds := map[string]int{}
		for _, a := range c.Assets {
			kinds[a.Kind]++
		}
		if c.Status != content.StatusReady || kinds[content.KindImage] != images || kinds[content.KindPosterPNG] != 1 ||
			kinds[content.KindPosterPDF] != 1 || kinds[content.KindAudio] != 1 || len(c.Copy) != 5 {
			t.Fatalf("content %s: kinds %v (want %d images), %d copies", c.Status, kinds, images, len(c.Copy))
		}
		if !strings.Contains(c.Notice, content.NoticeLinksPending) {
			t.Errorf("before approval the notice %q does not say the links come later", c.Notice)
		}
		for _, a := range c.Assets {
			res := e.Do("GET", a.URL, "", nil)
			if res.Status != http.StatusOK || res.Header.Get("Content-Type") != a.ContentType || int64(len(res.Body)) != a.Bytes ||
				res.Header.Get("Cache-Control") != content.MediaCacheControl {
				t.Fatalf("GET %s: %d %s, %d bytes (want %d), Cache-Control %q", a.URL, res.Status, res.Header.Get("Content-Type"),
					len(res.Body), a.Bytes, res.Header.Get("Cache-Control"))
			}
			if a.Kind == content.KindImage || a.Kind == content.KindPosterPNG {
				cfg, format, err := image.DecodeConfig(bytes.NewReader(res.Body))
				if err != nil || format != "png" || cfg.Width != a.Width || cfg.Height != a.Height {
					t.Errorf("%s %s %s: %s %dx%d (%v), want a %dx%d PNG", a.Kind, a.Style, a.Size, format, cfg.Width, cfg.Height, err, a.Width, a.Height)
				}
			}
		}
		if res := e.Do("GET", "/media/content/00/nothing.png", "", nil); res.Status != http.StatusNotFound || res.Code() != "media_not_found" {
			t.Errorf("unknown media: %d %s", res.Status, res.Code())
		}
		if res := e.Do("GET", "/media/../autoevent.db", "", nil); res.Status == http.StatusOK {
			t.Errorf("media path escape answered 200")
		}
		waitFor(t, "event CONTENT_READY", func() bool { return evGet(t, e, o, ev.ID).Status == event.StatusContentReady })

		// The videos follow as a video-job: 1080×1920 and 1920×1080, 15 s
		// (checked on one database: ffmpeg takes a while on 2 cores).
		if c.VideoJobID == "" {
			t.Fatal("no video job queued")
		}
		if e.Config.PostgresURL == "" {
			ctVideos(t, e, o, ev.ID, c.VideoJobID)
			c = ctGet(t, e, o, ev.ID)
		}

		// Another owner: 404 event_not_found everywhere, job 404.
		other := e.SignupOwner("CAFE", "서울특별시 중구")
		var target content.Asset
		for _, a := range c.Assets {
			if a.Kind == content.KindImage && a.Size == "ig_square" && a.Style == "simple" {
				target = a
			}
		}
		for _, rt := range []struct {
			method, path string
			body         any
		}{
			{"GET", base, nil}, {"POST", base, nil}, {"GET", base + "/progress", nil},
			{"POST", base + "/assets/" + target.ID + "/regenerate", map[string]string{"title": "남의 것"}},
			{"POST", base + "/styles/vivid/regenerate", nil},
			{"PUT", base + "/channel-styles", map[string]string{"INSTAGRAM": "trendy"}},
		} {
			if res := e.Do(rt.method, rt.path, other.Token, rt.body); res.Status != http.StatusNotFound || res.Code() != "event_not_found" {
				t.Errorf("another owner %s %s: %d %s, want 404 event_not_found", rt.method, rt.path, res.Status, res.Code())
			}
		}
		if res := e.Do("POST", "/api/v1/jobs/"+job.ID+"/cancel", other.Token, nil); res.Status != http.StatusNotFound {
			t.Errorf("another owner cancels the job: %d", res.Status)
		}

		// Bad input: stable codes, nothing changed.
		long := strings.Repeat("가", content.MaxTitle+1)
		for _, bad := range []struct {
			method, path string
			body         any
			status       int
			code         string
		}{
			{"POST", base, map[string]any{"styles": []string{"neon"}}, 400, "unknown_style"},
			{"POST", base + "/styles/neon/regenerate", nil, 400, "unknown_style"},
			{"POST", base + "/assets/nope/regenerate", map[string]any{}, 404, "asset_not_found"},
			{"POST", base + "/assets/" + target.ID + "/regenerate", map[string]any{"title": long}, 400, "text_too_long"},
			{"POST", base + "/assets/" + target.ID + "/regenerate", map[string]any{"colors": map[string]string{"accent": "red"}}, 400, "invalid_color"},
			{"POST", base + "/assets/" + target.ID + "/regenerate", map[string]any{"style": "neon"}, 400, "unknown_style"},
			{"PUT", base + "/channel-styles", map[string]string{"MYSPACE": "vivid"}, 400, "unknown_channel"},
			{"PUT", base + "/channel-styles", map[string]string{"INSTAGRAM": "neon"}, 400, "unknown_style"},
		} {
			res := e.Do(bad.method, bad.path, o.Token, bad.body)
			if res.Status != bad.status || res.Code() != bad.code || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s %s %v: %d %s, want %d %s problem", bad.method, bad.path, bad.body, res.Status, res.Code(), bad.status, bad.code)
			}
		}
		after := ctGet(t, e, o, ev.ID)
		if ctFiles(after) != ctFiles(c) || fmt.Sprint(after.ChannelStyles) != fmt.Sprint(c.ChannelStyles) {
			t.Errorf("bad input changed the content")
		}

		// Channel styles.
		res := e.Do("PUT", base+"/channel-styles", o.Token, map[string]string{"INSTAGRAM": "vivid", "NAVER_BLOG": "trendy"})
		var withStyles content.Content
		res.JSON(t, &withStyles)
		if res.Status != http.StatusOK || withStyles.ChannelStyles["INSTAGRAM"] != "vivid" || withStyles.ChannelStyles["NAVER_BLOG"] != "trendy" {
			t.Errorf("channel styles: %d %v", res.Status, withStyles.ChannelStyles)
		}

		// Edit one image, following its progress on the stream.
		job = ctStart(t, e, o, base+"/assets/"+target.ID+"/regenerate", map[string]any{"title": "새 제목", "style": "trendy",
			"colors": map[string]string{"accent": "#ff3366"}})
		events := ctStream(t, e, o, base+"/progress")
		if job = ctWait(t, e, o, job.ID); job.Status != "COMPLETED" {
			t.Fatalf("regenerate: %s %s", job.Status, job.ErrorCode)
		}
		if !strings.Contains(<-events, "event: done") {
			t.Errorf("progress stream did not end with done")
		}
		edited := ctGet(t, e, o, ev.ID)
		changed := 0
		prev := map[string]string{}
		for _, a := range after.Assets {
			prev[a.ID] = a.SHA256
		}
		for _, a := range edited.Assets {
			if a.Kind != content.KindVideo && a.SHA256 != prev[a.ID] {
				changed++
				if a.ID != target.ID || a.Style != "trendy" {
					t.Errorf("changed %s %s/%s, want only %s", a.Kind, a.Size, a.Style, target.ID)
				}
			}
		}
		if changed != 1 {
			t.Errorf("%d assets changed by one edit", changed)
		}

		// Before approval the links lead to the event; once approved the
		// participation page exists, and content made again carries its
		// per-channel links (the pictures are reused, not rendered again).
		res = e.Do("POST", "/api/v1/events/"+ev.ID+"/approve", o.Token, map[string]any{"channels": []string{"INSTAGRAM"}})
		if res.Status != http.StatusOK {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		var ov struct {
			PublicURL string `json:"publicUrl"`
		}
		waitFor(t, "participation has the event", func() bool {
			r := e.Do("GET", "/api/v1/events/"+ev.ID+"/participation", o.Token, nil)
			r.JSON(t, &ov)
			return r.Status == http.StatusOK
		})
		if job = ctWait(t, e, o, ctStart(t, e, o, base, nil).ID); job.Status != "COMPLETED" {
			t.Fatalf("content after approval: %s", job.Status)
		}
		approved := ctGet(t, e, o, ev.ID)
		if strings.Contains(approved.Notice, content.NoticeLinksPending) {
			t.Errorf("after approval the notice still says the links are pending: %q", approved.Notice)
		}
		for _, cp := range approved.Copy {
			if !strings.HasPrefix(cp.Link, ov.PublicURL+"?c=") {
				t.Errorf("%s link %q, want %s?c=…", cp.Platform, cp.Link, ov.PublicURL)
			}
		}
		if got := evGet(t, e, o, ev.ID).Status; got != event.StatusActive && got != event.StatusApproved {
			t.Errorf("content after approval moved the event to %s", got)
		}
	}, noLimits)
}

// ctStream reads an SSE stream until it ends and hands back its text.
func ctStream(t *testing.T, e *Env, o Owner, path string) <-chan string {
	t.Helper()
	out := make(chan string, 1)
	req, _ := http.NewRequest("GET", e.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+o.Token)
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("progress stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	go func() {
		defer res.Body.Close()
		var b strings.Builder
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		out <- b.String()
	}()
	return out
}

// TestContentRemoteImagesDown: with each remote image provider failing
// every call, the content job still completes with the local renderer and
// says so; a job can be cancelled while it waits on a slow provider.
func TestContentRemoteImagesDown(t *testing.T) {
	for _, provider := range []string{"stability", "openai", "a1111"} {
		t.Run(provider, func(t *testing.T) {
			e := Start(t, noLimits, func(c *config.Config) {
				c.ImageProvider = provider
				c.Resilience = "images." + provider + ".max-retries=0"
			})
			res := e.Do("PUT", "/sandbox/imagegen/faults", "", []byte(`{"errorRate":1,"errorStatus":503}`))
			if res.Status != http.StatusOK {
				t.Fatalf("faults: %d %s", res.Status, res.Body)
			}
			o, ev := ctPlanned(t, e)
			base := "/api/v1/events/" + ev.ID + "/content"
			job := ctWait(t, e, o, ctStart(t, e, o, base, map[string]any{"styles": []string{"vivid"}}).ID)
			if job.Status != "COMPLETED" || !strings.Contains(job.Message, content.NoticeImagesLocal) {
				t.Fatalf("job %s %q, want COMPLETED saying %q", job.Status, job.Message, content.NoticeImagesLocal)
			}
			c := ctGet(t, e, o, ev.ID)
			if !strings.Contains(c.Notice, content.NoticeImagesLocal) || !strings.Contains(c.Notice, content.NoticeLinksPending) || c.Status != content.StatusReady {
				t.Errorf("content %s notice %q", c.Status, c.Notice)
			}
			for _, a := range c.Assets {
				if a.Kind == content.KindImage && a.Provider != "local" {
					t.Errorf("image %s by %s with the provider down", a.Size, a.Provider)
				}
			}
			if provider != "stability" {
				return
			}
			// Queue depth, job latency and the provider's outcomes in /metrics.
			metrics := string(e.Do("GET", "/metrics", "", nil).Body)
			for _, want := range []string{`autoevent_job_queue_depth{queue="image-job"}`, `autoevent_job_queue_depth{queue="video-job"}`,
				`autoevent_job_duration_seconds_count{kind="image-job",status="COMPLETED"}`,
				`autoevent_resilience_calls_total{system="images.stability"}`, `system="images.stability"}`} {
				if !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			if !strings.Contains(metrics, `autoevent_resilience_failures_total{reason=`) {
				t.Errorf("/metrics lacks the provider failures")
			}
			// Healthy again: pictures from the provider.
			e.Do("PUT", "/sandbox/imagegen/faults", "", []byte(`{}`))
			job = ctWait(t, e, o, ctStart(t, e, o, base, map[string]any{"styles": []string{"vivid"}, "regenerate": true}).ID)
			c = ctGet(t, e, o, ev.ID)
			if job.Status != "COMPLETED" || strings.Contains(c.Notice, content.NoticeImagesLocal) {
				t.Errorf("provider up: job %s, notice %q", job.Status, c.Notice)
			}
			for _, a := range c.Assets {
				if a.Kind == content.KindImage && a.Provider != provider {
					t.Errorf("image %s by %s, want %s", a.Size, a.Provider, provider)
				}
			}
			// Cancel while the provider is slow.
			e.Do("PUT", "/sandbox/imagegen/faults", "", []byte(`{"latency":"15s"}`))
			job = ctStart(t, e, o, base, map[string]any{"styles": []string{"trendy"}})
			waitFor(t, "job running", func() bool {
				var j evJob
				e.Do("GET", "/api/v1/jobs/"+job.ID, o.Token, nil).JSON(t, &j)
				return j.Status == "PROCESSING"
			})
			res = e.Do("POST", "/api/v1/jobs/"+job.ID+"/cancel", o.Token, nil)
			var cancelled evJob
			res.JSON(t, &cancelled)
			if res.Status != http.StatusOK || cancelled.Status != "CANCELLED" {
				t.Fatalf("cancel: %d %s", res.Status, res.Body)
			}
			if res := e.Do("POST", "/api/v1/jobs/"+job.ID+"/cancel", o.Token, nil); res.Status != http.StatusConflict || res.Code() != "job_already_done" {
				t.Errorf("cancel twice: %d %s", res.Status, res.Code())
			}
			waitFor(t, "content no longer generating", func() bool { return ctGet(t, e, o, ev.ID).Status == content.StatusReady })
			e.Do("PUT", "/sandbox/imagegen/faults", "", []byte(`{}`))
		})
	}
}

// ctProbe checks an MP4 with ffprobe: H.264 yuv420p at the size, AAC
// sound, 15 s ± 0.1 s.
func ctProbe(t *testing.T, data []byte, w, h int) {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffprobe missing under CI")
		}
		t.Log("ffprobe not installed: video not probed")
		return
	}
	f := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name,pix_fmt,width,height",
		"-of", "json", f).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var p struct {
		Streams []struct {
			CodecName string `json:"codec_name"`
			PixFmt    string `json:"pix_fmt"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	codecs := map[string]bool{}
	for _, s := range p.Streams {
		codecs[s.CodecName] = true
		if s.CodecName == "h264" && (s.PixFmt != "yuv420p" || s.Width != w || s.Height != h) {
			t.Errorf("h264 stream %s %dx%d, want yuv420p %dx%d", s.PixFmt, s.Width, s.Height, w, h)
		}
	}
	var d float64
	fmt.Sscan(p.Format.Duration, &d)
	if !codecs["h264"] || !codecs["aac"] || d < 14.9 || d > 15.1 {
		t.Errorf("video: codecs %v, %.3f s", codecs, d)
	}
}

// ctVideos waits for the video job and checks its two videos.
func ctVideos(t *testing.T, e *Env, o Owner, eventID, jobID string) {
	t.Helper()
	if vj := ctWait(t, e, o, jobID); vj.Status != "COMPLETED" {
		t.Fatalf("video job %s %s", vj.Status, vj.ErrorCode)
	}
	videos := 0
	for _, a := range ctGet(t, e, o, eventID).Assets {
		if a.Kind != content.KindVideo {
			continue
		}
		videos++
		res := e.Do("GET", a.URL, "", nil)
		if res.Status != http.StatusOK || a.DurationMs < 14900 || a.DurationMs > 15100 || !(a.Width == 1080 && a.Height == 1920 || a.Width == 1920 && a.Height == 1080) {
			t.Errorf("video %s: %d, %d ms, %dx%d", a.Size, res.Status, a.DurationMs, a.Width, a.Height)
		}
		if a.ContentType == "video/mp4" {
			ctProbe(t, res.Body, a.Width, a.Height)
		}
	}
	if videos != 2 {
		t.Errorf("%d videos, want 2", videos)
	}
}

// ctFiles lists the files other than the videos (a video job may still be
// adding those) by id and checksum.
func ctFiles(c content.Content) string {
	var b strings.Builder
	for _, a := range c.Assets {
		if a.Kind != content.KindVideo {
			fmt.Fprintf(&b, "%s=%s ", a.ID, a.SHA256)
		}
	}
	return b.String()
}

// TestContentVoiceDown: with Clova failing, the ringback audio is made by
// the local voice and the content says so.
func TestContentVoiceDown(t *testing.T) {
	e := Start(t, noLimits, func(c *config.Config) {
		c.TTSProvider = "clova"
		c.Resilience = "tts.clova.max-retries=0"
	})
	if res := e.Do("PUT", "/sandbox/clova/faults", "", []byte(`{"errorRate":1,"errorStatus":500}`)); res.Status != http.StatusOK {
		t.Fatalf("faults: %d %s", res.Status, res.Body)
	}
	o, ev := ctPlanned(t, e)
	job := ctWait(t, e, o, ctStart(t, e, o, "/api/v1/events/"+ev.ID+"/content", map[string]any{"styles": []string{"simple"}}).ID)
	c := ctGet(t, e, o, ev.ID)
	if job.Status != "COMPLETED" || !strings.Contains(c.Notice, content.NoticeSpeechLocal) {
		t.Fatalf("job %s, notice %q", job.Status, c.Notice)
	}
	for _, a := range c.Assets {
		if a.Kind == content.KindAudio && (a.Provider == "clova" || a.DurationMs <= 0 || a.Bytes == 0) {
			t.Errorf("audio by %s, %d ms, %d bytes", a.Provider, a.DurationMs, a.Bytes)
		}
	}
	// Clova answering: its voice.
	e.Do("PUT", "/sandbox/clova/faults", "", []byte(`{}`))
	ctWait(t, e, o, ctStart(t, e, o, "/api/v1/events/"+ev.ID+"/content", map[string]any{"styles": []string{"simple"}}).ID)
	for _, a := range ctGet(t, e, o, ev.ID).Assets {
		if a.Kind == content.KindAudio && a.Provider != "clova" {
			t.Errorf("audio by %s with Clova up", a.Provider)
		}
	}
}
