package user

import (
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// API is the user service's HTTP surface.
type API struct {
	svc        *Service
	verify     func(r *http.Request) (authn.Claims, error)
	trustProxy bool
}

// NewAPI returns the API; svc is nil when the service runs in another
// process (the routes are then proxied and the handlers never run).
// trustProxy takes the client IP, which the log-in and sign-up throttles
// key on, from X-Forwarded-For.
func NewAPI(svc *Service, verify func(r *http.Request) (authn.Claims, error), trustProxy bool) *API {
	return &API{svc: svc, verify: verify, trustProxy: trustProxy}
}

func (a *API) clientIP(r *http.Request) string { return httpapi.ClientIP(r, a.trustProxy) }

// Routes declares the user service's routes.
func (a *API) Routes(r *httpapi.Router) {
	const svc = "user"
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/signup", Service: svc, Summary: "Sign up with a verified business number",
		Request: SignupInput{}, Response: SignupResult{}, Status: http.StatusCreated}, a.signup)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/login", Service: svc, Summary: "Log in",
		Request: LoginInput{}, Response: Tokens{}}, a.login)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/refresh", Service: svc, Summary: "Rotate the refresh token",
		Request: RefreshInput{}, Response: Tokens{}}, a.refresh)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/logout", Service: svc, Access: httpapi.Owner,
		Summary: "Log out: revoke the access token and the refresh token family", Request: RefreshInput{}, Status: http.StatusNoContent}, a.logout)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/reauth", Service: svc, Access: httpapi.Owner,
		Summary: "Confirm the signed-in owner's password before a sensitive action (204; 403 reauth_failed)",
		Request: ReauthInput{}, Status: http.StatusNoContent}, a.reauth)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/users/me", Service: svc, Access: httpapi.Owner,
		Summary: "The signed-in owner and store", Response: Me{}}, a.me)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/stores/me", Service: svc, Access: httpapi.Owner,
		Summary: "The owner's store profile", Response: Store{}}, a.getStore)
	r.Handle(httpapi.Route{Method: "PUT", Pattern: "/api/v1/stores/me", Service: svc, Access: httpapi.Owner,
		Summary: "Update the store profile", Request: StoreInput{}, Response: Store{}}, a.putStore)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/stores/{id}", Service: svc,
		Summary: "A store's public contact card (name, address, phone) as its event pages show it", Response: StoreCard{}}, a.storeCard)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/stores/industries", Service: svc,
		Summary: "The fixed list of industries (업종)", Response: []Industry{}}, a.industries)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/business-check", Service: svc,
		Summary: "Verify a business number before sign-up (check digit, NTS status)", Request: BusinessCheckInput{}, Response: BusinessCheck{}}, a.businessCheck)

	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/auth/oidc", Service: svc,
		Summary: "Whether OpenID Connect log-in is offered", Response: FederationInfo{}}, a.federation)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/oidc/login", Service: svc,
		Summary: "Start an OpenID Connect log-in (PKCE, state, nonce)", Response: FederationStart{}}, a.federationStartLogin)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/oidc/login/finish", Service: svc,
		Summary: "Finish an OpenID Connect log-in with the callback's state and code", Request: FederationFinishInput{}, Response: Tokens{}}, a.federationFinishLogin)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/oidc/link", Service: svc, Access: httpapi.Owner,
		Summary: "Start linking an OpenID Connect identity to the signed-in owner", Response: FederationStart{}}, a.federationStartLink)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/auth/oidc/link/finish", Service: svc, Access: httpapi.Owner,
		Summary: "Finish linking with the callback's state and code", Request: FederationFinishInput{}, Response: FederationLinked{}}, a.federationFinishLink)
}

func (a *API) businessCheck(w http.ResponseWriter, r *http.Request) {
	var in BusinessCheckInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	res, err := a.svc.CheckBusiness(r.Context(), in, a.clientIP(r))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

func (a *API) federation(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, a.svc.Federation())
}

func (a *API) federationStartLogin(w http.ResponseWriter, r *http.Request) {
	res, err := a.svc.StartFederated(r.Context(), IntentLogin, "")
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, res)
}

func (a *API) federationFinishLogin(w http.ResponseWriter, r *http.Request) {
	var in FederationFinishInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	t, err := a.svc.FinishFederatedLogin(r.Context(), in)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, t)
}

func (a *API) federationStartLink(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	res, err := a.svc.StartFederated(r.Context(), IntentLink, p.UserID)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, res)
}

func (a *API) federationFinishLink(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in FederationFinishInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	res, err := a.svc.FinishFederatedLink(r.Context(), p.UserID, in)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

func (a *API) signup(w http.ResponseWriter, r *http.Request) {
	var in SignupInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	res, err := a.svc.Signup(r.Context(), in, a.clientIP(r))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/users/me")
	httpapi.WriteJSON(w, http.StatusCreated, res)
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var in LoginInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	t, err := a.svc.Login(r.Context(), in, a.clientIP(r))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, t)
}

func (a *API) refresh(w http.ResponseWriter, r *http.Request) {
	var in RefreshInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	t, err := a.svc.Refresh(r.Context(), in.RefreshToken)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, t)
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	claims, err := a.verify(r)
	if err != nil {
		httpapi.WriteError(w, r, apperr.ErrUnauthenticated.Wrap(err))
		return
	}
	var in RefreshInput
	if r.ContentLength != 0 {
		if err := httpapi.DecodeJSON(w, r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
	}
	if err := a.svc.Logout(r.Context(), claims, in.RefreshToken); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	me, err := a.svc.Me(r.Context(), p.UserID)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, me)
}

func (a *API) getStore(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	st, err := a.svc.MyStore(r.Context(), p.UserID)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}

func (a *API) storeCard(w http.ResponseWriter, r *http.Request) {
	c, err := a.svc.StoreCard(r.Context(), r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

func (a *API) putStore(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in StoreInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	st, err := a.svc.UpdateStore(r.Context(), p.UserID, in)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}

func (a *API) industries(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, Industries)
}

// ReauthInput is the body of POST /auth/reauth.
type ReauthInput struct {
	Password string `json:"password"`
}

func (a *API) reauth(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in ReauthInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.svc.Reauthenticate(r.Context(), p.UserID, in.Password, a.clientIP(r)); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
