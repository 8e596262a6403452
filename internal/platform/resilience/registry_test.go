package resilience

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegistryBuildsPoliciesFromConfig(t *testing.T) {
	r, err := NewRegistry(map[string]Config{
		SystemNTS:               {MaxRetries: 2},
		Channel("instagram"):    {MaxConcurrent: 4},
		SystemSMS:               {Timeout: -1, MaxRetries: -1},
		SystemAnthropic:         {},
		"channel.kakao-channel": {},
	}, prometheus.NewRegistry())
	if err != nil {
		t.Fatalf("NewRegistry: %v", err)
	}
	tests := []struct {
		system         string
		wantTimeout    time.Duration
		wantRetries    int
		wantConcurrent int
	}{
		{SystemNTS, 5 * time.Second, 2, -1},
		{Channel("instagram"), 10 * time.Second, 3, 4},
		{Channel("naver-blog"), 10 * time.Second, 3, 10}, // not configured: defaults
		{SystemSMS, -1, -1, -1},
		{SystemAnthropic, 30 * time.Second, 3, -1},
		{SystemOpenAI, 30 * time.Second, 3, -1},
		{SystemImages, 20 * time.Second, 3, -1},
	}
	for _, tt := range tests {
		cfg := r.Policy(tt.system).Config()
		if cfg.Timeout != tt.wantTimeout || cfg.MaxRetries != tt.wantRetries || cfg.MaxConcurrent != tt.wantConcurrent {
			t.Errorf("%s: Timeout, MaxRetries, MaxConcurrent = %v, %d, %d; want %v, %d, %d", tt.system,
				cfg.Timeout, cfg.MaxRetries, cfg.MaxConcurrent, tt.wantTimeout, tt.wantRetries, tt.wantConcurrent)
		}
		if cfg.OpenFor != 30*time.Second || cfg.MinCalls != 10 || cfg.HalfOpenProbes != 3 || cfg.FailureRateThreshold != 0.5 {
			t.Errorf("%s: breaker defaults not applied: %+v", tt.system, cfg)
		}
	}
	if r.Policy(SystemNTS) != r.Policy(SystemNTS) {
		t.Error("Policy returned two different policies for one system")
	}
	// NTS: 3 attempts of 5 s plus delays of 1 s and 2 s, each up to +20 %.
	if got, want := r.Policy(SystemNTS).Config().Deadline, 15*time.Second+3600*time.Millisecond; got != want {
		t.Errorf("nts default deadline = %v, want %v", got, want)
	}
	if got := r.Policy(SystemSMS).Config().Deadline; got >= 0 {
		t.Errorf("sms deadline without timeout = %v, want none (negative)", got)
	}
}

func TestRegistryRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"threshold above 1", Config{FailureRateThreshold: 1.5}},
		{"threshold of 1", Config{FailureRateThreshold: 1}},
		{"negative min calls", Config{MinCalls: -1}},
		{"negative probes", Config{HalfOpenProbes: -2}},
		{"negative window", Config{Window: -time.Second}},
		{"jitter of 1", Config{Jitter: 1}},
	}
	for _, tt := range tests {
		if _, err := NewRegistry(map[string]Config{"x": tt.cfg}, nil); err == nil {
			t.Errorf("%s: NewRegistry accepted %+v", tt.name, tt.cfg)
		}
		if _, err := New("x", tt.cfg); err == nil {
			t.Errorf("%s: New accepted %+v", tt.name, tt.cfg)
		}
	}
}

func TestRegistryMetricsOnGivenRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewRegistry(nil, reg); err != nil {
		t.Fatalf("first NewRegistry: %v", err)
	}
	if _, err := NewRegistry(nil, reg); err == nil {
		t.Error("second NewRegistry on the same registerer succeeded, want a duplicate-registration error")
	}
}
