// Package app is the composition root: it turns a Config into running
// services. The same code runs everything in one process (embedded mode:
// SQLite, in-process cache, embedded NATS, local AI and sandboxed providers)
// or only the named services against PostgreSQL, Redis and external NATS
// (scaled mode). Tests start it on :0 with a temporary data dir.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/dirlock"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	ntssandbox "github.com/autoevent/autoevent/internal/sandbox/nts"
	"github.com/autoevent/autoevent/internal/ui"
	"github.com/autoevent/autoevent/internal/user"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// App is a running configuration of the product.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	reg      *prometheus.Registry
	secrets  localSecrets
	db       *db.DB
	cache    cache.Cache
	bus      *bus.Bus
	relay    *bus.Relay
	jobs     *jobs.Manager
	policies *resilience.Registry
	cipher   *authn.FieldCipher
	issuer   *authn.Issuer
	verifier *authn.Verifier
	router   *httpapi.Router
	mux      *http.ServeMux
	sandbox  *http.ServeMux
	ln       net.Listener
	server   *http.Server
	baseURL  string        // how this process reaches itself (sandboxes)
	lock     *dirlock.Lock // the data dir, held while the process runs (embedded stores)

	users      *user.Service
	ntsSandbox *ntssandbox.Server
	sender     *notify.Dispatcher // winner notifications and announcements

	starters []func(ctx context.Context) error
	stoppers []func() // run in reverse order
	closers  []func() error
	bg       sync.WaitGroup
}

// New builds the app: it opens the stores, applies migrations and wires the
// services named in cfg. Nothing serves until Run.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *App, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, reg: prometheus.NewRegistry(), mux: http.NewServeMux(), sandbox: http.NewServeMux()}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	// First, before anything in the data dir is read or written.
	if err := a.lockDataDir(); err != nil {
		return nil, err
	}
	if a.secrets, err = loadSecrets(&cfg); err != nil {
		return nil, err
	}
	// Listen first: in-process sandboxes are reached over loopback at the
	// real address, so their wire format is exercised end to end.
	if a.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return nil, fmt.Errorf("app: listen %s: %w", cfg.Addr, err)
	}
	a.closers = append(a.closers, func() error { _ = a.ln.Close(); return nil })
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	port := a.ln.Addr().(*net.TCPAddr).Port
	a.baseURL = fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
	if a.cfg.PublicURL == "" {
		a.cfg.PublicURL = fmt.Sprintf("%s://localhost:%d", scheme, port)
	}
	if err := a.recordAddress(); err != nil {
		return nil, err
	}
	a.warnLoopbackPublicURL()

	if err := a.openStores(ctx); err != nil {
		return nil, err
	}
	if err := a.openSecurity(); err != nil {
		return nil, err
	}
	if err := a.wire(ctx); err != nil {
		return nil, err
	}
	a.buildHandler()
	return a, nil
}

func (a *App) openStores(ctx context.Context) (err error) {
	// Without --migrate (the scaled default) every Migrate call below only
	// checks, and a schema that is behind stops the start with a message.
	a.db, err = db.Open(ctx, db.Config{Path: a.cfg.Path("autoevent.db"), PostgresURL: a.cfg.PostgresURL, Synchronous: a.cfg.Synchronous,
		VerifyOnly: !a.cfg.MigrateAtStart()})
	if err != nil {
		return err
	}
	a.closers = append(a.closers, a.db.Close)
	if a.cfg.RedisURL != "" {
		if a.cache, err = cache.OpenRedis(a.cfg.RedisURL, "autoevent:"); err != nil {
			return err
		}
		if err := a.cache.Ping(ctx); err != nil {
			return fmt.Errorf("app: redis: %w", err)
		}
	} else if a.cache, err = cache.NewMemory(cache.MemoryOptions{}); err != nil {
		return err
	}
	a.closers = append(a.closers, a.cache.Close)

	a.bus, err = bus.Open(ctx, bus.Config{DataDir: a.cfg.DataDir, URL: a.cfg.NATSURL, Listen: a.cfg.NATSListen, Prefix: a.cfg.NATSPrefix, Logger: a.log.With("component", "bus")})
	if err != nil {
		return err
	}
	a.closers = append(a.closers, a.bus.Close)
	if err := bus.Migrate(ctx, a.db); err != nil {
		return err
	}
	a.relay = bus.NewRelay(a.db, a.bus, a.log)
	a.jobs = jobs.New(a.db, jobs.BusQueue(a.bus, a.relay), a.log.With("component", "jobs"), a.reg)
	if err := a.jobs.Migrate(ctx); err != nil {
		return err
	}
	overrides, err := resilience.ParseOverrides(a.cfg.Resilience)
	if err != nil {
		return err
	}
	a.policies, err = resilience.NewRegistry(overrides, a.reg)
	return err
}

