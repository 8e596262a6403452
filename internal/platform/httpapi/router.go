package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Access says who may call a route.
type Access int

// Route access levels.
const (
	Public Access = iota // anyone; rate-limited per client IP
	Owner                // a signed-in owner; rate-limited per user
)

// Route describes one API operation. Services declare their routes; the
// router decides whether a route runs here or is proxied to the process that
// runs its service, applies access control and rate limits, and documents it
// in the OpenAPI description.
type Route struct {
	Method   string // GET, POST, ...
	Pattern  string // net/http pattern path, e.g. /api/v1/events/{id}
	Service  string // owning service, e.g. "event"
	Summary  string
	Access   Access
	Request  any // zero value of the JSON request body type, or nil
	Response any // zero value of the JSON success body type, or nil
	Status   int // success status (default 200)
	// BodyOptional documents Request as a body the client may leave out.
	BodyOptional bool
	// MediaType is the success body's media type when it is not JSON
	// (image/png, application/pdf, text/csv, text/event-stream).
	MediaType string
	// Headers names the headers the success answer always carries.
	Headers []string
	// Params documents optional query and header parameters.
	Params []Param
	// Also documents the route's other answers besides its problem+json
	// errors (a 303 to an existing result, a 202 while a job runs).
	Also []Answer
	// NoUserLimit exempts the route from the per-user limit (e.g. job status
	// streams that clients hold open); the IP limit still applies.
	NoUserLimit bool
}

// Principal is the authenticated caller.
type Principal struct {
	UserID  string
	StoreID string
	TokenID string
}

type principalKey struct{}

// WithPrincipal stores p in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated caller, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// MustPrincipal returns the caller of an Owner route or ErrUnauthenticated.
func MustPrincipal(ctx context.Context) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.UserID == "" {
		return Principal{}, apperr.ErrUnauthenticated
	}
	return p, nil
}

type internalKey struct{}

// Internal marks ctx as a call one service makes to another on behalf of a
// request the gateway already counted, so it is not rate-limited twice. It
// is a context value: clients cannot set it.
func Internal(ctx context.Context) context.Context {
	return context.WithValue(ctx, internalKey{}, true)
}

func isInternal(ctx context.Context) bool { v, _ := ctx.Value(internalKey{}).(bool); return v }

// Authenticator verifies a request's credentials.
type Authenticator func(r *http.Request) (Principal, error)

// Limiter is the rate-limit primitive (implemented by the cache package).
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error)
}

// RouterConfig configures a Router.
type RouterConfig struct {
	Authenticate Authenticator
	Limiter      Limiter
	UserLimit    int // requests per minute per user; 0 = off
	AnonLimit    int // requests per minute per client IP; 0 = off
	TrustProxy   bool
	// Remotes maps a service name to the base URL of the process running it;
	// its routes are proxied there instead of being served here.
	Remotes map[string]*url.URL
	// Runs says whether a service runs in this process (nil: all do). A
	// route of a service that neither runs here nor has a remote answers
	// 503 service_not_running.
	Runs    func(service string) bool
	Title   string
	Version string
}

// Router is the API entry point.
type Router struct {
	cfg     RouterConfig
	mux     *http.ServeMux
	routes  []Route
	proxies map[string]http.Handler
}

// NewRouter returns an empty router.
func NewRouter(cfg RouterConfig) *Router {
	r := &Router{cfg: cfg, mux: http.NewServeMux(), proxies: map[string]http.Handler{}}
	r.mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, req *http.Request) {
		if allow := r.allowed(req); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			WriteError(w, req, apperr.New(apperr.MethodNotAllowed, "method_not_allowed", "허용되지 않는 메서드입니다."))
			return
		}
		WriteError(w, req, apperr.New(apperr.NotFound, "route_not_found", "존재하지 않는 API 경로입니다."))
	})
	r.mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(r.OpenAPI())
	})
	return r
}

// Remote reports whether service runs in another process.
func (r *Router) Remote(service string) bool { return r.cfg.Remotes[service] != nil }

// Handle registers a route. When the route's service runs elsewhere the
// handler is replaced by a reverse proxy to that process.
func (r *Router) Handle(rt Route, h http.HandlerFunc) {
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	r.routes = append(r.routes, rt)
	var handler http.Handler = h
	if away := r.Forward(rt.Service); away != nil {
		handler = away
	}
	r.mux.Handle(rt.Method+" "+rt.Pattern, r.guard(rt, handler))
}

// probeMethods are the methods a 405 answer may list in Allow.
var probeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// allowed lists the methods the mux would route for req's path, asking the
// mux itself so that Allow agrees with routing (a GET route also answers
// HEAD); empty when the path is unknown.
func (r *Router) allowed(req *http.Request) []string {
	var allow []string
	probe := req.WithContext(req.Context())
	for _, m := range probeMethods {
		probe.Method = m
		if _, pattern := r.mux.Handler(probe); pattern != "" && pattern != "/api/v1/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// ServeHTTP dispatches to the registered routes.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.mux.ServeHTTP(w, req) }

// Routes lists the registered routes.
func (r *Router) Routes() []Route { return slices.Clone(r.routes) }

func (r *Router) proxy(service string, base *url.URL) http.Handler {
	if p, ok := r.proxies[service]; ok {
		return p
	}
	p := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(base)
			pr.SetXForwarded()
			pr.Out.Host = base.Host
		},
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			WriteError(w, req, errUnreachable.Wrap(err))
		},
	}
	r.proxies[service] = p
	return p
}

// guard applies authentication and rate limits before the handler.
func (r *Router) guard(rt Route, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		if rt.Access == Owner {
			if r.cfg.Authenticate == nil {
				WriteError(w, req, apperr.ErrUnauthenticated)
				return
			}
			p, err := r.cfg.Authenticate(req)
			if err != nil {
				WriteError(w, req, err)
				return
			}
			ctx = WithPrincipal(ctx, p)
			req = req.WithContext(ctx)
			if !rt.NoUserLimit && !r.allow(w, req, "rl:user:"+p.UserID, r.cfg.UserLimit) {
				return
			}
		} else if !r.allow(w, req, "rl:ip:"+ClientIP(req, r.cfg.TrustProxy), r.cfg.AnonLimit) {
			return
		}
		next.ServeHTTP(w, req)
	})
}

func (r *Router) allow(w http.ResponseWriter, req *http.Request, key string, perMinute int) bool {
	if perMinute <= 0 || r.cfg.Limiter == nil || isInternal(req.Context()) {
		return true
	}
	ok, retry, err := r.cfg.Limiter.Allow(req.Context(), key, perMinute, time.Minute)
	if err != nil {
		// A broken limiter must not take the API down: fail open, loudly.
		LoggerFrom(req.Context()).Warn("rate limiter unavailable", "err", err)
		return true
	}
	if !ok {
		e := *apperr.ErrRateLimited
		e.RetryAfter = max(retry, time.Second)
		WriteError(w, req, &e)
		return false
	}
	return true
}

// ClientIP returns the caller's IP, from X-Forwarded-For only when the
// deployment says a trusted proxy sets it.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// sortedRoutes returns routes ordered by path then method, for stable docs.
func (r *Router) sortedRoutes() []Route {
	rs := r.Routes()
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Pattern != rs[j].Pattern {
			return rs[i].Pattern < rs[j].Pattern
		}
		return rs[i].Method < rs[j].Method
	})
	return rs
}
