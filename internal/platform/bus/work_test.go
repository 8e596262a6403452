package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func work(t testing.TB, ctx context.Context, b *Bus, queue string, workers int, h WorkHandler, opts ...Option) *Consumer {
	t.Helper()
	c, err := b.Work(ctx, queue, workers, h, opts...)
	if err != nil {
		t.Fatalf("Work: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

func publishJobs(t testing.TB, b *Bus, queue string, n int) {
	t.Helper()
	for i := range n {
		if err := b.PublishWork(context.Background(), queue, fmt.Sprint("job-", i), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWorkRunsEveryJobWithBoundedWorkers(t *testing.T) {
	eachBus(t, nil, func(t *testing.T, b *Bus) {
		const jobs, workers = 24, 3
		publishJobs(t, b, "render", jobs)
		ctx := context.Background()
		if n, err := b.QueueDepth(ctx, "render"); err != nil || n != jobs {
			t.Fatalf("QueueDepth before = %d, %v; want %d", n, err, jobs)
		}
		var running, peak atomic.Int32
		var mu sync.Mutex
		seen := map[string]int{}
		c := work(t, ctx, b, "render", workers, func(ctx context.Context, m Message) error {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			seen[m.ID]++
			mu.Unlock()
			return nil
		})
		eventually(t, 10*time.Second, "all jobs done", func() bool { return c.Stats().Handled == jobs })
		if p := peak.Load(); p != workers {
			t.Errorf("peak concurrency = %d, want %d", p, workers)
		}
		mu.Lock()
		for id, n := range seen {
			if n != 1 {
				t.Errorf("job %s ran %d times, want 1", id, n)
			}
		}
		if len(seen) != jobs {
			t.Errorf("distinct jobs run = %d, want %d", len(seen), jobs)
		}
		mu.Unlock()
		eventually(t, 5*time.Second, "queue empty", func() bool {
			n, err := b.QueueDepth(ctx, "render")
			return err == nil && n == 0
		})
	})
}

func TestPublishWorkDeduplicatesByID(t *testing.T) {
	eachBus(t, nil, func(t *testing.T, b *Bus) {
		ctx := context.Background()
		for range 3 {
			if err := b.PublishWork(ctx, "mail", "job-42", []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := b.QueueDepth(ctx, "mail"); err != nil || n != 1 {
			t.Errorf("QueueDepth = %d, %v; want 1", n, err)
		}
	})
}

// A worker stopped mid-job (its context cancelled before the ack) gives the
// job back; the next worker completes it.
func TestWorkCancelledJobIsRedelivered(t *testing.T) {
	eachBus(t, nil, func(t *testing.T, b *Bus) {
		publishJobs(t, b, "video", 1)
		started := make(chan struct{})
		ctx, cancel := context.WithCancel(context.Background())
		first, err := b.Work(ctx, "video", 1, func(ctx context.Context, m Message) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		<-started
		cancel()
		first.Stop()

		done := make(chan Message, 1)
		work(t, context.Background(), b, "video", 1, func(ctx context.Context, m Message) error {
			done <- m
			return nil
		})
		select {
		case m := <-done:
			if m.ID != "job-0" || m.Delivery != 2 {
				t.Errorf("redelivered job = %s delivery %d, want job-0 delivery 2", m.ID, m.Delivery)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("job not redelivered after the worker was cancelled")
		}
	})
}

// A job running longer than the ack wait is not handed to a second worker:
// the heartbeats keep it.
func TestWorkHeartbeatsKeepLongJob(t *testing.T) {
	eachBus(t, nil, func(t *testing.T, b *Bus) {
		publishJobs(t, b, "long", 1)
		var calls atomic.Int32
		c := work(t, context.Background(), b, "long", 2, func(ctx context.Context, m Message) error {
			calls.Add(1)
			time.Sleep(time.Second)
			return nil
		}, WithAckWait(300*time.Millisecond))
		eventually(t, 5*time.Second, "job done", func() bool { return c.Stats().Handled == 1 })
		time.Sleep(400 * time.Millisecond)
		if got := calls.Load(); got != 1 {
			t.Errorf("handler calls = %d, want 1", got)
		}
	})
}

func TestWorkDeadLettersFailingJob(t *testing.T) {
	eachBus(t, nil, func(t *testing.T, b *Bus) {
		publishJobs(t, b, "flaky", 1)
		var calls atomic.Int32
		c := work(t, context.Background(), b, "flaky", 1, func(ctx context.Context, m Message) error {
			calls.Add(1)
			return errors.New("provider down")
		})
		eventually(t, 5*time.Second, "dead-lettered", func() bool { return c.Stats().DeadLettered == 1 })
		if got := calls.Load(); got != 3 {
			t.Errorf("attempts = %d, want MaxDeliver = 3", got)
		}
		dl := lastDeadLetter(t, b, "dlq.work_flaky.jobs.flaky")
		if got := dl.Header[HeaderError]; got != "provider down" {
			t.Errorf("%s = %q, want provider down", HeaderError, got)
		}
		if n, err := b.DeadLetters(context.Background()); err != nil || n != 1 {
			t.Errorf("DeadLetters = %d, %v; want 1", n, err)
		}
		eventually(t, 5*time.Second, "queue empty", func() bool {
			n, err := b.QueueDepth(context.Background(), "flaky")
			return err == nil && n == 0
		})
	})
}

func TestWorkRejectsBadInput(t *testing.T) {
	b := openNATS(t, "embedded", nil)
	ctx := context.Background()
	nop := func(context.Context, Message) error { return nil }
	if _, err := b.Work(ctx, "a.b", 1, nop); !errors.Is(err, ErrName) {
		t.Errorf("Work(a.b) err = %v, want ErrName", err)
	}
	if err := b.PublishWork(ctx, "ok", "", nil); !errors.Is(err, ErrName) {
		t.Errorf("PublishWork(empty id) err = %v, want ErrName", err)
	}
	if err := b.PublishWork(ctx, "a>b", "x", nil); !errors.Is(err, ErrName) {
		t.Errorf("PublishWork(a>b) err = %v, want ErrName", err)
	}
	if _, err := b.QueueDepth(ctx, "*"); !errors.Is(err, ErrName) {
		t.Errorf("QueueDepth(*) err = %v, want ErrName", err)
	}
}

// Two processes working one queue share its jobs: each job runs once, and
// both take part (their first jobs wait for each other: a barrier).
func TestWorkQueueSharedByTwoProcesses(t *testing.T) {
	eachPair(t, nil, func(t *testing.T, b1, b2 *Bus) {
		const jobs = 12
		publishJobs(t, b1, "shared", jobs)
		meet := newRendezvous(2)
		var mu sync.Mutex
		runs := map[string]int{}
		handler := func(who int) WorkHandler {
			return func(ctx context.Context, m Message) error {
				if err := meet.arrive(ctx, who); err != nil {
					return err
				}
				mu.Lock()
				runs[m.ID]++
				mu.Unlock()
				return nil
			}
		}
		ctx := context.Background()
		c1 := work(t, ctx, b1, "shared", 1, handler(0))
		c2 := work(t, ctx, b2, "shared", 1, handler(1))
		eventually(t, 15*time.Second, "all jobs done", func() bool { return c1.Stats().Handled+c2.Stats().Handled == jobs })
		if h1, h2 := c1.Stats().Handled, c2.Stats().Handled; h1 == 0 || h2 == 0 {
			t.Errorf("processes ran %d and %d jobs, want both to take part", h1, h2)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(runs) != jobs {
			t.Errorf("distinct jobs run = %d, want %d", len(runs), jobs)
		}
		for id, n := range runs {
			if n != 1 {
				t.Errorf("job %s ran %d times, want 1", id, n)
			}
		}
	})
}
