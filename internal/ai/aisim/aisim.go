// Package aisim is the shared core of the AI sandbox simulators
// (internal/sandbox/anthropic and internal/sandbox/openai): latency and
// failure injection, and realistic answers built from the brief the
// Recommender sends (the local planner's draft, varied a little, as a real
// model would rewrite it).
package aisim

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
)

// Faults configures injected latency and failures.
type Faults struct {
	// Latency is added to every answer; Jitter adds a uniform [0, Jitter).
	Latency time.Duration
	Jitter  time.Duration
	// ErrorRate in [0,1] is the share of requests answered with ErrorStatus
	// (default 500; 429 and 529 carry RetryAfter).
	ErrorRate   float64
	ErrorStatus int
	RetryAfter  time.Duration
	// MalformedRate in [0,1] is the share of first attempts answered with
	// output that is not the JSON asked for; MalformedRepairs spoils the
	// repair attempts too (to exercise the fallback).
	MalformedRate    float64
	MalformedRepairs bool
}

// Stats counts what the simulator did.
type Stats struct {
	Requests, Errors, Malformed int64
}

// Injector decides latency, failures and malformed answers. It is safe for
// concurrent use.
type Injector struct {
	mu  sync.Mutex
	f   Faults
	rng *rand.Rand

	requests, errors, malformed atomic.Int64
}

