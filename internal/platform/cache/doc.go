// Package cache is the key-value store behind cache-aside reads, rate limits,
// token revocation and idempotency keys. One interface, Cache, has two
// implementations: Memory (in-process, otter) for the embedded mode and Redis
// for the scaled mode, where every replica must see the same counters and
// keys. Both pass the same contract tests.
//
// Values are opaque bytes with a TTL (zero: no expiry). Allow is a
// fixed-window rate limiter, atomic in both implementations (a Lua script on
// Redis). GetOrLoad is cache-aside for any JSON-encodable type, with
// singleflight so an expired hot key is recomputed once per process, not
// once per request.
//
// Keys of values and of rate-limit counters live in separate namespaces, so
// Allow("x") never clobbers Set("x"). On Redis every key also carries the
// instance's prefix, so tests and deployments sharing a server do not
// collide.
package cache
