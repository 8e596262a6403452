package bus

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func TestOpenEmbeddedIsQuickAndReopens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, run := range []string{"empty dir", "existing dir"} {
		start := time.Now()
		b, err := Open(ctx, Config{DataDir: dir})
		if err != nil {
			t.Fatalf("%s: Open: %v", run, err)
		}
		if err := b.Ping(ctx); err != nil {
			t.Errorf("%s: Ping: %v", run, err)
		}
		// The < 700 ms bar (ready in 1 s) is BenchmarkOpenEmbedded's.
		t.Logf("%s: Open+Ping took %v", run, time.Since(start))
		for _, kind := range []string{StreamEvents, StreamJobs, StreamDLQ} {
			if _, err := b.js.Stream(ctx, kind); err != nil {
				t.Errorf("%s: stream %s: %v", run, kind, err)
			}
		}
		if b.srv.Addr() != nil {
			t.Errorf("%s: embedded server listens on %v, want no port", run, b.srv.Addr())
		}
		if err := b.Close(); err != nil {
			t.Errorf("%s: Close: %v", run, err)
		}
		if err := b.Ping(ctx); err == nil {
			t.Errorf("%s: Ping after Close = nil, want an error", run)
		}
	}
}

func TestOpenExternalIsIdempotent(t *testing.T) {
	b1 := openNATS(t, "external", nil)
	cfg := b1.cfg
	b2, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("second Open with the same prefix: %v", err)
	}
	defer b2.Close()
	s, err := b2.js.Stream(context.Background(), b2.streamName(StreamJobs))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CachedInfo().Config.Retention; got != jetstream.WorkQueuePolicy {
		t.Errorf("JOBS retention = %v, want WorkQueuePolicy", got)
	}
	if got := s.CachedInfo().Config.Subjects; len(got) != 1 || got[0] != cfg.Prefix+".jobs.>" {
		t.Errorf("JOBS subjects = %v, want [%s.jobs.>]", got, cfg.Prefix)
	}
}

func TestOpenListen(t *testing.T) {
	b, err := Open(context.Background(), Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.srv.Addr() == nil {
		t.Fatal("Listen set but the embedded server opened no port")
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no data dir and no url", Config{}},
		{"bad prefix", Config{DataDir: t.TempDir(), Prefix: "a.b"}},
		{"bad listen", Config{DataDir: t.TempDir(), Listen: "nonsense"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Open(context.Background(), tt.cfg)
			if err == nil {
				b.Close()
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("Open err = %v, want ErrConfig", err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantKeep time.Duration
	}{
		{"embedded, interval sync keeps a tail", Config{DataDir: "x"}, 7 * time.Second},
		{"embedded, custom interval", Config{DataDir: "x", SyncInterval: 3 * time.Second}, 11 * time.Second},
		{"embedded, sync always keeps none", Config{DataDir: "x", SyncAlways: true}, 0},
		{"external keeps none", Config{URL: "nats://x"}, 0},
		{"negative disables", Config{DataDir: "x", OutboxKeep: -1}, 0},
		{"explicit", Config{URL: "nats://x", OutboxKeep: time.Minute}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if err := cfg.defaults(); err != nil {
				t.Fatal(err)
			}
			if cfg.OutboxKeep != tt.wantKeep {
				t.Errorf("OutboxKeep = %v, want %v", cfg.OutboxKeep, tt.wantKeep)
			}
			if cfg.DuplicateWindow != 2*time.Minute || cfg.MaxDeliver != 5 {
				t.Errorf("DuplicateWindow, MaxDeliver = %v, %d; want 2m, 5", cfg.DuplicateWindow, cfg.MaxDeliver)
			}
		})
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct {
		s            string
		root         string
		subject, flt bool
	}{
		{"events.user.registered", "events", true, true},
		{"events.user.*", "events", false, true},
		{"events.>", "events", false, true},
		{"events.>.x", "events", false, false},
		{"events..x", "events", false, false},
		{"events.a b", "events", false, false},
		{"events.a*", "events", false, false},
		{"events", "events", false, false},
		{"jobs.ai", "events", false, false},
		{"jobs.ai", "jobs", true, true},
	}
	for _, tt := range tests {
		if got := validSubject(tt.s, tt.root); got != tt.subject {
			t.Errorf("validSubject(%q, %q) = %v, want %v", tt.s, tt.root, got, tt.subject)
		}
		if got := validFilter(tt.s, tt.root); got != tt.flt {
			t.Errorf("validFilter(%q, %q) = %v, want %v", tt.s, tt.root, got, tt.flt)
		}
	}
}

func TestPrefixMapping(t *testing.T) {
	b := &Bus{cfg: Config{Prefix: "t1"}}
	if got := b.wire("events.a"); got != "t1.events.a" {
		t.Errorf("wire = %q, want t1.events.a", got)
	}
	if got := b.logical("t1.events.a"); got != "events.a" {
		t.Errorf("logical = %q, want events.a", got)
	}
	if got := b.streamName(StreamDLQ); got != "t1_DLQ" {
		t.Errorf("streamName = %q, want t1_DLQ", got)
	}
}