func (a *App) openSecurity() (err error) {
	a.cipher, err = authn.NewFieldCipherFromConfig(authn.FieldConfig{MasterKey: a.secrets.DataKey})
	if err != nil {
		return fmt.Errorf("app: data key: %w", err)
	}
	keys, err := authn.NewKeyset(authn.SigningKey{ID: "k1", Secret: []byte(a.secrets.JWTSecret)})
	if err != nil {
		return fmt.Errorf("app: jwt secret: %w", err)
	}
	if a.issuer, err = authn.NewIssuer(keys); err != nil {
		return err
	}
	a.verifier = authn.NewVerifier(a.issuer, userRevocations(a.cache))
	gateway := a.cfg.Runs("gateway")
	remotes, err := a.cfg.Remotes()
	if err != nil {
		return err
	}
	rc := httpapi.RouterConfig{
		Authenticate: a.authenticate, Limiter: a.cache, TrustProxy: a.cfg.TrustProxy,
		Remotes: remotes, Runs: a.runsHere, Title: "AutoEvent API", Version: Version,
	}
	// Limits are the gateway's job; a service behind it does not count twice.
	if gateway {
		rc.UserLimit, rc.AnonLimit = a.cfg.UserRateLimit, a.cfg.AnonRateLimit
	}
	a.router = httpapi.NewRouter(rc)
	return nil
}

// verifyRequest checks the bearer token of a request.
func (a *App) verifyRequest(r *http.Request) (authn.Claims, error) {
	tok, err := authn.BearerToken(r)
	if err != nil {
		return authn.Claims{}, apperr.ErrUnauthenticated.Wrap(err)
	}
	c, err := a.verifier.Verify(r.Context(), tok)
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, authn.ErrTokenExpired):
		return authn.Claims{}, apperr.New(apperr.Unauthenticated, "token_expired", "로그인이 만료되었습니다. 다시 로그인해 주세요.").Wrap(err)
	case errors.Is(err, authn.ErrUnauthenticated):
		return authn.Claims{}, apperr.New(apperr.Unauthenticated, "invalid_token", "인증 정보가 올바르지 않습니다.").Wrap(err)
	default:
		return authn.Claims{}, apperr.ErrUnavailable.Wrap(err)
	}
}

func (a *App) authenticate(r *http.Request) (httpapi.Principal, error) {
	c, err := a.verifyRequest(r)
	if err != nil {
		return httpapi.Principal{}, err
	}
	return httpapi.Principal{UserID: c.UserID, StoreID: c.StoreID, TokenID: c.TokenID}, nil
}

// Publish writes an event to the outbox in its own transaction (for events
// that are not the result of a state change here, and for tests).
func (a *App) Publish(ctx context.Context, e bus.Event) error {
	return a.db.InTx(ctx, func(tx *db.Tx) error { return a.relay.Publish(ctx, tx, e) })
}

func (a *App) onStart(f func(ctx context.Context) error) { a.starters = append(a.starters, f) }
func (a *App) onStop(f func())                           { a.stoppers = append(a.stoppers, f) }

