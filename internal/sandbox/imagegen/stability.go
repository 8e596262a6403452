package imagegen

import (
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// stabilitySizes are the pixel sizes per aspect ratio (about one megapixel,
// multiples of 64, as the Stable Image services answer).
var stabilitySizes = map[string][2]int{
	"1:1": {1024, 1024}, "16:9": {1344, 768}, "9:16": {768, 1344}, "21:9": {1536, 640}, "9:21": {640, 1536},
	"3:2": {1216, 832}, "2:3": {832, 1216}, "5:4": {1088, 896}, "4:5": {896, 1088},
}

var stabilityPresets = []string{"3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art",
	"enhance", "fantasy-art", "isometric", "line-art", "low-poly", "modeling-compound", "neon-punk", "origami",
	"photographic", "pixel-art", "tile-texture"}

var sd3Models = []string{"sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium", "sd3.5-flash"}

// stabilityError writes {"id","name","errors"}.
func (s *Server) stabilityError(w http.ResponseWriter, status int, name string, errs ...string) {
	writeJSON(w, status, map[string]any{"id": fmt.Sprintf("%032x", s.seq.Add(1)), "name": name, "errors": errs})
}

func (s *Server) stability(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	service := r.PathValue("service")
	if service != "core" && service != "ultra" && service != "sd3" {
		s.stabilityError(w, http.StatusNotFound, "not_found", "unknown endpoint "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.stabilityError(w, http.StatusMethodNotAllowed, "method_not_allowed", "use POST")
		return
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		s.stabilityError(w, http.StatusUnauthorized, "unauthorized", "authorization: missing Authorization header")
		return
	}
	if s.cfg.APIKey != "" && auth != "Bearer "+s.cfg.APIKey {
		s.stabilityError(w, http.StatusUnauthorized, "unauthorized", "authorization: invalid API key")
		return
	}
	accept := r.Header.Get("Accept")
	if accept == "" {
		accept = "image/*"
	}
	if accept != "image/*" && accept != "application/json" {
		s.stabilityError(w, http.StatusBadRequest, "bad_request", "accept: must be image/* or application/json")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		s.stabilityError(w, http.StatusBadRequest, "bad_request", "content-type: must be multipart/form-data")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	if err := r.ParseMultipartForm(10 << 20); err != nil {
		s.stabilityError(w, http.StatusBadRequest, "bad_request", "body: could not parse multipart form")
		return
	}
	var problems []string
	prompt := r.PostFormValue("prompt")
	if n := utf8.RuneCountInString(prompt); n < 1 || n > 10000 {
		problems = append(problems, "prompt: must be between 1 and 10000 characters")
	}
	if n := utf8.RuneCountInString(r.PostFormValue("negative_prompt")); n > 10000 {
		problems = append(problems, "negative_prompt: must be at most 10000 characters")
	}
	ratio := r.PostFormValue("aspect_ratio")
	if ratio == "" {
		ratio = "1:1"
	}
	size, ok := stabilitySizes[ratio]
	if !ok {
		problems = append(problems, "aspect_ratio: must be one of 16:9, 1:1, 21:9, 2:3, 3:2, 4:5, 5:4, 9:16, 9:21")
	}
	format := r.PostFormValue("output_format")
	if format == "" {
		format = "png"
	}
	switch format {
	case "png", "jpeg":
	case "webp":
		problems = append(problems, "output_format: webp is not supported by the sandbox; use png or jpeg")
	default:
		problems = append(problems, "output_format: must be one of jpeg, png, webp")
	}
	var seed int64
	if v := r.PostFormValue("seed"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 4294967294 {
			problems = append(problems, "seed: must be a number between 0 and 4294967294")
		}
		seed = n
	}
	if p := r.PostFormValue("style_preset"); p != "" && (service != "core" && service != "sd3" || !slices.Contains(stabilityPresets, p)) {
		problems = append(problems, "style_preset: invalid value "+strconv.Quote(p))
	}
	if m := r.PostFormValue("model"); service == "sd3" && m != "" && !slices.Contains(sd3Models, m) {
		problems = append(problems, "model: must be one of "+strings.Join(sd3Models, ", "))
	}
	if len(problems) > 0 {
		s.stabilityError(w, http.StatusBadRequest, "bad_request", problems...)
		return
	}
	if strings.Contains(prompt, blockedWord) {
		s.stabilityError(w, http.StatusForbidden, "content_moderation",
			"Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.")
		return
	}
	if err := s.wait(r.Context()); err != nil {
		return
	}
	if status, fail := s.fail(w); fail {
		name := map[int]string{429: "rate_limit_exceeded", 500: "internal_error", 503: "service_unavailable"}[status]
		if name == "" {
			name = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
		}
		s.stabilityError(w, status, name, http.StatusText(status))
		return
	}
	seed = s.seedFor(seed)
	data, err := s.picture(size[0], size[1], prompt, seed, format)
	if err != nil {
		s.stabilityError(w, http.StatusInternalServerError, "internal_error", "could not encode the image")
		return
	}
	w.Header().Set("X-Request-Id", fmt.Sprintf("%032x", s.seq.Add(1)))
	finish := "SUCCESS"
	if strings.Contains(prompt, filteredWord) {
		finish = "CONTENT_FILTERED"
	}
	w.Header().Set("Finish-Reason", finish)
	w.Header().Set("Seed", strconv.FormatInt(seed, 10))
	if accept == "application/json" {
		w.Header().Set("Content-Type", "application/json; type=image/"+format)
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprintf(w, `{"image":%q,"finish_reason":%q,"seed":%d}`, base64.StdEncoding.EncodeToString(data), finish, seed)
		return
	}
	w.Header().Set("Content-Type", "image/"+format)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
