package resilience

import (
	"sync"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/prometheus/client_golang/prometheus"
)

// Failure reasons, the values of the "reason" label of
// autoevent_resilience_failures_total.
const (
	ReasonError       = "error"         // the system failed (5xx, network, ...)
	ReasonTimeout     = "timeout"       // an attempt or the whole call ran out of time
	ReasonCircuitOpen = "circuit_open"  // rejected by the breaker
	ReasonBulkhead    = "bulkhead_full" // rejected by the bulkhead
)

// metrics holds the collectors shared by every policy of a Registry.
type metrics struct {
	calls           *prometheus.CounterVec
	failures        *prometheus.CounterVec
	retries         *prometheus.CounterVec
	budgetExhausted *prometheus.CounterVec
	fallbacks       *prometheus.CounterVec
	state           *stateCollector
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "autoevent_resilience_calls_total",
			Help: "Logical calls to an external system (retries not counted).",
		}, []string{"system"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "autoevent_resilience_failures_total",
			Help: "Logical calls to an external system that failed, by reason (4xx answers and caller cancellations are not failures).",
		}, []string{"system", "reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "autoevent_resilience_retries_total",
			Help: "Retry attempts made to an external system.",
		}, []string{"system"}),
		budgetExhausted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "autoevent_resilience_retry_budget_exhausted_total",
			Help: "Retries skipped because the system's retry budget was spent.",
		}, []string{"system"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "autoevent_resilience_fallbacks_total",
			Help: "Calls answered by a fallback (degraded results).",
		}, []string{"system"}),
		state: &stateCollector{
			desc: prometheus.NewDesc("autoevent_circuit_breaker_state",
				"Circuit breaker state: 0 closed, 1 half-open, 2 open.", []string{"system"}, nil),
		},
	}
	for _, c := range []prometheus.Collector{m.calls, m.failures, m.retries, m.budgetExhausted, m.fallbacks, m.state} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// stateCollector reads each breaker's state at scrape time, so the gauge can
// never disagree with the breaker (state-change listeners run outside the
// breaker's lock and may be reordered).
type stateCollector struct {
	desc     *prometheus.Desc
	mu       sync.Mutex
	policies []*Policy
}

func (s *stateCollector) add(p *Policy) {
	s.mu.Lock()
	s.policies = append(s.policies, p)
	s.mu.Unlock()
}

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	policies := append([]*Policy(nil), s.policies...)
	s.mu.Unlock()
	for _, p := range policies {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, stateValue(p.breaker.State()), p.system)
	}
}

func stateValue(s circuitbreaker.State) float64 {
	switch s {
	case circuitbreaker.HalfOpenState:
		return 1
	case circuitbreaker.OpenState:
		return 2
	default:
		return 0
	}
}
