// Package clova simulates Naver Clova Voice Premium
// (POST /tts-premium/v1/tts) for the embedded mode, tests and benchmarks:
// the same headers, form fields, limits and error documents, with
// configurable latency and failures. The audio is real: tts.Local speaks
// the text (espeak-ng's Korean voice, or a melody when it is missing), as
// WAV, or as MP3 through ffmpeg when format=mp3.
//
// Deviations, on purpose: speed and pitch are validated but not applied;
// when ffmpeg is missing a format=mp3 request is answered with WAV
// (Content-Type audio/wav), which the client recognises by its bytes.
//
// Mount it at a base URL, e.g. mux.Handle("/sandbox/clova/",
// http.StripPrefix("/sandbox/clova", srv)), and point the client's BaseURL
// there.
package clova

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/content/tts"
)

// MaxTextLength is the API's limit per call, in characters.
const MaxTextLength = 2000

// speakers the simulator accepts (the Korean voices and a few others of the
// published list); any other name is VS02.
var speakers = map[string]bool{}

func init() {
	for _, s := range strings.Fields(`nara nara_call nminyoung nyejin mijin jinho clara matt shinji meimei
		liangliang jose carmen nminsang nsinu nhajun ndain njiyun nsujin njinho njihun njooahn nseonghoon
		njihwan nsiyoon ngaram ntomoko nnaomi nsayuri ngoeun neunyoung nsunkyung nyujin ntaejin nyoungil
		nseungpyo nwontak dara ndaeseong vara vmikyung vdain vyuna vgoeun vdaeseong vian vhyeri vyeongsil`) {
		speakers[s] = true
	}
}

// emotionVoices may carry an emotion; for other voices the simulator
// refuses one with the gateway's generic 400 "100".
var emotionVoices = map[string]bool{"nara": true, "vara": true, "vmikyung": true, "vdain": true, "vyuna": true, "vgoeun": true, "vdaeseong": true}

// Faults configures injected latency and failures.
type Faults struct {
	// Latency is added to every answer; Jitter adds a uniform [0, Jitter).
	Latency, Jitter time.Duration
	// ErrorRate in [0,1] is the share of valid requests answered with
	// ErrorStatus (default 500); 429 and 503 carry Retry-After.
	ErrorRate   float64
	ErrorStatus int
	RetryAfter  time.Duration
}

// Stats counts what the simulator did.
type Stats struct{ Requests, Errors int64 }

// Config configures the simulator.
type Config struct {
	// ClientID and ClientSecret, when set, must match the headers; when
	// empty any non-empty pair is accepted.
	ClientID, ClientSecret string
	Faults                 Faults
	Seed                   uint64
	// Synthesizer speaks (default tts.NewLocal()).
	Synthesizer tts.Synthesizer
}

// Server is the simulator; it is an http.Handler.
type Server struct {
	id, secret string
	synth      tts.Synthesizer

	mu  sync.Mutex
	f   Faults
	rng *rand.Rand

	requests, errors atomic.Int64
}

// New returns a simulator.
func New(cfg Config) *Server {
	s := cfg.Synthesizer
	if s == nil {
		s = tts.NewLocal()
	}
	return &Server{id: cfg.ClientID, secret: cfg.ClientSecret, synth: s, f: cfg.Faults,
		rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
}

// SetFaults changes latency and failure injection at run time.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.f = f
	s.mu.Unlock()
}

// Stats returns the request and injected-error counts.
func (s *Server) Stats() Stats { return Stats{Requests: s.requests.Load(), Errors: s.errors.Load()} }

