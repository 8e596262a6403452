// Package anthropic is a client of the Anthropic Messages API (Claude),
// implementing ai.Completer: POST {base}/v1/messages with x-api-key and
// anthropic-version headers; the answer's text blocks are joined.
//
// The client is plain: no retries, breaker or timeout of its own; the
// composition root wraps calls with the resilience policy (ai.CallWrapper),
// using the *ai.ProviderError it returns (status, Retry-After) to classify.
package anthropic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
)

// Defaults.
const (
	DefaultBaseURL   = "https://api.anthropic.com"
	DefaultVersion   = "2023-06-01"
	DefaultModel     = "claude-sonnet-4-5"
	DefaultMaxTokens = 4096
	// StatusOverloaded is Anthropic's 529 overloaded_error (retryable).
	StatusOverloaded = 529
	maxBody          = 4 << 20
)

// Config configures the client. APIKey comes from configuration, never code.
type Config struct {
	BaseURL   string // default https://api.anthropic.com
	APIKey    string // required
	Model     string // default claude-sonnet-4-5
	MaxTokens int    // default 4096, used when the prompt sets none
	Version   string // anthropic-version header, default 2023-06-01
}

// Client calls the Messages API.
type Client struct {
	cfg      Config
	endpoint string
	http     *http.Client
	now      func() time.Time
}

// New checks the configuration. hc nil means http.DefaultClient (timeouts
// belong to the caller's context and the resilience wrapper).
func New(cfg Config, hc *http.Client) (*Client, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("anthropic: APIKey is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("anthropic: BaseURL %q must be an http(s) URL", cfg.BaseURL)
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if cfg.MaxTokens == 0 {
		cfg.MaxTokens = DefaultMaxTokens
	}
	if cfg.MaxTokens < 0 {
		return nil, errors.New("anthropic: MaxTokens must be positive")
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	base = strings.TrimSuffix(base, "/v1")
	return &Client{cfg: cfg, endpoint: base + "/v1/messages", http: hc, now: time.Now}, nil
}

// Model returns the configured model.
func (c *Client) Model() string { return c.cfg.Model }

// MessagesRequest is the request body of POST /v1/messages.
type MessagesRequest struct {
	Model     string    `json:"model"`
	MaxTokens int       `json:"max_tokens"`
	System    string    `json:"system,omitempty"`
	Messages  []Message `json:"messages"`
}

// Message is one input message; content as a plain string.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// MessagesResponse is the successful answer.
type MessagesResponse struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"` // "message"
	Role       string         `json:"role"` // "assistant"
	Model      string         `json:"model"`
	Content    []ContentBlock `json:"content"`
	StopReason string         `json:"stop_reason"`
	Usage      Usage          `json:"usage"`
}

// ContentBlock is one block of the answer; only "text" blocks carry text.
type ContentBlock struct {
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
}

// Usage is the token accounting of an answer.
type Usage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

// ErrorResponse is the error body: {"type":"error","error":{"type","message"}}.
type ErrorResponse struct {
	Type  string `json:"type"`
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Details struct {
			ErrorCode string `json:"error_code"`
		} `json:"details"`
	} `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

// Complete sends the prompt and returns the joined text blocks.
func (c *Client) Complete(ctx context.Context, p ai.Prompt) (string, error) {
	body := MessagesRequest{Model: c.cfg.Model, MaxTokens: p.MaxTokens, System: p.System}
	if body.MaxTokens <= 0 {
		body.MaxTokens = c.cfg.MaxTokens
	}
	if len(p.Messages) == 0 || p.Messages[0].Role != ai.RoleUser {
		return "", fmt.Errorf("%w: anthropic: the first message must be from the user", ai.ErrInvalidRequest)
	}
	for _, m := range p.Messages {
		body.Messages = append(body.Messages, Message{Role: string(m.Role), Content: m.Content})
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("anthropic: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("anthropic: %w", err)
	}
	req.Header.Set("x-api-key", c.cfg.APIKey)
	req.Header.Set("anthropic-version", c.cfg.Version)
	req.Header.Set("content-type", "application/json")
	req.Header.Set("accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("anthropic: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", fmt.Errorf("anthropic: read answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", c.providerError(resp, data)
	}
	var mr MessagesResponse
	if err := json.Unmarshal(data, &mr); err != nil {
		return "", &ai.ProviderError{Provider: ai.NameAnthropic, StatusCode: resp.StatusCode, Type: "invalid_response",
			Message: "answer is not a Messages API response"}
	}
	var sb strings.Builder
	for _, b := range mr.Content {
		if b.Type == "text" {
			sb.WriteString(b.Text)
		}
	}
	// A max_tokens stop yields truncated JSON, which fails parsing and
	// triggers the Recommender's repair turn.
	return sb.String(), nil
}

func (c *Client) providerError(resp *http.Response, data []byte) error {
	pe := &ai.ProviderError{
		Provider:   ai.NameAnthropic,
		StatusCode: resp.StatusCode,
		RetryAfter: ai.ParseRetryAfter(resp.Header, c.now()),
	}
	var er ErrorResponse
	if json.Unmarshal(data, &er) == nil && er.Type == "error" {
		pe.Type, pe.Message, pe.Code = er.Error.Type, er.Error.Message, er.Error.Details.ErrorCode
	} else {
		pe.Type = http.StatusText(resp.StatusCode)
	}
	return pe
}
