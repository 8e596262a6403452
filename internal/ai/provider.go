package ai

import (
	"context"
)

// Role of a chat message.
type Role string

// Message roles shared by the Anthropic and OpenAI wire formats.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one turn of a conversation with a model.
type Message struct {
	Role    Role
	Content string
}

// Prompt is one request to a language model, independent of the provider.
type Prompt struct {
	System    string
	Messages  []Message // starts with a user message, alternates roles
	MaxTokens int       // 0: the provider's configured default
	// Schema, when set, asks providers that support structured output
	// (OpenAI json_schema) to constrain the answer; others get the format
	// from the prompt text only.
	Schema *JSONSchema
}

// JSONSchema names a JSON Schema for structured output.
type JSONSchema struct {
	Name   string         // a-z, A-Z, 0-9, _ and -, at most 64 characters
	Schema map[string]any // the schema object
	Strict bool
}

// Completer sends a prompt to a language model and returns the text of its
// answer. Implementations are plain clients: no retries, breakers or
// timeouts of their own (CallWrapper adds them). A non-2xx answer is a
// *ProviderError.
type Completer interface {
	Complete(ctx context.Context, p Prompt) (string, error)
}

// CompleterFunc adapts a function to Completer.
type CompleterFunc func(ctx context.Context, p Prompt) (string, error)

// Complete calls f.
func (f CompleterFunc) Complete(ctx context.Context, p Prompt) (string, error) { return f(ctx, p) }

// CallWrapper runs one remote call; the composition root plugs the
// resilience policy (timeout, retry, circuit breaker) in here, keyed by
// system ("anthropic", "openai"). The default calls directly.
type CallWrapper func(ctx context.Context, system string, call func(context.Context) error) error

// PreviousFunc returns the last good recommendation for an event, if any
// (e.g. from the cache); it is the first fallback when the product provider
// fails.
type PreviousFunc func(ctx context.Context, eventID string) (Recommendation, bool)

func directCall(ctx context.Context, _ string, call func(context.Context) error) error {
	return call(ctx)
}
