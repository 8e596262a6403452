package resilience

import (
	"testing"
	"time"
)

func TestParseOverrides(t *testing.T) {
	got, err := ParseOverrides("nts.timeout=3s; channel.instagram.max-concurrent=4, anthropic.failure-rate=0.6")
	if err != nil {
		t.Fatal(err)
	}
	if got["nts"].Timeout != 3*time.Second || got["channel.instagram"].MaxConcurrent != 4 || got["anthropic"].FailureRateThreshold != 0.6 {
		t.Errorf("ParseOverrides = %+v", got)
	}
	for _, bad := range []string{"nts=3s", "nts.timeout=soon", "nts.colour=red", ".timeout=1s"} {
		if _, err := ParseOverrides(bad); err == nil {
			t.Errorf("ParseOverrides(%q) succeeded, want error", bad)
		}
	}
}
