package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"
)

var (
	// ErrMiss is returned by Get when the key is absent or expired.
	ErrMiss = errors.New("cache: miss")
	// ErrInvalid is returned for arguments no implementation can honour,
	// such as a non-positive rate limit.
	ErrInvalid = errors.New("cache: invalid argument")
)

// Cache is a shared key-value store with expiry. Implementations are safe for
// concurrent use. A ttl <= 0 means the entry does not expire.
type Cache interface {
	// Get returns the value of key, or ErrMiss.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores val under key, replacing any value and TTL.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// SetNX stores val only if key is absent, reporting whether it did.
	// Exactly one of many concurrent callers gets true.
	SetNX(ctx context.Context, key string, val []byte, ttl time.Duration) (bool, error)
	// Delete removes the keys; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// Allow counts one event against key in a fixed window: at most limit
	// events are allowed per window. When the event is refused, retryAfter
	// is the time until the window ends (> 0).
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

func checkAllow(limit int, window time.Duration) error {
	if limit <= 0 || window < time.Millisecond {
		return fmt.Errorf("%w: rate limit %d per %v (want a positive limit and a window of at least 1ms)", ErrInvalid, limit, window)
	}
	return nil
}

// flighter is implemented by this package's caches: each has its own
// singleflight group, so equal keys of different caches never share a load.
type flighter interface{ flights() *singleflight.Group }

// fallbackFlights serves caches from other packages (test fakes).
var fallbackFlights singleflight.Group

// GetOrLoad returns the JSON-decoded value of key, or calls load, stores its
// JSON encoding for ttl and returns it. Concurrent misses of one key in this
// process share a single load.
//
// The cache is an optimisation, never a point of failure: an unreachable or
// failing cache, or an entry that no longer decodes into T, leads to a load,
// and a failed store is ignored. Load errors are returned and not cached.
//
// The shared load keeps running when the caller that started it gives up, so
// the other callers still get the value; it is bounded by that caller's
// deadline, if any. Each caller returns when its own ctx ends.
func GetOrLoad[T any](ctx context.Context, c Cache, key string, ttl time.Duration, load func(context.Context) (T, error)) (T, error) {
	var zero T
	if v, ok := getJSON[T](ctx, c, key); ok {
		return v, nil
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}

	group := &fallbackFlights
	if f, ok := c.(flighter); ok {
		group = f.flights()
	}
	ch := group.DoChan(key, func() (any, error) {
		lctx := context.WithoutCancel(ctx)
		if dl, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			lctx, cancel = context.WithDeadline(lctx, dl)
			defer cancel()
		}
		// A flight for this key may have stored the value between our
		// miss and this flight's start.
		if b, err := c.Get(lctx, key); err == nil {
			var v T
			if json.Unmarshal(b, &v) == nil {
				return b, nil
			}
		}
		v, err := load(lctx)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("cache: encode %q: %w", key, err)
		}
		_ = c.Set(lctx, key, b, ttl) // best effort, see above
		return b, nil
	})

	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return zero, r.Err
		}
		// Each caller decodes its own copy: callers may mutate maps and
		// slices in what they get.
		b, _ := r.Val.([]byte)
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return zero, fmt.Errorf("cache: decode %q: %w", key, err)
		}
		return v, nil
	}
}

func getJSON[T any](ctx context.Context, c Cache, key string) (T, bool) {
	var v T
	b, err := c.Get(ctx, key)
	if err != nil {
		return v, false
	}
	if json.Unmarshal(b, &v) != nil {
		var zero T
		return zero, false
	}
	return v, true
}
