package cache

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/testenv"
	"github.com/redis/go-redis/v9"
)

func TestMemory(t *testing.T) {
	runContract(t, func(t *testing.T) Cache {
		m, err := NewMemory(MemoryOptions{})
		if err != nil {
			t.Fatalf("NewMemory: %v", err)
		}
		t.Cleanup(func() { _ = m.Close() })
		return m
	})
}

func TestRedis(t *testing.T) {
	url := testenv.RedisURL(t)
	runContract(t, func(t *testing.T) Cache {
		prefix := "autoevent-test:" + rand.Text()[:12] + ":"
		r, err := OpenRedis(url, prefix)
		if err != nil {
			t.Fatalf("OpenRedis: %v", err)
		}
		if err := r.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		t.Cleanup(func() {
			deletePrefix(t, r.client, prefix)
			_ = r.Close()
		})
		return r
	})
}

// deletePrefix removes what a test left on the shared Redis.
func deletePrefix(t testing.TB, c redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("cleaning %s*: %v", prefix, err)
	}
}

// runContract is the behaviour every Cache must show.
func runContract(t *testing.T, newCache func(t *testing.T) Cache) {
	t.Run("GetMissing", func(t *testing.T) {
		c := newCache(t)
		if _, err := c.Get(t.Context(), "absent"); !errors.Is(err, ErrMiss) {
			t.Errorf("Get(absent) error = %v, want ErrMiss", err)
		}
	})

	t.Run("SetGetOverwrite", func(t *testing.T) {
		c := newCache(t)
		ctx := t.Context()
		val := []byte("one")
		mustSet(t, c, "k", val, 0)
		val[0] = 'X' // the cache must have kept its own copy
		got := mustGet(t, c, "k")
		if string(got) != "one" {
			t.Errorf("Get = %q, want %q", got, "one")
		}
		got[0] = 'Y'
		if got := mustGet(t, c, "k"); string(got) != "one" {
			t.Errorf("Get after mutating a returned value = %q, want %q", got, "one")
		}
		mustSet(t, c, "k", []byte("two"), time.Minute)
		if got := mustGet(t, c, "k"); string(got) != "two" {
			t.Errorf("Get after overwrite = %q, want %q", got, "two")
		}
		mustSet(t, c, "empty", []byte{}, 0)
		if got, err := c.Get(ctx, "empty"); err != nil || len(got) != 0 {
			t.Errorf("Get(empty) = %q, %v; want empty value, nil", got, err)
		}
	})

	t.Run("TTLExpiry", func(t *testing.T) {
		c := newCache(t)
		mustSet(t, c, "short", []byte("v"), 80*time.Millisecond)
		mustSet(t, c, "forever", []byte("v"), 0)
		if got := mustGet(t, c, "short"); string(got) != "v" {
			t.Fatalf("Get before expiry = %q", got)
		}
		time.Sleep(150 * time.Millisecond)
		if _, err := c.Get(t.Context(), "short"); !errors.Is(err, ErrMiss) {
			t.Errorf("Get after TTL error = %v, want ErrMiss", err)
		}
		if got := mustGet(t, c, "forever"); string(got) != "v" {
			t.Errorf("Get of a key without TTL = %q, want v", got)
		}
	})

	t.Run("SetReplacesTTL", func(t *testing.T) {
		c := newCache(t)
		mustSet(t, c, "k", []byte("v1"), 80*time.Millisecond)
		mustSet(t, c, "k", []byte("v2"), time.Minute)
		time.Sleep(150 * time.Millisecond)
		if got := mustGet(t, c, "k"); string(got) != "v2" {
			t.Errorf("Get = %q, want v2 with the longer TTL", got)
		}
	})

	t.Run("SetNX", func(t *testing.T) {
		c := newCache(t)
		ctx := t.Context()
		steps := []struct {
			val  string
			want bool
		}{{"first", true}, {"second", false}}
		for _, s := range steps {
			ok, err := c.SetNX(ctx, "idem", []byte(s.val), 80*time.Millisecond)
			if err != nil || ok != s.want {
				t.Errorf("SetNX(%q) = %v, %v; want %v, nil", s.val, ok, err, s.want)
			}
		}
		if got := mustGet(t, c, "idem"); string(got) != "first" {
			t.Errorf("Get = %q, want first", got)
		}
		time.Sleep(150 * time.Millisecond)
		if ok, err := c.SetNX(ctx, "idem", []byte("third"), time.Minute); err != nil || !ok {
			t.Errorf("SetNX after expiry = %v, %v; want true, nil", ok, err)
		}
	})

	t.Run("SetNXConcurrent", func(t *testing.T) {
		c := newCache(t)
		var wins atomic.Int64
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				ok, err := c.SetNX(t.Context(), "once", fmt.Appendf(nil, "%d", i), time.Minute)
				if err != nil {
					t.Errorf("SetNX: %v", err)
				}
				if ok {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if got := wins.Load(); got != 1 {
			t.Errorf("concurrent SetNX winners = %d, want 1", got)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		c := newCache(t)
		ctx := t.Context()
		for _, k := range []string{"a", "b", "c"} {
			mustSet(t, c, k, []byte(k), time.Minute)
		}
		if err := c.Delete(ctx, "a", "b", "never-set"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := c.Delete(ctx); err != nil {
			t.Errorf("Delete() with no keys: %v", err)
		}
		for _, k := range []string{"a", "b"} {
			if _, err := c.Get(ctx, k); !errors.Is(err, ErrMiss) {
				t.Errorf("Get(%s) after Delete error = %v, want ErrMiss", k, err)
			}
		}
		if got := mustGet(t, c, "c"); string(got) != "c" {
			t.Errorf("Get(c) = %q, want c (not deleted)", got)
		}
	})

	t.Run("AllowExactUnderConcurrency", func(t *testing.T) {
		c := newCache(t)
		const limit, callers = 100, 200
		window := 5 * time.Second
		var allowed atomic.Int64
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				ok, retryAfter, err := c.Allow(t.Context(), "user:1", limit, window)
				switch {
				case err != nil:
					t.Errorf("Allow: %v", err)
				case ok:
					allowed.Add(1)
					if retryAfter != 0 {
						t.Errorf("allowed call has retryAfter %v, want 0", retryAfter)
					}
				case retryAfter <= 0 || retryAfter > window:
					t.Errorf("refused call has retryAfter %v, want in (0, %v]", retryAfter, window)
				}
			})
		}
		wg.Wait()
		if got := allowed.Load(); got != limit {
			t.Errorf("allowed = %d of %d, want exactly %d", got, callers, limit)
		}
		if ok, _, _ := c.Allow(t.Context(), "user:2", limit, window); !ok {
			t.Error("another key was limited by user:1's counter")
		}
	})

	t.Run("AllowWindowResets", func(t *testing.T) {
		c := newCache(t)
		ctx := t.Context()
		window := 100 * time.Millisecond
		if ok, _, err := c.Allow(ctx, "k", 1, window); !ok || err != nil {
			t.Fatalf("first Allow = %v, %v; want true", ok, err)
		}
		ok, retryAfter, err := c.Allow(ctx, "k", 1, window)
		if ok || err != nil || retryAfter <= 0 || retryAfter > window {
			t.Fatalf("second Allow = %v, %v, %v; want false with retryAfter in (0, %v]", ok, retryAfter, err, window)
		}
		time.Sleep(retryAfter + 30*time.Millisecond)
		if ok, _, err := c.Allow(ctx, "k", 1, window); !ok || err != nil {
			t.Errorf("Allow after retryAfter = %v, %v; want true", ok, err)
		}
	})

	t.Run("AllowKeepsValuesApart", func(t *testing.T) {
		c := newCache(t)
		mustSet(t, c, "same", []byte("not a number"), time.Minute)
		if ok, _, err := c.Allow(t.Context(), "same", 5, time.Minute); !ok || err != nil {
			t.Errorf("Allow on a key that also holds a value = %v, %v; want true, nil", ok, err)
		}
		if got := mustGet(t, c, "same"); string(got) != "not a number" {
			t.Errorf("value after Allow = %q", got)
		}
	})

	t.Run("AllowRejectsBadArguments", func(t *testing.T) {
		c := newCache(t)
		for _, tt := range []struct {
			limit  int
			window time.Duration
		}{{0, time.Second}, {-1, time.Second}, {5, 0}, {5, time.Microsecond}} {
			if _, _, err := c.Allow(t.Context(), "k", tt.limit, tt.window); !errors.Is(err, ErrInvalid) {
				t.Errorf("Allow(limit %d, window %v) error = %v, want ErrInvalid", tt.limit, tt.window, err)
			}
		}
	})

	t.Run("GetOrLoad", func(t *testing.T) {
		c := newCache(t)
		ctx := t.Context()
		type rec struct {
			Name  string   `json:"name"`
			Items []string `json:"items"`
		}
		var loads atomic.Int64
		load := func(context.Context) (rec, error) {
			loads.Add(1)
			return rec{Name: "가게", Items: []string{"a"}}, nil
		}
		for i := range 3 {
			got, err := GetOrLoad(ctx, c, "rec", 80*time.Millisecond, load)
			if err != nil || got.Name != "가게" || len(got.Items) != 1 {
				t.Fatalf("call %d: GetOrLoad = %+v, %v", i, got, err)
			}
			got.Items[0] = "mutated" // must not leak into the next caller's copy
		}
		if got := loads.Load(); got != 1 {
			t.Errorf("loads after 3 calls = %d, want 1", got)
		}
		time.Sleep(150 * time.Millisecond)
		got, err := GetOrLoad(ctx, c, "rec", time.Minute, load)
		if err != nil || got.Items[0] != "a" {
			t.Errorf("GetOrLoad after expiry = %+v, %v", got, err)
		}
		if got := loads.Load(); got != 2 {
			t.Errorf("loads after expiry = %d, want 2", got)
		}
	})

	t.Run("GetOrLoadErrorsAreNotCached", func(t *testing.T) {
		c := newCache(t)
		boom := errors.New("provider down")
		var loads atomic.Int64
		for range 2 {
			_, err := GetOrLoad(t.Context(), c, "k", time.Minute, func(context.Context) (int, error) {
				loads.Add(1)
				return 0, boom
			})
			if !errors.Is(err, boom) {
				t.Errorf("GetOrLoad error = %v, want %v", err, boom)
			}
		}
		if got := loads.Load(); got != 2 {
			t.Errorf("loads = %d, want 2 (errors are not cached)", got)
		}
	})

	t.Run("GetOrLoadReloadsUndecodableEntry", func(t *testing.T) {
		c := newCache(t)
		mustSet(t, c, "k", []byte("{not json"), time.Minute)
		got, err := GetOrLoad(t.Context(), c, "k", time.Minute, func(context.Context) (int, error) { return 7, nil })
		if err != nil || got != 7 {
			t.Errorf("GetOrLoad = %v, %v; want 7, nil", got, err)
		}
		if b := mustGet(t, c, "k"); string(b) != "7" {
			t.Errorf("stored value = %q, want 7", b)
		}
	})

	t.Run("GetOrLoadSingleflight", func(t *testing.T) {
		c := newCache(t)
		const callers = 100
		var loads atomic.Int64
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				got, err := GetOrLoad(t.Context(), c, "hot", time.Minute, func(context.Context) (string, error) {
					loads.Add(1)
					// Long enough that every caller misses while it runs.
					time.Sleep(200 * time.Millisecond)
					return "value", nil
				})
				if err != nil || got != "value" {
					t.Errorf("GetOrLoad = %q, %v", got, err)
				}
			})
		}
		wg.Wait()
		if got := loads.Load(); got != 1 {
			t.Errorf("loads for %d concurrent callers = %d, want 1", callers, got)
		}
	})

	t.Run("GetOrLoadCallerCancelDoesNotFailOthers", func(t *testing.T) {
		c := newCache(t)
		started := make(chan struct{})
		release := make(chan struct{})
		load := func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		}
		first, cancel := context.WithCancel(t.Context())
		firstErr := make(chan error, 1)
		go func() {
			_, err := GetOrLoad(first, c, "k", time.Minute, load)
			firstErr <- err
		}()
		<-started
		second := make(chan error, 1)
		go func() {
			_, err := GetOrLoad(t.Context(), c, "k", time.Minute, load)
			second <- err
		}()
		time.Sleep(20 * time.Millisecond) // let the second caller join the flight
		cancel()
		if err := <-firstErr; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled caller error = %v, want context.Canceled", err)
		}
		close(release)
		if err := <-second; err != nil {
			t.Errorf("second caller error = %v, want nil", err)
		}
	})
}

func mustSet(t *testing.T, c Cache, key string, val []byte, ttl time.Duration) {
	t.Helper()
	if err := c.Set(t.Context(), key, val, ttl); err != nil {
		t.Fatalf("Set(%s): %v", key, err)
	}
}

func mustGet(t *testing.T, c Cache, key string) []byte {
	t.Helper()
	b, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	return b
}

func TestOpenRedisHidesURL(t *testing.T) {
	_, err := OpenRedis("redis://:s3cret@[bad", "p:")
	if err == nil {
		t.Fatal("OpenRedis accepted a malformed URL")
	}
	if got := err.Error(); got != "cache: invalid Redis URL" {
		t.Errorf("error = %q, want no URL in it", got)
	}
}
