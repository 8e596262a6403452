package tts

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const sample = "우리동네 카페 오픈 이벤트! 12월 26일까지 아메리카노 한 잔을 무료로 드려요."

// need skips when a tool is missing, except under CI=true where it fails.
func need(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI=true)", tool)
		}
		t.Skipf("%s is not installed", tool)
	}
}

// ffprobeDuration asks ffprobe how long the audio is.
func ffprobeDuration(t *testing.T, data []byte, ext string) time.Duration {
	t.Helper()
	need(t, "ffprobe")
	p := filepath.Join(t.TempDir(), "a."+ext)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", p).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	secs, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("ffprobe duration %q: %v", out, err)
	}
	return time.Duration(secs * float64(time.Second))
}

func near(a, b, tol time.Duration) bool { return (a - b).Abs() <= tol }

func TestLocalEspeakSpeaksKorean(t *testing.T) {
	need(t, "espeak-ng")
	l := NewLocal()
	if l.Name() != "espeak-ng" {
		t.Fatalf("Name() = %q, want espeak-ng", l.Name())
	}
	a, err := l.Synthesize(context.Background(), sample)
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != ContentTypeWAV {
		t.Errorf("ContentType = %q, want %q", a.ContentType, ContentTypeWAV)
	}
	w, err := ParseWAV(a.Data)
	if err != nil {
		t.Fatal(err)
	}
	// The header sizes must be the real ones (espeak-ng streams placeholders).
	if got := int(uint32(a.Data[4]) | uint32(a.Data[5])<<8 | uint32(a.Data[6])<<16 | uint32(a.Data[7])<<24); got != len(a.Data)-8 {
		t.Errorf("RIFF size = %d, want %d", got, len(a.Data)-8)
	}
	if w.DataOffset+w.DataLen != len(a.Data) {
		t.Errorf("data chunk ends at %d, file is %d bytes", w.DataOffset+w.DataLen, len(a.Data))
	}
	// A 40-syllable sentence takes seconds to say, not milliseconds or minutes.
	if a.Duration < 2*time.Second || a.Duration > 20*time.Second {
		t.Errorf("Duration = %v, want a few seconds", a.Duration)
	}
	if got := ffprobeDuration(t, a.Data, "wav"); !near(got, a.Duration, 20*time.Millisecond) {
		t.Errorf("ffprobe says %v, we say %v", got, a.Duration)
	}
	if silent(t, a.Data) {
		t.Error("speech is silent")
	}
}

func silent(t *testing.T, wav []byte) bool {
	t.Helper()
	s, _, err := DecodeWAV16(wav)
	if err != nil {
		t.Fatal(err)
	}
	peak := 0
	for _, v := range s {
		peak = max(peak, int(v), -int(v))
	}
	return peak < 1000
}

func TestLocalMelodyWithoutEspeak(t *testing.T) {
	l := &Local{}
	if l.Name() != "melody" {
		t.Fatalf("Name() = %q, want melody", l.Name())
	}
	short, err := l.Synthesize(context.Background(), "안녕")
	if err != nil {
		t.Fatal(err)
	}
	long, err := l.Synthesize(context.Background(), strings.Repeat(sample+" ", 3))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []Audio{short, long} {
		w, err := ParseWAV(a.Data)
		if err != nil {
			t.Fatal(err)
		}
		if w.Duration != a.Duration || a.Duration < time.Second {
			t.Errorf("Duration = %v (header %v), want ≥ 1s and equal", a.Duration, w.Duration)
		}
		if silent(t, a.Data) {
			t.Error("melody is silent")
		}
	}
	// About 7 syllables a second: three sentences of ~40 syllables ≈ 15-25 s.
	if long.Duration < 10*time.Second || long.Duration > 30*time.Second {
		t.Errorf("long text lasts %v, want a speaking length", long.Duration)
	}
	if got := ffprobeDuration(t, long.Data, "wav"); !near(got, long.Duration, 20*time.Millisecond) {
		t.Errorf("ffprobe says %v, we say %v", got, long.Duration)
	}
}

func TestLocalErrors(t *testing.T) {
	l := NewLocal()
	if _, err := l.Synthesize(context.Background(), "  \n"); !errors.Is(err, ErrEmptyText) {
		t.Errorf("empty text: err = %v, want ErrEmptyText", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Synthesize(ctx, sample); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}

func TestProbeDuration(t *testing.T) {
	wav := Melody(sample)
	ct, d, err := ProbeDuration(wav.Data)
	if err != nil || ct != ContentTypeWAV || d != wav.Duration {
		t.Fatalf("wav: %q %v %v, want %q %v", ct, d, err, ContentTypeWAV, wav.Duration)
	}
	if _, _, err := ProbeDuration([]byte(`{"error":{"errorCode":"VS05"}}`)); !errors.Is(err, ErrNotAudio) {
		t.Errorf("JSON: err = %v, want ErrNotAudio", err)
	}

	need(t, "ffmpeg")
	for _, args := range [][]string{
		{"-ar", "24000", "-b:a", "48k"}, // MPEG 2 layer III, like Clova's voices
		{"-ar", "44100", "-b:a", "128k"},
	} {
		dir := t.TempDir()
		in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.mp3")
		if err := os.WriteFile(in, wav.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("ffmpeg", append(append([]string{"-v", "error", "-i", in, "-c:a", "libmp3lame"}, args...), out)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg: %v %s", err, b)
		}
		mp3, _ := os.ReadFile(out)
		ct, d, err := ProbeDuration(mp3)
		if err != nil || ct != ContentTypeMP3 {
			t.Fatalf("mp3 %v: %q %v", args, ct, err)
		}
		// Encoder delay and padding add up to a frame or two.
		if want := ffprobeDuration(t, mp3, "mp3"); !near(d, want, 80*time.Millisecond) {
			t.Errorf("mp3 %v: %v, ffprobe %v", args, d, want)
		}
	}
}
