package winners_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// bigEntries serves one shared list of n entries (10 % store visits) for
// any event id, with synthetic contacts: a million-entry fake without a
// million-entry map.
type bigEntries struct{ list []winners.Entrant }

func newBigEntries(n int) *bigEntries {
	es := make([]winners.Entrant, n)
	for i := range es {
		es[i] = winners.Entrant{EntryNumber: int64(i + 1), StoreVisit: i%10 == 0}
	}
	return &bigEntries{list: es}
}

func (b *bigEntries) Event(_ context.Context, id string) (winners.EventInfo, error) {
	return lottery(id, owner), nil
}
func (b *bigEntries) DrawEntries(context.Context, string) ([]winners.Entrant, error) {
	return b.list, nil
}
func (b *bigEntries) CloseEntries(context.Context, *db.Tx, string) (bool, []winners.Entrant, error) {
	return false, b.list, nil
}
func (b *bigEntries) Contact(_ context.Context, _ string, n int64) (winners.Contact, error) {
	return winners.Contact{Name: "김민수", Phone: fmt.Sprintf("010%08d", 10000000+n%90000000)}, nil
}
func (b *bigEntries) Purge(context.Context, string, []int64) (int, error) { return 0, nil }

// BenchmarkServiceDraw1M draws 1,000 winners from 1,000,000 entries (10 %
// with the ×2 visit bonus) through Service.Draw on SQLite. It reports the
// draw itself ("select": entries → weighted list → proof, the quality bar
// of ≤ 50 ms) and the whole call (ns/op: plus masking 1,000 contacts and
// the transaction storing the record, the entry list, 1,000 winners, the
// outbox event and 1,000 notification jobs).
func BenchmarkServiceDraw1M(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	var (
		mu     sync.Mutex
		phases = map[string][]time.Duration{}
	)
	e := newEnv(b, d, func(dp *winners.Deps) {
		dp.Entries = newBigEntries(1_000_000)
		dp.Observe = func(p string, t time.Duration) { mu.Lock(); phases[p] = append(phases[p], t); mu.Unlock() }
	})
	in := winners.DrawInput{WinnerCount: 1000, VisitBonusWeight: 2}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		if _, err := e.svc.Draw(context.Background(), owner, fmt.Sprintf("ev-%d", i), in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for _, p := range []string{"select", "store"} {
		ts := phases[p]
		if len(ts) == 0 {
			continue
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		var sum time.Duration
		for _, t := range ts {
			sum += t
		}
		b.ReportMetric(float64(sum.Microseconds())/float64(len(ts))/1000, p+"-ms/op")
		b.ReportMetric(float64(ts[len(ts)*9/10].Microseconds())/1000, p+"-p90-ms")
	}
}
