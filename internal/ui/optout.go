package ui

import (
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/render"
)

// The customers' opt-out page: the link at the end of every advertising
// message.

func (s *Site) handleOptOutPage(w http.ResponseWriter, r *http.Request) {
	var info announce.OptOutInfo
	if _, err := s.api.CallPublic(r, "GET", "/api/v1/public/optout/"+url.PathEscape(r.PathValue("token")), nil, &info); err != nil {
		s.optOutError(w, r, err)
		return
	}
	s.html.Render(w, r, http.StatusOK, "optout.html", View{Title: "광고 수신거부", Layout: "public", Data: info})
}

func (s *Site) handleOptOut(w http.ResponseWriter, r *http.Request) {
	path := "/api/v1/public/optout/" + url.PathEscape(r.PathValue("token"))
	var info announce.OptOutInfo
	if !s.sessions.CheckCSRF(r) {
		if _, err := s.api.CallPublic(r, "GET", path, nil, &info); err != nil {
			s.optOutError(w, r, err)
			return
		}
		s.html.Render(w, r, http.StatusForbidden, "optout.html", View{Title: "광고 수신거부", Layout: "public", Data: info,
			Error: "페이지가 만료되었어요. 다시 눌러 주세요."})
		return
	}
	if _, err := s.api.CallPublic(r, "POST", path, nil, &info); err != nil {
		s.optOutError(w, r, err)
		return
	}
	s.html.Render(w, r, http.StatusOK, "optout.html", View{Title: "광고 수신거부", Layout: "public", Data: info})
}

// optOutError tells an unknown link apart from a failure: a customer must
// never believe the link is wrong when the opt-out simply did not go
// through.
func (s *Site) optOutError(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.KindOf(err) == apperr.NotFound {
		s.html.Error(w, r, http.StatusNotFound, render.ErrorPage{Public: true,
			Heading: "링크를 찾을 수 없어요", Message: "문자에 있는 수신거부 주소를 다시 확인해 주세요."})
		return
	}
	s.html.Error(w, r, http.StatusServiceUnavailable, render.ErrorPage{Public: true, Title: "잠시 후 다시 시도해 주세요",
		Heading: "수신거부를 처리하지 못했어요", Message: "일시적인 오류예요. 잠시 후 이 주소를 다시 열어 주세요."})
}
