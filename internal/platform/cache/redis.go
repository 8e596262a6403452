package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"
)

// Redis is the Cache of the scaled mode: every replica sees the same values
// and counters.
type Redis struct {
	client redis.UniversalClient
	prefix string
	owned  bool
	group  singleflight.Group
}

// NewRedis wraps a client the caller owns (Close leaves it open). Every key
// is stored as prefix + namespace + key; give each deployment and each test
// run its own prefix.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// OpenRedis connects to a redis:// or rediss:// URL; Close closes the
// connection pool.
func OpenRedis(url, prefix string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		// The URL may hold a password: do not echo it.
		return nil, errors.New("cache: invalid Redis URL")
	}
	r := NewRedis(redis.NewClient(opts), prefix)
	r.owned = true
	return r, nil
}

func (r *Redis) flights() *singleflight.Group { return &r.group }

func (r *Redis) valueKey(key string) string { return r.prefix + valueSpace + key }

// Get implements Cache.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := r.client.Get(ctx, r.valueKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrMiss
	}
	if err != nil {
		return nil, fmt.Errorf("cache: redis get: %w", err)
	}
	return b, nil
}

// Set implements Cache.
func (r *Redis) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := r.client.Set(ctx, r.valueKey(key), val, max(ttl, 0)).Err(); err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}

// SetNX implements Cache.
func (r *Redis) SetNX(ctx context.Context, key string, val []byte, ttl time.Duration) (bool, error) {
	ok, err := r.client.SetNX(ctx, r.valueKey(key), val, max(ttl, 0)).Result()
	if err != nil {
		return false, fmt.Errorf("cache: redis setnx: %w", err)
	}
	return ok, nil
}

// Delete implements Cache.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.valueKey(k)
	}
	if err := r.client.Del(ctx, full...).Err(); err != nil {
		return fmt.Errorf("cache: redis del: %w", err)
	}
	return nil
}

// allowScript counts an event and returns the count and the window's
// remaining milliseconds. One script, so the increment and the expiry are
// atomic; a counter found without expiry (left by a crash between commands
// in some older scheme) gets one rather than limiting forever.
var allowScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`)

// Allow implements Cache.
func (r *Redis) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if err := checkAllow(limit, window); err != nil {
		return false, 0, err
	}
	res, err := allowScript.Run(ctx, r.client, []string{r.prefix + counterSpace + key}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("cache: redis rate limit: %w", err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("cache: redis rate limit: unexpected reply %v", res)
	}
	if res[0] <= int64(limit) {
		return true, 0, nil
	}
	return false, max(time.Duration(res[1])*time.Millisecond, time.Millisecond), nil
}

// Ping implements Cache.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("cache: redis ping: %w", err)
	}
	return nil
}

// Close closes the client if OpenRedis created it.
func (r *Redis) Close() error {
	if !r.owned {
		return nil
	}
	return r.client.Close()
}
