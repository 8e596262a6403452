package ui

import (
	"net/http"
	"strings"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
	"github.com/autoevent/autoevent/internal/user"
)

// The store page: the owner's account and the store profile form (업종 and
// 지역 feed the AI recommendation), and the federated log-in link.

// storeView is the store template's data.
type storeView struct {
	Me         user.Me
	Industries []user.Industry
	Sidos      []string
	Federation user.FederationInfo
}

// storeFields are the store form's inputs (named as in PUT /stores/me).
var storeFields = []string{"name", "industry", "sido", "sigungu", "address", "phone"}

func (s *Site) handleStorePage(w http.ResponseWriter, r *http.Request) {
	s.renderStore(w, r, http.StatusOK, View{})
}

// renderStore loads the owner's account and store and renders the page;
// without v.Form the form shows the saved profile.
func (s *Site) renderStore(w http.ResponseWriter, r *http.Request, status int, v View) {
	var me user.Me
	if err := s.api.Call(w, r, "GET", "/api/v1/users/me", nil, &me); err != nil {
		if apiclient.NeedLogin(err) {
			s.sessions.End(w)
			http.Redirect(w, r, "/login?next=/app/store", http.StatusSeeOther)
			return
		}
		s.errorPage(w, r, http.StatusBadGateway, "잠시 후 다시 시도해 주세요", "매장 정보를 불러오지 못했습니다.")
		return
	}
	if v.Form == nil {
		v.Form = map[string]string{}
		if st := me.Store; st != nil {
			v.Form = map[string]string{"name": st.Name, "industry": st.Industry, "sido": st.Sido,
				"sigungu": st.Sigungu, "address": st.Address, "phone": st.Phone}
		}
	}
	var fed user.FederationInfo
	_, _ = s.api.CallPublic(r, "GET", "/api/v1/auth/oidc", nil, &fed)
	v.Title, v.SignedIn = "매장 정보", true
	v.Data = storeView{Me: me, Industries: user.Industries, Sidos: sidoNames(), Federation: fed}
	s.html.Render(w, r, status, "store.html", v)
}

func (s *Site) handleStoreSave(w http.ResponseWriter, r *http.Request) {
	form := map[string]string{}
	for _, f := range storeFields {
		form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	if !s.sessions.CheckCSRF(r) {
		s.renderStore(w, r, http.StatusForbidden, View{Form: form, Error: csrfMessage})
		return
	}
	in := user.StoreInput{Name: form["name"], Industry: form["industry"],
		Region: strings.TrimSpace(form["sido"] + " " + form["sigungu"]), Address: form["address"], Phone: form["phone"]}
	if err := s.api.Call(w, r, "PUT", "/api/v1/stores/me", in, nil); err != nil {
		if apiclient.NeedLogin(err) {
			s.sessions.End(w)
			http.Redirect(w, r, "/login?next=/app/store", http.StatusSeeOther)
			return
		}
		banner, fields := pageErrors(err)
		s.renderStore(w, r, statusFor(err), View{Form: form, Error: banner, Fields: fields})
		return
	}
	s.sessions.Flash(w, "매장 정보를 저장했습니다.")
	http.Redirect(w, r, "/app/store", http.StatusSeeOther)
}
