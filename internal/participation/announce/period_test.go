package announce_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// The message written from the event names its days as pages and the
// poster do: the last day, not the stored exclusive end after it.
func TestAnnounceDefaultMessageShowsInclusivePeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		past := f.event("owner-a", at(10, 0).AddDate(0, -1, 0), at(10, 0).AddDate(0, 0, -20))
		f.enter(past, "010-8888-0001", true, at(10, 0).AddDate(0, -1, 1))
		// 11.23(월) to 11.29(일), stored as [11-23 00:00, 11-30 00:00) KST.
		start := time.Date(2026, 11, 23, 0, 0, 0, 0, kst.Location)
		cur := f.event("owner-a", start.UTC(), start.AddDate(0, 0, 7).UTC())
		p, err := f.svc.Preview(ctx, "owner-a", cur, announce.Input{}, "02-1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Preview, "기간: 11.23(월) ~ 11.29(일)\n") || strings.Contains(p.Preview, "11/30") || strings.Contains(p.Preview, "11.30") {
			t.Errorf("preview %q", p.Preview)
		}
	})
}
