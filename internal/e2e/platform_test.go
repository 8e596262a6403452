package e2e

import (
	"net/http"
	"strings"
	"testing"
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
