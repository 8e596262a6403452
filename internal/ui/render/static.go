package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// StaticPattern is the route ServeStatic answers; its {name} is the file.
const StaticPattern = "GET /static/{hash}/{name}"

// StaticURL is the URL of static/name carrying a hash of its content, so a
// changed file gets a new URL and browsers may cache each URL for good.
func (p *Renderer) StaticURL(name string) string {
	p.mu.Lock()
	h, ok := p.statics[name]
	p.mu.Unlock()
	if !ok || p.cfg.Dev {
		b, err := fs.ReadFile(p.cfg.Files, "static/"+name)
		if err != nil {
			return "/static/missing/" + name
		}
		sum := sha256.Sum256(b)
		h = hex.EncodeToString(sum[:6])
		p.mu.Lock()
		p.statics[name] = h
		p.mu.Unlock()
	}
	return "/static/" + h + "/" + name
}

// ServeStatic answers StaticPattern with the file named in the path. The
// hash segment is not checked: an old URL still gets the current file.
func (p *Renderer) ServeStatic(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(r.PathValue("name"))
	b, err := fs.ReadFile(p.cfg.Files, "static/"+name)
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
