package video

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/draw"
	"image/gif"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/content/tts"
)

// need skips when a tool is missing, except under CI=true where it fails.
func need(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI=true)", tool)
		}
		t.Skipf("%s is not installed", tool)
	}
}

// picture is a stand-in for a rendered card: a diagonal gradient with a
// few shapes, so motion and compression behave like real content.
func picture(w, h int, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c0 := [3]float64{float64(40 + seed*60%200), 80, float64(200 - seed*40%150)}
	c1 := [3]float64{250, float64(180 + seed*20%70), 90}
	for y := range h {
		for x := range w {
			t := (float64(x)/float64(w) + float64(y)/float64(h)) / 2
			i := img.PixOffset(x, y)
			for j := range 3 {
				img.Pix[i+j] = uint8(c0[j]*(1-t) + c1[j]*t)
			}
			img.Pix[i+3] = 0xFF
			cx, cy := float64(w)*(0.3+0.1*float64(seed%3)), float64(h)*0.4
			if math.Hypot(float64(x)-cx, float64(y)-cy) < float64(min(w, h))/5 {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 255, 255, 255
			}
		}
	}
	return img
}

// nrgba converts to the type image/png decodes pictures into.
func nrgba(m *image.RGBA) *image.NRGBA {
	n := image.NewNRGBA(m.Rect)
	draw.Draw(n, m.Rect, m, image.Point{}, draw.Src)
	return n
}

func spec(w, h int, narration *tts.Audio) Spec {
	return Spec{
		// Cards come at their own sizes; the video fits them.
		Frames:    []image.Image{picture(w, h, 1), nrgba(picture(1080, 1080, 2)), picture(w, h, 3)},
		Width:     w,
		Height:    h,
		Narration: narration,
		Titles:    []string{"우리동네 카페 오픈 기념 이벤트", "12월 26일까지 · 지금 참여하세요"},
	}
}

type probe struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		PixFmt    string `json:"pix_fmt"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Profile   string `json:"profile"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func ffprobe(t *testing.T, data []byte) probe {
	t.Helper()
	need(t, "ffprobe")
	p := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", p).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var pr probe
	if err := json.Unmarshal(out, &pr); err != nil {
		t.Fatal(err)
	}
	return pr
}

// topAtoms lists the MP4's top-level boxes in file order.
func topAtoms(b []byte) []string {
	var names []string
	for off := 0; off+8 <= len(b); {
		size := int(binary.BigEndian.Uint32(b[off:]))
		if size == 1 && off+16 <= len(b) {
			size = int(binary.BigEndian.Uint64(b[off+8:]))
		}
		names = append(names, string(b[off+4:off+8]))
		if size < 8 {
			break
		}
		off += size
	}
	return names
}

func index(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}

func TestMP4(t *testing.T) {
	need(t, "ffmpeg")
	voice, err := tts.NewLocal().Synthesize(context.Background(), "우리동네 카페가 문을 열었어요. 12월 26일까지 아메리카노를 무료로 드려요. 지금 참여하세요!")
	if err != nil {
		t.Fatal(err)
	}
	long := tts.Melody(string(bytes.Repeat([]byte("가나다라마 "), 40))) // ~30 s: must be cut
	for _, tc := range []struct {
		name      string
		w, h      int
		narration *tts.Audio
	}{
		{"portrait with narration", 1080, 1920, &voice},
		{"landscape silent", 1920, 1080, nil},
		{"portrait long narration", 1080, 1920, &long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "portrait long narration" && testing.Short() {
				t.Skip("short")
			}
			res, err := Make(context.Background(), spec(tc.w, tc.h, tc.narration))
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != FormatMP4 || res.ContentType != "video/mp4" || res.Notice != "" || res.Duration != 15*time.Second {
				t.Errorf("result = %s %s %q %v", res.Format, res.ContentType, res.Notice, res.Duration)
			}
			if dir := os.Getenv("VIDEO_DUMP_DIR"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(tc.w)+"x"+strconv.Itoa(tc.h)+".mp4"), res.Data, 0o644)
			}
			pr := ffprobe(t, res.Data)
			d, _ := strconv.ParseFloat(pr.Format.Duration, 64)
			if math.Abs(d-15) > 0.1 {
				t.Errorf("duration = %.3f s, want 15 ± 0.1", d)
			}
			var video, audio int
			for _, s := range pr.Streams {
				switch s.CodecType {
				case "video":
					video++
					if s.CodecName != "h264" || s.PixFmt != "yuv420p" || s.Width != tc.w || s.Height != tc.h {
						t.Errorf("video stream = %s %s %dx%d, want h264 yuv420p %dx%d", s.CodecName, s.PixFmt, s.Width, s.Height, tc.w, tc.h)
					}
				case "audio":
					audio++
					if s.CodecName != "aac" {
						t.Errorf("audio codec = %s, want aac", s.CodecName)
					}
				}
			}
			if video != 1 || audio != 1 {
				t.Errorf("%d video and %d audio streams, want 1 and 1", video, audio)
			}
			atoms := topAtoms(res.Data)
			if m, d := index(atoms, "moov"), index(atoms, "mdat"); m < 0 || d < 0 || m > d {
				t.Errorf("top-level atoms %v: want moov before mdat (+faststart)", atoms)
			}
			if tc.narration != nil && !audible(t, res.Data) {
				t.Error("narration is not audible in the video")
			}
		})
	}
}

