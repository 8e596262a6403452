package uitest

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Page is one answer of the site.
type Page struct {
	t            testing.TB
	Method, Path string // the request
	Status       int
	Header       http.Header
	Body         string
}

// Text is the body with HTML entities decoded, for matching text.
func (p *Page) Text() string { return html.UnescapeString(p.Body) }

func (p *Page) fail(format string, args ...any) {
	p.t.Helper()
	body := p.Body
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	p.t.Errorf("%s %s: "+format+"\n--- body:\n%s", append([]any{p.Method, p.Path}, append(args, body)...)...)
}

// WantStatus checks the status code.
func (p *Page) WantStatus(code int) *Page {
	p.t.Helper()
	if p.Status != code {
		p.fail("status = %d, want %d", p.Status, code)
	}
	return p
}

// WantHTML checks the status and that the answer is an HTML page that must
// not be cached (pages carry tokens).
func (p *Page) WantHTML(code int) *Page {
	p.t.Helper()
	p.WantStatus(code)
	if ct := p.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		p.fail("Content-Type = %q, want text/html; charset=utf-8", ct)
	}
	if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
		p.fail("Cache-Control = %q, want no-store", cc)
	}
	return p
}

// WantText checks that each text appears in the page.
func (p *Page) WantText(texts ...string) *Page {
	p.t.Helper()
	body := p.Text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			p.fail("page lacks %q", s)
		}
	}
	return p
}

// WantNoText checks that no text appears in the page.
func (p *Page) WantNoText(texts ...string) *Page {
	p.t.Helper()
	body := p.Text()
	for _, s := range texts {
		if strings.Contains(body, s) {
			p.fail("page shows %q, want it absent", s)
		}
	}
	return p
}

// WantRedirect checks a 303 See Other to location.
func (p *Page) WantRedirect(location string) *Page {
	p.t.Helper()
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != location {
		p.fail("answer = %d Location %q, want 303 to %q", p.Status, p.Header.Get("Location"), location)
	}
	return p
}

// WantErrorPage checks an HTML error page (error.html) with the status
// and heading.
func (p *Page) WantErrorPage(code int, heading string) *Page {
	p.t.Helper()
	p.WantHTML(code)
	if h := p.Heading(); h != heading {
		p.fail("heading = %q, want %q", h, heading)
	}
	return p
}

// WantTitle checks the window title.
func (p *Page) WantTitle(title string) *Page {
	p.t.Helper()
	if got := p.Title(); got != title {
		p.fail("title = %q, want %q", got, title)
	}
	return p
}

// WantField checks the inline error shown under a form field.
func (p *Page) WantField(name, message string) *Page {
	p.t.Helper()
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(name) + `-error">([^<]*)</p>`).FindStringSubmatch(p.Body)
	if m == nil || html.UnescapeString(m[1]) != message {
		p.fail("field %q error = %v, want %q", name, m, message)
	}
	return p
}

// WantAlert checks the banner at the top of the page.
func (p *Page) WantAlert(message string) *Page {
	p.t.Helper()
	m := regexp.MustCompile(`<div class="alert" role="alert">([^<]*)</div>`).FindStringSubmatch(p.Body)
	if m == nil || html.UnescapeString(m[1]) != message {
		p.fail("alert = %v, want %q", m, message)
	}
	return p
}

// WantFlash checks the one-time success line at the top of the page (an
// error must come as WantAlert, never here).
func (p *Page) WantFlash(message string) *Page {
	p.t.Helper()
	m := regexp.MustCompile(`<div class="flash" role="status">([^<]*)</div>`).FindStringSubmatch(p.Body)
	if m == nil || html.UnescapeString(m[1]) != message {
		p.fail("flash = %v, want %q", m, message)
	}
	return p
}

// WantForm checks that the page has a POST form to action, with the CSRF
// token, and returns it. An empty action in the page means the page's own
// path.
func (p *Page) WantForm(action string) Form {
	p.t.Helper()
	for _, f := range p.Forms() {
		if f.Action == action && f.Method == http.MethodPost {
			if f.Fields.Get("csrf") == "" {
				p.fail("form %s has no CSRF token", action)
			}
			return f
		}
	}
	p.fail("no POST form to %q; forms: %v", action, p.Forms())
	return Form{}
}

// WantForms checks that the page's POST forms go exactly to actions (in
// order) and that each carries the page's CSRF token.
func (p *Page) WantForms(actions ...string) *Page {
	p.t.Helper()
	var got []string
	tok := p.CSRF()
	for _, f := range p.Forms() {
		if f.Method != http.MethodPost {
			continue
		}
		got = append(got, f.Action)
		if c := f.Fields.Get("csrf"); c == "" || c != tok {
			p.fail("form %s: csrf = %q, want the page's token %q", f.Action, c, tok)
		}
	}
	if strings.Join(got, " ") != strings.Join(actions, " ") {
		p.fail("POST forms = %q, want %q", got, actions)
	}
	return p
}

// Form is one form of a page.
type Form struct {
	Method, Action string
	Fields         url.Values // inputs and textareas by name
}

var (
	formRe     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	inputRe    = regexp.MustCompile(`<input\b([^>]*)>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	attrRe     = regexp.MustCompile(`([a-zA-Z-]+)="([^"]*)"`)
	titleRe    = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	h1Re       = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)
	tagRe      = regexp.MustCompile(`<[^>]+>`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// Forms parses the page's forms (the site's own templates: attributes in
// double quotes).
func (p *Page) Forms() []Form {
	var out []Form
	for _, m := range formRe.FindAllStringSubmatch(p.Body, -1) {
		a := attrs(m[1])
		f := Form{Method: strings.ToUpper(a["method"]), Action: a["action"], Fields: url.Values{}}
		if f.Method == "" {
			f.Method = http.MethodGet
		}
		if f.Action == "" {
			f.Action = p.Path
		}
		for _, in := range inputRe.FindAllStringSubmatch(m[2], -1) {
			ia := attrs(in[1])
			if ia["name"] != "" {
				f.Fields.Add(ia["name"], ia["value"])
			}
		}
		for _, ta := range textareaRe.FindAllStringSubmatch(m[2], -1) {
			if name := attrs(ta[1])["name"]; name != "" {
				f.Fields.Add(name, html.UnescapeString(ta[2]))
			}
		}
		out = append(out, f)
	}
	return out
}

// CSRF returns the page's form token ("" when it has no form with one).
func (p *Page) CSRF() string {
	for _, f := range p.Forms() {
		if tok := f.Fields.Get("csrf"); tok != "" {
			return tok
		}
	}
	return ""
}

// Title is the window title.
func (p *Page) Title() string {
	if m := titleRe.FindStringSubmatch(p.Body); m != nil {
		return strings.TrimSpace(html.UnescapeString(m[1]))
	}
	return ""
}

// Heading is the text of the first h1.
func (p *Page) Heading() string {
	if m := h1Re.FindStringSubmatch(p.Body); m != nil {
		return strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(m[1], "")))
	}
	return ""
}
