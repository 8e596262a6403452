package httpapi

import (
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// ErrServiceNotRunning answers the routes of a service that this process
// neither runs nor reaches (not in --services, not in --service-urls).
var ErrServiceNotRunning = apperr.New(apperr.Unavailable, "service_not_running",
	"이 기능을 맡은 서비스가 실행되고 있지 않습니다. 잠시 후 다시 시도해 주세요.")

// errUnreachable answers when the process of a service does not answer
// (proxy or client call).
var errUnreachable = apperr.New(apperr.Unavailable, "service_unavailable", "서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.")

// errNoCaller: a service-to-service call needs the request it is made for.
var errNoCaller = apperr.ErrUnauthenticated

// Forward returns the handler for requests of a service that does not run
// here: the reverse proxy to its process, or a 503 service_not_running
// answer when it has none. It returns nil when the service runs here. Routes
// use it through Handle; code that picks the service per request (the job
// status of a job kind) calls it directly, while registering its routes:
// it creates and caches the proxy, so it is not for use while serving.
func (r *Router) Forward(service string) http.Handler {
	if base := r.cfg.Remotes[service]; base != nil {
		return r.proxy(service, base)
	}
	if r.cfg.Runs != nil && !r.cfg.Runs(service) {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			WriteError(w, req, ErrServiceNotRunning)
		})
	}
	return nil
}
