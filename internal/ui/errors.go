package ui

import (
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/ui/render"
)

// csrfMessage is shown above a form whose token was missing or stale.
const csrfMessage = "보안 확인이 만료되었습니다. 내용을 확인하고 다시 제출해 주세요."

// errorPage renders a friendly error page in the owner layout.
func (s *Site) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	s.html.Error(w, r, status, render.ErrorPage{Heading: heading, Message: message})
}

// ownerError answers an owner page whose event could not be loaded: the
// log-in page when the session is gone, otherwise "not found" with the
// API's message (the API answers 404 for another owner's event too).
func (s *Site) ownerError(w http.ResponseWriter, r *http.Request, err error) {
	if apiclient.NeedLogin(err) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
		return
	}
	banner, _ := apiclient.FormErrors(err)
	s.errorPage(w, r, http.StatusNotFound, "이벤트를 찾을 수 없어요", banner)
}

// pageErrors is FormErrors plus a summary at the top of a long form, so an
// owner on a phone learns that something further down needs fixing.
func pageErrors(err error) (string, map[string]string) {
	banner, fields := apiclient.FormErrors(err)
	if banner == "" && len(fields) > 0 {
		banner = "입력한 내용을 확인해 주세요. 표시된 항목을 고치면 됩니다."
	}
	return banner, fields
}

// statusFor is the page status for an API error: the API's own 4xx (the
// form is shown again), and 502 when the API failed.
func statusFor(err error) int {
	if st := httpapi.StatusOf(err); st >= 400 && st < 500 {
		return st
	}
	return http.StatusBadGateway
}
