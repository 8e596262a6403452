package ui

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The content page's forms (content.go shows the page): start or redo the
// content, regenerate a style or one edited image, choose the channels'
// styles, cancel the running job, and the progress stream for content.js.
// Each checks the form token, calls the API as the owner and redirects
// back, errors as errors.

// checkForm answers a stale or forged form: back to the page with an error.
func (s *Site) checkForm(w http.ResponseWriter, r *http.Request) bool {
	if s.sessions.CheckCSRF(r) {
		return true
	}
	s.sessions.FlashError(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
	http.Redirect(w, r, contentPath(r.PathValue("id")), http.StatusSeeOther)
	return false
}

// contentDone finishes a content form: the session gone → log in; an API
// error → the page with the error; otherwise the page with done.
func (s *Site) contentDone(w http.ResponseWriter, r *http.Request, err error, done string) {
	id := r.PathValue("id")
	switch {
	case err != nil && apiclient.NeedLogin(err):
		s.ownerError(w, r, err)
		return
	case err != nil:
		banner, _ := pageErrors(err)
		s.sessions.FlashError(w, banner)
	case done != "":
		s.sessions.Flash(w, done)
	}
	http.Redirect(w, r, contentPath(id), http.StatusSeeOther)
}

// handleContentStart starts the content job (all checked styles), or
// makes everything again with regenerate=1.
func (s *Site) handleContentStart(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	var styles []string
	for _, st := range r.PostForm["style"] {
		if !validStyle(st) {
			s.sessions.FlashError(w, "알 수 없는 스타일이에요. 다시 골라 주세요.")
			http.Redirect(w, r, contentPath(r.PathValue("id")), http.StatusSeeOther)
			return
		}
		styles = append(styles, st)
	}
	if r.PostForm.Has("styles") && len(styles) == 0 {
		// The form lists the styles and none is ticked.
		s.sessions.FlashError(w, "스타일을 하나 이상 골라 주세요.")
		http.Redirect(w, r, contentPath(r.PathValue("id")), http.StatusSeeOther)
		return
	}
	_, err := s.api.StartContent(w, r, r.PathValue("id"), styles, r.PostFormValue("regenerate") == "1")
	s.contentDone(w, r, err, "")
}

func (s *Site) handleContentStyle(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	st := r.PathValue("style")
	if !validStyle(st) {
		s.sessions.FlashError(w, "알 수 없는 스타일이에요. 다시 골라 주세요.")
		http.Redirect(w, r, contentPath(r.PathValue("id")), http.StatusSeeOther)
		return
	}
	_, err := s.api.RegenerateStyle(w, r, r.PathValue("id"), st)
	s.contentDone(w, r, err, "‘"+styleLabel(st)+"’ 스타일 이미지를 다시 만들고 있어요.")
}

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// handleContentAsset re-renders one image with the owner's text, colours
// or style. A refused edit shows the page again with that form open.
func (s *Site) handleContentAsset(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	typed := imageCard{Title: f("title"), Benefit: f("benefit"), CTA: f("cta"), Style: f("style"),
		UseColors: f("useColors") == "1", Background: f("background"), Accent: f("accent"), Ink: f("text")}
	edit := apiclient.AssetEdit{Style: typed.Style, Title: typed.Title, Benefit: typed.Benefit, CTA: typed.CTA}
	fields := map[string]string{}
	if edit.Style != "" && !validStyle(edit.Style) {
		fields["style"] = "심플, 화려한, 트렌디 중에서 골라 주세요."
	}
	if typed.UseColors {
		for name, v := range map[string]string{"background": typed.Background, "accent": typed.Accent, "text": typed.Ink} {
			if !colorRe.MatchString(v) {
				fields[name] = "색상은 #RRGGBB 형식으로 골라 주세요."
			}
		}
		edit.Colors = &apiclient.Colors{Background: typed.Background, Accent: typed.Accent, Text: typed.Ink}
	}
	assetID := r.PathValue("assetId")
	if len(fields) > 0 {
		s.renderContent(w, r, http.StatusUnprocessableEntity,
			View{Error: "입력한 내용을 확인해 주세요. 표시된 항목을 고치면 됩니다.", Fields: fields}, assetID, &typed)
		return
	}
	_, err := s.api.RegenerateAsset(w, r, r.PathValue("id"), assetID, edit)
	if err != nil && !apiclient.NeedLogin(err) {
		if st := statusFor(err); st != http.StatusNotFound {
			banner, fields := pageErrors(err)
			for k, msg := range fields {
				if name, ok := strings.CutPrefix(k, "colors."); ok {
					fields[name] = msg
				}
			}
			s.renderContent(w, r, st, View{Error: banner, Fields: fields}, assetID, &typed)
			return
		}
	}
	s.contentDone(w, r, err, "이미지를 고친 내용으로 다시 만들고 있어요.")
}

func (s *Site) handleContentChannels(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	choice := map[string]string{}
	for _, ch := range contentChannels {
		st := r.PostFormValue(ch.Value)
		if st == "" {
			continue
		}
		if !validStyle(st) {
			s.sessions.FlashError(w, ch.Label+"에 보낼 스타일을 다시 골라 주세요.")
			http.Redirect(w, r, contentPath(r.PathValue("id")), http.StatusSeeOther)
			return
		}
		choice[ch.Value] = st
	}
	_, err := s.api.SetChannelStyles(w, r, r.PathValue("id"), choice)
	s.contentDone(w, r, err, "채널별 스타일을 저장했어요.")
}

// handleContentCancel stops the event's running content job. The job is
// the one the content names, not one the form names, so the form cannot
// reach another event's job.
func (s *Site) handleContentCancel(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	id := r.PathValue("id")
	c, err := s.api.Content(w, r, id)
	if err == nil && (c.Status != apiclient.ContentGenerating || c.JobID == "") {
		s.sessions.FlashError(w, "진행 중인 작업이 없어요.")
		http.Redirect(w, r, contentPath(id), http.StatusSeeOther)
		return
	}
	if err == nil {
		_, err = s.api.CancelJob(w, r, c.JobID)
	}
	s.contentDone(w, r, err, "콘텐츠 만들기를 멈췄어요.")
}

// handleContentProgress relays the progress stream to content.js.
func (s *Site) handleContentProgress(w http.ResponseWriter, r *http.Request) {
	s.api.StreamContentProgress(w, r, r.PathValue("id"))
}
