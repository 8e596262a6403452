// Package video makes the event's short video: the content images with a
// slow pan or zoom each, crossfades between them, optional title cards and
// the Korean narration, exactly Spec.Duration long (15 s by default).
//
// With ffmpeg on the PATH the result is an MP4 ready for Instagram Reels,
// YouTube Shorts and TV channels: H.264 (libx264, yuv420p, High profile),
// AAC audio, moov atom first (+faststart). Without ffmpeg it is an animated
// GIF of the same pictures and a Notice saying so, so the journey never
// breaks. Temporary files live in a private directory removed afterwards;
// cancelling ctx kills ffmpeg.
package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os/exec"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/content/tts"
)

// Defaults and limits.
const (
	DefaultDuration = 15 * time.Second
	MaxDuration     = 60 * time.Second
	// MaxSegments caps title cards + frames: each still needs ~2 s on screen
	// to be read in a 15-second video.
	MaxSegments = 8
	fps         = 25
	// NoticeGIF is shown to the owner when the MP4 could not be made.
	NoticeGIF = "동영상을 만들려면 ffmpeg가 필요해요 — 움직이는 이미지(GIF)로 대신 만들었어요"
)

// Formats of Result.Format.
const (
	FormatMP4 = "mp4"
	FormatGIF = "gif"
)

// ErrInvalidSpec: the spec cannot make a video (no pictures, bad size).
var ErrInvalidSpec = errors.New("video: invalid spec")

// Spec describes the video.
type Spec struct {
	// Frames are shown in order, each covering the whole picture (scaled
	// and centre-cropped when its shape differs).
	Frames []image.Image
	// Width and Height of the video, even numbers, e.g. 1080×1920 or
	// 1920×1080.
	Width, Height int
	// Duration, default 15 s.
	Duration time.Duration
	// Narration, optional: padded with silence or cut (with a short fade)
	// to Duration. Without it the soundtrack is silence.
	Narration *tts.Audio
	// Titles become title cards: the first opens the video, the others
	// close it (e.g. the period, the call to action). Empty ones are
	// skipped.
	Titles []string
	// TitleBackground, TitleText and TitleAccent colour the title cards;
	// nil means deep navy, white and amber.
	TitleBackground, TitleText, TitleAccent color.Color
}

// Result is the made video.
type Result struct {
	Data        []byte
	ContentType string // video/mp4 or image/gif
	Format      string // "mp4" | "gif"
	Duration    time.Duration
	Notice      string // set when the result is less than asked (GIF)
}

// Available reports whether ffmpeg is on the PATH (MP4 output).
func Available() bool {
	_, err := exec.LookPath("ffmpeg")
	return err == nil
}

// Make renders the video: MP4 with ffmpeg, otherwise a GIF and a Notice.
func Make(ctx context.Context, s Spec) (Result, error) {
	if s.Duration == 0 {
		s.Duration = DefaultDuration
	}
	if err := s.validate(); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	segs, err := s.segments()
	if err != nil {
		return Result{}, err
	}
	if ff, err := exec.LookPath("ffmpeg"); err == nil {
		return makeMP4(ctx, ff, s, segs)
	}
	return makeGIF(ctx, s, segs)
}

func (s Spec) validate() error {
	var problems []string
	if len(s.Frames) == 0 && len(nonEmpty(s.Titles)) == 0 {
		problems = append(problems, "no frames and no titles")
	}
	for i, f := range s.Frames {
		if f == nil || f.Bounds().Empty() {
			problems = append(problems, fmt.Sprintf("frame %d is empty", i))
		}
	}
	if s.Width < 64 || s.Height < 64 || s.Width > 4096 || s.Height > 4096 || s.Width%2 != 0 || s.Height%2 != 0 {
		problems = append(problems, fmt.Sprintf("size %dx%d must be even and within 64..4096", s.Width, s.Height))
	}
	if s.Duration < 2*time.Second || s.Duration > MaxDuration {
		problems = append(problems, fmt.Sprintf("duration %v must be within 2s..%v", s.Duration, MaxDuration))
	}
	if n := s.Narration; n != nil && (len(n.Data) == 0 || (n.ContentType != tts.ContentTypeWAV && n.ContentType != tts.ContentTypeMP3)) {
		problems = append(problems, "narration must be non-empty audio/wav or audio/mpeg")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidSpec, strings.Join(problems, "; "))
	}
	return nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// motion is how a still moves while it is on screen.
type motion int

const (
	zoomIn motion = iota
	panRight
	zoomOut
	panDown
)

type segment struct {
	img    image.Image
	motion motion
	title  bool
}

// segments orders the stills: opening title, frames, closing titles, at
// most MaxSegments (frames are dropped from the end first).
func (s Spec) segments() ([]segment, error) {
	titles := nonEmpty(s.Titles)
	if len(titles) > MaxSegments-1 && len(s.Frames) > 0 {
		titles = titles[:MaxSegments-1]
	}
	titles = titles[:min(len(titles), MaxSegments)]
	frames := s.Frames[:min(len(s.Frames), MaxSegments-len(titles))]
	var segs []segment
	card := func(t string) (segment, error) {
		img, err := titleCard(t, s.Width, s.Height, s.TitleBackground, s.TitleText, s.TitleAccent)
		return segment{img: img, motion: zoomIn, title: true}, err
	}
	if len(titles) > 0 {
		c, err := card(titles[0])
		if err != nil {
			return nil, err
		}
		segs = append(segs, c)
	}
	moves := []motion{zoomIn, panRight, zoomOut, panDown}
	for i, f := range frames {
		segs = append(segs, segment{img: f, motion: moves[i%len(moves)]})
	}
	for _, t := range titles[min(1, len(titles)):] {
		c, err := card(t)
		if err != nil {
			return nil, err
		}
		segs = append(segs, c)
	}
	return segs, nil
}

// timeline splits total frames over n segments that overlap by xf frames
// at each transition: lengths[i] frames each, sum = total + (n-1)*xf.
func timeline(total, n, xf int) []int {
	if n == 1 {
		return []int{total}
	}
	sum := total + (n-1)*xf
	out := make([]int, n)
	for i := range out {
		out[i] = sum / n
		if i < sum%n {
			out[i]++
		}
	}
	return out
}
