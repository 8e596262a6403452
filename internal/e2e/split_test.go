package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// TestSplitServicesCallEachOther runs user, event+ai and the gateway as
// three processes. Creating an event makes the event service read the
// store through the user service's client over HTTP; recommending makes
// the AI service read the event (in process, through the router) and the
// gateway's job status route reach the AI process; selecting makes the
// event service read the recommendation through the AI client.
func TestSplitServicesCallEachOther(t *testing.T) {
	redisURL, natsURL := testenv.RedisURL(t), testenv.NATSURL(t)
	pg := WithPostgres(t)
	prefix := fmt.Sprintf("split%d", time.Now().UnixNano()%1e9)
	t.Cleanup(func() { // first registered: runs after the apps stopped
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := bus.DeleteStreams(ctx, natsURL, prefix); err != nil {
			t.Error(err)
		}
	})
	scaled := func(c *config.Config) {
		pg(c)
		c.RedisURL, c.NATSURL, c.NATSPrefix = redisURL, natsURL, prefix
		c.Migrate = config.AutoBool{}
	}
	cfg := config.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	scaled(&cfg)
	if err := app.Migrate(context.Background(), cfg, slog.New(slog.NewJSONHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	users := Start(t, scaled, func(c *config.Config) { c.Services = "user" })
	planner := Start(t, scaled, func(c *config.Config) {
		c.Services = "event,ai"
		c.ServiceURLs = "user=" + users.URL
	})
	gw := Start(t, scaled, func(c *config.Config) {
		c.Services = "gateway"
		c.ServiceURLs = fmt.Sprintf("user=%s,event=%s,ai=%s", users.URL, planner.URL, planner.URL)
	})

	o := gw.SignupOwner("BAKERY", "부산 해운대구")
	ev := evCreate(t, gw, o, "NEW_CUSTOMERS")
	if ev.StoreName != "테스트 가게" || ev.Industry != "BAKERY" {
		t.Errorf("store snapshot = %q %q, want the owner's store read from the user process", ev.StoreName, ev.Industry)
	}
	_, doc := evRecommend(t, gw, o, ev.ID, nil)
	if len(doc.Recommendations) != 3 || doc.AIProvider != ai.ProviderLocal {
		t.Fatalf("recommendation: %d options by %q", len(doc.Recommendations), doc.AIProvider)
	}
	waitFor(t, "event records aiProvider", func() bool { return evGet(t, gw, o, ev.ID).AIProvider == ai.ProviderLocal })
	res := gw.Do("PUT", "/api/v1/events/"+ev.ID+"/selection", o.Token, map[string]any{"optionNumber": 1})
	if res.Status != http.StatusOK {
		t.Fatalf("selection through the AI client: %d %s", res.Status, res.Body)
	}

	// Another owner's event stays invisible across processes: the callee
	// checks the caller's own credentials.
	other := gw.SignupOwner("CAFE", "서울 강남구")
	if res := gw.Do("POST", "/api/v1/events/"+ev.ID+"/recommendations", other.Token, nil); res.Status != http.StatusNotFound {
		t.Errorf("recommend another owner's event = %d %s, want 404", res.Status, res.Body)
	}

}
