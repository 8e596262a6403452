package jobs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// TestJobCancel: the owner cancels a running job through the route; it is
// CANCELLED at once, its worker's context ends, whatever the handler then
// returns does not change the status, another owner gets 404, and a
// finished job cannot be cancelled (409).
func TestJobCancel(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stopped := make(chan error, 1)
		m := r.manager(t, jobs.Kind{Name: "long", Queue: "long", Workers: 1, Timeout: time.Minute,
			Handler: func(ctx context.Context, j jobs.Job, p jobs.Progress) (jobs.Result, error) {
				if j.SubjectID == "quick" {
					return jobs.Result{URL: "/r"}, nil
				}
				p(ctx, 10, "시작")
				<-ctx.Done()
				stopped <- ctx.Err()
				return jobs.Result{URL: "/too-late"}, nil // a handler that ignores its context's error
			}})
		if err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer m.Stop()
		router := httpapi.NewRouter(httpapi.RouterConfig{Authenticate: func(r *http.Request) (httpapi.Principal, error) {
			if u := r.Header.Get("X-Test-User"); u != "" {
				return httpapi.Principal{UserID: u}, nil
			}
			return httpapi.Principal{}, apperr.ErrUnauthenticated
		}})
		m.Routes(router)
		post := func(user, id string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("POST", "/api/v1/jobs/"+id+"/cancel", nil)
			req.Header.Set("X-Test-User", user)
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			return rec
		}

		job, err := m.Submit(ctx, "owner-a", "long", "s1", nil)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, m, "owner-a", job.ID, jobs.Processing)
		if rec := post("owner-b", job.ID); rec.Code != http.StatusNotFound {
			t.Errorf("cancel by another owner = %d, want 404", rec.Code)
		}
		rec := post("owner-a", job.ID)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"CANCELLED"`) {
			t.Fatalf("cancel = %d %s", rec.Code, rec.Body)
		}
		select {
		case err := <-stopped:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("worker context ended with %v, want context.Canceled", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the worker's context was not cancelled")
		}
		// The next job runs on the freed worker; the cancelled one stays so.
		quick, err := m.Submit(ctx, "owner-a", "long", "quick", nil)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, m, "owner-a", quick.ID, jobs.Completed)
		if got, _ := m.Get(ctx, "owner-a", job.ID); got.Status != jobs.Cancelled || got.ResultURL != "" || !got.Done() {
			t.Errorf("cancelled job became %+v", got)
		}
		if rec := post("owner-a", quick.ID); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "job_already_done") {
			t.Errorf("cancel a completed job = %d %s, want 409 job_already_done", rec.Code, rec.Body)
		}
	})
}
