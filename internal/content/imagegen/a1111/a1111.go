// Package a1111 is a client of the AUTOMATIC1111 Stable Diffusion web UI
// API (a self-hosted GPU box started with --api), implementing
// imagegen.Generator.
//
// Contract (AUTOMATIC1111/stable-diffusion-webui modules/api/api.py and
// models.py; the live schema is at {base}/docs):
//
//	POST {base}/sdapi/v1/txt2img, Content-Type: application/json
//	{"prompt", "negative_prompt", "width", "height", "steps", "cfg_scale",
//	 "sampler_name", "seed" (-1 = random), "batch_size", "n_iter",
//	 "send_images", "save_images", "override_settings"?}
//	200: {"images": ["<base64 PNG>"], "parameters": {…}, "info": "<JSON string>"}
//	--api-auth user:pass → HTTP Basic; a bad login is 401
//	errors (api_middleware): {"error": "<exception class>", "detail", "body", "errors"};
//	request validation (FastAPI) 422 {"detail": [...]}.
//
// The server paints one job at a time; a busy box makes requests wait
// rather than refuse them, so the caller's timeout matters more than 429s.
package a1111

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/autoevent/autoevent/internal/content/imagegen"
)

// Defaults.
const (
	DefaultSampler = "DPM++ 2M"
	DefaultSteps   = 25
	DefaultCFG     = 7
	DefaultMaxSide = 1024
	provider       = "a1111"
)

// Config configures the client.
type Config struct {
	// BaseURL is the web UI root, e.g. http://gpu-box:7860 (required).
	BaseURL string
	// APIKey is the --api-auth credential "user:password"; a value without
	// a colon is the password of user "autoevent". Empty sends no auth.
	APIKey string
	// Model is a checkpoint title to switch to (override_settings
	// sd_model_checkpoint); empty keeps the loaded one.
	Model string
	// Sampler (default "DPM++ 2M"), Steps (default 25), CFGScale (default 7).
	Sampler  string
	Steps    int
	CFGScale float64
	// MaxSide is the longer side painted (default 1024, SDXL's native
	// size); the picture is then scaled to the requested size, because
	// diffusion models repeat themselves far beyond their training size.
	MaxSide int
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("a1111: BaseURL %q must be an http(s) URL", c.BaseURL)
	}
	if c.Steps < 1 || c.Steps > 150 || c.MaxSide < 64 || c.MaxSide > 2048 {
		return fmt.Errorf("a1111: Steps 1..150 and MaxSide 64..2048")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Sampler == "" {
		c.Sampler = DefaultSampler
	}
	if c.Steps == 0 {
		c.Steps = DefaultSteps
	}
	if c.CFGScale == 0 {
		c.CFGScale = DefaultCFG
	}
	if c.MaxSide == 0 {
		c.MaxSide = DefaultMaxSide
	}
	return c
}

// Client calls txt2img. It is plain: the resilience policy is applied
// where it is wired.
type Client struct {
	cfg      Config
	endpoint string
	http     *http.Client
	invalid  error
}

// New returns a client; hc nil means http.DefaultClient. A configuration
// error (see Config.Validate) is returned by every Generate.
func New(cfg Config, hc *http.Client) *Client {
	cfg = cfg.withDefaults()
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{cfg: cfg, http: hc, invalid: cfg.Validate(),
		endpoint: strings.TrimRight(cfg.BaseURL, "/") + "/sdapi/v1/txt2img"}
}

var _ imagegen.Generator = (*Client)(nil)

// Name implements imagegen.Generator.
func (c *Client) Name() string { return provider }

// Credentials splits an APIKey into the Basic-auth user and password.
func Credentials(apiKey string) (user, password string) {
	if u, p, ok := strings.Cut(apiKey, ":"); ok {
		return u, p
	}
	return "autoevent", apiKey
}

