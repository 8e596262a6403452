package tts

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Local speaks with Debian's espeak-ng Korean voice when it is installed and
// falls back to Melody otherwise (or when espeak-ng fails), so callers always
// get real audio. Output is 16-bit mono WAV.
type Local struct {
	espeak string // path to espeak-ng; "" means melody only
	voice  string
	wpm    int
}

// NewLocal looks espeak-ng up on the PATH once.
func NewLocal() *Local {
	p, _ := exec.LookPath("espeak-ng")
	return &Local{espeak: p, voice: "ko", wpm: 165}
}

// Name is "espeak-ng" when the voice is used, "melody" otherwise.
func (l *Local) Name() string {
	if l.espeak != "" {
		return "espeak-ng"
	}
	return "melody"
}

// Synthesize speaks text. Only an empty text or the end of ctx is an error.
func (l *Local) Synthesize(ctx context.Context, text string) (Audio, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Audio{}, ErrEmptyText
	}
	if err := ctx.Err(); err != nil {
		return Audio{}, err
	}
	if l.espeak != "" {
		a, err := l.speak(ctx, text)
		if err == nil {
			return a, nil
		}
		if ctx.Err() != nil {
			return Audio{}, ctx.Err()
		}
		// A broken voice install must not break the journey: fall through.
	}
	return Melody(text), nil
}

func (l *Local) speak(ctx context.Context, text string) (Audio, error) {
	// Text goes through stdin so a leading "-" is never read as an option.
	cmd := exec.CommandContext(ctx, l.espeak, "-v", l.voice, "-s", strconv.Itoa(l.wpm), "-b", "1", "--stdout", "--stdin")
	cmd.Stdin = strings.NewReader(text)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		return Audio{}, fmt.Errorf("tts: espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	data := out.Bytes()
	w, err := ParseWAV(data)
	if err != nil {
		return Audio{}, fmt.Errorf("tts: espeak-ng output: %w", err)
	}
	if w.Duration <= 0 {
		return Audio{}, errors.New("tts: espeak-ng produced no samples")
	}
	return Audio{Data: fixSizes(data, w), ContentType: ContentTypeWAV, Duration: w.Duration}, nil
}

// fixSizes writes the real RIFF and data sizes over the placeholders a
// streaming writer leaves, so browsers show the right length.
func fixSizes(b []byte, w WAVInfo) []byte {
	b = b[:w.DataOffset+w.DataLen]
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	binary.LittleEndian.PutUint32(b[w.DataOffset-4:], uint32(w.DataLen))
	return b
}
