package config

import (
	"flag"
	"strings"
	"testing"
)

func TestEnvironmentThenFlags(t *testing.T) {
	t.Setenv("AUTOEVENT_ANON_RATE_LIMIT", "42")
	t.Setenv("AUTOEVENT_ADDR", ":9000")
	t.Setenv("AUTOEVENT_TRUST_PROXY", "true")
	c := Default()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	if err := c.Bind(fs); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--addr", ":9100"}); err != nil {
		t.Fatal(err)
	}
	if c.AnonRateLimit != 42 || c.Addr != ":9100" || !c.TrustProxy {
		t.Errorf("got anon=%d addr=%q trust=%v, want 42 :9100 (flag wins) true", c.AnonRateLimit, c.Addr, c.TrustProxy)
	}
}

func TestBadEnvironmentIsAnError(t *testing.T) {
	t.Setenv("AUTOEVENT_USER_RATE_LIMIT", "lots")
	c := Default()
	if err := c.Bind(flag.NewFlagSet("t", flag.ContinueOnError)); err == nil {
		t.Error("Bind accepted a non-numeric rate limit")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"defaults", func(*Config) {}, ""},
		{"unknown service", func(c *Config) { c.Services = "user,billing" }, "unknown service"},
		{"remote also local", func(c *Config) { c.ServiceURLs = "user=http://x:1" }, "runs in this process"},
		{"bad remote url", func(c *Config) { c.Services = "gateway"; c.ServiceURLs = "user=nope" }, "absolute URL"},
		{"tls half", func(c *Config) { c.TLSCert = "c.pem" }, "go together"},
		{"scaled needs secrets", func(c *Config) { c.PostgresURL = "postgres://x" }, "jwt-secret"},
		{"short jwt secret", func(c *Config) { c.JWTSecret = "short" }, "32 bytes"},
		{"bad sync", func(c *Config) { c.Synchronous = "SOMETIMES" }, "synchronous"},
		{"bad provider", func(c *Config) { c.AIProvider = "magic" }, "ai-provider"},
	}
	for _, tt := range tests {
		c := Default()
		tt.mod(&c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

func TestStringMasksSecrets(t *testing.T) {
	c := Default()
	c.JWTSecret, c.PostgresURL = "super-secret-value-0123456789abcdef", "postgres://user:pw@db/x"
	s := c.String()
	if strings.Contains(s, "super-secret") || strings.Contains(s, "pw@db") {
		t.Errorf("String() leaks a secret:\n%s", s)
	}
}

func TestMigrateAtStart(t *testing.T) {
	tests := []struct {
		name     string
		postgres string
		args     []string
		want     bool
	}{
		{"embedded default", "", nil, true},
		{"scaled default", "postgres://x", nil, false},
		{"scaled, told to", "postgres://x", []string{"--migrate"}, true},
		{"embedded, told not to", "", []string{"--migrate=false"}, false},
		{"back to auto", "postgres://x", []string{"--migrate=true", "--migrate=auto"}, false},
	}
	for _, tt := range tests {
		c := Default()
		c.PostgresURL = tt.postgres
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		if err := c.Bind(fs); err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := c.MigrateAtStart(); got != tt.want {
			t.Errorf("%s: MigrateAtStart() = %v, want %v", tt.name, got, tt.want)
		}
	}
	t.Setenv("AUTOEVENT_MIGRATE", "true")
	c := Default()
	c.PostgresURL = "postgres://x"
	if err := c.Bind(flag.NewFlagSet("t", flag.ContinueOnError)); err != nil {
		t.Fatal(err)
	}
	if !c.MigrateAtStart() || !strings.Contains(c.String(), `"migrate": "true"`) {
		t.Errorf("AUTOEVENT_MIGRATE=true: MigrateAtStart() = %v, dump:\n%s", c.MigrateAtStart(), c.String())
	}
}
