// Package render turns page templates into HTML: it loads the templates
// (embedded, or from disk in dev mode), serves the static files under
// content-hashed URLs, and writes pages and error pages. It knows nothing of
// sessions: the site fills a page's session fields (signed in, CSRF token,
// flash) through Config.Prepare.
package render

import (
	"bytes"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"sync"
)

// Config configures a Renderer.
type Config struct {
	// Files holds templates/ (layout.html, partials/*.html, one file per
	// page) and static/.
	Files fs.FS
	// Dev re-reads templates and static files on every request.
	Dev bool
	Log *slog.Logger
	// Prepare runs just before a page renders, to fill what every page
	// needs from the request and may set cookies (nil: nothing).
	Prepare func(w http.ResponseWriter, r *http.Request, v *View)
}

// View is what every page template receives.
type View struct {
	Title    string
	SignedIn bool
	CSRF     string
	Flash    string            // a success message (green)
	Notice   string            // something to heed that is not a failure (amber)
	Error    string            // a failure (red alert)
	Fields   map[string]string // field → inline error
	Form     map[string]string // submitted values to refill the form
	Data     any
	Layout   string // "" = owner layout, "public" = customer layout
}

// Renderer renders the pages of one template set.
type Renderer struct {
	cfg     Config
	mu      sync.Mutex
	pages   map[string]*template.Template
	statics map[string]string // name → content hash
}

// New returns a Renderer.
func New(cfg Config) *Renderer {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Renderer{cfg: cfg, pages: map[string]*template.Template{}, statics: map[string]string{}}
}

// page returns the parsed template set of one page: the layouts, the
// partials and the page's own file.
func (p *Renderer) page(name string) (*template.Template, error) {
	p.mu.Lock()
	t, ok := p.pages[name]
	p.mu.Unlock()
	if ok && !p.cfg.Dev {
		return t, nil
	}
	f := maps.Clone(funcs)
	f["static"] = p.StaticURL
	t, err := template.New(name).Funcs(f).ParseFS(p.cfg.Files, "templates/layout.html", "templates/partials/*.html", "templates/"+name)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.pages[name] = t
	p.mu.Unlock()
	return t, nil
}

// Render writes the page templates/name with its layout. The page is
// rendered to a buffer first, so a template failure is a clean 500.
func (p *Renderer) Render(w http.ResponseWriter, r *http.Request, status int, name string, v View) {
	t, err := p.page(name)
	if err != nil {
		p.cfg.Log.Error("ui: template", "page", name, "err", err)
		failed(w)
		return
	}
	if p.cfg.Prepare != nil {
		p.cfg.Prepare(w, r, &v)
	}
	layout := "layout"
	if v.Layout != "" {
		layout = v.Layout
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout, v); err != nil {
		p.cfg.Log.Error("ui: render", "page", name, "err", err)
		failed(w)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// failedPage is the 500 page when a page itself cannot render (no
// template to lean on): Korean, self-contained, a way back for everyone.
const failedPage = `<!doctype html><html lang="ko"><head><meta charset="utf-8">` +
	`<meta name="viewport" content="width=device-width, initial-scale=1"><title>잠시 문제가 생겼어요</title></head>` +
	`<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;word-break:keep-all">` +
	`<h1>잠시 문제가 생겼어요</h1><p>페이지를 보여 드리지 못했어요. 잠시 후 새로 고침해 주세요.</p></body></html>`

func failed(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(failedPage))
}

// ErrorPage is what error.html shows.
type ErrorPage struct {
	Title   string // the window title; Heading when empty
	Heading string
	Message string
	Public  bool // the customer layout instead of the owner's
}

// Error renders a friendly error page with the given status.
func (p *Renderer) Error(w http.ResponseWriter, r *http.Request, status int, e ErrorPage) {
	v := View{Title: e.Title, Data: map[string]string{"Heading": e.Heading, "Message": e.Message}}
	if v.Title == "" {
		v.Title = e.Heading
	}
	if e.Public {
		v.Layout = "public"
	}
	p.Render(w, r, status, "error.html", v)
}
