// Command loadtest measures the participation service's entry path against
// the real app over loopback, in embedded mode (SQLite, synchronous=FULL)
// or on PostgreSQL:
//
//	go run ./cmd/loadtest                        # embedded
//	go run ./cmd/loadtest -postgres-url postgres://…
//
// It starts the app in a child process (this binary with -serve), signs up
// an owner through the API, has the child publish EventApproved (standing in
// for the event service) and then runs, each on a fresh event:
//
//  1. raw: one-row-per-transaction inserts into a scratch table of the same
//     database with the same durability setting, for comparison;
//  2. burst: N concurrent connections (default 10,000), each submitting one
//     distinct entry at the same instant: p50/p99, errors, and a check that
//     every 2xx entry is in the database exactly once;
//  3. sustained: an open-model load at a fixed arrival rate (latency counted
//     from each request's scheduled start, so queueing is not hidden);
//  4. coupons: N concurrent requests for 100 first-come coupons, repeated:
//     exactly 100 issued every time.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
)

func main() {
	if !run() {
		os.Exit(1)
	}
}

// run runs the whole load test and reports whether every check passed; it
// returns (rather than exits) so the deferred clean-ups run.
func run() bool {
	var (
		serveMode   = flag.Bool("serve", false, "internal: run the app (child process)")
		dataDir     = flag.String("data-dir", "", "data directory (default: a temporary one)")
		pgURL       = flag.String("postgres-url", "", "run on PostgreSQL instead of embedded SQLite")
		natsURL     = flag.String("nats-url", "", "use this external NATS (JetStream) instead of the embedded one (a fresh stream prefix, deleted afterwards)")
		redisURL    = flag.String("redis-url", "", "use this Redis as the cache instead of the in-process one")
		syncMode    = flag.String("sqlite-synchronous", "FULL", "SQLite synchronous pragma (FULL survives power loss)")
		conns       = flag.Int("conns", 10000, "burst: concurrent connections, one distinct entry each")
		rate        = flag.Int("rate", 10000, "sustained: arrival rate, entries per second")
		duration    = flag.Duration("duration", 10*time.Second, "sustained: how long to keep the rate")
		rawDur      = flag.Duration("raw-duration", 3*time.Second, "raw insert baseline duration")
		rawWorkers  = flag.Int("raw-workers", 64, "raw insert baseline: concurrent writers")
		couponReps  = flag.Int("coupon-reps", 20, "coupon test repetitions (0 = skip)")
		couponReqs  = flag.Int("coupon-requests", 10000, "coupon test: concurrent requests per repetition")
		coupons     = flag.Int("coupons", 100, "coupon test: stock")
		skipBurst   = flag.Bool("skip-burst", false, "skip the burst test")
		skipSustain = flag.Bool("skip-sustained", false, "skip the sustained test")
		killRate    = flag.Int("kill-rate", 0, "crash test: offer this rate, SIGKILL the server halfway, restart it and check every 201 entry is stored once (0 = skip)")
		netClient   = flag.Bool("net-http-client", false, "send with net/http's client instead of the lean raw HTTP/1.1 client (costs the shared CPU about as much as the server's entry path)")
		sconns      = flag.Int("sustained-conns", 4096, "sustained: keep-alive connections (workers) sending the due requests")
		pprofAddr   = flag.String("pprof-addr", "", "serve net/http/pprof from the child on this loopback address (e.g. 127.0.0.1:6061)")
		profPrefix  = flag.String("profile", "", "write CPU profiles of the server and of this load generator for the burst and sustained phases to PREFIX-{server,client}-{phase}.prof (needs -pprof-addr)")
	)
	flag.Parse()
	useNetHTTP = *netClient
	if *dataDir == "" {
		d, err := os.MkdirTemp("", "autoevent-loadtest-")
		if err != nil {
			fatal(err)
		}
		if !*serveMode {
			defer os.RemoveAll(d)
		}
		*dataDir = d
	}
	if !*serveMode {
		// The load generator shares the machine with the server: collect
		// its garbage less often (the server keeps the runtime default).
		debug.SetGCPercent(400)
	}
	if *serveMode {
		if err := serve(*dataDir, *pgURL, *syncMode); err != nil {
			fatal(err)
		}
		return true
	}
	defer runCleanups()
	if *pgURL != "" {
		var drop func()
		*pgURL, drop = freshSchema(*pgURL)
		atExit(drop)
	}
	if *natsURL != "" {
		prefix := fmt.Sprintf("lt%d", time.Now().UnixNano()%1e9)
		os.Setenv("LOADTEST_NATS_URL", *natsURL) // inherited by every server this run starts
		os.Setenv("LOADTEST_NATS_PREFIX", prefix)
		atExit(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := bus.DeleteStreams(ctx, *natsURL, prefix); err != nil {
				fmt.Fprintln(os.Stderr, "loadtest:", err)
			}
		})
	}
	if *redisURL != "" {
		os.Setenv("LOADTEST_REDIS_URL", *redisURL)
	}
	srv, err := startServer(*dataDir, *pgURL, *syncMode, *pprofAddr)
	if err != nil {
		fatal(err)
	}
	atExit(func() { srv.stop() }) // srv as it is then: the crash test replaces it
	mode := "embedded (SQLite, synchronous=" + strings.ToUpper(*syncMode) + ")"
	if *pgURL != "" {
		mode = "PostgreSQL"
	}
	if *natsURL != "" {
		mode += " + external NATS"
	}
	if *redisURL != "" {
		mode += " + Redis"
	}
	fmt.Printf("# participation load test — %s, GOMAXPROCS=%d, %s/%s\n", mode, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("server %s, data dir %s, load average before: %s\n\n", srv.url, *dataDir, loadAvg())
	prof := profiler{addr: *pprofAddr, prefix: *profPrefix, pid: srv.cmd.Process.Pid}

	d, err := db.Open(context.Background(), db.Config{Path: filepath.Join(*dataDir, "autoevent.db"), PostgresURL: *pgURL, Synchronous: *syncMode})
	if err != nil {
		fatal(err)
	}
	defer d.Close()
	owner := signup(srv.url)

	raw := rawInserts(d, *rawWorkers, *rawDur)
	fmt.Printf("raw one-row-per-transaction inserts (%d writers, %s): %.0f rows/s\n\n", *rawWorkers, *rawDur, raw)

	failed := false
	if !*skipBurst {
		ev := srv.approve(owner, messages.MethodLottery, 0)
		var m *measure
		gc0 := groupCommit(srv.url)
		r := burst(srv.url, ev, *conns, func() { m = prof.start("burst", 0) })
		usage := m.stop()
		n, distinct := countEntries(d, ev)
		ok := r.errors == 0 && n == int64(r.created) && distinct == n && r.distinctNumbers == r.created
		fmt.Printf("burst: %d concurrent connections, one entry each\n", *conns)
		fmt.Printf("  201: %d, errors: %d, p50 %s, p99 %s, max %s, wall %s (%.0f entries/s)\n",
			r.created, r.errors, r.p(50), r.p(99), r.p(100), r.wall.Round(time.Millisecond), float64(r.created)/r.wall.Seconds())
		fmt.Printf("  database: %d rows, %d distinct phones, %d distinct entry numbers answered → %s\n", n, distinct, r.distinctNumbers, verdict(ok))
		fmt.Printf("  %s\n", groupCommit(srv.url).since(gc0, r.wall))
		fmt.Printf("  %s\n\n", usage)
		failed = failed || !ok
	}
	if !*skipSustain {
		ev := srv.approve(owner, messages.MethodLottery, 0)
		var m *measure
		gc0 := groupCommit(srv.url)
		r := sustained(srv.url, ev, *rate, *duration, *sconns, func() { m = prof.start("sustained", *duration) })
		usage := m.stop()
		n, distinct := countEntries(d, ev)
		ok := n == int64(r.created) && distinct == n
		fmt.Printf("sustained: open model, %d entries/s offered for %s\n", *rate, *duration)
		fmt.Printf("  201: %d, errors: %d, achieved %.0f durable entries/s, p50 %s, p99 %s, max %s\n",
			r.created, r.errors, float64(r.created)/r.wall.Seconds(), r.p(50), r.p(99), r.p(100))
		fmt.Printf("  database: %d rows, %d distinct phones → %s\n", n, distinct, verdict(ok))
		fmt.Printf("  vs raw one-row-per-transaction: %.1f×\n", float64(r.created)/r.wall.Seconds()/raw)
		fmt.Printf("  %s\n", groupCommit(srv.url).since(gc0, r.wall))
		fmt.Printf("  %s\n\n", usage)
		failed = failed || !ok
	}
	for rep := 0; rep < *couponReps; rep++ {
		ev := srv.approve(owner, messages.MethodFirstCome, *coupons)
		r := burst(srv.url, ev, *couponReqs, nil)
		issued := couponsIssued(d, ev)
		ok := r.withCoupon == *coupons && issued == *coupons && r.created == *coupons && r.errors == 0
		fmt.Printf("coupons rep %2d: %d requests, %d coupons answered, %d in the database, %d sold-out answers, errors %d, p99 %s → %s\n",
			rep+1, *couponReqs, r.withCoupon, issued, r.soldOut, r.errors, r.p(99), verdict(ok))
		failed = failed || !ok
	}
	if *killRate > 0 {
		var ok bool
		srv, ok = crash(srv, owner, d, *dataDir, *pgURL, *syncMode, *killRate, *duration, *sconns)
		failed = failed || !ok
	}
	return !failed
}

