// Package clova is a client of Naver Clova Voice Premium (CLOVA Voice on
// NAVER Cloud Platform), implementing tts.Synthesizer:
//
//	POST {base}/tts-premium/v1/tts
//	X-NCP-APIGW-API-KEY-ID: {client id}
//	X-NCP-APIGW-API-KEY: {client secret}
//	Content-Type: application/x-www-form-urlencoded
//	speaker=nara&volume=0&speed=0&pitch=0&format=mp3&text=...
//
// The answer is the audio itself (mp3 by default, or wav). Errors are JSON,
// {"error":{"errorCode":"VS05","message":"text parameter is needed."}}, and
// come back as *resilience.StatusError (Code = errorCode), whose Retryable()
// is true for 429 and 5xx and false for other 4xx.
//
// The client is plain: no retries, breaker or timeout of its own; the
// composition root wraps calls with the resilience policy.
package clova

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// Defaults and limits from the API reference.
const (
	DefaultBaseURL = "https://naveropenapi.apigw.ntruss.com"
	Path           = "/tts-premium/v1/tts"
	DefaultSpeaker = "nara"
	// MaxTextLength is the most characters one call may synthesize.
	MaxTextLength = 2000
	maxAudio      = 32 << 20
)

// ErrTextTooLong: the text is over MaxTextLength characters (the API would
// answer 400 VS06); it is refused before any call is made.
var ErrTextTooLong = errors.New("clova: text over 2,000 characters")

// Config configures the client. ClientID and ClientSecret come from
// configuration, never code.
type Config struct {
	// BaseURL is the API gateway root (default DefaultBaseURL); a sandbox
	// or a regional gateway (gov-ntruss, fin-ntruss) goes here.
	BaseURL      string
	ClientID     string
	ClientSecret string
	// Speaker is the voice (default nara).
	Speaker string
	// Volume -5..5, Speed -5..5 (negative is faster), Pitch -5..5.
	Volume, Speed, Pitch int
	// Emotion 0..3 (0 neutral) for the voices that support it; sent only
	// when not 0.
	Emotion int
	// Format is mp3 (default) or wav; SamplingRate (8000, 16000, 24000 or
	// 48000) applies to wav only and is sent only when set.
	Format       string
	SamplingRate int
}

// Validate reports a configuration the API would refuse.
func (c Config) Validate() error {
	var problems []string
	if strings.TrimSpace(c.ClientID) == "" || strings.TrimSpace(c.ClientSecret) == "" {
		problems = append(problems, "ClientID and ClientSecret are required")
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		problems = append(problems, fmt.Sprintf("BaseURL %q must be an http(s) URL", c.BaseURL))
	}
	for _, p := range []struct {
		name      string
		v, lo, hi int
	}{{"Volume", c.Volume, -5, 5}, {"Speed", c.Speed, -5, 5}, {"Pitch", c.Pitch, -5, 5}, {"Emotion", c.Emotion, 0, 3}} {
		if p.v < p.lo || p.v > p.hi {
			problems = append(problems, fmt.Sprintf("%s %d must be within %d..%d", p.name, p.v, p.lo, p.hi))
		}
	}
	switch c.Format {
	case "", "mp3", "wav":
	default:
		problems = append(problems, fmt.Sprintf("Format %q must be mp3 or wav", c.Format))
	}
	switch c.SamplingRate {
	case 0:
	case 8000, 16000, 24000, 48000:
		if c.Format != "wav" {
			problems = append(problems, "SamplingRate applies to wav only")
		}
	default:
		problems = append(problems, fmt.Sprintf("SamplingRate %d must be 8000, 16000, 24000 or 48000", c.SamplingRate))
	}
	if len(problems) > 0 {
		return errors.New("clova: " + strings.Join(problems, "; "))
	}
	return nil
}

// Client calls Clova Voice Premium.
type Client struct {
	cfg      Config
	endpoint string
	http     *http.Client
	invalid  error
}

// New applies the defaults. A configuration Validate refuses makes every
// Synthesize call fail with that error (check Validate at start-up).
// hc nil means http.DefaultClient.
func New(cfg Config, hc *http.Client) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Speaker == "" {
		cfg.Speaker = DefaultSpeaker
	}
	if cfg.Format == "" {
		cfg.Format = "mp3"
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimSuffix(strings.TrimRight(cfg.BaseURL, "/"), "/tts-premium/v1")
	return &Client{cfg: cfg, endpoint: base + Path, http: hc, invalid: cfg.Validate()}
}

// Name identifies the provider in asset records and metrics.
func (c *Client) Name() string { return "clova" }

// Form is the request body the client sends for text (exported for tests
// and for the simulator's documentation).
func (c *Client) Form(text string) url.Values {
	f := url.Values{}
	f.Set("speaker", c.cfg.Speaker)
	f.Set("text", text)
	f.Set("volume", strconv.Itoa(c.cfg.Volume))
	f.Set("speed", strconv.Itoa(c.cfg.Speed))
	f.Set("pitch", strconv.Itoa(c.cfg.Pitch))
	if c.cfg.Emotion != 0 {
		f.Set("emotion", strconv.Itoa(c.cfg.Emotion))
	}
	f.Set("format", c.cfg.Format)
	if c.cfg.SamplingRate != 0 {
		f.Set("sampling-rate", strconv.Itoa(c.cfg.SamplingRate))
	}
	return f
}

// Synthesize speaks text (at most MaxTextLength characters).
func (c *Client) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	if c.invalid != nil {
		return tts.Audio{}, c.invalid
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return tts.Audio{}, tts.ErrEmptyText
	}
	if utf8.RuneCountInString(text) > MaxTextLength {
		return tts.Audio{}, ErrTextTooLong
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(c.Form(text).Encode()))
	if err != nil {
		return tts.Audio{}, fmt.Errorf("clova: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-NCP-APIGW-API-KEY-ID", c.cfg.ClientID)
	req.Header.Set("X-NCP-APIGW-API-KEY", c.cfg.ClientSecret)
	resp, err := c.http.Do(req)
	if err != nil {
		return tts.Audio{}, fmt.Errorf("clova: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return tts.Audio{}, statusError(resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAudio+1))
	if err != nil {
		return tts.Audio{}, fmt.Errorf("clova: read audio: %w", err)
	}
	if len(data) > maxAudio {
		return tts.Audio{}, fmt.Errorf("clova: audio over %d bytes", maxAudio)
	}
	// The bytes decide the type: a gateway may label audio loosely.
	ct, d, err := tts.ProbeDuration(data)
	if err != nil {
		return tts.Audio{}, fmt.Errorf("clova: answer (%s) is not audio: %w", resp.Header.Get("Content-Type"), err)
	}
	return tts.Audio{Data: data, ContentType: ct, Duration: d}, nil
}

// statusError reads the gateway/API error document into a StatusError.
func statusError(resp *http.Response) error {
	se := resilience.NewStatusError("clova", resp)
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var doc struct {
		Error struct {
			ErrorCode string `json:"errorCode"`
			Message   string `json:"message"`
			Details   string `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &doc) == nil {
		se.Code = doc.Error.ErrorCode
		se.Message = strings.TrimSpace(doc.Error.Message + " " + doc.Error.Details)
	}
	return se
}
