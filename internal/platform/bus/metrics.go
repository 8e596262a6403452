package bus

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	descPending = prometheus.NewDesc("autoevent_outbox_pending_events",
		"Outbox events not yet acknowledged by the broker.", nil, nil)
	descOldest = prometheus.NewDesc("autoevent_outbox_oldest_pending_age_seconds",
		"Age of the oldest outbox row not yet acknowledged by the broker (outbox lag).", nil, nil)
	descPublished = prometheus.NewDesc("autoevent_outbox_published_total",
		"Outbox events this process's relay got acknowledged.", nil, nil)
	descDuplicates = prometheus.NewDesc("autoevent_outbox_duplicates_total",
		"Outbox publishes the broker dropped as duplicates (re-publish inside the window).", nil, nil)
	descQueueDepth = prometheus.NewDesc("autoevent_job_queue_depth",
		"Jobs waiting or running in a work queue.", []string{"queue"}, nil)
	descDLQ = prometheus.NewDesc("autoevent_dead_letters",
		"Messages in the dead-letter stream.", nil, nil)
)

// Collector exports outbox lag, job queue depths and the dead-letter count.
// Register it once: reg.MustRegister(bus.NewCollector(relay, "ai", "image")).
type Collector struct {
	r      *Relay
	queues []string
}

// NewCollector returns a collector over relay's outbox and bus, reporting
// the depth of the named work queues.
func NewCollector(r *Relay, queues ...string) *Collector {
	return &Collector{r: r, queues: queues}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPending, descOldest, descPublished, descDuplicates, descQueueDepth, descDLQ} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A source that does not answer
// within 2 s is left out of the scrape rather than failing it.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if s, err := c.r.Stats(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(s.Pending))
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, s.OldestAge.Seconds())
		ch <- prometheus.MustNewConstMetric(descPublished, prometheus.CounterValue, float64(s.Published))
		ch <- prometheus.MustNewConstMetric(descDuplicates, prometheus.CounterValue, float64(s.Duplicates))
	}
	for _, q := range c.queues {
		if n, err := c.r.b.QueueDepth(ctx, q); err == nil {
			ch <- prometheus.MustNewConstMetric(descQueueDepth, prometheus.GaugeValue, float64(n), q)
		}
	}
	if n, err := c.r.b.DeadLetters(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descDLQ, prometheus.GaugeValue, float64(n))
	}
}
