// Package anthropic simulates the Anthropic Messages API (POST /v1/messages)
// for the embedded mode and for tests and benchmarks: same wire format,
// configurable latency and failures (error status such as 500, 529
// overloaded or 429 with retry-after, malformed output for the repair path).
// Answers are realistic plans built from the brief the AI service sends.
//
// Mount it at a base URL, e.g. mux.Handle("/sandbox/anthropic/",
// http.StripPrefix("/sandbox/anthropic", srv)), and point the client's
// BaseURL there.
package anthropic

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/aisim"
)

// Config configures the simulator.
type Config struct {
	aisim.Faults
	// APIKey, when set, must match x-api-key; otherwise any non-empty key passes.
	APIKey string
	// Seed makes the random choices repeatable.
	Seed uint64
}

// Server is the simulator; it is an http.Handler.
type Server struct {
	apiKey string
	inj    *aisim.Injector
	seq    atomic.Int64
}

// New returns a simulator.
func New(cfg Config) *Server {
	return &Server{apiKey: cfg.APIKey, inj: aisim.NewInjector(cfg.Faults, cfg.Seed)}
}

// SetFaults changes latency and failure injection at run time.
func (s *Server) SetFaults(f aisim.Faults) { s.inj.SetFaults(f) }

// Stats returns request, error and malformed-answer counts.
func (s *Server) Stats() aisim.Stats { return s.inj.Stats() }

type request struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	System    any    `json:"system"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/messages" {
		writeError(w, http.StatusNotFound, "not_found_error", "Not found")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "Method not allowed")
		return
	}
	key := r.Header.Get("x-api-key")
	if key == "" || (s.apiKey != "" && key != s.apiKey) {
		writeError(w, http.StatusUnauthorized, "authentication_error", "invalid x-api-key")
		return
	}
	if r.Header.Get("anthropic-version") == "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "anthropic-version: header is required")
		return
	}
	if !strings.HasPrefix(r.Header.Get("content-type"), "application/json") {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "content-type must be application/json")
		return
	}
	var req request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "request body is not valid JSON")
		return
	}
	texts, problem := messageTexts(req)
	if problem != "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", problem)
		return
	}
	if err := s.inj.Wait(r.Context()); err != nil {
		return // the client went away
	}
	if status, after, fail := s.inj.Fail(); fail {
		if status == http.StatusTooManyRequests || status == 529 || status == http.StatusServiceUnavailable {
			w.Header().Set("retry-after", aisim.RetryAfterHeader(after))
		}
		writeError(w, status, errorType(status), http.StatusText(status))
		return
	}

	task := ai.TaskProducts
	if b, err := ai.ParseBrief(texts[0]); err == nil && b.Task != "" {
		task = b.Task
	}
	var text string
	if s.inj.Malformed(len(req.Messages) > 1) {
		text = s.inj.MalformedAnswer(task)
	} else {
		text = s.inj.Answer(texts[0])
	}
	stop := "end_turn"
	if n := req.MaxTokens * 4; utf8.RuneCountInString(text) > n {
		// Roughly a token per few characters: honour max_tokens like the API.
		text, stop = string([]rune(text)[:n]), "max_tokens"
	}
	n := s.seq.Add(1)
	in := 0
	for _, t := range texts {
		in += utf8.RuneCountInString(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":            fmt.Sprintf("msg_sandbox_%06d", n),
		"type":          "message",
		"role":          "assistant",
		"model":         req.Model,
		"content":       []map[string]string{{"type": "text", "text": text}},
		"stop_reason":   stop,
		"stop_sequence": nil,
		"usage":         map[string]int{"input_tokens": in/2 + 1, "output_tokens": utf8.RuneCountInString(text)/2 + 1},
	})
}

// messageTexts checks the messages like the API does and returns their text.
func messageTexts(req request) ([]string, string) {
	switch {
	case req.Model == "":
		return nil, "model: Field required"
	case req.MaxTokens <= 0:
		return nil, "max_tokens: Field required"
	case len(req.Messages) == 0:
		return nil, "messages: at least one message is required"
	case req.Messages[0].Role != "user":
		return nil, "messages: first message must use the \"user\" role"
	}
	texts := make([]string, len(req.Messages))
	for i, m := range req.Messages {
		if m.Role != "user" && m.Role != "assistant" {
			return nil, fmt.Sprintf("messages.%d.role: Input should be 'user' or 'assistant'", i)
		}
		if i > 0 && m.Role == req.Messages[i-1].Role {
			return nil, "messages: roles must alternate between \"user\" and \"assistant\""
		}
		var s string
		if json.Unmarshal(m.Content, &s) == nil {
			texts[i] = s
			continue
		}
		var blocks []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if json.Unmarshal(m.Content, &blocks) != nil {
			return nil, fmt.Sprintf("messages.%d.content: must be a string or a list of content blocks", i)
		}
		for _, b := range blocks {
			if b.Type == "text" {
				texts[i] += b.Text
			}
		}
	}
	return texts, ""
}

func errorType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_request_error"
	case http.StatusUnauthorized:
		return "authentication_error"
	case http.StatusForbidden:
		return "permission_error"
	case http.StatusNotFound:
		return "not_found_error"
	case http.StatusRequestEntityTooLarge:
		return "request_too_large"
	case http.StatusTooManyRequests:
		return "rate_limit_error"
	case 529:
		return "overloaded_error"
	}
	return "api_error"
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]any{
		"type":       "error",
		"error":      map[string]string{"type": typ, "message": msg},
		"request_id": "req_sandbox",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