// crash offers load, kills the server with SIGKILL halfway through, restarts
// it on the same data and checks that every entry answered 201 before the
// kill is stored, exactly once: a 2xx is a durable promise.
func crash(srv *server, o owner, d *db.DB, dataDir, pgURL, sync string, rate int, dur time.Duration, conns int) (*server, bool) {
	ev := srv.approve(o, messages.MethodLottery, 0)
	go func() {
		time.Sleep(dur / 2)
		_ = srv.cmd.Process.Signal(syscall.SIGKILL)
	}()
	r := sustained(srv.url, ev, rate, dur, min(conns, 1024), nil)
	_ = srv.cmd.Wait()
	next, err := startServer(dataDir, pgURL, sync, "")
	if err != nil {
		fatal(fmt.Errorf("restart after kill: %w", err))
	}
	stored := map[int64]int{}
	rows, err := d.QueryContext(context.Background(), "SELECT entry_number FROM participation_entries WHERE event_id = ?", ev.id)
	if err != nil {
		fatal(err)
	}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			fatal(err)
		}
		stored[n]++
	}
	rows.Close()
	lost, twice := 0, 0
	for n := range r.numbers {
		switch stored[n] {
		case 0:
			lost++
		case 1:
		default:
			twice++
		}
	}
	n, distinct := countEntries(d, ev)
	ok := lost == 0 && twice == 0 && distinct == n
	fmt.Printf("crash: %d entries/s offered, server SIGKILLed after %s and restarted\n", rate, dur/2)
	fmt.Printf("  201 before the kill: %d; failed requests (server gone): %d\n", r.created, r.errors)
	fmt.Printf("  database after restart: %d rows (%d distinct phones); 201 entries missing: %d, stored twice: %d → %s\n",
		n, distinct, lost, twice, verdict(ok))
	fmt.Printf("  (rows beyond the 201s are entries committed whose answer the kill cut off: stored, never acknowledged)\n\n")
	return next, ok
}

