// Package ui serves the server-rendered web pages: the owner app (sign-up,
// log-in, store, events, participants) and the public participation pages.
// Pages never reach into service internals: they call the same JSON API as
// any client, in process, through the API router, with the bearer token held
// in the owner's HttpOnly session cookie.
package ui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/web"
)

// Config configures the site.
type Config struct {
	API       http.Handler // the API router; pages call it in process
	Secure    bool         // cookies only over TLS
	CSRFKey   []byte       // HMAC key for form tokens
	PublicURL string
	Dev       bool // read templates from ./web on every request
	Log       *slog.Logger
	// Extra lets other packages add pages (for example the OIDC log-in).
	Extra func(mux *http.ServeMux, s *Site)
}

// Site is the web app.
type Site struct {
	cfg     Config
	files   fs.FS
	mu      sync.Mutex
	pages   map[string]*template.Template
	statics map[string]string // name → content hash
}

// New returns the site.
func New(cfg Config) *Site {
	s := &Site{cfg: cfg, files: web.FS, pages: map[string]*template.Template{}, statics: map[string]string{}}
	if cfg.Dev {
		s.files = os.DirFS("web")
	}
	if cfg.Log == nil {
		s.cfg.Log = slog.Default()
	}
	return s
}

// Routes registers every page on mux.
func (s *Site) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{hash}/{name}", s.handleStatic)
	mux.HandleFunc("GET /{$}", s.handleLanding)
	mux.HandleFunc("GET /app", s.handleHome)
	s.userRoutes(mux)
	s.eventRoutes(mux)
	s.participationRoutes(mux)
	s.winnersRoutes(mux)
	s.announceRoutes(mux)
	if s.cfg.Extra != nil {
		s.cfg.Extra(mux, s)
	}
}

func (s *Site) staticURL(name string) string {
	s.mu.Lock()
	h, ok := s.statics[name]
	s.mu.Unlock()
	if !ok || s.cfg.Dev {
		b, err := fs.ReadFile(s.files, "static/"+name)
		if err != nil {
			return "/static/missing/" + name
		}
		sum := sha256.Sum256(b)
		h = hex.EncodeToString(sum[:6])
		s.mu.Lock()
		s.statics[name] = h
		s.mu.Unlock()
	}
	return "/static/" + h + "/" + name
}

func (s *Site) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(r.PathValue("name"))
	b, err := fs.ReadFile(s.files, "static/"+name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	// URLs carry the content hash, so the file can be cached for good.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

var funcs = template.FuncMap{
	"won":  func(n int64) string { return formatWon(n) },
	"num":  func(n int64) string { return groupDigits(n) },
	"join": strings.Join,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(kst.Location).Format("2006.01.02")
	},
	"datetime": datetimeKST,
	// ts shows an RFC 3339 time from an API answer read into a map.
	"ts": func(v any) string {
		str, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return str
		}
		return datetimeKST(t)
	},
	"pct": func(v float64) string { return fmt.Sprintf("%.0f%%", v) },
	"add": func(a, b int) int { return a + b },
	// fe picks one field's error for the "fielderr" partial.
	"fe": func(v View, name string) map[string]string {
		return map[string]string{"Name": name, "Msg": v.Fields[name]}
	},
	// inv marks an input invalid for assistive technology.
	"inv": func(v View, name string) template.HTMLAttr {
		if v.Fields[name] != "" {
			return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + name + `-error"`)
		}
		return ""
	},
}

// datetimeKST shows t as Korea Standard Time, minutes precision.
func datetimeKST(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(kst.Location).Format("2006.01.02 15:04")
}

func (s *Site) page(name string) (*template.Template, error) {
	s.mu.Lock()
	t, ok := s.pages[name]
	s.mu.Unlock()
	if ok && !s.cfg.Dev {
		return t, nil
	}
	f := template.FuncMap{"static": s.staticURL}
	for k, v := range funcs {
		f[k] = v
	}
	t, err := template.New(name).Funcs(f).ParseFS(s.files, "templates/layout.html", "templates/partials/*.html", "templates/"+name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.pages[name] = t
	s.mu.Unlock()
	return t, nil
}

// View is what every page template receives.
type View struct {
	Title    string
	SignedIn bool
	CSRF     string
	Flash    string
	Error    string
	Fields   map[string]string // field → inline error
	Form     map[string]string // submitted values to refill the form
	Data     any
	Layout   string // "" = owner layout, "public" = customer layout
}

// render writes a page with the shared layout.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, v View) {
	t, err := s.page(name)
	if err != nil {
		s.cfg.Log.Error("ui: template", "page", name, "err", err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	v.SignedIn = v.SignedIn || hasSession(r)
	if v.CSRF == "" {
		v.CSRF = s.csrfToken(w, r)
	}
	if v.Flash == "" {
		v.Flash = takeFlash(w, r)
	}
	layout := "layout"
	if v.Layout != "" {
		layout = v.Layout
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout, v); err != nil {
		s.cfg.Log.Error("ui: render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorPage renders a friendly error page.
func (s *Site) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	s.render(w, r, status, "error.html", View{Title: heading, Data: map[string]string{"Heading": heading, "Message": message}})
}

func formatWon(n int64) string { return groupDigits(n) + "원" }

func groupDigits(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
