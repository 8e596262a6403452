package dirlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecondAcquireNamesTheHolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Record(Owner{Addr: "127.0.0.1:8080", URL: "http://127.0.0.1:8080", Command: "serve"}); err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second Acquire = %v, want *HeldError", err)
	}
	if held.Owner.PID != os.Getpid() || held.Owner.URL != "http://127.0.0.1:8080" {
		t.Errorf("holder = %+v, want pid %d and its URL", held.Owner, os.Getpid())
	}
	for _, want := range []string{fmt.Sprintf("pid %d", os.Getpid()), "127.0.0.1:8080", "`serve`", dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	again.Release()
}

// A process killed with SIGKILL leaves its LOCK file behind but not its
// lock: the next process starts.
func TestLockDiesWithItsProcess(t *testing.T) {
	if os.Getenv("DIRLOCK_HOLD") != "" {
		if _, err := Acquire(os.Getenv("DIRLOCK_HOLD")); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("held")
		select {} // until killed
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithItsProcess$")
	cmd.Env = append(os.Environ(), "DIRLOCK_HOLD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(line) != "held" {
		t.Fatalf("child: %q", line)
	}
	var held *HeldError
	if _, err := Acquire(dir); !errors.As(err, &held) || held.Owner.PID != cmd.Process.Pid {
		t.Fatalf("Acquire while the child holds it = %v, want *HeldError naming pid %d", err, cmd.Process.Pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	l.Release()
}