// audible reports whether the soundtrack's loudest moment is well above
// silence.
func audible(t *testing.T, mp4 []byte) bool {
	t.Helper()
	p := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(p, mp4, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", p, "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar", "8000", "-").Output()
	if err != nil {
		t.Fatalf("decode audio: %v", err)
	}
	peak := 0
	for i := 0; i+1 < len(out); i += 2 {
		v := int(int16(binary.LittleEndian.Uint16(out[i:])))
		peak = max(peak, v, -v)
	}
	return peak > 2000
}

func TestGIFWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no ffmpeg here
	if Available() {
		t.Fatal("Available() = true with an empty PATH")
	}
	for _, sz := range [][2]int{{1080, 1920}, {1920, 1080}} {
		res, err := Make(context.Background(), spec(sz[0], sz[1], nil))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != FormatGIF || res.ContentType != "image/gif" || res.Notice != NoticeGIF || res.Duration != 15*time.Second {
			t.Errorf("result = %s %s %q %v", res.Format, res.ContentType, res.Notice, res.Duration)
		}
		if dir := os.Getenv("VIDEO_DUMP_DIR"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(sz[0])+"x"+strconv.Itoa(sz[1])+".gif"), res.Data, 0o644)
		}
		g, err := gif.DecodeAll(bytes.NewReader(res.Data))
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, d := range g.Delay {
			total += d
		}
		if total != 1500 {
			t.Errorf("delays add up to %d cs, want 1500", total)
		}
		if n := len(g.Image); n < 20 || n > 40 {
			t.Errorf("%d frames, want about 2 a second", n)
		}
		// Same shape as the video, small enough to send.
		if g.Config.Width*sz[1] != g.Config.Height*sz[0] || max(g.Config.Width, g.Config.Height) != gifLongSide {
			t.Errorf("gif is %dx%d for a %dx%d video", g.Config.Width, g.Config.Height, sz[0], sz[1])
		}
		if len(res.Data) > 6<<20 {
			t.Errorf("gif is %d bytes", len(res.Data))
		}
		t.Logf("%dx%d gif: %d frames, %d KB", g.Config.Width, g.Config.Height, len(g.Image), len(res.Data)>>10)
	}
}

func TestCancelKillsFFmpeg(t *testing.T) {
	need(t, "ffmpeg")
	ctx, cancel := context.WithCancel(context.Background())
	var pid int
	var dir string
	afterStart = func(p int, d string) { pid, dir = p, d; cancel() }
	defer func() { afterStart = nil }()
	_, err := Make(ctx, spec(1080, 1920, nil))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if pid == 0 {
		t.Fatal("ffmpeg never started")
	}
	// Make waited for ffmpeg, so the process is gone (reaped).
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("ffmpeg %d still exists: kill(0) = %v", pid, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left behind (%v)", dir, err)
	}
}

func TestInvalidSpec(t *testing.T) {
	good := spec(1080, 1920, nil)
	bad := []func(*Spec){
		func(s *Spec) { s.Frames, s.Titles = nil, []string{" "} },
		func(s *Spec) { s.Width = 1081 },
		func(s *Spec) { s.Height = 0 },
		func(s *Spec) { s.Duration = time.Hour },
		func(s *Spec) { s.Frames = []image.Image{nil} },
		func(s *Spec) { s.Narration = &tts.Audio{ContentType: "audio/ogg", Data: []byte{1}} },
	}
	for i, mut := range bad {
		s := good
		mut(&s)
		if _, err := Make(context.Background(), s); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("case %d: err = %v, want ErrInvalidSpec", i, err)
		}
	}
}

func TestTimeline(t *testing.T) {
	for n := 1; n <= MaxSegments; n++ {
		ls := timeline(375, n, xfadeFrames)
		sum := 0
		for _, l := range ls {
			sum += l
			if n > 1 && l < 2*xfadeFrames {
				t.Errorf("n=%d: segment of %d frames is shorter than its two crossfades", n, l)
			}
		}
		if got := sum - (n-1)*xfadeFrames; got != 375 {
			t.Errorf("n=%d: %v plays %d frames, want 375", n, ls, got)
		}
	}
}

func TestTitleCardFits(t *testing.T) {
	for _, text := range []string{
		"오픈 이벤트",
		"우리동네 수제버거 전문점 그랜드 오픈 기념 전 메뉴 50% 할인 이벤트에 지금 바로 참여하세요 선착순 100명 한정",
		"Supercalifragilisticexpialidocious한정판매이벤트진행중입니다아주긴단어",
		"🎉 커피 ☕ 무료 🎉",
	} {
		for _, sz := range [][2]int{{1080, 1920}, {1920, 1080}} {
			img, err := titleCard(text, sz[0], sz[1], nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Text pixels (white) stay inside an 8 % margin on every side.
			mx, my := sz[0]*7/100, sz[1]*7/100
			white := 0
			for y := range sz[1] {
				for x := range sz[0] {
					c := img.RGBAAt(x, y)
					if c.R > 200 && c.G > 200 && c.B > 200 {
						white++
						if x < mx || x >= sz[0]-mx || y < my || y >= sz[1]-my {
							t.Fatalf("%q at %v: text pixel at (%d,%d) outside the margin", text, sz, x, y)
						}
					}
				}
			}
			if white < 1000 {
				t.Errorf("%q at %v: only %d text pixels", text, sz, white)
			}
		}
	}
}
