package video

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content/tts"
)

// BenchmarkVideo15s makes the 15-second MP4 at both sizes: three pictures,
// two title cards and an espeak-ng narration (made once, outside the timer).
//
//	go test -run '^$' -bench Video15s -benchtime 3x ./internal/content/video/
func BenchmarkVideo15s(b *testing.B) {
	need(b, "ffmpeg")
	voice, err := tts.NewLocal().Synthesize(context.Background(), "우리동네 카페가 문을 열었어요. 12월 26일까지 아메리카노를 무료로 드려요. 지금 참여하세요!")
	if err != nil {
		b.Fatal(err)
	}
	runs := []struct {
		w, h   int
		preset string
	}{
		{1080, 1920, x264Preset}, {1920, 1080, x264Preset},
		// For comparison: faster presets trade file size for time.
		{1080, 1920, "veryfast"}, {1080, 1920, "ultrafast"},
	}
	defer func(p string) { x264Preset = p }(x264Preset)
	for _, r := range runs {
		s := spec(r.w, r.h, &voice)
		b.Run(fmt.Sprintf("%dx%d/%s", r.w, r.h, r.preset), func(b *testing.B) {
			x264Preset = r.preset
			size, n := 0, 0
			// CPU seconds tell what a loaded, shared machine's wall clock
			// hides: ffmpeg's (children) and ours (self).
			child0, self0 := cpu(syscall.RUSAGE_CHILDREN), cpu(syscall.RUSAGE_SELF)
			for b.Loop() {
				res, err := Make(context.Background(), s)
				if err != nil {
					b.Fatal(err)
				}
				size, n = len(res.Data), n+1
			}
			b.Logf("%dx%d %s: %d bytes", r.w, r.h, r.preset, size)
			b.ReportMetric(float64(size)/1e6, "MB/video")
			b.ReportMetric((cpu(syscall.RUSAGE_CHILDREN)-child0)/float64(n), "ffmpeg-cpu-s/op")
			b.ReportMetric((cpu(syscall.RUSAGE_SELF)-self0)/float64(n), "go-cpu-s/op")
		})
	}
}

func cpu(who int) float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkGIF15s is the fallback without ffmpeg.
func BenchmarkGIF15s(b *testing.B) {
	b.Setenv("PATH", b.TempDir())
	s := spec(1080, 1920, nil)
	for b.Loop() {
		if _, err := Make(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
}
