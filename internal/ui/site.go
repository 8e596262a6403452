// Package ui serves the server-rendered web pages of the owner's journey
// across the services (sign-up, log-in, store, events, participants, draw,
// announcements) and the public participation pages. Each page lives in the
// file named for it and reaches the services only through their JSON API
// (package apiclient); templates and static files are rendered by package
// render, cookies and CSRF tokens kept by package session.
package ui

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/render"
	"github.com/autoevent/autoevent/internal/ui/session"
	"github.com/autoevent/autoevent/web"
)

// Config configures the site.
type Config struct {
	API     http.Handler // the API router; pages call it in process
	Secure  bool         // cookies only over TLS
	CSRFKey []byte       // HMAC key for form tokens
	Dev     bool         // read templates and static files from ./web on every request
	Log     *slog.Logger
}

// View is what every page template receives.
type View = render.View

// Site is the web app.
type Site struct {
	cfg      Config
	html     *render.Renderer
	sessions *session.Manager
	api      *apiclient.Client
}

// New returns the site.
func New(cfg Config) *Site {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Site{cfg: cfg, sessions: session.New(session.Config{Secure: cfg.Secure, CSRFKey: cfg.CSRFKey})}
	s.api = apiclient.New(cfg.API, s.sessions)
	rc := render.Config{Files: web.FS, Dev: cfg.Dev, Log: cfg.Log, Prepare: s.prepare}
	if cfg.Dev {
		rc.Files = os.DirFS("web")
	}
	s.html = render.New(rc)
	return s
}

// prepare fills what every page shows from the session: the owner menu, the
// form token and the flash message.
func (s *Site) prepare(w http.ResponseWriter, r *http.Request, v *View) {
	v.SignedIn = v.SignedIn || session.Active(r)
	if v.CSRF == "" {
		v.CSRF = s.sessions.CSRFToken(w, r)
	}
	// A flash is taken once; its kind decides the banner, so a failed
	// action never shows in the green success line.
	switch kind, msg := session.TakeFlash(w, r); {
	case msg == "":
	case kind == session.Failure && v.Error == "":
		v.Error = msg
	case kind == session.Notice && v.Notice == "":
		v.Notice = msg
	case kind == session.Success && v.Flash == "":
		v.Flash = msg
	}
}
