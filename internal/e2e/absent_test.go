package e2e

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/config"
)

// TestServicesNotRunningAnswer503 runs `serve --services user` with no
// --service-urls: every route of the other services is still documented
// and answers 503 service_not_running problem+json carrying the request
// id (it used to panic on a nil service and answer 500 with no id), while
// the user service's own routes keep working.
func TestServicesNotRunningAnswer503(t *testing.T) {
	e := Start(t, func(c *config.Config) {
		c.Services = "user"
		c.UserRateLimit, c.AnonRateLimit = 0, 0 // one request per route
	})
	o := e.SignupOwner("CAFE", "서울 강남구")
	if res := e.Do("GET", "/api/v1/stores/me", o.Token, nil); res.Status != http.StatusOK {
		t.Fatalf("user route = %d %s", res.Status, res.Body)
	}

	var doc struct {
		Paths map[string]map[string]struct {
			Tags []string `json:"tags"`
		} `json:"paths"`
	}
	e.Do("GET", "/api/v1/openapi.json", "", nil).JSON(t, &doc)
	param := regexp.MustCompile(`\{[^}]+\}`)
	var checked []string
	services := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if len(op.Tags) != 1 {
				t.Errorf("%s %s: tags %v, want the owning service", method, path, op.Tags)
				continue
			}
			service := op.Tags[0]
			if service == "user" || service == "jobs" { // jobs: reaches the owner of the job's kind (platform/jobs tests)
				continue
			}
			method = strings.ToUpper(method)
			concrete := param.ReplaceAllStringFunc(path, func(p string) string {
				if p == "{code}" {
					return "abcdefghij"
				}
				return "0190a0b0-0000-7000-8000-000000000000"
			})
			var body any
			if method != "GET" && method != "DELETE" {
				body = map[string]any{}
			}
			res := e.Do(method, concrete, o.Token, body, "X-Request-Id", "absent-"+service)
			var p struct {
				Status    int    `json:"status"`
				Code      string `json:"code"`
				RequestID string `json:"requestId"`
			}
			_ = json.Unmarshal(res.Body, &p)
			if res.Status != http.StatusServiceUnavailable || p.Code != "service_not_running" ||
				!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") ||
				p.RequestID != "absent-"+service || res.Header.Get("X-Request-Id") != p.RequestID {
				t.Errorf("%s %s (%s) = %d %s %s, want 503 service_not_running with the request id",
					method, concrete, service, res.Status, res.Header.Get("Content-Type"), res.Body)
			}
			checked = append(checked, method+" "+path)
			services[service] = true
		}
	}
	for _, s := range []string{"event", "ai", "participation"} {
		if !services[s] {
			t.Errorf("no route of %s in the document of a user-only process", s)
		}
	}
	sort.Strings(checked)
	t.Logf("%d routes of other services answered 503", len(checked))

	// The report of issue 9, as it was.
	res := e.Do("GET", "/api/v1/public/event-codes/abcdefghij", "", nil)
	if res.Status != http.StatusServiceUnavailable || res.Code() != "service_not_running" {
		t.Errorf("GET public event code = %d %s, want 503 service_not_running", res.Status, res.Body)
	}
}