// PaintSize is the size painted for a w×h request: the same aspect ratio
// with the longer side maxSide, both sides multiples of 64 (the latent
// space works in blocks of 8 px; 64 avoids edge artefacts).
func PaintSize(w, h, maxSide int) (int, int) {
	scale := float64(maxSide) / float64(max(w, h))
	round := func(v int) int {
		return max(64, int(math.Round(float64(v)*scale/64))*64)
	}
	return round(w), round(h)
}

// Txt2ImgRequest is the request body (the fields we use of
// StableDiffusionProcessingTxt2Img).
type Txt2ImgRequest struct {
	Prompt           string         `json:"prompt"`
	NegativePrompt   string         `json:"negative_prompt"`
	Width            int            `json:"width"`
	Height           int            `json:"height"`
	Steps            int            `json:"steps"`
	CFGScale         float64        `json:"cfg_scale"`
	SamplerName      string         `json:"sampler_name"`
	Seed             int64          `json:"seed"`
	BatchSize        int            `json:"batch_size"`
	NIter            int            `json:"n_iter"`
	SendImages       bool           `json:"send_images"`
	SaveImages       bool           `json:"save_images"`
	OverrideSettings map[string]any `json:"override_settings,omitempty"`
}

// Txt2ImgResponse is the successful answer.
type Txt2ImgResponse struct {
	Images     []string       `json:"images"`
	Parameters map[string]any `json:"parameters"`
	Info       string         `json:"info"`
}

// ErrorResponse is the error answer of the web UI's exception handler;
// FastAPI's own validation errors carry only Detail (a list).
type ErrorResponse struct {
	Error  string `json:"error"`
	Detail any    `json:"detail"`
	Errors string `json:"errors"`
}

// Generate implements imagegen.Generator.
func (c *Client) Generate(ctx context.Context, r imagegen.Request) (image.Image, error) {
	if c.invalid != nil {
		return nil, &imagegen.ProviderError{Provider: provider, Code: "config", Err: c.invalid}
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	w, h := PaintSize(r.Width, r.Height, c.cfg.MaxSide)
	seed := int64(-1)
	if r.Seed != 0 {
		// The web UI keeps seeds in 32 bits.
		seed = (r.Seed & 0xffffffff)
	}
	body := Txt2ImgRequest{Prompt: r.Prompt, NegativePrompt: r.NegativePrompt, Width: w, Height: h,
		Steps: c.cfg.Steps, CFGScale: c.cfg.CFGScale, SamplerName: c.cfg.Sampler, Seed: seed,
		BatchSize: 1, NIter: 1, SendImages: true, SaveImages: false}
	if c.cfg.Model != "" {
		body.OverrideSettings = map[string]any{"sd_model_checkpoint": c.cfg.Model}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.SetBasicAuth(Credentials(c.cfg.APIKey))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, imagegen.TransportError(ctx, provider, err)
	}
	defer resp.Body.Close()
	data, err := imagegen.ReadAll(resp.Body)
	if err != nil {
		return nil, imagegen.TransportError(ctx, provider, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, answerError(resp, data)
	}
	var out Txt2ImgResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, imagegen.BadAnswer(provider, "decode answer: %w", err)
	}
	if len(out.Images) == 0 {
		return nil, imagegen.BadAnswer(provider, "answer has no images")
	}
	img, err := imagegen.DecodeBase64(out.Images[0])
	if err != nil {
		return nil, imagegen.BadAnswer(provider, "%w", err)
	}
	return imagegen.Cover(img, r.Width, r.Height), nil
}

func answerError(resp *http.Response, data []byte) error {
	e := imagegen.HTTPError(provider, resp)
	var b ErrorResponse
	if json.Unmarshal(data, &b) == nil {
		e.Code = b.Error
		switch d := b.Detail.(type) {
		case string:
			e.Message = d
		case nil:
		default:
			if raw, err := json.Marshal(d); err == nil {
				e.Message = string(raw)
			}
		}
		if e.Message == "" {
			e.Message = b.Errors
		}
	}
	if e.Code == "" && resp.StatusCode == http.StatusUnprocessableEntity {
		e.Code = "validation_error"
	}
	return e
}
