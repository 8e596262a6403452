// Package tts turns Korean text into speech for the content service: the
// narration of the 15-second video and the 링고비즈 ringback audio.
//
// Local is the embedded default: Debian's espeak-ng Korean voice when it is
// on the PATH, otherwise a generated melody of the length the text would
// take to speak, so there is always real, playable audio. The Naver Clova
// Voice Premium adapter lives in tts/clova; its simulator in
// internal/sandbox/clova.
package tts

import (
	"context"
	"errors"
	"time"
)

// Content types of Audio.Data.
const (
	ContentTypeWAV = "audio/wav"
	ContentTypeMP3 = "audio/mpeg"
)

// ErrEmptyText: there is nothing to speak.
var ErrEmptyText = errors.New("tts: empty text")

// Audio is synthesized speech.
type Audio struct {
	Data        []byte
	ContentType string // audio/mpeg or audio/wav
	Duration    time.Duration
}

// Synthesizer speaks text. Implementations are safe for concurrent use and
// plain: retries, breakers and timeouts are applied where they are wired.
type Synthesizer interface {
	Name() string
	Synthesize(ctx context.Context, text string) (Audio, error)
}
