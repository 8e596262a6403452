package render_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/autoevent/autoevent/internal/ui/render"
)

func files() fstest.MapFS {
	return fstest.MapFS{
		"templates/layout.html":          {Data: []byte(`{{define "layout"}}<title>{{.Title}}</title><link href="{{static "app.css"}}">{{if .SignedIn}}owner{{end}}|{{.CSRF}}|{{block "content" .}}{{end}}{{end}}`)},
		"templates/partials/public.html": {Data: []byte(`{{define "public"}}public:{{block "content" .}}{{end}}{{end}}`)},
		"templates/error.html":           {Data: []byte(`{{define "content"}}<h1>{{.Data.Heading}}</h1><p>{{.Data.Message}}</p>{{end}}`)},
		"templates/money.html":           {Data: []byte(`{{define "content"}}{{won .Data}}{{end}}`)},
		"templates/broken.html":          {Data: []byte(`{{define "content"}}{{.Data.Missing}}{{end}}`)},
		"static/app.css":                 {Data: []byte("body{}")},
	}
}

func newRenderer(fs fstest.MapFS, prepare func(http.ResponseWriter, *http.Request, *render.View)) *render.Renderer {
	return render.New(render.Config{Files: fs, Log: slog.New(slog.DiscardHandler), Prepare: prepare})
}

func TestRenderPreparesAndWritesPage(t *testing.T) {
	p := newRenderer(files(), func(w http.ResponseWriter, r *http.Request, v *render.View) {
		v.SignedIn, v.CSRF = true, "tok"
	})
	rec := httptest.NewRecorder()
	p.Render(rec, httptest.NewRequest("GET", "/", nil), http.StatusCreated, "money.html", render.View{Title: "돈", Data: int64(1250000)})
	body := rec.Body.String()
	if rec.Code != http.StatusCreated || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("answer = %d %v", rec.Code, rec.Header())
	}
	if !strings.Contains(body, "owner|tok|1,250,000원") || !strings.Contains(body, `href="/static/`) {
		t.Errorf("body = %s", body)
	}
}

func TestRenderFailuresAreCleanErrors(t *testing.T) {
	p := newRenderer(files(), nil)
	for _, name := range []string{"broken.html", "missing.html"} {
		rec := httptest.NewRecorder()
		p.Render(rec, httptest.NewRequest("GET", "/", nil), http.StatusOK, name, render.View{Data: 1})
		// A clean error: the whole Korean 500 page, nothing of the page
		// that failed half-way.
		if b := rec.Body.String(); rec.Code != http.StatusInternalServerError || strings.Count(b, "<title>") != 1 ||
			!strings.Contains(b, "<h1>잠시 문제가 생겼어요</h1>") || strings.Contains(b, "template error") {
			t.Errorf("%s: %d %q, want the Korean 500 page alone", name, rec.Code, b)
		}
	}
}

func TestErrorPage(t *testing.T) {
	p := newRenderer(files(), nil)
	rec := httptest.NewRecorder()
	p.Error(rec, httptest.NewRequest("GET", "/", nil), http.StatusNotFound, render.ErrorPage{Heading: "없어요", Message: "주소 확인"})
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "<title>없어요</title>") ||
		!strings.Contains(rec.Body.String(), "<h1>없어요</h1><p>주소 확인</p>") {
		t.Errorf("owner error = %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	p.Error(rec, httptest.NewRequest("GET", "/", nil), http.StatusServiceUnavailable, render.ErrorPage{Title: "잠시 후", Heading: "실패", Public: true})
	if rec.Code != http.StatusServiceUnavailable || !strings.HasPrefix(rec.Body.String(), "public:<h1>실패</h1>") {
		t.Errorf("public error = %d %s", rec.Code, rec.Body)
	}
}

func TestStaticURLsFollowContent(t *testing.T) {
	fs := files()
	p := render.New(render.Config{Files: fs, Dev: true})
	first := p.StaticURL("app.css")
	if !strings.HasPrefix(first, "/static/") || !strings.HasSuffix(first, "/app.css") || len(first) != len("/static/")+12+len("/app.css") {
		t.Fatalf("url = %q", first)
	}
	fs["static/app.css"] = &fstest.MapFile{Data: []byte("body{color:red}")}
	if p.StaticURL("app.css") == first {
		t.Errorf("a changed file kept its URL in dev mode")
	}
	if got := p.StaticURL("none.js"); got != "/static/missing/none.js" {
		t.Errorf("missing file url = %q", got)
	}

	mux := http.NewServeMux()
	mux.HandleFunc(render.StaticPattern, p.ServeStatic)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", p.StaticURL("app.css"), nil))
	b, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusOK || string(b) != "body{color:red}" || rec.Header().Get("Content-Type") != "text/css; charset=utf-8" ||
		rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("static = %d %q %v", rec.Code, b, rec.Header())
	}
	for _, path := range []string{"/static/x/none.css", "/static/x/..%2Ftemplates%2Flayout.html"} {
		rec = httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, rec.Code)
		}
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 250000: "250,000",
		-9223372036854775808: "-9,223,372,036,854,775,808"} {
		if got := render.Digits(n); got != want {
			t.Errorf("Digits(%d) = %q, want %q", n, got, want)
		}
	}
	if got := render.Won(1250000); got != "1,250,000원" {
		t.Errorf("Won = %q", got)
	}
	at := time.Date(2026, 12, 31, 15, 30, 0, 0, time.UTC) // 2027-01-01 00:30 KST
	if got := render.DatetimeKST(at); got != "2027.01.01 00:30" {
		t.Errorf("DatetimeKST = %q", got)
	}
	if got := render.DateKST(at); got != "2027.01.01" {
		t.Errorf("DateKST = %q", got)
	}
	if render.DatetimeKST(time.Time{}) != "" || render.DateKST(time.Time{}) != "" {
		t.Errorf("the zero time is not shown empty")
	}
}
