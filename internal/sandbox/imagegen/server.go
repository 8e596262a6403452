// Package imagegen simulates the three remote image providers the content
// service can use, each at its own mount point and in its own wire format:
//
//	/stability/v2beta/stable-image/generate/{core|ultra|sd3}   Stability AI (multipart in, image bytes out)
//	/openai/v1/images/generations                              OpenAI Images (JSON, base64 or URL out)
//	/a1111/sdapi/v1/txt2img                                    AUTOMATIC1111 web UI (JSON, base64 out)
//
// It checks the key the way each API does, answers real PNGs — procedural
// backgrounds (gradients, soft shapes, bokeh, geometry) that change with the
// prompt's style words and the seed — and injects latency and failures for
// the embedded mode, tests and benchmarks. A prompt containing
// "sandbox-blocked" is refused on content-policy grounds (Stability 403
// content_moderation, OpenAI 400 moderation_blocked); "sandbox-filtered"
// gets Stability's 200 with finish-reason CONTENT_FILTERED.
//
// Mount it at a base URL, e.g. mux.Handle("/sandbox/imagegen/",
// http.StripPrefix("/sandbox/imagegen", srv)), and point each adapter's
// BaseURL at base+"/stability", base+"/openai" or base+"/a1111".
package imagegen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures the simulator.
type Config struct {
	// APIKey, when set, must be sent: as "Authorization: Bearer KEY" to
	// /stability and /openai, and as HTTP Basic credentials to /a1111
	// ("user:password", or the password of user "autoevent" when it has no
	// colon — the a1111 adapter's convention). Empty accepts any caller.
	APIKey string
	// Seed varies the pictures and makes fault injection repeatable.
	Seed int64
}

// Faults configures injected latency and failures.
type Faults struct {
	// Latency is added to every generation; Jitter adds a uniform [0, Jitter).
	Latency time.Duration
	Jitter  time.Duration
	// ErrorRate in [0,1] is the share of generations answered with
	// ErrorStatus (default 500) in the provider's error format; 429 and 503
	// carry Retry-After (RetryAfter, at least 1 s).
	ErrorRate   float64
	ErrorStatus int
	RetryAfter  time.Duration
}

// Stats counts what the simulator did.
type Stats struct {
	Requests, Errors, Images int64
}

// Server is the simulator; it is an http.Handler.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu     sync.Mutex
	faults Faults
	rng    *rand.Rand

	requests, errors, images atomic.Int64
	seq                      atomic.Int64

	files fileCache // dall-e URL answers
}

// New returns a simulator.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux(),
		rng: rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Seed)^0x9e3779b97f4a7c15))}
	s.mux.HandleFunc("/stability/v2beta/stable-image/generate/{service}", s.stability)
	s.mux.HandleFunc("/openai/v1/images/generations", s.openai)
	s.mux.HandleFunc("GET /openai/files/{name}", s.openaiFile)
	s.mux.HandleFunc("/a1111/sdapi/v1/txt2img", s.a1111)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not Found"})
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SetFaults changes latency and failure injection at run time.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{Requests: s.requests.Load(), Errors: s.errors.Load(), Images: s.images.Load()}
}

func (s *Server) float64() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64()
}

func (s *Server) currentFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// wait sleeps the configured latency, returning early when ctx ends.
func (s *Server) wait(ctx context.Context) error {
	f := s.currentFaults()
	d := f.Latency
	if f.Jitter > 0 {
		d += time.Duration(s.float64() * float64(f.Jitter))
	}
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

// fail decides whether this generation fails; it sets Retry-After on w for
// 429 and 503.
func (s *Server) fail(w http.ResponseWriter) (int, bool) {
	f := s.currentFaults()
	if f.ErrorRate <= 0 || s.float64() >= f.ErrorRate {
		return 0, false
	}
	s.errors.Add(1)
	status := f.ErrorStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", fmt.Sprint(max(1, int(math.Ceil(f.RetryAfter.Seconds())))))
	}
	return status, true
}

// seedFor is the seed a generation uses: the request's, or a random one
// when it asks for randomness (the answer reports it, like the APIs do).
func (s *Server) seedFor(requested int64) int64 {
	if requested > 0 {
		return requested
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Int64N(1 << 32)
}

// picture paints and encodes one PNG (or JPEG when format is "jpeg").
func (s *Server) picture(w, h int, prompt string, seed int64, format string) ([]byte, error) {
	img := Paint(w, h, prompt, PaintSeed(s.cfg.Seed, seed, prompt))
	s.images.Add(1)
	var b bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	} else {
		// Stored (uncompressed) deflate: a valid PNG about three times
		// larger but five times faster to encode than BestSpeed (60–110 ms
		// against 450–540 ms for 1024×1536 on the 2-core box), and the
		// pictures only cross a loopback.
		err = (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img)
	}
	return b.Bytes(), err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// blockedWord in a prompt makes the providers refuse it on content-policy
// grounds, so the refusal path can be exercised end to end; filteredWord
// makes Stability answer 200 with finish-reason CONTENT_FILTERED (its way
// of flagging an output after painting it).
const (
	blockedWord  = "sandbox-blocked"
	filteredWord = "sandbox-filtered"
)

// fileCache keeps the last few pictures answered by URL.
type fileCache struct {
	mu    sync.Mutex
	order []string
	data  map[string][]byte
}

const fileCacheSize = 32

func (c *fileCache) put(name string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data == nil {
		c.data = map[string][]byte{}
	}
	if len(c.order) >= fileCacheSize {
		delete(c.data, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, name)
	c.data[name] = b
}

func (c *fileCache) get(name string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.data[name]
	return b, ok
}
