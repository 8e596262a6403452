package content_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// TestProgressStream: the content page's stream reports every asset the
// running job finishes, with done/total, then "done" with the content;
// another owner gets 404.
func TestProgressStream(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	job, err := r.svc.Start(ctx, "u1", "ev1", content.StartInput{Styles: []string{"trendy"}}, as("u1"))
	if err != nil {
		t.Fatal(err)
	}
	router := httpapi.NewRouter(httpapi.RouterConfig{Authenticate: func(req *http.Request) (httpapi.Principal, error) {
		if u := req.Header.Get("X-Owner"); u != "" {
			return httpapi.Principal{UserID: u}, nil
		}
		return httpapi.Principal{}, apperr.ErrUnauthenticated
	}})
	content.NewAPI(r.svc, nil).Routes(router)
	srv := httptest.NewServer(router)
	defer srv.Close()
	get := func(owner string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/events/ev1/content/progress", nil)
		req.Header.Set("X-Owner", owner)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := get("u2"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another owner's stream: %d", res.StatusCode)
	}
	res := get("u1")
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	type event struct{ name, data string }
	next := func() event {
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				return ev
			}
		}
		return ev
	}
	if first := next(); first.name != "progress" || !strings.Contains(first.data, `"status":"GENERATING"`) {
		t.Fatalf("first event %+v", first)
	}
	ran := make(chan error, 1)
	go func() { // the stream is open: every asset is new to it
		_, err := r.svc.HandleImageJob(ctx, job, func(context.Context, int, string) {})
		r.jobs.finish(job.ID)
		ran <- err
	}()
	assets := map[string]bool{}
	var last event
	for {
		ev := next()
		if ev.name == "" {
			t.Fatal("stream ended without done")
		}
		if ev.name == "done" {
			last = ev
			break
		}
		var p content.Progress
		if err := json.Unmarshal([]byte(ev.data), &p); err != nil {
			t.Fatal(err)
		}
		if p.Asset != nil {
			assets[p.Asset.ID] = true
			if p.Total == 0 || p.Done > p.Total || p.Asset.URL == "" {
				t.Errorf("progress %d/%d asset %+v", p.Done, p.Total, p.Asset)
			}
		}
	}
	if err := <-ran; err != nil {
		t.Fatalf("image job: %v", err)
	}
	var c content.Content
	if err := json.Unmarshal([]byte(last.data), &c); err != nil || c.Status != content.StatusReady {
		t.Fatalf("done: %v %s", err, last.data)
	}
	if len(assets) != len(c.Assets) {
		t.Errorf("stream reported %d assets, the content has %d", len(assets), len(c.Assets))
	}
}
