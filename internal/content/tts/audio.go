package tts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// ErrNotAudio: the bytes are neither a PCM WAV nor an MPEG audio stream.
var ErrNotAudio = errors.New("tts: not WAV or MP3 audio")

// WAVInfo describes a RIFF/WAVE file with PCM samples.
type WAVInfo struct {
	Channels, SampleRate, BitsPerSample int
	DataOffset, DataLen                 int // the PCM bytes are b[DataOffset : DataOffset+DataLen]
	Duration                            time.Duration
}

// ParseWAV reads the header of a PCM WAV. Streaming writers (espeak-ng
// --stdout) put a placeholder in the size fields, so a data chunk longer than
// the file is cut to what is there.
func ParseWAV(b []byte) (WAVInfo, error) {
	var w WAVInfo
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return w, fmt.Errorf("%w: no RIFF/WAVE header", ErrNotAudio)
	}
	haveFmt := false
	for off := 12; off+8 <= len(b); {
		id := string(b[off : off+4])
		size := int(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := off + 8
		switch id {
		case "fmt ":
			if size < 16 || body+16 > len(b) {
				return w, fmt.Errorf("%w: short fmt chunk", ErrNotAudio)
			}
			format := binary.LittleEndian.Uint16(b[body:])
			w.Channels = int(binary.LittleEndian.Uint16(b[body+2:]))
			w.SampleRate = int(binary.LittleEndian.Uint32(b[body+4:]))
			w.BitsPerSample = int(binary.LittleEndian.Uint16(b[body+14:]))
			// 0xFFFE is WAVE_FORMAT_EXTENSIBLE, PCM in practice for our sources.
			if format != 1 && format != 0xFFFE {
				return w, fmt.Errorf("%w: WAV format %d is not PCM", ErrNotAudio, format)
			}
			if w.Channels < 1 || w.SampleRate < 1000 || (w.BitsPerSample != 8 && w.BitsPerSample != 16 && w.BitsPerSample != 24 && w.BitsPerSample != 32) {
				return w, fmt.Errorf("%w: bad WAV format (%d ch, %d Hz, %d bit)", ErrNotAudio, w.Channels, w.SampleRate, w.BitsPerSample)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return w, fmt.Errorf("%w: data before fmt chunk", ErrNotAudio)
			}
			w.DataOffset = body
			w.DataLen = min(size, len(b)-body)
			frame := w.Channels * w.BitsPerSample / 8
			w.DataLen -= w.DataLen % frame
			w.Duration = time.Duration(int64(w.DataLen/frame) * int64(time.Second) / int64(w.SampleRate))
			return w, nil
		}
		if size > len(b) {
			break
		}
		off = body + size + size%2
	}
	return w, fmt.Errorf("%w: no data chunk", ErrNotAudio)
}

// EncodeWAV writes mono signed 16-bit samples as a canonical 44-byte-header
// WAV.
func EncodeWAV(samples []int16, sampleRate int) []byte {
	n := len(samples) * 2
	b := make([]byte, 44+n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], uint32(sampleRate))
	binary.LittleEndian.PutUint32(b[28:], uint32(sampleRate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return b
}

// DecodeWAV16 returns the samples of a 16-bit PCM WAV, mixed down to mono.
func DecodeWAV16(b []byte) (samples []int16, sampleRate int, err error) {
	w, err := ParseWAV(b)
	if err != nil {
		return nil, 0, err
	}
	if w.BitsPerSample != 16 {
		return nil, 0, fmt.Errorf("tts: %d-bit WAV, want 16-bit", w.BitsPerSample)
	}
	pcm := b[w.DataOffset : w.DataOffset+w.DataLen]
	frames := len(pcm) / (2 * w.Channels)
	samples = make([]int16, frames)
	for i := range frames {
		sum := 0
		for c := range w.Channels {
			sum += int(int16(binary.LittleEndian.Uint16(pcm[2*(i*w.Channels+c):])))
		}
		samples[i] = int16(sum / w.Channels)
	}
	return samples, w.SampleRate, nil
}

// ProbeDuration identifies WAV or MP3 bytes by their content (providers'
// Content-Type headers are not always exact) and measures their length.
func ProbeDuration(b []byte) (contentType string, d time.Duration, err error) {
	if bytes.HasPrefix(b, []byte("RIFF")) {
		w, err := ParseWAV(b)
		if err != nil {
			return "", 0, err
		}
		return ContentTypeWAV, w.Duration, nil
	}
	d, err = MP3Duration(b)
	if err != nil {
		return "", 0, err
	}
	return ContentTypeMP3, d, nil
}

var (
	mp3Rates = [4][3]int{ // [version][index]; version 0 = MPEG 2.5, 2 = MPEG 2, 3 = MPEG 1
		{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000},
	}
	mp3BitratesV1 = [4][16]int{ // [layer] (1 = III, 2 = II, 3 = I), kbit/s
		{},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, -1},
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, -1},
	}
	mp3BitratesV2 = [4][16]int{
		{},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, -1},
	}
)

// mp3Frame decodes the frame header at b[0:4]: its length in bytes, its
// sample count and sample rate; ok is false when it is not a valid header.
func mp3Frame(b []byte) (length, samples, rate int, ok bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return 0, 0, 0, false
	}
	version := int(b[1]>>3) & 3
	layer := int(b[1]>>1) & 3
	bi := int(b[2] >> 4)
	si := int(b[2]>>2) & 3
	pad := int(b[2]>>1) & 1
	if version == 1 || layer == 0 || si == 3 || bi == 0 || bi == 15 {
		return 0, 0, 0, false
	}
	rate = mp3Rates[version][si]
	var kbps int
	if version == 3 {
		kbps = mp3BitratesV1[layer][bi]
	} else {
		kbps = mp3BitratesV2[layer][bi]
	}
	switch layer {
	case 3: // Layer I
		return (12*kbps*1000/rate + pad) * 4, 384, rate, true
	case 2: // Layer II
		return 144*kbps*1000/rate + pad, 1152, rate, true
	default: // Layer III
		if version == 3 {
			return 144*kbps*1000/rate + pad, 1152, rate, true
		}
		return 72*kbps*1000/rate + pad, 576, rate, true
	}
}

// MP3Duration sums the frames of an MPEG audio stream (after an optional
// ID3v2 tag), resynchronising over junk.
func MP3Duration(b []byte) (time.Duration, error) {
	off := 0
	if len(b) >= 10 && string(b[0:3]) == "ID3" {
		size := int(b[6]&0x7F)<<21 | int(b[7]&0x7F)<<14 | int(b[8]&0x7F)<<7 | int(b[9]&0x7F)
		off = 10 + size
		if b[5]&0x10 != 0 {
			off += 10
		}
	}
	var total float64
	frames := 0
	for off+4 <= len(b) {
		if string(b[off:off+3]) == "TAG" && len(b)-off == 128 {
			break
		}
		length, samples, rate, ok := mp3Frame(b[off:])
		if !ok || length < 4 {
			off++
			continue
		}
		if off+length > len(b) && frames == 0 {
			off++
			continue
		}
		total += float64(samples) / float64(rate)
		frames++
		off += length
	}
	if frames == 0 {
		return 0, fmt.Errorf("%w: no MPEG audio frames", ErrNotAudio)
	}
	return time.Duration(total * float64(time.Second)), nil
}
