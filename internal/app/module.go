package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// modules is the whole product, read top to bottom: every part of every
// service, in start order. A module's routes are declared in every process
// (served here, proxied to --service-urls, or 503 service_not_running);
// everything else is built and started only where its service runs. To
// add a service: write its module in a file of its own (see eventModule)
// and list it here; `--services` already accepts the names in
// config.AllServices.
func (a *App) modules() []module {
	return []module{
		a.userModule(),
		a.eventModule(),
		a.aiModule(),
		a.contentModule(), // images, poster, copy, audio, videos; job kinds image-job, video-job
		a.participationModule(),
		a.winnersModule(),  // participation: draws, winner notifications, retention
		a.announceModule(), // participation: announcements to past participants
		// distribution, analytics, learning: reserved names, next issues.
	}
}

// module is one service, or one part of one, as the composition root wires
// it. Only Name is required.
type module struct {
	// Name is the service the module belongs to (one of config.AllServices).
	Name string
	// Open builds the module where its service runs: migrations, store,
	// service, metrics.
	Open func(ctx context.Context) error
	// Routes declares the module's HTTP routes, in every process: the
	// service built by Open is nil where it does not run, and the router
	// never calls those handlers (it proxies or answers 503).
	Routes func(r *httpapi.Router)
	// Consumers are the bus subscriptions it runs, each consumer name
	// durable across restarts.
	Consumers []consumer
	// JobKinds are the async job kinds it owns: their status routes reach
	// this service wherever it runs. Jobs returns their workers (after
	// Open, where it runs); every kind it returns must be listed here.
	JobKinds []string
	Jobs     func() []jobs.Kind
	// Queues are the work queues it consumes (for the queue-depth metrics),
	// its job kinds' among them.
	Queues []string
	// Start runs its background work once the app runs (before its
	// consumers start); Stop ends it after its consumers stopped.
	Start func(ctx context.Context) error
	Stop  func()
}

// consumer is one durable subscription of a module.
type consumer struct {
	Name     string
	Subjects []string
	Handle   bus.Handler
}

// wire builds each module whose service runs in this process and declares
// the routes of every module (for proxying and 503s), then the job status
// routes, which reach the owner of each job kind.
func (a *App) wire(ctx context.Context) error {
	var queues []string
	for _, m := range a.modules() {
		if !slices.Contains(config.AllServices, m.Name) {
			return fmt.Errorf("app: module of unknown service %q", m.Name)
		}
		local := a.cfg.Runs(m.Name)
		if local && m.Open != nil {
			if err := m.Open(ctx); err != nil {
				return fmt.Errorf("app: %s: %w", m.Name, err)
			}
		}
		if m.Routes != nil {
			m.Routes(a.router)
		}
		a.jobs.Own(m.Name, m.JobKinds...)
		queues = append(queues, m.Queues...)
		if !local {
			continue
		}
		if m.Jobs != nil {
			for _, k := range m.Jobs() {
				if !slices.Contains(m.JobKinds, k.Name) || !slices.Contains(m.Queues, cmp.Or(k.Queue, k.Name)) {
					return fmt.Errorf("app: %s: job kind %q (queue %q) is not in its JobKinds and Queues", m.Name, k.Name, k.Queue)
				}
				a.jobs.Register(k)
			}
		}
		a.startModule(m)
	}
	a.jobs.Routes(a.router)
	slices.Sort(queues)
	a.reg.MustRegister(bus.NewCollector(a.relay, slices.Compact(queues)...))
	return nil
}

// startModule arranges m's start and stop: its Stop is registered now, so
// it runs after the stops of the consumers that start later (Run stops in
// reverse order).
func (a *App) startModule(m module) {
	if m.Stop != nil {
		a.onStop(m.Stop)
	}
	a.onStart(func(ctx context.Context) error {
		if m.Start != nil {
			if err := m.Start(ctx); err != nil {
				return fmt.Errorf("app: start %s: %w", m.Name, err)
			}
		}
		for _, c := range m.Consumers {
			cons, err := a.bus.Consume(ctx, a.db, c.Name, c.Subjects, c.Handle)
			if err != nil {
				return fmt.Errorf("app: %s consumer %s: %w", m.Name, c.Name, err)
			}
			a.onStop(cons.Stop)
		}
		return nil
	})
}

// runsHere says whether the routes of service are served by this process:
// a service in --services, or a platform part every process serves (the
// job status routes).
func (a *App) runsHere(service string) bool {
	return !slices.Contains(config.AllServices, service) || a.cfg.Runs(service)
}