func (a *App) buildHandler() {
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": Version})
	})
	a.mux.HandleFunc("GET /readyz", a.handleReady)
	a.mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg}))
	a.mux.Handle("/api/", a.router)
	a.mux.Handle("/sandbox/", a.sandbox)
	if a.cfg.Runs("gateway") {
		site := ui.New(ui.Config{API: a.router, Secure: a.cfg.TLSCert != "", CSRFKey: []byte(a.secrets.CSRFKey),
			Dev: a.cfg.Dev, Log: a.log})
		site.Routes(a.mux)
	}
	var origins []string
	for _, o := range strings.Split(a.cfg.CORSOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	metrics := httpapi.NewMetrics(a.reg)
	a.server = &http.Server{
		Handler: httpapi.Chain(a.mux,
			// Panics are recovered inside the request id and the access
			// log, so the log line and the 500 problem carry the id.
			httpapi.RequestIDs(a.log),
			httpapi.AccessLog(metrics),
			httpapi.Recover(),
			httpapi.SecurityHeaders(a.cfg.TLSCert != ""),
			httpapi.CORS(origins),
			httpapi.BodyLimit(httpapi.MaxBody),
		),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
}

func (a *App) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	for name, ping := range map[string]func(context.Context) error{"database": a.db.Ping, "bus": a.bus.Ping, "cache": a.cache.Ping} {
		if err := ping(ctx); err != nil {
			checks[name] = "down"
			ok = false
			a.log.Warn("readiness check failed", "dependency", name, "err", err)
		} else {
			checks[name] = "ok"
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	httpapi.WriteJSON(w, status, map[string]any{"ready": ok, "checks": checks})
}

// Handler is the app's root handler (for tests that skip the listener).
func (a *App) Handler() http.Handler { return a.server.Handler }

// URL is the base URL at which this process serves.
func (a *App) URL() string { return a.baseURL }

// Run serves until ctx is cancelled, then shuts down in order: stop taking
// requests and finish the in-flight ones, then the workers and consumers
// (finishing their current job), then the relay; stores close in Close.
func (a *App) Run(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		if err := a.relay.Run(runCtx); err != nil && runCtx.Err() == nil {
			a.log.Error("outbox relay stopped", "err", err)
		}
	}()
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		a.housekeeping(runCtx)
	}()
	for _, start := range a.starters {
		if err := start(runCtx); err != nil {
			return err
		}
	}
	if err := a.jobs.Start(runCtx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if a.cfg.TLSCert != "" {
			a.server.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			err = a.server.ServeTLS(a.ln, a.cfg.TLSCert, a.cfg.TLSKey)
		} else {
			err = a.server.Serve(a.ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		errc <- err
	}()
	a.log.Info("autoevent ready", "addr", a.ln.Addr().String(), "services", strings.Join(a.cfg.ServiceList(), ","),
		"database", string(a.db.Dialect()), "version", Version)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutCtx, stop := context.WithTimeout(context.Background(), a.cfg.ShutdownWait.Duration)
	defer stop()
	if err := a.server.Shutdown(shutCtx); err != nil {
		a.log.Warn("http shutdown", "err", err)
	}
	a.jobs.Stop()
	for i := len(a.stoppers) - 1; i >= 0; i-- {
		a.stoppers[i]()
	}
	cancel()
	a.bg.Wait()
	a.log.Info("autoevent stopped")
	return serveErr
}

// housekeeping prunes the consumers' processed-message records once they
// are older than anything the broker could still redeliver (events are kept
// 7 days).
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := bus.PruneProcessed(ctx, a.db, 8*24*time.Hour); err != nil && ctx.Err() == nil {
			a.log.Warn("prune processed messages", "err", err)
		} else if n > 0 {
			a.log.Info("pruned processed messages", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// every runs fn every d in the background until ctx ends (Run cancels it
// at shutdown, and waits for a run in progress).
func (a *App) every(ctx context.Context, d time.Duration, fn func(ctx context.Context)) {
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
}

// Close releases the stores in reverse order of opening.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// Migrate applies the migrations of the services named in cfg and returns
// (for `migrate`, the scaled-mode way; concurrent runs are safe).
func Migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	cfg.Addr = "127.0.0.1:0"
	cfg.Migrate = config.AutoBool{Set: true, Value: true}
	a, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	return a.Close()
}
