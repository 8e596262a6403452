package resilience

import (
	"fmt"
	"sort"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Well-known system names. Channels are "channel.<name>", e.g.
// "channel.instagram".
const (
	SystemNTS       = "nts"
	SystemAnthropic = "anthropic"
	SystemOpenAI    = "openai"
	SystemImages    = "images"
	SystemSMS       = "sms"
	SystemKakao     = "kakao"
	SystemTTS       = "tts"
)

// Channel returns the system name of a distribution channel.
func Channel(name string) string { return "channel." + name }

// Registry holds one Policy per external system and their metrics. It is
// safe for concurrent use.
type Registry struct {
	m        *metrics
	mu       sync.Mutex
	cfgs     map[string]Config
	policies map[string]*Policy
}

// NewRegistry validates cfgs (system name → overrides of Defaults), builds
// their policies and registers the metrics on reg (not the global registry;
// nil means no metrics).
func NewRegistry(cfgs map[string]Config, reg prometheus.Registerer) (*Registry, error) {
	r := &Registry{cfgs: make(map[string]Config, len(cfgs)), policies: make(map[string]*Policy, len(cfgs))}
	if reg != nil {
		m, err := newMetrics(reg)
		if err != nil {
			return nil, fmt.Errorf("resilience: register metrics: %w", err)
		}
		r.m = m
	}
	names := make([]string, 0, len(cfgs))
	for name := range cfgs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r.cfgs[name] = cfgs[name]
		if _, err := r.build(name); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Policy returns the policy of system, building it from Defaults on first use
// when the configuration does not name it. It always returns the same
// *Policy for a name.
func (r *Registry) Policy(system string) *Policy {
	r.mu.Lock()
	p := r.policies[system]
	r.mu.Unlock()
	if p != nil {
		return p
	}
	p, err := r.build(system)
	if err != nil {
		// Unreachable: NewRegistry validated every configured system and
		// Defaults are valid. Fall back to defaults rather than panic.
		p, _ = r.buildWith(system, Config{})
	}
	return p
}

// Systems returns the names of the policies built so far, sorted.
func (r *Registry) Systems() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.policies))
	for name := range r.policies {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (r *Registry) build(system string) (*Policy, error) {
	r.mu.Lock()
	cfg := r.cfgs[system]
	r.mu.Unlock()
	return r.buildWith(system, cfg)
}

func (r *Registry) buildWith(system string, cfg Config) (*Policy, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.policies[system]; p != nil {
		return p, nil
	}
	p, err := newPolicy(system, cfg, r.m)
	if err != nil {
		return nil, err
	}
	r.policies[system] = p
	if r.m != nil {
		r.m.state.add(p)
	}
	return p, nil
}
