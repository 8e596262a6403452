package bus

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkOpenEmbedded measures Open+Ping of the embedded bus on an
// existing data directory, the start-up bar (< 700 ms, ready in 1 s) that
// TestOpenEmbeddedIsQuickAndReopens no longer asserts (docs/benchmarks.md):
//
//	go test -run '^$' -bench OpenEmbedded -benchtime 10x ./internal/platform/bus/
func BenchmarkOpenEmbedded(b *testing.B) {
	dir := b.TempDir()
	ctx := context.Background()
	var d []time.Duration
	for b.Loop() {
		start := time.Now()
		bus, err := Open(ctx, Config{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := bus.Ping(ctx); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
		if err := bus.Close(); err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(d[len(d)-1].Milliseconds()), "max-ms")
}