// gateway errors (NAVER Cloud API gateway common errors).
var gatewayCodes = map[int][2]string{
	400: {"100", "Bad Request Exception"},
	401: {"200", "Authentication Failed"},
	404: {"300", "Not Found Exception"},
	413: {"430", "Request Entity Too Large"},
	429: {"420", "Rate Limited"},
	500: {"900", "Unexpected Error"},
	503: {"500", "Endpoint Error"},
	504: {"510", "Endpoint Timeout"},
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.URL.Path != "/tts-premium/v1/tts" || r.Method != http.MethodPost {
		gatewayError(w, http.StatusNotFound)
		return
	}
	id, secret := r.Header.Get("X-NCP-APIGW-API-KEY-ID"), r.Header.Get("X-NCP-APIGW-API-KEY")
	if id == "" || secret == "" || (s.id != "" && id != s.id) || (s.secret != "" && secret != s.secret) {
		gatewayError(w, http.StatusUnauthorized)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		gatewayError(w, http.StatusBadRequest)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		gatewayError(w, http.StatusRequestEntityTooLarge)
		return
	}
	p, code := parse(r.PostForm)
	if code != "" {
		apiError(w, code)
		return
	}
	if err := s.wait(r.Context()); err != nil {
		return
	}
	if status, after, fail := s.fail(); fail {
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(after.Seconds())))))
		}
		gatewayError(w, status)
		return
	}
	a, err := s.synth.Synthesize(r.Context(), p.text)
	if err != nil {
		gatewayError(w, http.StatusInternalServerError)
		return
	}
	data, ct, err := shape(r.Context(), a, p)
	if err != nil {
		gatewayError(w, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

type params struct {
	speaker                    string
	text                       string
	volume, speed, pitch, rate int
	format                     string
}

// vsErrors are the API's own error answers (HTTP 400).
var vsErrors = map[string]string{
	"VS01": "speaker parameter is needed.",
	"VS02": "Unsupported speaker.",
	"VS03": "Speed parameter is needed.",
	"VS04": "Unsupported speed.",
	"VS05": "text parameter is needed.",
	"VS06": "text parameter exceeds max length.",
	"VS07": "Unsupported volume.",
	"VS08": "Unsupported pitch.",
}

// parse validates the form like the API, returning the VS code of the
// first problem ("100" for a field the gateway rejects generically).
func parse(f map[string][]string) (params, string) {
	get := func(k string) (string, bool) {
		v, ok := f[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	num := func(k string, lo, hi int) (int, bool) {
		v, ok := get(k)
		if !ok {
			return 0, true
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= lo && n <= hi
	}
	var p params
	var ok bool
	if p.speaker, ok = get("speaker"); !ok || p.speaker == "" {
		return p, "VS01"
	}
	if !speakers[p.speaker] {
		return p, "VS02"
	}
	if v, present := get("speed"); present && v == "" {
		return p, "VS03"
	}
	if p.speed, ok = num("speed", -5, 10); !ok {
		return p, "VS04"
	}
	if p.text, _ = get("text"); strings.TrimSpace(p.text) == "" {
		return p, "VS05"
	}
	if utf8.RuneCountInString(p.text) > MaxTextLength {
		return p, "VS06"
	}
	if p.volume, ok = num("volume", -5, 5); !ok {
		return p, "VS07"
	}
	if p.pitch, ok = num("pitch", -5, 5); !ok {
		return p, "VS08"
	}
	if e, ok := num("emotion", 0, 3); !ok || (e != 0 && !emotionVoices[p.speaker]) {
		return p, "100"
	}
	switch p.format, _ = get("format"); p.format {
	case "":
		p.format = "mp3"
	case "mp3", "wav":
	default:
		return p, "100"
	}
	if v, present := get("sampling-rate"); present {
		p.rate, _ = strconv.Atoi(v)
		if p.format != "wav" || (p.rate != 8000 && p.rate != 16000 && p.rate != 24000 && p.rate != 48000) {
			return p, "100"
		}
	}
	return p, ""
}

// shape applies volume and sampling rate to the voice's WAV and encodes the
// requested format.
func shape(ctx context.Context, a tts.Audio, p params) ([]byte, string, error) {
	samples, rate, err := tts.DecodeWAV16(a.Data)
	if err != nil {
		return nil, "", err
	}
	gain := 1 + float64(p.volume)/10 // -5 → 0.5×, 5 → 1.5×
	for i, v := range samples {
		samples[i] = int16(max(math.MinInt16, min(math.MaxInt16, float64(v)*gain)))
	}
	if p.rate != 0 && p.rate != rate {
		samples, rate = resample(samples, rate, p.rate), p.rate
	}
	wav := tts.EncodeWAV(samples, rate)
	if p.format == "wav" {
		return wav, tts.ContentTypeWAV, nil
	}
	if mp3, err := toMP3(ctx, wav); err == nil {
		return mp3, tts.ContentTypeMP3, nil
	}
	return wav, tts.ContentTypeWAV, nil
}

// resample converts by linear interpolation (enough for speech).
func resample(in []int16, from, to int) []int16 {
	n := int(int64(len(in)) * int64(to) / int64(from))
	out := make([]int16, n)
	for i := range out {
		pos := float64(i) * float64(from) / float64(to)
		j := int(pos)
		if j+1 >= len(in) {
			out[i] = in[len(in)-1]
			continue
		}
		frac := pos - float64(j)
		out[i] = int16(float64(in[j])*(1-frac) + float64(in[j+1])*frac)
	}
	return out
}

// toMP3 encodes with ffmpeg's libmp3lame at Clova's usual 24 kHz/48 kbit/s.
func toMP3(ctx context.Context, wav []byte) ([]byte, error) {
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "clova-sim-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.mp3")
	cmd := exec.CommandContext(ctx, ff, "-nostdin", "-v", "error", "-f", "wav", "-i", "pipe:0",
		"-ar", "24000", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k", out)
	cmd.Stdin = bytes.NewReader(wav)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ffmpeg: %w: %s", err, stderr.String())
	}
	return os.ReadFile(out)
}

func (s *Server) wait(ctx context.Context) error {
	s.mu.Lock()
	d := s.f.Latency
	if s.f.Jitter > 0 {
		d += time.Duration(s.rng.Float64() * float64(s.f.Jitter))
	}
	s.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) fail() (int, time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f.ErrorRate <= 0 || s.rng.Float64() >= s.f.ErrorRate {
		return 0, 0, false
	}
	s.errors.Add(1)
	status := s.f.ErrorStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return status, s.f.RetryAfter, true
}

func gatewayError(w http.ResponseWriter, status int) {
	c, ok := gatewayCodes[status]
	if !ok {
		c = [2]string{"900", http.StatusText(status)}
	}
	writeError(w, status, c[0], c[1])
}

func apiError(w http.ResponseWriter, code string) {
	if msg, ok := vsErrors[code]; ok {
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	gatewayError(w, http.StatusBadRequest)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"errorCode": code, "message": msg}})
}