func verdict(ok bool) string {
	if ok {
		return "OK"
	}
	return "FAIL"
}

// Clean-ups that must run however the test ends (its PostgreSQL schema,
// its NATS streams): run's defer on the way out, fatal before exiting from
// any goroutine.
var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func runCleanups() {
	cleanupMu.Lock()
	fs := cleanups
	cleanups = nil
	cleanupMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	runCleanups()
	os.Exit(1)
}

// --- server process ---

type server struct {
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	once  sync.Once
}

func startServer(dataDir, pgURL, sync, pprofAddr string) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-serve", "-data-dir", dataDir, "-postgres-url", pgURL, "-sqlite-synchronous", sync)
	if pprofAddr != "" {
		cmd.Env = append(os.Environ(), "LOADTEST_PPROF_ADDR="+pprofAddr)
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("server did not start: %w", err)
	}
	s := &server{url: strings.TrimSpace(line), cmd: cmd, stdin: stdin}
	for i := 0; i < 200; i++ {
		if res, err := http.Get(s.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("server not ready")
}

func (s *server) stop() {
	s.once.Do(func() {
		_ = s.stdin.Close() // the child stops when its stdin closes
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	})
}

type owner struct{ token, userID, storeID string }

type ev struct{ id string }

// approve has the child publish EventApproved and waits until the
// participation service has its copy.
func (s *server) approve(o owner, method messages.Method, coupons int) ev {
	id := uuid.NewString()
	m := messages.EventApproved{EventID: id, OwnerID: o.userID, StoreID: o.storeID, StoreName: "부하 테스트 가게",
		Title: "부하 테스트", Benefit: "커피", Description: "테스트", Method: method, CouponCount: coupons,
		StartsAt: time.Now().Add(-time.Hour), EndsAt: time.Now().Add(24 * time.Hour), OccurredAt: time.Now()}
	b, _ := json.Marshal(m)
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		fatal(err)
	}
	for i := 0; i < 500; i++ {
		req, _ := http.NewRequest("GET", s.url+"/api/v1/events/"+id+"/participation", nil)
		req.Header.Set("Authorization", "Bearer "+o.token)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return ev{id: id}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	fatal(fmt.Errorf("event %s never reached the participation service", id))
	return ev{}
}

func signup(base string) owner {
	email := fmt.Sprintf("load%d@example.kr", time.Now().UnixNano())
	body := map[string]any{"email": email, "password": "passw0rd!", "ownerName": "부하", "phone": "010-1234-5678",
		"businessNumber": businessNumber(), "store": map[string]string{"name": "부하 테스트 가게", "industry": "CAFE", "region": "서울 강남구", "address": "테스트로 1"}}
	var s struct {
		User  struct{ ID string } `json:"user"`
		Store struct{ ID string } `json:"store"`
	}
	post(base+"/api/v1/auth/signup", body, 201, &s)
	var t struct{ AccessToken string }
	post(base+"/api/v1/auth/login", map[string]string{"email": email, "password": "passw0rd!"}, 200, &t)
	return owner{token: t.AccessToken, userID: s.User.ID, storeID: s.Store.ID}
}

func post(url string, body any, want int, out any) {
	b, _ := json.Marshal(body)
	res, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		fatal(err)
	}
	defer res.Body.Close()
	rb, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		fatal(fmt.Errorf("POST %s: %d %s", url, res.StatusCode, rb))
	}
	if err := json.Unmarshal(rb, out); err != nil {
		fatal(err)
	}
}

