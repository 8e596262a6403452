package ui_test

import (
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/autoevent/autoevent/internal/ui"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

// Every page test runs the real site (templates, session, CSRF, API client)
// against a stub of the JSON API, so it checks what the page sends and
// shows without any service behind it. A route that no test requests fails
// the package: a new page comes with its test.

var requested sync.Map // route pattern → true, as the tests hit them

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		var untested []string
		for _, p := range routePatterns() {
			if _, ok := requested.Load(p); !ok {
				untested = append(untested, p)
			}
		}
		if len(untested) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: pages no test requests: %q\n", untested)
			code = 1
		}
	}
	os.Exit(code)
}

// patterns records the routes a site registers.
type patterns []string

func (p *patterns) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	*p = append(*p, pattern)
}

func routePatterns() []string {
	var p patterns
	ui.New(ui.Config{}).Routes(&p)
	return slices.Sorted(slices.Values(p))
}

// newBrowser serves the site, calling api, to a fresh browser.
func newBrowser(t *testing.T, api *uitest.API) *uitest.Browser {
	t.Helper()
	site := ui.New(ui.Config{API: api, CSRFKey: []byte("ui-test-csrf-key"), Log: slog.New(slog.DiscardHandler)})
	mux := http.NewServeMux()
	site.Routes(mux)
	return uitest.NewBrowser(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			requested.Store(pattern, true)
		}
		mux.ServeHTTP(w, r)
	}))
}

// signedIn is a browser with a session whose bearer the stub accepts.
func signedIn(t *testing.T, api *uitest.API) *uitest.Browser {
	t.Helper()
	return newBrowser(t, api).SignIn()
}

// obj is a JSON object of a stubbed answer.
type obj = map[string]any

// with returns a copy of o with the given keys replaced.
func with(o obj, kv ...any) obj {
	c := maps.Clone(o)
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	return c
}

// wantAuth checks that the API saw the signed-in browser's bearer token.
func wantAuth(t *testing.T, c uitest.Call) {
	t.Helper()
	if c.Auth != "Bearer "+uitest.AccessToken {
		t.Errorf("%s %s: Authorization = %q, want the session's bearer", c.Method, c.Path, c.Auth)
	}
}
