package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The draw page: publish the commitment, run (or re-run) the lottery, record
// prize delivery.

// drawPage is the data of draw.html.
type drawPage struct {
	winners.EventDraws
	Pending *winners.Draw // published commitment awaiting the draw
	Latest  *winners.Draw // most recent completed draw (redraw target)
	// Current are the standing winners (not replaced by a redraw) by rank.
	Current []standingWinner
	// WinnerCount is the form's default: the planned number of winners.
	WinnerCount int
}

// standingWinner is a current winner with the draw that selected it.
type standingWinner struct {
	winners.Winner
	DrawID string
}

func (s *Site) handleDrawPage(w http.ResponseWriter, r *http.Request) {
	s.renderDrawPage(w, r, http.StatusOK, View{})
}

func (s *Site) renderDrawPage(w http.ResponseWriter, r *http.Request, status int, v View) {
	id := r.PathValue("id")
	var data drawPage
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/draws", nil, &data.EventDraws); err != nil {
		if apiclient.NeedLogin(err) {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		}
		banner, _ := apiclient.FormErrors(err)
		s.errorPage(w, r, http.StatusNotFound, "추첨", banner)
		return
	}
	for i := range data.Draws {
		d := &data.Draws[i]
		if d.Status == winners.DrawPending && data.Pending == nil {
			data.Pending = d
		}
		if d.Status == winners.DrawDone && data.Latest == nil {
			data.Latest = d
		}
		if d.Status == winners.DrawDone {
			for _, w := range d.Winners {
				if w.ReplacedBy == "" {
					data.Current = append(data.Current, standingWinner{Winner: w, DrawID: d.ID})
				}
			}
		}
	}
	slices.SortStableFunc(data.Current, func(a, b standingWinner) int { return a.Rank - b.Rank })
	data.WinnerCount = max(data.Event.WinnerCount, 1)
	v.Title = "추첨 · " + data.Event.Title
	v.Data = data
	s.html.Render(w, r, status, "draw.html", v)
}

func (s *Site) handleDrawCommit(w http.ResponseWriter, r *http.Request) {
	if !s.sessions.CheckCSRF(r) {
		s.errorPage(w, r, http.StatusForbidden, "요청을 처리할 수 없습니다", "페이지를 새로 고친 뒤 다시 시도해 주세요.")
		return
	}
	id := r.PathValue("id")
	if err := s.api.Call(w, r, "POST", "/api/v1/events/"+url.PathEscape(id)+"/draws/commitment", nil, nil); err != nil {
		banner, _ := apiclient.FormErrors(err)
		s.renderDrawPage(w, r, http.StatusUnprocessableEntity, View{Error: banner})
		return
	}
	s.sessions.Flash(w, "추첨을 봉인했어요. 이제 추첨할 수 있어요.")
	http.Redirect(w, r, "/app/events/"+url.PathEscape(id)+"/draw", http.StatusSeeOther)
}

func (s *Site) handleDrawRun(w http.ResponseWriter, r *http.Request) {
	if !s.sessions.CheckCSRF(r) {
		s.errorPage(w, r, http.StatusForbidden, "요청을 처리할 수 없습니다", "페이지를 새로 고친 뒤 다시 시도해 주세요.")
		return
	}
	id := r.PathValue("id")
	form := map[string]string{
		"winnerCount": r.FormValue("winnerCount"), "visitBonusWeight": r.FormValue("visitBonusWeight"),
		"exclusions": r.FormValue("exclusions"), "redrawOf": r.FormValue("redrawOf"), "reason": r.FormValue("reason"),
		"closeEntries": r.FormValue("closeEntries"), "excludeFlagged": r.FormValue("excludeFlagged"),
	}
	fields := map[string]string{}
	in := winners.DrawInput{RedrawOf: form["redrawOf"], Reason: form["reason"], CloseEntries: form["closeEntries"] == "on",
		ExcludeFlagged: form["excludeFlagged"] == "on"}
	var err error
	if in.RedrawOf != "" {
		// A redraw replaces the checked winners only; count and weight
		// are those of the first draw.
		for _, v := range r.Form["replace"] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				fields["replace"] = "교체할 당첨자를 다시 선택해 주세요."
				break
			}
			in.Replace = append(in.Replace, n)
		}
		if len(in.Replace) == 0 && fields["replace"] == "" {
			fields["replace"] = "교체할 당첨자를 선택해 주세요."
		}
	} else {
		if in.WinnerCount, err = strconv.Atoi(strings.TrimSpace(form["winnerCount"])); err != nil {
			fields["winnerCount"] = "당첨자 수를 숫자로 입력해 주세요."
		}
		if in.VisitBonusWeight, err = strconv.ParseFloat(strings.TrimSpace(form["visitBonusWeight"]), 64); err != nil {
			fields["visitBonusWeight"] = "매장 방문 가중치를 숫자로 입력해 주세요."
		}
	}
	for _, f := range strings.FieldsFunc(form["exclusions"], func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			fields["exclusions"] = "제외할 응모번호는 쉼표로 구분한 숫자로 입력해 주세요."
			break
		}
		in.Exclusions = append(in.Exclusions, n)
	}
	if len(fields) == 0 {
		err = s.api.Call(w, r, "POST", "/api/v1/events/"+url.PathEscape(id)+"/draws", in, nil)
		if err == nil {
			msg := "추첨을 완료했습니다. 당첨자에게 알림톡을 보내는 중입니다."
			if in.RedrawOf != "" {
				msg = "선택한 당첨자만 다시 뽑았습니다. 새 당첨자에게 알림톡을 보내는 중이며, 다른 당첨자는 그대로입니다."
			} else if in.CloseEntries {
				msg = "참여를 마감하고 추첨했습니다. 이벤트가 종료되었고, 당첨자에게 알림톡을 보내는 중입니다."
			}
			s.sessions.Flash(w, msg)
			http.Redirect(w, r, "/app/events/"+url.PathEscape(id)+"/draw", http.StatusSeeOther)
			return
		}
		if apiclient.NeedLogin(err) {
			http.Redirect(w, r, "/login?next="+url.QueryEscape("/app/events/"+id+"/draw"), http.StatusSeeOther)
			return
		}
	}
	v := View{Fields: fields, Form: form}
	if err != nil && len(fields) == 0 {
		v.Error, v.Fields = apiclient.FormErrors(err)
	}
	s.renderDrawPage(w, r, http.StatusUnprocessableEntity, v)
}

func (s *Site) handlePrizeDelivered(w http.ResponseWriter, r *http.Request) {
	if !s.sessions.CheckCSRF(r) {
		s.errorPage(w, r, http.StatusForbidden, "요청을 처리할 수 없습니다", "페이지를 새로 고친 뒤 다시 시도해 주세요.")
		return
	}
	id := r.PathValue("id")
	path := "/api/v1/events/" + url.PathEscape(id) + "/draws/" + url.PathEscape(r.PathValue("drawId")) +
		"/winners/" + url.PathEscape(r.PathValue("entry")) + "/prize-delivered"
	if err := s.api.Call(w, r, "POST", path, nil, nil); err != nil {
		banner, _ := apiclient.FormErrors(err)
		s.renderDrawPage(w, r, http.StatusUnprocessableEntity, View{Error: banner})
		return
	}
	s.sessions.Flash(w, "경품 전달을 기록했습니다. 이 당첨자의 개인정보는 곧 파기됩니다.")
	http.Redirect(w, r, "/app/events/"+url.PathEscape(id)+"/draw", http.StatusSeeOther)
}
