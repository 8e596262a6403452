package cache

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/testenv"
)

func benchCaches(b *testing.B) map[string]Cache {
	m, err := NewMemory(MemoryOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	caches := map[string]Cache{"memory": m}
	url := os.Getenv(testenv.RedisVar)
	if url == "" {
		return caches
	}
	r, err := OpenRedis(url, "autoevent-bench:"+strconv.FormatInt(time.Now().UnixNano(), 36)+":")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		deletePrefix(b, r.client, r.prefix)
		_ = r.Close()
	})
	caches["redis"] = r
	return caches
}

func BenchmarkGetOrLoadHit(b *testing.B) {
	for name, c := range benchCaches(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			load := func(context.Context) (map[string]int, error) { return map[string]int{"entries": 42}, nil }
			for b.Loop() {
				if _, err := GetOrLoad(ctx, c, "hit", time.Minute, load); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAllow(b *testing.B) {
	for name, c := range benchCaches(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, _, err := c.Allow(ctx, "bench", 1<<30, time.Minute); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
