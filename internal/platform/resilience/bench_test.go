package resilience

import (
	"context"
	"testing"
)

// BenchmarkDo measures the wrapper's overhead on a successful call.
func BenchmarkDo(b *testing.B) {
	p, err := New("bench", Config{MinCalls: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := Do(ctx, p, func(context.Context) (int, error) { return 1, nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDoOpen measures the fail-fast path of an open breaker.
func BenchmarkDoOpen(b *testing.B) {
	p, err := New("bench", Config{MaxRetries: -1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for range 10 {
		_, _ = Do(ctx, p, func(context.Context) (int, error) { return 0, err503 })
	}
	for b.Loop() {
		_, _ = Do(ctx, p, func(context.Context) (int, error) { return 1, nil })
	}
}
