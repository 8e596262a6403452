package video

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/content/tts"
)

const (
	xfadeFrames = 12   // 0.48 s crossfades
	zoomAmount  = 0.10 // a still grows (or shrinks) by 10 % while shown
	panAmount   = 0.08 // a still is 8 % larger than the picture and slides
	// CRF 23 is x264's visually good default.
	x264CRF = "23"
)

// x264Preset: "superfast" costs ≈ 8.5 CPU-seconds for 15 s of 1080×1920
// (2.7 MB); "veryfast" ≈ 10.5 (1.3 MB). The faster one leaves room for two
// videos plus the images inside the content job's budget on two shared
// cores. A variable so the benchmark can compare presets.
var x264Preset = "superfast"

// transitions cycle through a few calm xfade effects.
var transitions = []string{"fade", "smoothleft", "circleopen", "smoothup", "fadeblack"}

// afterStart, when set by tests, runs once ffmpeg has started.
var afterStart func(pid int, dir string)

func makeMP4(ctx context.Context, ffmpeg string, s Spec, segs []segment) (Result, error) {
	dir, err := os.MkdirTemp("", "autoevent-video-")
	if err != nil {
		return Result{}, fmt.Errorf("video: %w", err)
	}
	defer os.RemoveAll(dir)

	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}
	for i, sg := range segs {
		p := filepath.Join(dir, fmt.Sprintf("still%02d.ppm", i))
		if err := writePPM(p, sg.img); err != nil {
			return Result{}, fmt.Errorf("video: %w", err)
		}
		args = append(args, "-framerate", strconv.Itoa(fps), "-i", p)
	}
	secs := formatSecs(s.Duration)
	audioIn := len(segs)
	if n := s.Narration; n != nil {
		ext := ".wav"
		if n.ContentType == tts.ContentTypeMP3 {
			ext = ".mp3"
		}
		p := filepath.Join(dir, "narration"+ext)
		if err := os.WriteFile(p, n.Data, 0o600); err != nil {
			return Result{}, fmt.Errorf("video: %w", err)
		}
		args = append(args, "-i", p)
	} else {
		args = append(args, "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo")
	}
	total := int(s.Duration.Seconds()*fps + 0.5)
	graph := filterGraph(s, segs, total, audioIn)
	out := filepath.Join(dir, "video.mp4")
	args = append(args,
		"-filter_complex", graph, "-map", "[vout]", "-map", "[aout]",
		"-c:v", "libx264", "-preset", x264Preset, "-crf", x264CRF, "-profile:v", "high",
		"-pix_fmt", "yuv420p", "-r", strconv.Itoa(fps), "-g", strconv.Itoa(2*fps),
		"-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "2",
		"-t", secs, "-map_metadata", "-1", "-movflags", "+faststart", out)

	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	stderr := &tail{max: 4 << 10}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return Result{}, fmt.Errorf("video: start ffmpeg: %w", err)
	}
	if afterStart != nil {
		afterStart(cmd.Process.Pid, dir)
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{}, fmt.Errorf("video: ffmpeg: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return Result{}, fmt.Errorf("video: %w", err)
	}
	return Result{Data: data, ContentType: "video/mp4", Format: FormatMP4,
		Duration: time.Duration(total) * time.Second / fps}, nil
}

// filterGraph builds one chain per still (fit to the picture, then pan or
// zoom for its share of the timeline), joins them with xfade and shapes the
// soundtrack to the exact duration.
func filterGraph(s Spec, segs []segment, total, audioIn int) string {
	W, H := s.Width, s.Height
	lengths := timeline(total, len(segs), xfadeFrames)
	var g strings.Builder
	for i, sg := range segs {
		n := lengths[i]
		fmt.Fprintf(&g, "[%d:v]", i)
		switch sg.motion {
		case zoomIn, zoomOut:
			// zoompan turns the single decoded still into n frames: the
			// picture is decoded and converted once, not n times.
			z := fmt.Sprintf("1+%g*on/%d", zoomAmount, n)
			if sg.motion == zoomOut {
				z = fmt.Sprintf("%g-%g*on/%d", 1+zoomAmount, zoomAmount, n)
			}
			fmt.Fprintf(&g, "scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,setsar=1,format=yuv420p,"+
				"zoompan=z='%s':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=%d:s=%dx%d:fps=%d",
				W, H, W, H, z, n, W, H, fps)
		default:
			// Pans crop a moving window out of a slightly larger still:
			// nearly free per frame.
			bw, bh := even(float64(W)*(1+panAmount)), even(float64(H)*(1+panAmount))
			x, y := fmt.Sprintf("%d*n/%d", bw-W, n-1), fmt.Sprintf("%d", (bh-H)/2)
			if sg.motion == panDown {
				x, y = fmt.Sprintf("%d", (bw-W)/2), fmt.Sprintf("%d*n/%d", bh-H, n-1)
			}
			fmt.Fprintf(&g, "scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,setsar=1,format=yuv420p,"+
				"loop=loop=%d:size=1:start=0,setpts=N/(%d*TB),crop=%d:%d:x='%s':y='%s'",
				bw, bh, bw, bh, n-1, fps, W, H, x, y)
		}
		fmt.Fprintf(&g, "[s%d];", i)
	}
	prev, acc := "[s0]", lengths[0]
	for i := 1; i < len(segs); i++ {
		offset := acc - xfadeFrames
		out := fmt.Sprintf("[x%d]", i)
		fmt.Fprintf(&g, "%s[s%d]xfade=transition=%s:duration=%s:offset=%s%s;",
			prev, i, transitions[(i-1)%len(transitions)], frameSecs(xfadeFrames), frameSecs(offset), out)
		prev, acc = out, acc+lengths[i]-xfadeFrames
	}
	fmt.Fprintf(&g, "%sformat=yuv420p[vout];", prev)

	d := s.Duration.Seconds()
	if s.Narration != nil {
		// A quarter-second breath before the voice, silence after it, and a
		// short fade if it has to be cut.
		fmt.Fprintf(&g, "[%d:a]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo,adelay=250:all=1,"+
			"apad,atrim=0:%s,afade=t=out:st=%s:d=0.5[aout]", audioIn, formatSecs(s.Duration), strconv.FormatFloat(d-0.5, 'f', 3, 64))
	} else {
		fmt.Fprintf(&g, "[%d:a]atrim=0:%s[aout]", audioIn, formatSecs(s.Duration))
	}
	return g.String()
}

func even(v float64) int { return int(v/2+0.5) * 2 }

func frameSecs(frames int) string {
	return strconv.FormatFloat(float64(frames)/fps, 'f', 4, 64)
}

func formatSecs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// writePPM stores a still as binary PPM: no compression, so writing and
// ffmpeg's reading cost next to nothing. Transparent pixels end up over
// black.
func writePPM(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	b := img.Bounds()
	m, ok := img.(*image.RGBA)
	if !ok {
		// draw has fast paths for the usual decoded types (NRGBA, YCbCr).
		m = image.NewRGBA(b)
		draw.Draw(m, b, img, b.Min, draw.Src)
	}
	fmt.Fprintf(w, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	row := make([]byte, 3*b.Dx())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := 0; x < b.Dx(); x++ {
			row[3*x], row[3*x+1], row[3*x+2] = src[4*x], src[4*x+1], src[4*x+2]
		}
		if _, err := w.Write(row); err != nil {
			f.Close()
			return err
		}
	}
	return errors.Join(w.Flush(), f.Close())
}

// tail keeps the last max bytes written (ffmpeg's error output).
type tail struct {
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }
