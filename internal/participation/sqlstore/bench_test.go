package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// BenchmarkAddEntries measures the group committer's write of one batch
// of 1,000 new entries (the database work per entry is the ns/op / 1000),
// on SQLite with synchronous=FULL and, when configured, PostgreSQL:
//
//	go test -run '^$' -bench AddEntries -benchtime 50x ./internal/participation/sqlstore/
func BenchmarkAddEntries(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect)
			ctx := context.Background()
			s := sqlstore.New(d)
			if err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			err := d.InTx(ctx, func(tx *db.Tx) error {
				return s.UpsertEvent(ctx, tx, participation.Event{ID: "ev", OwnerID: "o", Code: "code", Title: "t",
					StoreName: "s", Benefit: "b", Description: "d", Method: messages.MethodLottery,
					StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour), Status: participation.StatusActive})
			})
			if err != nil {
				b.Fatal(err)
			}
			const batch = 1000
			n := 0
			entries := make([]participation.NewEntry, batch)
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				for i := range entries {
					n++
					h := sha256.Sum256(fmt.Appendf(nil, "phone-%d", n))
					entries[i] = participation.NewEntry{PhoneHash: hex.EncodeToString(h[:]), PhoneEnc: hex.EncodeToString(h[:24]),
						NameEnc: hex.EncodeToString(h[:20]), PhoneMasked: "010-****-1234", NameMasked: "김*수", Last4: fmt.Sprintf("%04d", n%10000)}
				}
				b.StartTimer()
				err := d.InTx(ctx, func(tx *db.Tx) error {
					_, err := s.AddEntries(ctx, tx, "ev", now, entries, func() string { return "" })
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/entry")
		})
	}
}
