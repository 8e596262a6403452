// Package openai simulates the OpenAI Chat Completions API
// (POST /v1/chat/completions) for the embedded mode and for tests and
// benchmarks: same wire format, configurable latency and failures (error
// status such as 500, 503 or 429 with retry-after, malformed output for the
// repair path). Answers are realistic copy (or plans) built from the brief
// the AI service sends.
//
// Mount it at a base URL, e.g. mux.Handle("/sandbox/openai/",
// http.StripPrefix("/sandbox/openai", srv)), and point the client's BaseURL
// there.
package openai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/aisim"
)

// Config configures the simulator.
type Config struct {
	aisim.Faults
	// APIKey, when set, must be sent as "Authorization: Bearer KEY";
	// otherwise no key is needed (like a local model server).
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
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string         `json:"name"`
			Schema map[string]any `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url", "Unknown request URL")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "Method not allowed")
		return
	}
	if s.apiKey != "" && r.Header.Get("Authorization") != "Bearer "+s.apiKey {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "Incorrect API key provided")
		return
	}
	var req request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "We could not parse the JSON body of your request.")
		return
	}
	first, problem := check(req)
	if problem != "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", problem)
		return
	}
	if err := s.inj.Wait(r.Context()); err != nil {
		return
	}
	if status, after, fail := s.inj.Fail(); fail {
		code := "server_error"
		typ := "server_error"
		if status == http.StatusTooManyRequests {
			code, typ = "rate_limit_exceeded", "requests"
		}
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			w.Header().Set("retry-after", aisim.RetryAfterHeader(after))
			w.Header().Set("retry-after-ms", fmt.Sprint(max(1, after.Milliseconds())))
		}
		writeError(w, status, typ, code, http.StatusText(status))
		return
	}

	task := ai.TaskCopy
	if b, err := ai.ParseBrief(first); err == nil && b.Task != "" {
		task = b.Task
	}
	repair := 0
	for _, m := range req.Messages {
		if m.Role == "assistant" {
			repair++
		}
	}
	var text string
	if s.inj.Malformed(repair > 0) {
		text = s.inj.MalformedAnswer(task)
	} else {
		text = s.inj.Answer(first)
	}
	in := 0
	for _, m := range req.Messages {
		in += utf8.RuneCountInString(m.Content) / 2
	}
	out := utf8.RuneCountInString(text)/2 + 1
	writeJSON(w, http.StatusOK, map[string]any{
		"id":      fmt.Sprintf("chatcmpl-sandbox%06d", s.seq.Add(1)),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": text, "refusal": nil},
			"logprobs":      nil,
			"finish_reason": "stop",
		}},
		"usage": map[string]int{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out},
	})
}

// check validates the request like the API does and returns the first user
// message (where the brief is).
func check(req request) (string, string) {
	if req.Model == "" {
		return "", "you must provide a model parameter"
	}
	if len(req.Messages) == 0 {
		return "", "'messages' must contain at least one message"
	}
	first := ""
	for i, m := range req.Messages {
		switch m.Role {
		case "system", "developer", "user", "assistant":
		default:
			return "", fmt.Sprintf("Invalid value: '%s'. Supported values are: 'system', 'developer', 'user' and 'assistant'. (messages[%d].role)", m.Role, i)
		}
		if m.Role == "user" && first == "" {
			first = m.Content
		}
	}
	if rf := req.ResponseFormat; rf != nil {
		switch rf.Type {
		case "text":
		case "json_object":
			all := ""
			for _, m := range req.Messages {
				all += m.Content
			}
			if !strings.Contains(strings.ToLower(all), "json") {
				return "", "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
			}
		case "json_schema":
			if rf.JSONSchema == nil || rf.JSONSchema.Name == "" || rf.JSONSchema.Schema == nil {
				return "", "Missing required parameter: 'response_format.json_schema'."
			}
		default:
			return "", fmt.Sprintf("Invalid value: '%s'. Supported values are: 'json_object', 'json_schema', and 'text'.", rf.Type)
		}
	}
	return first, ""
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
