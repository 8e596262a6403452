package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/config"
)

func TestReadyAndProblems(t *testing.T) {
	e := Start(t)
	if res := e.Do("GET", "/readyz", "", nil); res.Status != http.StatusOK {
		t.Fatalf("readyz = %d %s", res.Status, res.Body)
	}
	res := e.Do("GET", "/api/v1/nope", "", nil)
	if res.Status != http.StatusNotFound || res.Code() != "route_not_found" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("unknown route = %d %q %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	big := []byte(`{"email":"` + strings.Repeat("a", 2<<20) + `"}`)
	if res := e.Do("POST", "/api/v1/auth/login", "", big); res.Status != http.StatusRequestEntityTooLarge || res.Code() != "body_too_large" {
		t.Errorf("2 MiB body = %d %s", res.Status, res.Body)
	}
	if res := e.Do("GET", "/api/v1/openapi.json", "", nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"openapi": "3.1.0"`) {
		t.Errorf("openapi = %d", res.Status)
	}
}

func TestUserRateLimit(t *testing.T) {
	e := Start(t)
	o := e.SignupOwner("CAFE", "서울 강남구")
	// The log-in above was anonymous; the per-user budget is untouched.
	for i := 1; i <= 100; i++ {
		if res := e.Do("GET", "/api/v1/users/me", o.Token, nil); res.Status != http.StatusOK {
			t.Fatalf("request %d = %d %s", i, res.Status, res.Body)
		}
	}
	res := e.Do("GET", "/api/v1/users/me", o.Token, nil)
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || res.Code() != "rate_limited" {
		t.Errorf("101st request = %d retry-after=%q %s", res.Status, res.Header.Get("Retry-After"), res.Body)
	}
}

func TestMetricsExposeTheOperatorSeries(t *testing.T) {
	e := Start(t)
	e.Do("GET", "/api/v1/stores/industries", "", nil)
	res := e.Do("GET", "/metrics", "", nil)
	body := string(res.Body)
	for _, series := range []string{
		`autoevent_http_requests_total{method="GET",route="GET /api/v1/stores/industries",status="200"}`,
		"autoevent_http_request_duration_seconds_bucket",
		`autoevent_circuit_breaker_state{system="nts"}`,
		"autoevent_job_queue_depth",
		"autoevent_jobs_queued",
		"autoevent_outbox_oldest_pending_age_seconds",
		"autoevent_outbox_pending_events",
	} {
		if !strings.Contains(body, series) {
			t.Errorf("/metrics has no %s", series)
		}
	}
}

func TestCORSAndSecurityHeaders(t *testing.T) {
	e := Start(t, func(c *config.Config) { c.CORSOrigins = "https://shop.example" })
	res := e.Do("OPTIONS", "/api/v1/auth/login", "", nil,
		"Origin", "https://shop.example", "Access-Control-Request-Method", "POST")
	if res.Status != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Errorf("preflight from an allowed origin = %d %q", res.Status, res.Header.Get("Access-Control-Allow-Origin"))
	}
	res = e.Do("GET", "/api/v1/stores/industries", "", nil, "Origin", "https://evil.example")
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin allowed: %q", got)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
}
