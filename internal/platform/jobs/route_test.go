package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// parkedQueue accepts work and never runs it: the status routes are the
// subject here, not the workers.
type parkedQueue struct{}

func (parkedQueue) EnqueueWork(context.Context, *db.Tx, string, string, []byte) error { return nil }
func (parkedQueue) Work(context.Context, string, int, func(context.Context, []byte, int) error) (func(), error) {
	return func() {}, nil
}

// The status of a job is answered by the service that owns its kind: here
// when it runs here, by its process when it runs elsewhere (proxied), and
// 503 service_not_running when this process reaches none.
func TestJobStatusReachesTheOwnerOfItsKind(t *testing.T) {
	ctx := context.Background()
	m := jobs.New(dbtest.Open(t, db.SQLite), parkedQueue{}, quiet, nil)
	if err := m.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m.Register(jobs.Kind{Name: "echo", Handler: func(context.Context, jobs.Job, jobs.Progress) (jobs.Result, error) {
		return jobs.Result{}, nil
	}})
	m.Own("echo-service", "echo")
	job, err := m.Submit(ctx, "owner-a", "echo", "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	owner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"answeredBy": "owner", "path": r.URL.Path})
	}))
	defer owner.Close()
	ownerURL, _ := url.Parse(owner.URL)
	auth := func(r *http.Request) (httpapi.Principal, error) {
		return httpapi.Principal{UserID: r.Header.Get("X-Test-User")}, nil
	}
	for _, tt := range []struct {
		name    string
		runs    bool
		remotes map[string]*url.URL
		status  int
		body    string
	}{
		{"owner here", true, nil, http.StatusOK, `"status":"PENDING"`},
		{"owner remote", false, map[string]*url.URL{"echo-service": ownerURL}, http.StatusOK, `"path":"/api/v1/jobs/` + job.ID + `"`},
		{"owner absent", false, nil, http.StatusServiceUnavailable, `"code":"service_not_running"`},
	} {
		for _, path := range []string{"/api/v1/jobs/" + job.ID, "/api/v1/jobs/" + job.ID + "/events"} {
			router := httpapi.NewRouter(httpapi.RouterConfig{Authenticate: auth, Remotes: tt.remotes,
				Runs: func(s string) bool { return s == jobs.Service || tt.runs }})
			m.Routes(router)
			if path != "/api/v1/jobs/"+job.ID && tt.runs {
				continue // the local event stream runs until the job ends
			}
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("X-Test-User", "owner-a")
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			want := tt.body
			if strings.HasSuffix(path, "/events") && tt.remotes != nil {
				want = `"path":"` + path + `"`
			}
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s: GET %s = %d %s, want %d with %s", tt.name, path, rec.Code, rec.Body, tt.status, want)
			}
		}
	}
}