// businessNumber returns a number with a valid check digit.
func businessNumber() string {
	weights := []int{1, 3, 7, 1, 3, 7, 1, 3, 5}
	n := time.Now().UnixNano() % 10_000_000
	d := fmt.Sprintf("%03d81%04d", 100+n%800, (n/800)%10000)
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	sum += int(d[8]-'0') * 5 / 10
	return d + fmt.Sprint((10-sum%10)%10)
}

// --- database checks ---

func countEntries(d *db.DB, e ev) (n, distinct int64) {
	err := d.QueryRowContext(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT phone_hash) FROM participation_entries WHERE event_id = ?`, e.id).Scan(&n, &distinct)
	if err != nil {
		fatal(err)
	}
	return n, distinct
}

func couponsIssued(d *db.DB, e ev) int {
	var n int
	err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM participation_entries WHERE event_id = ? AND coupon_code IS NOT NULL`, e.id).Scan(&n)
	if err != nil {
		fatal(err)
	}
	return n
}

// rawInserts measures one-row-per-transaction inserts with the same
// database and durability setting as the app.
func rawInserts(d *db.DB, workers int, dur time.Duration) float64 {
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS loadtest_raw (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, payload TEXT NOT NULL)`); err != nil {
		fatal(err)
	}
	var n atomic.Int64
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				err := d.InTx(ctx, func(tx *db.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO loadtest_raw (id, event_id, payload) VALUES (?, ?, ?)`,
						uuid.NewString(), "raw", strings.Repeat("x", 200))
					return err
				})
				if err != nil {
					fatal(err)
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	rate := float64(n.Load()) / time.Since(start).Seconds()
	_, _ = d.ExecContext(ctx, `DROP TABLE loadtest_raw`)
	return rate
}

