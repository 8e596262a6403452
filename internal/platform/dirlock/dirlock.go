// Package dirlock gives one data directory to one process. The embedded
// NATS store and the SQLite file are safe for one process only: a second
// process opening the same JetStream files corrupts them ("lmb missing"),
// so the first process holds an exclusive flock on <dir>/LOCK for as long
// as it runs, and writes there who it is, so that a second one can say
// which process holds the directory (or talk to it instead).
//
// The lock is the kernel's: it goes away with the process, even on kill -9,
// so a LOCK file left behind never blocks a start; its content is trusted
// only while the lock is held.
package dirlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FileName is the lock file inside the data directory.
const FileName = "LOCK"

// Owner is what the holding process writes into the lock file.
type Owner struct {
	PID int `json:"pid"`
	// Addr is the listen address; URL is how a process on this machine
	// reaches it; PublicURL is what owners open in a browser.
	Addr      string    `json:"addr,omitempty"`
	URL       string    `json:"url,omitempty"`
	PublicURL string    `json:"publicUrl,omitempty"`
	Command   string    `json:"command,omitempty"`
	Since     time.Time `json:"since"`
}

// HeldError is returned by Acquire when another process holds the
// directory. Owner is what that process wrote (zero fields when it has not
// written them yet).
type HeldError struct {
	Dir   string
	Owner Owner
}

func (e *HeldError) Error() string {
	var who []string
	if e.Owner.PID > 0 {
		who = append(who, fmt.Sprintf("pid %d", e.Owner.PID))
	}
	if e.Owner.Command != "" {
		who = append(who, "`"+e.Owner.Command+"`")
	}
	if e.Owner.Addr != "" {
		who = append(who, "listening on "+e.Owner.Addr)
	}
	if !e.Owner.Since.IsZero() {
		who = append(who, "since "+e.Owner.Since.Local().Format("2006-01-02 15:04:05"))
	}
	desc := "another process"
	if len(who) > 0 {
		desc += " (" + strings.Join(who, ", ") + ")"
	}
	return fmt.Sprintf("data dir %s is in use by %s: one data dir belongs to one process; stop that process or use another --data-dir", e.Dir, desc)
}

// Lock is a held data directory.
type Lock struct {
	f     *os.File
	owner Owner
}

// Acquire takes the directory (creating it) or returns a *HeldError
// naming the process that holds it. It never waits.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil { // owner-only, like the database and secrets.json in it
		return nil, fmt.Errorf("dirlock: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("dirlock: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errHeld) {
			return nil, &HeldError{Dir: dir, Owner: readOwner(path)}
		}
		return nil, fmt.Errorf("dirlock: lock %s: %w", path, err)
	}
	l := &Lock{f: f, owner: Owner{PID: os.Getpid(), Since: time.Now().UTC().Truncate(time.Second)}}
	if err := l.write(); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// Record adds what o says (address, URLs, command) to the lock file; the
// pid and start time stay those of Acquire.
func (l *Lock) Record(o Owner) error {
	o.PID, o.Since = l.owner.PID, l.owner.Since
	l.owner = o
	return l.write()
}

func (l *Lock) write() error {
	b, _ := json.Marshal(l.owner)
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("dirlock: %w", err)
	}
	if _, err := l.f.WriteAt(append(b, '\n'), 0); err != nil {
		return fmt.Errorf("dirlock: %w", err)
	}
	return nil
}

// Release empties the lock file and lets the directory go. The file stays:
// removing it could let two processes lock two different inodes.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// readOwner reads what the holder wrote. It may not have written yet (it
// takes the lock, then writes), so a few short retries cover that moment.
func readOwner(path string) Owner {
	var o Owner
	for range 20 {
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &o) == nil && o.PID > 0 {
			return o
		}
		time.Sleep(10 * time.Millisecond)
	}
	return o
}
