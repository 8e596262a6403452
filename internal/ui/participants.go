package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The owner's participants page: live counters, the entries, coupon
// redemption, the QR poster and the CSV exports.

type participantsPage struct {
	EventID string
	View    map[string]any
	Entries struct {
		Items []map[string]any `json:"items"`
		Total int64            `json:"total"`
		Page  int              `json:"page"`
		Size  int              `json:"size"`
	}
	Last4    string
	NextPage int
	PrevPage int
}

func (s *Site) handleParticipants(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	// The coupon scanner uses this page's camera (and only this page's).
	w.Header().Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
	var p participantsPage
	p.EventID = id
	var ov map[string]any
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/participation", nil, &ov); err != nil {
		s.ownerError(w, r, err)
		return
	}
	p.View = ov
	q := url.Values{}
	p.Last4 = strings.TrimSpace(r.URL.Query().Get("last4"))
	if p.Last4 != "" {
		q.Set("last4", p.Last4)
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	q.Set("page", strconv.Itoa(max(page, 1)))
	q.Set("size", "50")
	banner := ""
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/entries?"+q.Encode(), nil, &p.Entries); err != nil {
		if apiclient.NeedLogin(err) {
			s.ownerError(w, r, err)
			return
		}
		banner, _ = apiclient.FormErrors(err)
	}
	if ov["method"] == "FIRST_COME" {
		s.addCouponNotices(w, r, id, p.Entries.Items)
	}
	if int64(p.Entries.Page*p.Entries.Size) < p.Entries.Total {
		p.NextPage = p.Entries.Page + 1
	}
	if p.Entries.Page > 1 {
		p.PrevPage = p.Entries.Page - 1
	}
	s.html.Render(w, r, http.StatusOK, "participants.html", View{Title: "참여자", SignedIn: true, Data: p, Error: banner})
}

// couponNoticeLabels name the coupon holders' notification states.
var couponNoticeLabels = map[string]string{
	"PENDING": "알림 대기", "SENT": "알림 발송됨", "DELIVERED": "알림톡 수신",
	"FAILED_OVER": "문자로 대체 발송", "FAILED": "알림 실패",
}

// addCouponNotices sets "couponNotify" (the label of the coupon 알림톡's
// state) on the listed entries holding a coupon. The column is a help, not
// the page: when the lookup fails the table is shown without it.
func (s *Site) addCouponNotices(w http.ResponseWriter, r *http.Request, id string, items []map[string]any) {
	var out struct {
		Items []struct {
			EntryNumber  int64 `json:"entryNumber"`
			Notification struct {
				Status string `json:"status"`
			} `json:"notification"`
		} `json:"items"`
	}
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(id)+"/coupons/notifications", nil, &out); err != nil {
		return
	}
	labels := make(map[int64]string, len(out.Items))
	for _, it := range out.Items {
		labels[it.EntryNumber] = couponNoticeLabels[it.Notification.Status]
	}
	for _, e := range items {
		if n, ok := e["entryNumber"].(float64); ok && labels[int64(n)] != "" {
			e["couponNotify"] = labels[int64(n)]
		}
	}
}

// handleParticipantsLive answers the page's poll with the live counters.
func (s *Site) handleParticipantsLive(w http.ResponseWriter, r *http.Request) {
	var ov struct {
		Entries         int64  `json:"entries"`
		StoreVisits     int64  `json:"storeVisits"`
		CouponsIssued   int    `json:"couponsIssued"`
		CouponsRedeemed int    `json:"couponsRedeemed"`
		Phase           string `json:"phase"`
	}
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(r.PathValue("id"))+"/participation", nil, &ov); err != nil {
		http.Error(w, "unavailable", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(ov)
}

func (s *Site) handleRedeem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	back := "/app/events/" + url.PathEscape(id) + "/participants"
	if !s.sessions.CheckCSRF(r) {
		s.sessions.FlashError(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	code := strings.ToUpper(strings.TrimSpace(r.PostFormValue("code")))
	var red struct {
		EntryNumber int64 `json:"entryNumber"`
	}
	if err := s.api.Call(w, r, "POST", "/api/v1/events/"+url.PathEscape(id)+"/coupons/"+url.PathEscape(code)+"/redeem", nil, &red); err != nil {
		if apiclient.NeedLogin(err) {
			s.ownerError(w, r, err)
			return
		}
		banner, _ := apiclient.FormErrors(err)
		s.sessions.FlashError(w, banner)
	} else {
		s.sessions.Flash(w, "쿠폰 사용 처리했어요. (응모번호 "+strconv.FormatInt(red.EntryNumber, 10)+")")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// handleParticipantsFile passes the QR PNG, the poster PDF and the CSV
// through from the API with the owner's session.
func (s *Site) handleParticipantsFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	path := "/api/v1/events/" + url.PathEscape(id) + "/participation/" + name
	if name == "entries.csv" {
		path = "/api/v1/events/" + url.PathEscape(id) + "/entries.csv"
	}
	res, err := s.api.CallRaw(w, r, "GET", path, nil)
	if err != nil || res.Status != http.StatusOK {
		if res.Status == http.StatusUnauthorized {
			http.Redirect(w, r, "/login?next="+url.QueryEscape("/app/events/"+id+"/participants"), http.StatusSeeOther)
			return
		}
		s.errorPage(w, r, http.StatusNotFound, "파일을 만들 수 없어요", "잠시 후 다시 시도해 주세요.")
		return
	}
	passFile(w, res)
}

// passFile hands a file the API produced to the browser.
func passFile(w http.ResponseWriter, res apiclient.Result) {
	for _, h := range []string{"Content-Type", "Content-Disposition", "Content-Length"} {
		if v := res.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(res.Body)
}

// handleFullExport asks the API for the unmasked CSV with the password the
// owner just typed; a wrong password comes back to the page as a message.
func (s *Site) handleFullExport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	back := "/app/events/" + url.PathEscape(id) + "/participants"
	if !s.sessions.CheckCSRF(r) {
		s.sessions.FlashError(w, "페이지가 만료되었어요. 다시 시도해 주세요.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	res, err := s.api.CallRaw(w, r, "POST", "/api/v1/events/"+url.PathEscape(id)+"/entries.csv",
		map[string]string{"password": r.PostFormValue("password")})
	if err != nil || res.Status != http.StatusOK {
		msg := "내보내기에 실패했어요. 잠시 후 다시 시도해 주세요."
		if decErr := res.Decode(nil); decErr != nil {
			if banner, _ := apiclient.FormErrors(decErr); banner != "" {
				msg = banner
			}
		}
		if res.Status == http.StatusUnauthorized {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(back), http.StatusSeeOther)
			return
		}
		s.sessions.FlashError(w, msg)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	passFile(w, res)
}
