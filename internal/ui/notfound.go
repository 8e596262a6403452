package ui

import (
	"net/http"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/autoevent/autoevent/internal/ui/render"
)

// The site's own answers for what no page handles: a Korean 404 or 405
// page instead of Go's English text, and a Korean 500 page when a page
// handler panics. Customers' paths (/e/..., /u/...) get the customer layout,
// which sends nobody to the owners' landing page.

// handlerFinder is the part of *http.ServeMux that tells which pattern a
// request would reach, to tell "no such page" (404) from "no such method
// on this page" (405).
type handlerFinder interface {
	Handler(r *http.Request) (http.Handler, string)
}

// catchAll is the pattern of the site's 404/405 page.
const catchAll = "/"

// publicPath reports whether path belongs to the customers' pages.
func publicPath(path string) bool {
	return strings.HasPrefix(path, "/e/") || strings.HasPrefix(path, "/u/")
}

// handleUnknown answers any request no other pattern of mux takes.
func (s *Site) handleUnknown(mux Mux) func(http.ResponseWriter, *http.Request) {
	finder, _ := mux.(handlerFinder)
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
			// The API answers its own paths (problem+json).
			if s.cfg.API != nil {
				s.cfg.API.ServeHTTP(w, r)
				return
			}
		}
		public := publicPath(r.URL.Path)
		if allow := allowedMethods(finder, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.html.Error(w, r, http.StatusMethodNotAllowed, render.ErrorPage{Public: public,
				Heading: "이 방법으로는 열 수 없는 페이지예요",
				Message: "주소를 직접 열었거나 오래된 화면에서 보냈다면, 페이지를 처음부터 다시 열어 주세요."})
			return
		}
		s.html.Error(w, r, http.StatusNotFound, render.ErrorPage{Public: public,
			Heading: "페이지를 찾을 수 없어요",
			Message: "주소가 바뀌었거나 없어진 페이지예요. 주소를 다시 확인해 주세요."})
	}
}

// allowedMethods are the methods another pattern takes r's path with.
func allowedMethods(finder handlerFinder, r *http.Request) []string {
	if finder == nil {
		return nil
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method || (m == http.MethodGet && r.Method == http.MethodHead) {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := finder.Handler(probe); pattern != "" && pattern != catchAll {
			allow = append(allow, m)
		}
	}
	return slices.Clip(allow)
}

// guard renders the Korean 500 page when a page handler panics (the API's
// own recovery answers problem+json, which a browser must not show).
func (s *Site) guard(h func(http.ResponseWriter, *http.Request)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.cfg.Log.Error("ui: panic", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			s.html.Error(w, r, http.StatusInternalServerError, render.ErrorPage{Public: publicPath(r.URL.Path),
				Heading: "잠시 문제가 생겼어요",
				Message: "요청을 처리하지 못했어요. 잠시 후 다시 시도해 주세요. 문제가 계속되면 새로 고침해 주세요."})
		}()
		h(w, r)
	}
}

// guardedMux registers every page with guard.
type guardedMux struct {
	mux Mux
	s   *Site
}

func (g guardedMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	g.mux.HandleFunc(pattern, g.s.guard(h))
}
