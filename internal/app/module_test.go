package app

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/autoevent/autoevent/internal/config"
)

// The module list is the product: every module names a known service, and
// the queue-depth metrics list exactly the work queues the modules declare
// (the job kinds' and their own), whichever services run here.
func TestModulesDeclareTheProduct(t *testing.T) {
	for _, services := range []string{"", "gateway"} {
		cfg := config.Default()
		cfg.Addr, cfg.DataDir, cfg.Services = "127.0.0.1:0", t.TempDir(), services
		a, err := New(context.Background(), cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, m := range a.modules() {
			if !slices.Contains(config.AllServices, m.Name) {
				t.Errorf("module of unknown service %q", m.Name)
			}
			want = append(want, m.Queues...)
		}
		slices.Sort(want)
		for _, q := range []string{"ai-job", "announce-job", "notify-job"} {
			if !slices.Contains(want, q) {
				t.Errorf("modules do not declare queue %s: %v", q, want)
			}
		}

		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		var got []string
		for _, m := range regexp.MustCompile(`autoevent_job_queue_depth\{queue="([^"]+)"\}`).FindAllStringSubmatch(rec.Body.String(), -1) {
			got = append(got, m[1])
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("services %q: queue-depth metrics for %v, want the declared queues %v", services, got, want)
		}
		a.Close()
	}
}
