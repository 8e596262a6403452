package imagegen

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

var a1111Samplers = []string{"DPM++ 2M", "DPM++ 2M Karras", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 3M SDE",
	"Euler a", "Euler", "LMS", "Heun", "DPM2", "DDIM", "UniPC", "LCM", "Restart"}

// a1111Error writes the web UI's api_middleware error body.
func a1111Error(w http.ResponseWriter, status int, class, detail string) {
	writeJSON(w, status, map[string]any{"error": class, "detail": detail, "body": "",
		"errors": fmt.Sprintf("%d: %s", status, detail)})
}

// a1111Validation writes FastAPI's request-validation answer.
func a1111Validation(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{
		"loc": []string{"body", field}, "msg": msg, "type": "value_error"}}})
}

type a1111Request struct {
	Prompt           string         `json:"prompt"`
	NegativePrompt   string         `json:"negative_prompt"`
	Width            *int           `json:"width"`
	Height           *int           `json:"height"`
	Steps            *int           `json:"steps"`
	CFGScale         *float64       `json:"cfg_scale"`
	SamplerName      string         `json:"sampler_name"`
	SamplerIndex     string         `json:"sampler_index"`
	Seed             *int64         `json:"seed"`
	BatchSize        *int           `json:"batch_size"`
	NIter            *int           `json:"n_iter"`
	SendImages       *bool          `json:"send_images"`
	SaveImages       bool           `json:"save_images"`
	OverrideSettings map[string]any `json:"override_settings"`
}

func (s *Server) a1111(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": "Method Not Allowed"})
		return
	}
	if s.cfg.APIKey != "" {
		user, pass, ok := r.BasicAuth()
		wantUser, wantPass := "autoevent", s.cfg.APIKey
		if u, p, colon := strings.Cut(s.cfg.APIKey, ":"); colon {
			wantUser, wantPass = u, p
		}
		if !ok || user != wantUser || pass != wantPass {
			w.Header().Set("WWW-Authenticate", "Basic")
			a1111Error(w, http.StatusUnauthorized, "HTTPException", "Incorrect username or password")
			return
		}
	}
	var req a1111Request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{
			"loc": []string{"body"}, "msg": "JSON decode error", "type": "value_error.jsondecode"}}})
		return
	}
	width, height, steps, cfg := 512, 512, 50, 7.0 // the web UI's API defaults
	if req.Width != nil {
		width = *req.Width
	}
	if req.Height != nil {
		height = *req.Height
	}
	if req.Steps != nil {
		steps = *req.Steps
	}
	if req.CFGScale != nil {
		cfg = *req.CFGScale
	}
	switch {
	case width < 64 || width > 2048:
		a1111Validation(w, "width", "width must be between 64 and 2048 in the sandbox")
		return
	case height < 64 || height > 2048:
		a1111Validation(w, "height", "height must be between 64 and 2048 in the sandbox")
		return
	case steps < 1 || steps > 150:
		a1111Validation(w, "steps", "steps must be between 1 and 150")
		return
	}
	sampler := cmpOr(req.SamplerName, cmpOr(req.SamplerIndex, "Euler"))
	if !slices.Contains(a1111Samplers, sampler) {
		a1111Error(w, http.StatusNotFound, "HTTPException", "Sampler not found")
		return
	}
	if err := s.wait(r.Context()); err != nil {
		return
	}
	if status, fail := s.fail(w); fail {
		class := "RuntimeError"
		if status == http.StatusInternalServerError {
			class = "OutOfMemoryError" // the usual failure of a busy GPU box
		}
		a1111Error(w, status, class, http.StatusText(status))
		return
	}
	// The latent space works in 8-pixel blocks.
	width, height = width/8*8, height/8*8
	var seed int64 = -1
	if req.Seed != nil {
		seed = *req.Seed
	}
	if seed < 0 { // -1 asks for a random seed; 0 is a seed like any other
		seed = s.seedFor(0)
	}
	data, err := s.picture(width, height, req.Prompt, seed, "png")
	if err != nil {
		a1111Error(w, http.StatusInternalServerError, "RuntimeError", "could not encode the image")
		return
	}
	model := "sd_xl_base_1.0"
	if m, ok := req.OverrideSettings["sd_model_checkpoint"].(string); ok && m != "" {
		model = m
	}
	info, _ := json.Marshal(map[string]any{
		"prompt": req.Prompt, "all_prompts": []string{req.Prompt}, "negative_prompt": req.NegativePrompt,
		"all_negative_prompts": []string{req.NegativePrompt}, "seed": seed, "all_seeds": []int64{seed},
		"subseed": seed, "width": width, "height": height, "sampler_name": sampler, "cfg_scale": cfg,
		"steps": steps, "batch_size": 1, "sd_model_name": model, "infotexts": []string{
			fmt.Sprintf("%s\nNegative prompt: %s\nSteps: %d, Sampler: %s, CFG scale: %g, Seed: %d, Size: %dx%d, Model: %s",
				req.Prompt, req.NegativePrompt, steps, sampler, cfg, seed, width, height, model)},
	})
	var images []string
	if req.SendImages == nil || *req.SendImages {
		images = []string{base64.StdEncoding.EncodeToString(data)}
	}
	params := map[string]any{"prompt": req.Prompt, "negative_prompt": req.NegativePrompt, "width": width,
		"height": height, "steps": steps, "cfg_scale": cfg, "sampler_name": sampler, "seed": seed,
		"batch_size": 1, "n_iter": 1, "send_images": req.SendImages == nil || *req.SendImages,
		"save_images": req.SaveImages, "override_settings": req.OverrideSettings}
	writeJSON(w, http.StatusOK, map[string]any{"images": images, "parameters": params, "info": string(info)})
}
