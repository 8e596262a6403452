// Package openai is a client of the OpenAI Chat Completions API (GPT-4
// family) and of any server that speaks the same shape at its own base URL
// (vLLM, llama.cpp server, Ollama, LocalAI, …), implementing ai.Completer:
// POST {base}/v1/chat/completions with a Bearer key; the answer is
// choices[0].message.content.
//
// The client is plain: no retries, breaker or timeout of its own; the
// composition root wraps calls with the resilience policy (ai.CallWrapper).
package openai

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
	DefaultBaseURL = "https://api.openai.com"
	DefaultModel   = "gpt-4o"
	maxBody        = 4 << 20
)

// Response format modes.
const (
	FormatJSONSchema = "json_schema" // structured output when the prompt has a schema (default)
	FormatJSONObject = "json_object" // JSON mode: any JSON object
	FormatNone       = "none"        // send no response_format (servers that reject it)
)

// Config configures the client. APIKey comes from configuration, never code.
type Config struct {
	// BaseURL is the server root, with or without a trailing /v1
	// (default https://api.openai.com).
	BaseURL string
	// APIKey is sent as a Bearer token; it may be empty for local servers
	// that need none.
	APIKey string
	// Model, default gpt-4o.
	Model string
	// ResponseFormat: json_schema (default), json_object or none.
	ResponseFormat string
	// MaxTokensField names the token limit field: "max_completion_tokens"
	// (OpenAI's current name, default) or "max_tokens" (older servers).
	MaxTokensField string
	// Organization, optional OpenAI-Organization header.
	Organization string
}

// Client calls Chat Completions.
type Client struct {
	cfg      Config
	endpoint string
	http     *http.Client
	now      func() time.Time
}

// New checks the configuration. hc nil means http.DefaultClient.
func New(cfg Config, hc *http.Client) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: BaseURL %q must be an http(s) URL", cfg.BaseURL)
	}
	if cfg.BaseURL == DefaultBaseURL && strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("openai: APIKey is required for api.openai.com")
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	switch cfg.ResponseFormat {
	case "":
		cfg.ResponseFormat = FormatJSONSchema
	case FormatJSONSchema, FormatJSONObject, FormatNone:
	default:
		return nil, fmt.Errorf("openai: ResponseFormat %q must be json_schema, json_object or none", cfg.ResponseFormat)
	}
	switch cfg.MaxTokensField {
	case "":
		cfg.MaxTokensField = "max_completion_tokens"
	case "max_completion_tokens", "max_tokens":
	default:
		return nil, fmt.Errorf("openai: MaxTokensField %q must be max_completion_tokens or max_tokens", cfg.MaxTokensField)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimSuffix(strings.TrimRight(cfg.BaseURL, "/"), "/v1")
	return &Client{cfg: cfg, endpoint: base + "/v1/chat/completions", http: hc, now: time.Now}, nil
}

// Model returns the configured model.
func (c *Client) Model() string { return c.cfg.Model }

// ChatRequest is the request body of POST /v1/chat/completions.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []ChatMessage   `json:"messages"`
	ResponseFormat      *ResponseFormat `json:"response_format,omitempty"`
	MaxCompletionTokens int             `json:"max_completion_tokens,omitempty"`
	MaxTokens           int             `json:"max_tokens,omitempty"`
}

// ChatMessage is one message: role system, user or assistant.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ResponseFormat asks for JSON output.
type ResponseFormat struct {
	Type       string      `json:"type"` // json_object or json_schema
	JSONSchema *SchemaSpec `json:"json_schema,omitempty"`
}

// SchemaSpec is the json_schema response format.
type SchemaSpec struct {
	Name   string         `json:"name"`
	Schema map[string]any `json:"schema"`
	Strict bool           `json:"strict,omitempty"`
}

// ChatResponse is the successful answer.
type ChatResponse struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"` // chat.completion
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []Choice `json:"choices"`
	Usage   struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
}

// Choice is one answer; the client uses the first.
type Choice struct {
	Index   int `json:"index"`
	Message struct {
		Role    string  `json:"role"`
		Content *string `json:"content"`
		Refusal *string `json:"refusal"`
	} `json:"message"`
	FinishReason string `json:"finish_reason"`
}

// ErrorResponse is the error body: {"error":{"message","type","param","code"}}.
type ErrorResponse struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Param   any    `json:"param"`
		Code    any    `json:"code"` // a string at OpenAI, a number at some compatible servers
	} `json:"error"`
}

// Complete sends the prompt and returns choices[0].message.content.
func (c *Client) Complete(ctx context.Context, p ai.Prompt) (string, error) {
	body := ChatRequest{Model: c.cfg.Model}
	if p.System != "" {
		body.Messages = append(body.Messages, ChatMessage{Role: "system", Content: p.System})
	}
	for _, m := range p.Messages {
		body.Messages = append(body.Messages, ChatMessage{Role: string(m.Role), Content: m.Content})
	}
	if len(p.Messages) == 0 {
		return "", fmt.Errorf("%w: openai: no messages", ai.ErrInvalidRequest)
	}
	switch {
	case c.cfg.ResponseFormat == FormatNone:
	case c.cfg.ResponseFormat == FormatJSONSchema && p.Schema != nil:
		body.ResponseFormat = &ResponseFormat{Type: "json_schema",
			JSONSchema: &SchemaSpec{Name: p.Schema.Name, Schema: p.Schema.Schema, Strict: p.Schema.Strict}}
	default:
		// JSON mode; the prompts say "JSON", which OpenAI requires for it.
		body.ResponseFormat = &ResponseFormat{Type: "json_object"}
	}
	if p.MaxTokens > 0 {
		if c.cfg.MaxTokensField == "max_tokens" {
			body.MaxTokens = p.MaxTokens
		} else {
			body.MaxCompletionTokens = p.MaxTokens
		}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("openai: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("openai: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	if c.cfg.Organization != "" {
		req.Header.Set("OpenAI-Organization", c.cfg.Organization)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("openai: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", fmt.Errorf("openai: read answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", c.providerError(resp, data)
	}
	var cr ChatResponse
	if err := json.Unmarshal(data, &cr); err != nil || len(cr.Choices) == 0 {
		return "", &ai.ProviderError{Provider: ai.NameOpenAI, StatusCode: resp.StatusCode, Type: "invalid_response",
			Message: "answer is not a chat completion with choices"}
	}
	msg := cr.Choices[0].Message
	if msg.Refusal != nil && *msg.Refusal != "" {
		return "", fmt.Errorf("%w: openai: the model refused", ai.ErrInvalidOutput)
	}
	if msg.Content == nil {
		return "", fmt.Errorf("%w: openai: empty content", ai.ErrInvalidOutput)
	}
	return *msg.Content, nil
}

func (c *Client) providerError(resp *http.Response, data []byte) error {
	pe := &ai.ProviderError{
		Provider:   ai.NameOpenAI,
		StatusCode: resp.StatusCode,
		RetryAfter: ai.ParseRetryAfter(resp.Header, c.now()),
	}
	var er ErrorResponse
	if json.Unmarshal(data, &er) == nil && (er.Error.Type != "" || er.Error.Message != "") {
		pe.Type, pe.Message = er.Error.Type, er.Error.Message
		switch v := er.Error.Code.(type) {
		case string:
			pe.Code = v
		case float64:
			pe.Code = fmt.Sprint(v)
		}
	} else {
		pe.Type = http.StatusText(resp.StatusCode)
	}
	return pe
}
