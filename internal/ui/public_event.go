package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/render"
)

// The public event page (/e/{code}): what a customer reached by link or by
// the in-store QR poster sees, the entry form, and the result after entering.

// publicEvent is the public API's view of an event.
type publicEvent = participation.PublicEvent

type publicPage struct {
	Event      publicEvent
	VisitToken string
	Channel    string
	Result     *entryResult
	Draws      *winners.EventDraws // lottery commitments and results, nil for first-come
}

// entryResult is the entry API's answer. A repeat that the browser could
// not prove its own (no entry cookie of that number) has only Repeat set.
type entryResult struct {
	EntryNumber int64  `json:"entryNumber"`
	StoreVisit  bool   `json:"storeVisit"`
	Repeat      bool   `json:"repeat"`
	VisitAdded  bool   `json:"visitAdded"`
	EntryToken  string `json:"entryToken"`
	Coupon      *struct {
		Code  string `json:"code"`
		QRURL string `json:"qrUrl"`
	} `json:"coupon"`
}

// The entry cookie keeps the entry tokens of the numbers that entered from
// this browser, so that entering again shows the entry number and coupon to
// the same browser and to nobody else (the API shows them only against the
// token). HttpOnly, scoped to the event's page, at most entryTokensKept
// tokens (a few people of one family sharing a phone).
const (
	entryCookie     = "ae_entry"
	entryTokensKept = 5
	entryCookieAge  = 60 * 24 * time.Hour // past the event and its draw
)

// entryTokens returns the tokens of the request's entry cookie, dropping
// anything that is not a token.
func entryTokens(r *http.Request) []string {
	c, err := r.Cookie(entryCookie)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range strings.Split(c.Value, ".") {
		if len(out) < entryTokensKept && len(t) >= 16 && len(t) <= 64 && strings.Trim(t, "0123456789abcdef") == "" {
			out = append(out, t)
		}
	}
	return out
}

// keepEntryToken adds tok to the browser's entry cookie (newest last).
func (s *Site) keepEntryToken(w http.ResponseWriter, r *http.Request, code, tok string) {
	if tok == "" {
		return
	}
	toks := slices.DeleteFunc(entryTokens(r), func(t string) bool { return t == tok })
	toks = append(toks, tok)
	if len(toks) > entryTokensKept {
		toks = toks[len(toks)-entryTokensKept:]
	}
	http.SetCookie(w, &http.Cookie{Name: entryCookie, Value: strings.Join(toks, "."), Path: "/e/" + code,
		MaxAge: int(entryCookieAge.Seconds()), HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// loadPublicEvent reads the event of the page's code, or answers with the
// customers' "not found" page.
func (s *Site) loadPublicEvent(w http.ResponseWriter, r *http.Request) (publicEvent, bool) {
	var ev publicEvent
	if _, err := s.api.CallPublic(r, "GET", "/api/v1/public/event-codes/"+url.PathEscape(r.PathValue("code")), nil, &ev); err != nil {
		s.html.Error(w, r, http.StatusNotFound, render.ErrorPage{Public: true,
			Heading: "이벤트를 찾을 수 없어요", Message: "주소를 다시 확인해 주세요."})
		return ev, false
	}
	return ev, true
}

func (s *Site) handlePublicEvent(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.loadPublicEvent(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page := publicPage{Event: ev, VisitToken: limit(q.Get("v"), 512), Channel: limit(q.Get("c"), 32)}
	if ev.Method == "LOTTERY" {
		page.Draws = s.publicDraws(r, ev.EventID)
	}
	s.html.Render(w, r, http.StatusOK, "public_event.html", View{Title: ev.Title, Layout: "public", Data: page})
}

func limit(s string, n int) string {
	if len(s) > n {
		return ""
	}
	return s
}

func (s *Site) handlePublicEnter(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.loadPublicEvent(w, r)
	if !ok {
		return
	}
	page := publicPage{Event: ev, VisitToken: limit(r.PostFormValue("v"), 512), Channel: limit(r.PostFormValue("c"), 32)}
	form := map[string]string{"name": r.PostFormValue("name"), "phone": r.PostFormValue("phone"), "marketing": r.PostFormValue("marketing")}
	if !s.sessions.CheckCSRF(r) {
		s.html.Render(w, r, http.StatusForbidden, "public_event.html", View{Title: ev.Title, Layout: "public", Data: page, Form: form,
			Error: "페이지가 만료되었어요. 다시 시도해 주세요."})
		return
	}
	body := map[string]any{"name": form["name"], "phone": form["phone"],
		"consents": map[string]bool{"marketing": form["marketing"] == "on"}}
	if page.VisitToken != "" {
		body["visitToken"] = page.VisitToken
	}
	if page.Channel != "" {
		body["channel"] = page.Channel
	}
	if toks := entryTokens(r); len(toks) > 0 {
		body["entryToken"] = strings.Join(toks, ".")
	}
	var res entryResult
	api, err := s.api.CallPublic(r, "POST", "/api/v1/public/events/"+url.PathEscape(ev.EventID)+"/entries", body, &res)
	if err != nil {
		banner, fields := apiclient.FormErrors(err)
		status := api.Status
		if status < 400 {
			status = http.StatusBadGateway
		}
		s.html.Render(w, r, status, "public_event.html", View{Title: ev.Title, Layout: "public", Data: page, Form: form,
			Error: banner, Fields: fields})
		return
	}
	s.keepEntryToken(w, r, ev.Code, res.EntryToken)
	page.Result = &res
	s.html.Render(w, r, api.Status, "public_result.html", View{Title: ev.Title, Layout: "public", Data: page})
}

// publicDraws returns what the "draw-public" partial renders for an event
// (nil when the event has no draws or the lookup fails: the public page
// then simply shows no draw section).
func (s *Site) publicDraws(r *http.Request, eventID string) *winners.EventDraws {
	var out winners.EventDraws
	if _, err := s.api.CallPublic(r, "GET", "/api/v1/public/events/"+url.PathEscape(eventID)+"/draws", nil, &out); err != nil || len(out.Draws) == 0 {
		return nil
	}
	return &out
}