// freshSchema creates an empty schema for this run and returns the URL
// that uses it and a func dropping it afterwards.
func freshSchema(base string) (string, func()) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		fatal(err)
	}
	schema := fmt.Sprintf("loadtest_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		fatal(err)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema, func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: drop schema:", err)
		}
	}
}

// --- load ---

type result struct {
	lat             []time.Duration
	created         int
	withCoupon      int
	soldOut         int
	errors          int
	distinctNumbers int
	numbers         map[int64]bool // entry numbers answered 201
	wall            time.Duration
	errSample       map[string]int
}

func (r *result) p(q int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	slices.Sort(r.lat)
	i := (len(r.lat)*q + 99) / 100
	i = min(max(i-1, 0), len(r.lat)-1)
	return r.lat[i].Round(100 * time.Microsecond)
}

type answer struct {
	EntryNumber int64            `json:"entryNumber"`
	Coupon      *json.RawMessage `json:"coupon"`
}

var phoneSeq atomic.Int64

// useNetHTTP selects net/http's client for the load (-net-http-client).
var useNetHTTP bool

func nextBody() []byte {
	n := phoneSeq.Add(1)
	return []byte(fmt.Sprintf(`{"name":"손님%d","phone":"010%08d","consents":{"marketing":%t}}`, n, n%100_000_000, n%3 == 0))
}

type collector struct {
	mu      sync.Mutex
	r       result
	numbers map[int64]bool
}

func newCollector() *collector {
	return &collector{numbers: map[int64]bool{}, r: result{errSample: map[string]int{}}}
}

func (c *collector) record(lat time.Duration, status int, body []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.r.lat = append(c.r.lat, lat)
	switch {
	case err != nil:
		c.r.errors++
		c.r.errSample[trim(err.Error())]++
	case status == 201:
		c.r.created++
		var a answer
		if json.Unmarshal(body, &a) == nil {
			c.numbers[a.EntryNumber] = true
			if a.Coupon != nil {
				c.r.withCoupon++
			}
		}
	case status == 409 && bytes.Contains(body, []byte(`"sold_out"`)):
		c.r.soldOut++
	default:
		c.r.errors++
		c.r.errSample[fmt.Sprintf("%d %s", status, trim(string(body)))]++
	}
}

func trim(s string) string {
	if len(s) > 120 {
		return s[:120]
	}
	return s
}

func (c *collector) done(wall time.Duration) result {
	c.r.wall = wall
	c.r.distinctNumbers = len(c.numbers)
	c.r.numbers = c.numbers
	for k, v := range c.r.errSample {
		fmt.Printf("  error ×%d: %s\n", v, k)
	}
	return c.r
}

func send(client *http.Client, url string, body []byte) (int, []byte, error) {
	res, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// burst opens n connections first (a listen backlog of 4096 would turn
// 10,000 simultaneous dials into SYN retries measured as entry latency),
// then has all n submit one distinct entry at the same instant.
func burst(base string, e ev, n int, atStart func()) result {
	path := "/api/v1/public/events/" + e.id + "/entries"
	var post func(i int, body []byte) (int, []byte, error)
	if useNetHTTP {
		tr := &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n, IdleConnTimeout: time.Minute}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
		warm(client, base, n)
		post = func(_ int, body []byte) (int, []byte, error) { return send(client, base+path, body) }
	} else {
		conns := dialAll(base, n)
		defer func() {
			for _, c := range conns {
				c.close()
			}
		}()
		post = func(i int, body []byte) (int, []byte, error) { return conns[i].post(path, body, 60*time.Second) }
	}
	var wg sync.WaitGroup
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = nextBody()
	}
	c := newCollector()
	gate := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			t0 := time.Now()
			st, b, err := post(i, bodies[i])
			c.record(time.Since(t0), st, b, err)
		}()
	}
	if atStart != nil {
		atStart() // after the connections are open
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	return c.done(time.Since(start))
}

