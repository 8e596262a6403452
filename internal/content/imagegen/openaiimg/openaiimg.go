// Package openaiimg is a client of the OpenAI Images API, implementing
// imagegen.Generator.
//
// Contract (platform.openai.com/docs/api-reference/images/create):
//
//	POST {base}/v1/images/generations
//	Authorization: Bearer KEY, Content-Type: application/json
//	{"model", "prompt", "n": 1, "size", "quality"?, "output_format"?, "response_format"?}
//	sizes: gpt-image-1 (and gpt-image-1-mini, gpt-image-1.5): 1024x1024, 1536x1024, 1024x1536
//	       dall-e-3: 1024x1024, 1792x1024, 1024x1792; dall-e-2: 256x256, 512x512, 1024x1024
//	gpt-image-* always answer base64 and reject response_format (they take
//	output_format png|jpeg|webp); dall-e-* answer a URL unless
//	response_format is "b64_json".
//	200: {"created", "data": [{"b64_json", "revised_prompt"?}], "usage"?}
//	errors: {"error": {"message", "type", "param", "code"}}; a refused
//	prompt is 400 with code "content_policy_violation" (DALL·E) or
//	"moderation_blocked" (gpt-image); 429 carries retry-after(-ms).
//
// There is no negative prompt: the adapter appends it as an "Avoid:" line.
package openaiimg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"net/url"
	"strings"

	"github.com/autoevent/autoevent/internal/content/imagegen"
)

// Defaults.
const (
	DefaultBaseURL = "https://api.openai.com"
	DefaultModel   = "gpt-image-1"
	provider       = "openai"
)

// Config configures the client. APIKey comes from configuration, never code.
type Config struct {
	// BaseURL is the server root, with or without /v1 (default
	// https://api.openai.com).
	BaseURL string
	APIKey  string
	// Model: gpt-image-1 (default), gpt-image-1-mini, gpt-image-1.5,
	// dall-e-3 or dall-e-2.
	Model string
	// Quality: for gpt-image low|medium|high|auto, for dall-e-3
	// standard|hd; empty leaves the API default.
	Quality string
	// Organization, optional OpenAI-Organization header.
	Organization string
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("openaiimg: BaseURL %q must be an http(s) URL", c.BaseURL)
	}
	if strings.TrimSpace(c.APIKey) == "" {
		return fmt.Errorf("openaiimg: APIKey is required")
	}
	if Sizes(c.Model) == nil {
		return fmt.Errorf("openaiimg: unknown model %q (gpt-image-*, dall-e-3, dall-e-2)", c.Model)
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

// Client calls the Images API. It is plain: the resilience policy is
// applied where it is wired.
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
	base := strings.TrimSuffix(strings.TrimRight(cfg.BaseURL, "/"), "/v1")
	return &Client{cfg: cfg, http: hc, invalid: cfg.Validate(), endpoint: base + "/v1/images/generations"}
}

var _ imagegen.Generator = (*Client)(nil)

// Name implements imagegen.Generator.
func (c *Client) Name() string { return provider }

// Size is a width×height the API accepts.
type Size struct{ W, H int }

func (s Size) String() string { return fmt.Sprintf("%dx%d", s.W, s.H) }

// Sizes lists the sizes a model accepts, nil for an unknown model.
func Sizes(model string) []Size {
	switch {
	case strings.HasPrefix(model, "gpt-image-"):
		return []Size{{1024, 1024}, {1536, 1024}, {1024, 1536}}
	case model == "dall-e-3":
		return []Size{{1024, 1024}, {1792, 1024}, {1024, 1792}}
	case model == "dall-e-2":
		return []Size{{1024, 1024}}
	}
	return nil
}

// NearestSize is the model's size with the aspect ratio nearest w:h.
func NearestSize(model string, w, h int) Size {
	sizes := Sizes(model)
	if len(sizes) == 0 {
		return Size{1024, 1024}
	}
	best := sizes[0]
	for _, s := range sizes[1:] {
		if imagegen.AspectDistance(s.W, s.H, w, h) < imagegen.AspectDistance(best.W, best.H, w, h) {
			best = s
		}
	}
	return best
}

// GenerationRequest is the request body.
type GenerationRequest struct {
	Model          string `json:"model"`
	Prompt         string `json:"prompt"`
	N              int    `json:"n"`
	Size           string `json:"size"`
	Quality        string `json:"quality,omitempty"`
	OutputFormat   string `json:"output_format,omitempty"`   // gpt-image only
	ResponseFormat string `json:"response_format,omitempty"` // dall-e only
}

// GenerationResponse is the successful answer.
type GenerationResponse struct {
	Created int64 `json:"created"`
	Data    []struct {
		B64JSON       string `json:"b64_json"`
		URL           string `json:"url"`
		RevisedPrompt string `json:"revised_prompt"`
	} `json:"data"`
}

// ErrorResponse is the error answer.
type ErrorResponse struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Param   any    `json:"param"`
		Code    any    `json:"code"`
	} `json:"error"`
}

// Generate implements imagegen.Generator.
func (c *Client) Generate(ctx context.Context, r imagegen.Request) (image.Image, error) {
	if c.invalid != nil {
		return nil, &imagegen.ProviderError{Provider: provider, Code: "config", Err: c.invalid}
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	prompt := r.Prompt
	if r.NegativePrompt != "" {
		prompt += "\nAvoid: " + r.NegativePrompt + "."
	}
	body := GenerationRequest{Model: c.cfg.Model, Prompt: prompt, N: 1,
		Size: NearestSize(c.cfg.Model, r.Width, r.Height).String(), Quality: c.cfg.Quality}
	if strings.HasPrefix(c.cfg.Model, "gpt-image-") {
		body.OutputFormat = "png"
	} else {
		body.ResponseFormat = "b64_json"
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.Organization != "" {
		req.Header.Set("OpenAI-Organization", c.cfg.Organization)
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
	var out GenerationResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, imagegen.BadAnswer(provider, "decode answer: %w", err)
	}
	if len(out.Data) == 0 || out.Data[0].B64JSON == "" {
		return nil, imagegen.BadAnswer(provider, "answer has no data[0].b64_json")
	}
	img, err := imagegen.DecodeBase64(out.Data[0].B64JSON)
	if err != nil {
		return nil, imagegen.BadAnswer(provider, "%w", err)
	}
	return imagegen.Cover(img, r.Width, r.Height), nil
}

func answerError(resp *http.Response, data []byte) error {
	e := imagegen.HTTPError(provider, resp)
	var b ErrorResponse
	if json.Unmarshal(data, &b) == nil {
		switch code := b.Error.Code.(type) {
		case string:
			e.Code = code
		case float64:
			e.Code = fmt.Sprint(code)
		}
		if e.Code == "" {
			e.Code = b.Error.Type
		}
		e.Message = b.Error.Message
	}
	switch e.Code {
	case "content_policy_violation", "moderation_blocked":
		e.Err = imagegen.ErrContentPolicy
	case "insufficient_quota", "billing_hard_limit_reached":
		e.Err = imagegen.ErrQuota
	}
	return e
}
