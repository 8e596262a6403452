// Package stability is a client of Stability AI's Stable Image generate
// API (v2beta), implementing imagegen.Generator.
//
// Contract (platform.stability.ai/docs/api-reference, "Stable Image →
// Generate"; mirrored in the docs quoted by gambithunt/imagen
// .github/instructions/sd_core.instructions.md):
//
//	POST {base}/v2beta/stable-image/generate/{core|ultra|sd3}
//	authorization: Bearer KEY
//	accept: image/*            → 200 with the image bytes (content-type image/png)
//	content-type: multipart/form-data
//	fields: prompt (1..10000 chars, required), negative_prompt (≤ 10000),
//	        aspect_ratio (16:9 1:1 21:9 2:3 3:2 4:5 5:4 9:16 9:21, default 1:1),
//	        seed (0..4294967294, 0 = random), output_format (jpeg|png|webp),
//	        style_preset (core), model (sd3: sd3.5-large, sd3.5-medium, …)
//	200 headers: finish-reason SUCCESS | CONTENT_FILTERED, seed
//	errors: {"id": "…", "name": "bad_request|content_moderation|…", "errors": ["…"]}
//	        400 invalid parameters, 401/403 key, 402 credits, 403 content_moderation,
//	        413 too large, 422 rejected, 429 rate limit (150 requests / 10 s), 500
package stability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/autoevent/autoevent/internal/content/imagegen"
)

// Defaults.
const (
	DefaultBaseURL = "https://api.stability.ai"
	DefaultModel   = "core"
	provider       = "stability"
)

// Config configures the client. APIKey comes from configuration, never code.
type Config struct {
	// BaseURL is the API root (default https://api.stability.ai).
	BaseURL string
	APIKey  string
	// Model is the service: "core" (default), "ultra", "sd3", or an SD3
	// model name such as "sd3.5-large" (sent to the sd3 service as model).
	Model string
	// StylePresets maps our card styles to a style_preset (core only),
	// e.g. {"trendy": "digital-art"}; nil sends none.
	StylePresets map[string]string
	// ClientID is sent as stability-client-id to help their support.
	ClientID string
}

// Validate checks the configuration.
func (c Config) Validate() error {
	u, err := url.Parse(c.withDefaults().BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("stability: BaseURL %q must be an http(s) URL", c.BaseURL)
	}
	if strings.TrimSpace(c.APIKey) == "" {
		return fmt.Errorf("stability: APIKey is required")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	return c
}

// Client calls the generate endpoint. It is plain: the resilience policy
// is applied where it is wired.
type Client struct {
	cfg      Config
	endpoint string
	model    string // form field "model" for sd3.x, else ""
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
	service, model := cfg.Model, ""
	switch {
	case cfg.Model == "core" || cfg.Model == "ultra" || cfg.Model == "sd3":
	case strings.HasPrefix(cfg.Model, "sd3"):
		service, model = "sd3", cfg.Model
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	return &Client{cfg: cfg, http: hc, model: model, invalid: cfg.Validate(),
		endpoint: base + "/v2beta/stable-image/generate/" + service}
}

var _ imagegen.Generator = (*Client)(nil)

// Name implements imagegen.Generator.
func (c *Client) Name() string { return provider }

// AspectRatios are the ratios the API accepts.
var AspectRatios = []string{"16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"}

// AspectRatio is the accepted ratio nearest to w:h.
func AspectRatio(w, h int) string {
	best, bestD := "1:1", 1e9
	for _, r := range AspectRatios {
		a, b, _ := strings.Cut(r, ":")
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		if d := imagegen.AspectDistance(x, y, w, h); d < bestD {
			best, bestD = r, d
		}
	}
	return best
}

// maxSeed is the largest seed the API takes.
const maxSeed = 4294967294

// ErrorBody is the API's error answer.
type ErrorBody struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Errors []string `json:"errors"`
}

// Generate implements imagegen.Generator.
func (c *Client) Generate(ctx context.Context, r imagegen.Request) (image.Image, error) {
	if c.invalid != nil {
		return nil, &imagegen.ProviderError{Provider: provider, Code: "config", Err: c.invalid}
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields := [][2]string{
		{"prompt", r.Prompt},
		{"aspect_ratio", AspectRatio(r.Width, r.Height)},
		{"output_format", "png"},
	}
	if r.NegativePrompt != "" {
		fields = append(fields, [2]string{"negative_prompt", r.NegativePrompt})
	}
	if r.Seed != 0 {
		s := r.Seed % maxSeed
		if s < 0 {
			s = -s
		}
		fields = append(fields, [2]string{"seed", strconv.FormatInt(s, 10)})
	}
	if p := c.cfg.StylePresets[r.Style]; p != "" && strings.HasSuffix(c.endpoint, "/core") {
		fields = append(fields, [2]string{"style_preset", p})
	}
	if c.model != "" {
		fields = append(fields, [2]string{"model", c.model})
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	req.Header.Set("Accept", "image/*")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if c.cfg.ClientID != "" {
		req.Header.Set("Stability-Client-ID", c.cfg.ClientID)
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
	if fr := resp.Header.Get("Finish-Reason"); fr == "CONTENT_FILTERED" {
		// The API blurs a flagged output and still answers 200.
		return nil, &imagegen.ProviderError{Provider: provider, Code: "content_filtered", Err: imagegen.ErrContentPolicy}
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); !strings.HasPrefix(mt, "image/") {
		return nil, imagegen.BadAnswer(provider, "content-type %q, want image/*", resp.Header.Get("Content-Type"))
	}
	img, err := imagegen.Decode(data)
	if err != nil {
		return nil, imagegen.BadAnswer(provider, "%w", err)
	}
	return imagegen.Cover(img, r.Width, r.Height), nil
}

func answerError(resp *http.Response, data []byte) error {
	e := imagegen.HTTPError(provider, resp)
	var b ErrorBody
	if json.Unmarshal(data, &b) == nil {
		e.Code = b.Name
		e.Message = strings.Join(b.Errors, "; ")
	}
	if e.Code == "content_moderation" {
		e.Err = imagegen.ErrContentPolicy
	}
	return e
}