// NewInjector returns an injector; the seed makes runs repeatable.
func NewInjector(f Faults, seed uint64) *Injector {
	return &Injector{f: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// SetFaults changes the faults at run time.
func (in *Injector) SetFaults(f Faults) {
	in.mu.Lock()
	in.f = f
	in.mu.Unlock()
}

// Faults returns the current faults.
func (in *Injector) Faults() Faults {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.f
}

// Stats returns the counters.
func (in *Injector) Stats() Stats {
	return Stats{Requests: in.requests.Load(), Errors: in.errors.Load(), Malformed: in.malformed.Load()}
}

// Float64 is a random number in [0,1) from the injector's source.
func (in *Injector) Float64() float64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rng.Float64()
}

// Wait sleeps the configured latency, returning early when ctx ends.
func (in *Injector) Wait(ctx context.Context) error {
	in.requests.Add(1)
	f := in.Faults()
	d := f.Latency
	if f.Jitter > 0 {
		d += time.Duration(in.Float64() * float64(f.Jitter))
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Fail reports whether to answer with an error, and which status.
func (in *Injector) Fail() (status int, retryAfter time.Duration, fail bool) {
	f := in.Faults()
	if f.ErrorRate <= 0 || in.Float64() >= f.ErrorRate {
		return 0, 0, false
	}
	in.errors.Add(1)
	status = f.ErrorStatus
	if status == 0 {
		status = 500
	}
	return status, f.RetryAfter, true
}

// Malformed reports whether to spoil this answer.
func (in *Injector) Malformed(repair bool) bool {
	f := in.Faults()
	if repair && !f.MalformedRepairs {
		return false
	}
	if f.MalformedRate <= 0 || in.Float64() >= f.MalformedRate {
		return false
	}
	in.malformed.Add(1)
	return true
}

// RetryAfterHeader formats a delay for the retry-after header (whole
// seconds, at least 1).
func RetryAfterHeader(d time.Duration) string {
	return fmt.Sprint(max(1, int(math.Ceil(d.Seconds()))))
}

var planner = sync.OnceValues(func() (*ai.Planner, error) { return ai.NewPlanner(nil) })

// Answer writes the answer a model would give to the brief in the first
// user message: products or copy JSON. A message without a brief gets a
// polite text answer (which the Recommender will reject as invalid).
func (in *Injector) Answer(firstUserMessage string) string {
	b, err := ai.ParseBrief(firstUserMessage)
	if err != nil {
		return "요청하신 내용을 이해하지 못했습니다. 매장 정보와 함께 다시 요청해 주세요."
	}
	ref := b.Reference
	if len(ref) == 0 {
		p, err := planner()
		if err != nil {
			return "내부 오류로 답변을 만들지 못했습니다."
		}
		_, ref = p.Plan(b.Request)
	}
	in.mu.Lock()
	seed := in.rng.Uint64()
	in.mu.Unlock()
	r := rand.New(rand.NewPCG(seed, seed+1))
	if b.Task == ai.TaskCopy {
		return copyAnswer(ref, r)
	}
	return productsAnswer(ref, r)
}

// MalformedAnswer is output a model might give by mistake: cut-off JSON,
// a fenced answer missing options, or prose.
func (in *Injector) MalformedAnswer(task string) string {
	switch int(in.Float64() * 3) {
	case 0:
		if task == ai.TaskCopy {
			return `{"copies":[{"optionNumber":1,"headline":"이벤트`
		}
		return `{"recommendations":[{"optionNumber":1,"concept":"선착순`
	case 1:
		if task == ai.TaskCopy {
			return "```json\n{\"copies\":[{\"optionNumber\":1,\"headline\":\"\",\"body\":\"\",\"hashtags\":[]}]}\n```"
		}
		return "```json\n{\"recommendations\":[{\"optionNumber\":1,\"title\":\"이벤트\"}]}\n```"
	default:
		return "물론입니다! 세 가지 이벤트를 추천드릴게요. 첫째, 선착순 할인 쿠폰…"
	}
}

func productsAnswer(ref []ai.Option, r *rand.Rand) string {
	opts := make([]ai.Option, len(ref))
	for i, o := range ref {
		o.Copy = ai.Copy{}
		f := 0.9 + 0.2*r.Float64()  // cost ±10 %
		g := 0.9 + 0.25*r.Float64() // revenue −10 %…+15 %
		bd := make(map[string]int64, len(o.EstimatedCost.Breakdown))
		var sum int64
		for k, v := range o.EstimatedCost.Breakdown {
			nv := int64(math.Round(float64(v)*f/1000) * 1000)
			bd[k] = nv
			sum += nv
		}
		if len(bd) > 0 {
			o.EstimatedCost.Max = sum
		} else {
			o.EstimatedCost.Max = int64(math.Round(float64(o.EstimatedCost.Max)*f/1000) * 1000)
		}
		o.EstimatedCost.Breakdown = bd
		o.EstimatedCost.Min = max(1000, min(o.EstimatedCost.Max, int64(math.Round(float64(o.EstimatedCost.Min)*f/1000)*1000)))
		m := &o.ExpectedMetrics
		m.RevenueIncrease.Min = int64(math.Round(float64(m.RevenueIncrease.Min)*g/1000) * 1000)
		m.RevenueIncrease.Max = max(m.RevenueIncrease.Min, int64(math.Round(float64(m.RevenueIncrease.Max)*g/1000)*1000))
		m.NewCustomers.Min = int64(math.Round(float64(m.NewCustomers.Min) * g))
		m.NewCustomers.Max = max(m.NewCustomers.Min, int64(math.Round(float64(m.NewCustomers.Max)*g)))
		o.RecomputeROI()
		o.Differentiator = strings.TrimSpace(o.Differentiator)
		opts[i] = o
	}
	raw, _ := json.Marshal(map[string]any{"recommendations": opts})
	return string(raw)
}

func copyAnswer(ref []ai.Option, r *rand.Rand) string {
	type item struct {
		OptionNumber int      `json:"optionNumber"`
		Headline     string   `json:"headline"`
		Body         string   `json:"body"`
		Hashtags     []string `json:"hashtags"`
	}
	openers := []string{"", "지금 바로! ", "놓치지 마세요! "}
	items := make([]item, len(ref))
	for i, o := range ref {
		tags := append([]string(nil), o.Copy.Hashtags...)
		r.Shuffle(len(tags), func(a, b int) { tags[a], tags[b] = tags[b], tags[a] })
		items[i] = item{
			OptionNumber: o.OptionNumber,
			Headline:     o.Copy.Headline,
			Body:         openers[r.IntN(len(openers))] + o.Copy.Body,
			Hashtags:     tags,
		}
	}
	raw, _ := json.Marshal(map[string]any{"copies": items})
	return string(raw)
}
