package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// CPU accounting and profiling per phase. Client and server share the
// machine, so a throughput figure means little without knowing how many
// cores each side burned and what else was running (the load average).

// clockTicks is USER_HZ, 100 on every Linux this runs on.
const clockTicks = 100

// cpuTime returns the user+system CPU time of process pid ("self" for
// this one) from /proc; 0 when unavailable (not Linux).
func cpuTime(pid string) time.Duration {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the ")" closing the command name: state is field 3,
	// utime and stime are fields 14 and 15.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * time.Second / clockTicks
}

// machineTicks returns the busy and total jiffies of all CPUs (/proc/stat).
func machineTicks() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i >= 8 { // guest time is already in user
			break
		}
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

type profiler struct {
	addr, prefix string
	pid          int
}

type measure struct {
	p              profiler
	busy0, total0  int64
	phase          string
	t0             time.Time
	server, client time.Duration
	load           string
	serverProf     chan error
	clientProf     *os.File
}

// start begins a phase: CPU counters, and when asked CPU profiles of both
// processes (the server's for dur, rounded up to whole seconds, or 10 s).
func (p profiler) start(phase string, dur time.Duration) *measure {
	m := &measure{p: p, phase: phase, t0: time.Now(), load: loadAvg(),
		server: cpuTime(strconv.Itoa(p.pid)), client: cpuTime("self")}
	m.busy0, m.total0 = machineTicks()
	if p.prefix == "" || p.addr == "" {
		return m
	}
	secs := int((dur + time.Second - 1) / time.Second)
	if secs <= 0 {
		secs = 10
	}
	m.serverProf = make(chan error, 1)
	go func() {
		m.serverProf <- fetchProfile(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.addr, secs),
			p.prefix+"-server-"+phase+".prof")
	}()
	if f, err := os.Create(p.prefix + "-client-" + phase + ".prof"); err == nil {
		if pprof.StartCPUProfile(f) == nil {
			m.clientProf = f
		} else {
			f.Close()
		}
	}
	return m
}

// stop ends the phase and describes the CPU both processes used in it.
func (m *measure) stop() string {
	wall := time.Since(m.t0)
	busy, total := machineTicks()
	machine := float64(busy-m.busy0) / float64(max(total-m.total0, 1)) * float64(runtime.NumCPU())
	server := cpuTime(strconv.Itoa(m.p.pid)) - m.server
	client := cpuTime("self") - m.client
	if m.clientProf != nil {
		pprof.StopCPUProfile()
		m.clientProf.Close()
	}
	if m.serverProf != nil {
		if err := <-m.serverProf; err != nil {
			fmt.Fprintln(os.Stderr, "server profile:", err)
		}
	}
	return fmt.Sprintf("CPU over %s: server %.2f cores, load generator %.2f cores, whole machine %.2f of %d (PostgreSQL, other jobs); load average at start %s; server peak RSS so far %s",
		wall.Round(time.Millisecond), server.Seconds()/wall.Seconds(), client.Seconds()/wall.Seconds(), machine, runtime.NumCPU(), m.load,
		peakRSS(strconv.Itoa(m.p.pid)))
}

// peakRSS returns the peak resident set size of process pid (VmHWM).
func peakRSS(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return fmt.Sprintf("%d MiB", kb/1024)
		}
	}
	return "?"
}

func fetchProfile(url, path string) error {
	res, err := http.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
