// Package testenv gives tests the URLs of the external services they need
// (PostgreSQL, Redis, NATS). A test that needs a service calls the helper: it
// skips when the variable is unset, except under CI=true where a missing
// service is a failure, never a silent skip.
package testenv

import (
	"os"
	"testing"
)

// Variables read by the helpers.
const (
	PostgresVar = "AUTOEVENT_TEST_POSTGRES_URL"
	RedisVar    = "AUTOEVENT_TEST_REDIS_URL"
	NATSVar     = "AUTOEVENT_TEST_NATS_URL"
)

// PostgresURL returns the test PostgreSQL URL or skips (fails under CI).
func PostgresURL(t testing.TB) string { t.Helper(); return need(t, PostgresVar) }

// RedisURL returns the test Redis URL or skips (fails under CI).
func RedisURL(t testing.TB) string { t.Helper(); return need(t, RedisVar) }

// NATSURL returns the test NATS URL or skips (fails under CI).
func NATSURL(t testing.TB) string { t.Helper(); return need(t, NATSVar) }

func need(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set and CI=true: the service is required", name)
	}
	t.Skipf("%s not set; skipping", name)
	return ""
}
