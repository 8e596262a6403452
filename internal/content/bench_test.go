package content_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/content/sqlstore"
	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/content/video"
	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// benchEvents gives every event its own text, so no job reuses another's
// files (content addressing would make the benchmark measure nothing).
type benchEvents struct{}

func (benchEvents) ContentEvent(_ context.Context, id string, _ *http.Request) (content.EventInfo, error) {
	return content.EventInfo{ID: id, StoreName: "행복한 빵집 " + id, Industry: "BAKERY", Status: "PLANNED", HasPlan: true,
		Title: "가을 신메뉴 시식 이벤트 " + id, Benefit: "소금빵 1개 무료", Headline: "소금빵 드세요", Body: "선착순 30명",
		Hashtags: []string{"소금빵"}, Method: "FIRST_COME", Coupons: 30, StartDate: "2026-12-01", EndDate: "2026-12-14"}, nil
}

// benchRig is the content service on the real job framework: SQLite, the
// embedded bus, the filesystem blob store, the local voice; the videos are
// left out (their own benchmark is in internal/content/video).
func benchRig(b *testing.B, workers int, videos ...content.Videos) (*content.Service, *jobs.Manager) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := dbtest.Open(b, db.SQLite)
	bs, err := bus.Open(ctx, bus.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bs.Close() })
	if err := bus.Migrate(ctx, d); err != nil {
		b.Fatal(err)
	}
	relay := bus.NewRelay(d, bs, quiet)
	go relay.Run(ctx)
	m := jobs.New(d, jobs.BusQueue(bs, relay), quiet, nil)
	if err := m.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	st := sqlstore.New(d)
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	fs, err := blob.NewFS(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	svc, err := content.NewService(content.ServiceDeps{DB: d, Store: st, Blobs: fs, Jobs: m, Publish: relay.Publish,
		Events: benchEvents{}, Speech: tts.NewLocal(), PublicURL: "https://ae.example", Log: quiet})
	if len(videos) > 0 {
		svc, err = content.NewService(content.ServiceDeps{DB: d, Store: st, Blobs: fs, Jobs: m, Publish: relay.Publish,
			Events: benchEvents{}, Speech: tts.NewLocal(), Videos: videos[0], PublicURL: "https://ae.example", Log: quiet})
	}
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range svc.Kinds(workers, 1) {
		m.Register(k)
	}
	if err := m.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Stop)
	return svc, m
}

// runJobs submits n content jobs at once (each event: three styles × 8
// sizes, the poster PNG and PDF, the copy, the ringback audio) and waits
// for all of them; it returns each job's latency and the failures.
func runJobs(b *testing.B, svc *content.Service, m *jobs.Manager, n int, round int) ([]time.Duration, int) {
	b.Helper()
	ctx := context.Background()
	r := httptest.NewRequest("POST", "/", nil)
	var mu sync.Mutex
	var lat []time.Duration
	failed := 0
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			job, err := svc.Start(ctx, "owner", fmt.Sprintf("r%d-e%d", round, i), content.StartInput{}, r)
			if err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
				return
			}
			for {
				j, err := m.Get(ctx, "owner", job.ID)
				if err == nil && j.Done() {
					mu.Lock()
					if j.Status != jobs.Completed {
						failed++
					}
					lat = append(lat, time.Since(start))
					mu.Unlock()
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	return lat, failed
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkContentJob: one content job alone (the "≤ 3 s" figure).
//
//	go test ./internal/content -run '^$' -bench 'ContentJob$' -benchtime 5x
func BenchmarkContentJob(b *testing.B) {
	svc, m := benchRig(b, 4)
	var all []time.Duration
	for i := 0; b.Loop(); i++ {
		lat, failed := runJobs(b, svc, m, 1, i)
		if failed > 0 {
			b.Fatalf("%d jobs failed", failed)
		}
		all = append(all, lat...)
	}
	b.ReportMetric(pct(all, 0.5).Seconds(), "p50_s")
}

// BenchmarkContentJobs50: 50 content jobs submitted at once on the bounded
// worker pool; 0 failures, throughput and p99 latency.
//
//	go test ./internal/content -run '^$' -bench 'ContentJobs50' -benchtime 1x
func BenchmarkContentJobs50(b *testing.B) {
	svc, m := benchRig(b, 4)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		lat, failed := runJobs(b, svc, m, 50, i)
		wall := time.Since(start)
		if failed > 0 || len(lat) != 50 {
			b.Fatalf("%d of 50 jobs failed, %d finished", failed, len(lat))
		}
		b.ReportMetric(float64(len(lat))/wall.Seconds(), "jobs/s")
		b.ReportMetric(pct(lat, 0.5).Seconds(), "p50_s")
		b.ReportMetric(pct(lat, 0.99).Seconds(), "p99_s")
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(float64(failed), "errors")
	}
}

// videoMaker is the app's adapter of internal/content/video.
type videoMaker struct{}

func (videoMaker) Available() bool { return video.Available() }
func (videoMaker) Make(ctx context.Context, s content.VideoSpec) (content.VideoResult, error) {
	r, err := video.Make(ctx, video.Spec{Frames: s.Frames, Width: s.Width, Height: s.Height, Duration: s.Duration,
		Narration: s.Narration, Titles: s.Titles})
	return content.VideoResult{Data: r.Data, ContentType: r.ContentType, Format: r.Format, Duration: r.Duration, Notice: r.Notice}, err
}

// BenchmarkContentWhole: one event's whole content, the image job and then
// its video job (two narrated 15 s videos), submission to the last file
// (the "≤ 40 s" figure).
//
//	go test ./internal/content -run '^$' -bench ContentWhole -benchtime 2x
func BenchmarkContentWhole(b *testing.B) {
	if !video.Available() {
		b.Skip("ffmpeg not installed")
	}
	svc, m := benchRig(b, 4, videoMaker{})
	ctx := context.Background()
	r := httptest.NewRequest("POST", "/", nil)
	var all []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		job, err := svc.Start(ctx, "owner", fmt.Sprintf("w%d", i), content.StartInput{}, r)
		if err != nil {
			b.Fatal(err)
		}
		wait := func(id string) {
			for {
				j, err := m.Get(ctx, "owner", id)
				if err == nil && j.Done() {
					if j.Status != jobs.Completed {
						b.Fatalf("job %s %s: %s", j.Kind, j.Status, j.ErrorCode)
					}
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		wait(job.ID)
		c, err := svc.Get(ctx, "owner", fmt.Sprintf("w%d", i), r)
		if err != nil || c.VideoJobID == "" {
			b.Fatalf("no video job: %v", err)
		}
		wait(c.VideoJobID)
		all = append(all, time.Since(start))
	}
	b.ReportMetric(pct(all, 0.5).Seconds(), "p50_s")
	b.ReportMetric(pct(all, 1).Seconds(), "max_s")
}
