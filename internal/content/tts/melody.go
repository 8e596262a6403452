package tts

import (
	"math"
	"unicode"
)

const (
	melodyRate    = 22050
	melodyMaxTime = 120 // seconds
)

// pentatonic is C major pentatonic over two octaves (Hz): any walk over it
// sounds pleasant.
var pentatonic = []float64{261.63, 293.66, 329.63, 392.00, 440.00, 523.25, 587.33, 659.25, 783.99, 880.00}

// Melody is the stand-in voice when no speech engine is installed: one
// short note per syllable, rests at spaces and longer ones at punctuation,
// so it runs about as long as the text takes to say (≈ 7 syllables/s) and is
// always a valid, audible WAV. The tune follows the text deterministically.
func Melody(text string) Audio {
	var samples []int16
	step := 4
	limit := melodyRate * melodyMaxTime
	for _, r := range text {
		if len(samples) >= limit {
			break
		}
		switch {
		case unicode.IsSpace(r):
			samples = rest(samples, 0.07)
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			samples = rest(samples, 0.22)
			step = 4
		default:
			// A small step up or down keeps the line melodic.
			step += int(r%5) - 2
			step = max(0, min(len(pentatonic)-1, step))
			samples = note(samples, pentatonic[step], 0.13)
		}
	}
	if len(samples) < melodyRate { // at least one second
		samples = note(samples, pentatonic[2], float64(melodyRate-len(samples))/melodyRate)
	}
	samples = samples[:min(len(samples), limit)]
	data := EncodeWAV(samples, melodyRate)
	w, _ := ParseWAV(data)
	return Audio{Data: data, ContentType: ContentTypeWAV, Duration: w.Duration}
}

func rest(s []int16, secs float64) []int16 {
	return append(s, make([]int16, int(secs*melodyRate))...)
}

func note(s []int16, freq, secs float64) []int16 {
	n := int(secs * melodyRate)
	attack, release := melodyRate/100, melodyRate/20
	for i := range n {
		env := 1.0
		if i < attack {
			env = float64(i) / float64(attack)
		} else if n-i < release {
			env = float64(n-i) / float64(release)
		}
		t := float64(i) / melodyRate
		v := math.Sin(2*math.Pi*freq*t) + 0.3*math.Sin(4*math.Pi*freq*t)
		s = append(s, int16(0.3*env*v/1.3*math.MaxInt16))
	}
	return s
}
