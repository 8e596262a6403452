package imagegen

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

func openaiSizes(model string) []string {
	switch {
	case strings.HasPrefix(model, "gpt-image-"):
		return []string{"1024x1024", "1536x1024", "1024x1536", "auto"}
	case model == "dall-e-3":
		return []string{"1024x1024", "1792x1024", "1024x1792"}
	case model == "dall-e-2":
		return []string{"256x256", "512x512", "1024x1024"}
	}
	return nil
}

func openaiError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	var c, p any
	if code != "" {
		c = code
	}
	if param != "" {
		p = param
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": p, "code": c}})
}

type openaiRequest struct {
	Model          string `json:"model"`
	Prompt         string `json:"prompt"`
	N              *int   `json:"n"`
	Size           string `json:"size"`
	Quality        string `json:"quality"`
	Style          string `json:"style"`
	ResponseFormat string `json:"response_format"`
	OutputFormat   string `json:"output_format"`
	Background     string `json:"background"`
	Moderation     string `json:"moderation"`
	User           string `json:"user"`
}

func (s *Server) openai(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		openaiError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "", "Method not allowed")
		return
	}
	auth := r.Header.Get("Authorization")
	if auth == "" || (s.cfg.APIKey != "" && auth != "Bearer "+s.cfg.APIKey) {
		openaiError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "",
			"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.")
		return
	}
	var req openaiRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			openaiError(w, http.StatusBadRequest, "invalid_request_error", "unknown_parameter", strings.Trim(name, `"`),
				"Unknown parameter: '"+strings.Trim(name, `"`)+"'.")
			return
		}
		openaiError(w, http.StatusBadRequest, "invalid_request_error", "", "", "We could not parse the JSON body of your request.")
		return
	}
	if msg, param := checkOpenAI(&req); msg != "" {
		code := "invalid_value"
		if strings.HasPrefix(msg, "Unknown parameter") {
			code = "unknown_parameter"
		} else if strings.HasPrefix(msg, "Missing") {
			code = "missing_required_parameter"
		}
		openaiError(w, http.StatusBadRequest, "invalid_request_error", code, param, msg)
		return
	}
	if strings.Contains(req.Prompt, blockedWord) {
		code := "moderation_blocked"
		if strings.HasPrefix(req.Model, "dall-e") {
			code = "content_policy_violation"
		}
		openaiError(w, http.StatusBadRequest, "image_generation_user_error", code, "",
			"Your request was rejected as a result of our safety system.")
		return
	}
	if err := s.wait(r.Context()); err != nil {
		return
	}
	if status, fail := s.fail(w); fail {
		typ, code := "server_error", "server_error"
		if status == http.StatusTooManyRequests {
			typ, code = "requests", "rate_limit_exceeded"
			w.Header().Set("Retry-After-Ms", strconv.FormatInt(max(1000, s.currentFaults().RetryAfter.Milliseconds()), 10))
		}
		openaiError(w, status, typ, code, "", http.StatusText(status))
		return
	}
	size := req.Size
	if size == "" || size == "auto" {
		size = "1024x1024"
	}
	var pw, ph int
	_, _ = fmt.Sscanf(size, "%dx%d", &pw, &ph)
	format := "png"
	if req.OutputFormat == "jpeg" {
		format = "jpeg"
	}
	data, err := s.picture(pw, ph, req.Prompt, s.seedFor(0), format)
	if err != nil {
		openaiError(w, http.StatusInternalServerError, "server_error", "server_error", "", "could not encode the image")
		return
	}
	item := map[string]any{}
	gpt := strings.HasPrefix(req.Model, "gpt-image-")
	if gpt || req.ResponseFormat == "b64_json" {
		item["b64_json"] = base64.StdEncoding.EncodeToString(data)
	} else {
		name := fmt.Sprintf("img-%d.png", s.seq.Add(1))
		s.files.put(name, data)
		// RequestURI keeps the mount prefix http.StripPrefix removed.
		prefix := "/openai"
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			prefix = strings.TrimSuffix(u.Path, "/v1/images/generations")
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		item["url"] = scheme + "://" + r.Host + prefix + "/files/" + name
	}
	body := map[string]any{"created": time.Now().Unix(), "data": []any{item}}
	if gpt {
		in := utf8.RuneCountInString(req.Prompt) / 4
		body["background"] = "opaque"
		body["output_format"] = format
		body["size"] = size
		body["quality"] = cmpOr(req.Quality, "medium")
		body["usage"] = map[string]any{"input_tokens": in, "output_tokens": 1056, "total_tokens": in + 1056,
			"input_tokens_details": map[string]int{"text_tokens": in, "image_tokens": 0}}
	} else if req.Model == "dall-e-3" {
		item["revised_prompt"] = req.Prompt
	}
	writeJSON(w, http.StatusOK, body)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// checkOpenAI validates the body the way the API does and returns the
// message and parameter of the first problem.
func checkOpenAI(req *openaiRequest) (string, string) {
	if req.Model == "" {
		req.Model = "dall-e-2" // the API's default
	}
	sizes := openaiSizes(req.Model)
	gpt := strings.HasPrefix(req.Model, "gpt-image-")
	switch {
	case sizes == nil:
		return fmt.Sprintf("Invalid value: '%s'. Value must be 'dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-1-mini' or 'gpt-image-1.5'.", req.Model), "model"
	case strings.TrimSpace(req.Prompt) == "":
		return "Missing required parameter: 'prompt'.", "prompt"
	case gpt && utf8.RuneCountInString(req.Prompt) > 32000,
		req.Model == "dall-e-3" && utf8.RuneCountInString(req.Prompt) > 4000,
		req.Model == "dall-e-2" && utf8.RuneCountInString(req.Prompt) > 1000:
		return "Invalid 'prompt': string too long.", "prompt"
	case req.N != nil && (*req.N < 1 || *req.N > 10 || req.Model == "dall-e-3" && *req.N != 1):
		return "Invalid value for 'n'.", "n"
	case req.Size != "" && !slices.Contains(sizes, req.Size):
		return fmt.Sprintf("Invalid value: '%s'. Supported values are: '%s'.", req.Size, strings.Join(sizes, "', '")), "size"
	case gpt && req.ResponseFormat != "":
		return "Unknown parameter: 'response_format'.", "response_format"
	case !gpt && req.ResponseFormat != "" && req.ResponseFormat != "url" && req.ResponseFormat != "b64_json":
		return fmt.Sprintf("Invalid value: '%s'. Supported values are: 'url' and 'b64_json'.", req.ResponseFormat), "response_format"
	case !gpt && req.OutputFormat != "":
		return "Unknown parameter: 'output_format'.", "output_format"
	case gpt && req.OutputFormat != "" && req.OutputFormat != "png" && req.OutputFormat != "jpeg":
		return fmt.Sprintf("Invalid value: '%s'. The sandbox supports 'png' and 'jpeg'.", req.OutputFormat), "output_format"
	case gpt && req.Quality != "" && !slices.Contains([]string{"low", "medium", "high", "auto"}, req.Quality),
		req.Model == "dall-e-3" && req.Quality != "" && req.Quality != "standard" && req.Quality != "hd":
		return fmt.Sprintf("Invalid value: '%s'.", req.Quality), "quality"
	}
	return "", ""
}

func (s *Server) openaiFile(w http.ResponseWriter, r *http.Request) {
	data, ok := s.files.get(r.PathValue("name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(data)
}