// sustained offers rate entries per second for dur (open model: request i
// is due at start + i/rate whether or not earlier ones have answered; its
// latency counts from that due time, so time spent waiting for a free
// connection is counted, not hidden). conns workers, each on its own
// keep-alive connection opened before the clock starts, send the due
// requests: a goroutine and a dial per request would make the load
// generator, which shares the machine, the bottleneck.
func sustained(base string, e ev, rate int, dur time.Duration, conns int, atStart func()) result {
	path := "/api/v1/public/events/" + e.id + "/entries"
	var post func(w int, body []byte) (int, []byte, error)
	if useNetHTTP {
		tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
		warm(client, base, conns)
		post = func(_ int, body []byte) (int, []byte, error) { return send(client, base+path, body) }
	} else {
		cs := dialAll(base, conns)
		defer func() {
			for _, c := range cs {
				c.close()
			}
		}()
		post = func(w int, body []byte) (int, []byte, error) { return cs[w].post(path, body, 60*time.Second) }
	}
	total := int(float64(rate) * dur.Seconds())
	type job struct {
		at   time.Time
		body []byte
	}
	jobs := make(chan job, total)
	c := newCollector()
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				st, b, err := post(w, j.body)
				c.record(time.Since(j.at), st, b, err)
			}
		}()
	}
	interval := time.Second / time.Duration(rate)
	if atStart != nil {
		atStart()
	}
	start := time.Now()
	// Tick every millisecond and release the requests that are due: a
	// timer per request would cost more than the request.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	sent := 0
	for sent < total {
		<-tick.C
		due := min(int(time.Since(start)/interval)+1, total)
		for ; sent < due; sent++ {
			jobs <- job{at: start.Add(time.Duration(sent) * interval), body: nextBody()}
		}
	}
	close(jobs)
	wg.Wait()
	return c.done(time.Since(start))
}

// warm opens n keep-alive connections, 500 dials at a time: each request
// keeps its connection busy (body unread) until all n are open, so the
// transport cannot hand one connection to several of them.
func warm(client *http.Client, base string, n int) {
	var opened, done sync.WaitGroup
	sem := make(chan struct{}, 500)
	gate := make(chan struct{})
	for i := 0; i < n; i++ {
		opened.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			sem <- struct{}{}
			res, err := client.Get(base + "/healthz")
			<-sem
			opened.Done()
			<-gate
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	opened.Wait()
	close(gate)
	done.Wait()
}

// batchStats reads the committers' counters from /metrics.
// commitStats are the server's group-commit counters (from /metrics).
type commitStats struct{ batches, entries, busy float64 }

func groupCommit(base string) commitStats {
	var c commitStats
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return c
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		for prefix, v := range map[string]*float64{"autoevent_participation_batches_total ": &c.batches,
			"autoevent_participation_batch_entries_total ": &c.entries, "autoevent_participation_batch_seconds_total ": &c.busy} {
			if s, ok := strings.CutPrefix(line, prefix); ok {
				fmt.Sscan(s, v)
			}
		}
	}
	return c
}

// since describes the group commits of a phase of the given wall time.
func (c commitStats) since(before commitStats, wall time.Duration) string {
	b, n, busy := c.batches-before.batches, c.entries-before.entries, c.busy-before.busy
	return fmt.Sprintf("group commit: %.0f transactions carried %.0f entries (mean batch %.1f); time in commit transactions %.2fs of %.2fs wall (%.0f%%, summed over committers, waits for the event row included)",
		b, n, n/max(b, 1), busy, wall.Seconds(), 100*busy/wall.Seconds())
}
