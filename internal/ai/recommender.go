package ai

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Defaults of the Recommender (seed parameters).
const (
	DefaultTimeout = 30 * time.Second // AI calls, whole remote phase
	DefaultTTL     = time.Hour        // ai:recommendation:{eventId}
)

// Default provider names, used in AIProvider and as CallWrapper systems.
const (
	NameAnthropic = "anthropic"
	NameOpenAI    = "openai"
)

// Config wires a Recommender. With no Products and no Copy completer it is
// the local planner alone (the default, no network).
type Config struct {
	// Planner is the local planner (nil: built from the embedded data).
	Planner *Planner
	// Products writes the event products and participation methods
	// (Claude); Copy writes the promotional copy (GPT or any
	// OpenAI-compatible model). Either may be nil: the local planner does
	// that part.
	Products     Completer
	ProductsName string // default "anthropic"
	Copy         Completer
	CopyName     string // default "openai"
	// Wrap runs every remote call (resilience policy); nil calls directly.
	Wrap CallWrapper
	// Previous is the cached previous result, the first fallback when the
	// product provider fails; nil means none.
	Previous PreviousFunc
	// Timeout bounds the whole remote phase, repair included (default 30 s).
	Timeout time.Duration
	// TTL sets ExpiresAt = GeneratedAt + TTL (default 1 h).
	TTL time.Duration
	// ProductsMaxTokens and CopyMaxTokens cap the answers (defaults 4096, 2048).
	ProductsMaxTokens int
	CopyMaxTokens     int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Observe, when set, is told about every remote attempt (for logs and
	// metrics; it gets no prompt or answer text).
	Observe func(Attempt)
}

// Attempt describes one remote call for Observe.
type Attempt struct {
	Provider string        // e.g. "anthropic"
	Task     string        // TaskProducts or TaskCopy
	Repair   bool          // the repair attempt after an invalid answer
	Elapsed  time.Duration // wall time of the call, parsing included
	Err      error         // nil on a valid answer
}

// Recommender produces recommendation documents: trend analysis, then the
// product and copy providers in parallel, validated, repaired once, and
// falling back to the previous result or the local planner.
type Recommender struct {
	cfg     Config
	planner *Planner
}

// NewRecommender checks the configuration and fills in defaults.
func NewRecommender(cfg Config) (*Recommender, error) {
	if cfg.Planner == nil {
		p, err := NewPlanner(nil)
		if err != nil {
			return nil, err
		}
		cfg.Planner = p
	}
	if cfg.ProductsName == "" {
		cfg.ProductsName = NameAnthropic
	}
	if cfg.CopyName == "" {
		cfg.CopyName = NameOpenAI
	}
	if cfg.Wrap == nil {
		cfg.Wrap = directCall
	}
	if cfg.Timeout < 0 || cfg.TTL < 0 || cfg.ProductsMaxTokens < 0 || cfg.CopyMaxTokens < 0 {
		return nil, errors.New("ai: recommender config: negative timeout, TTL or token limit")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.ProductsMaxTokens == 0 {
		cfg.ProductsMaxTokens = 4096
	}
	if cfg.CopyMaxTokens == 0 {
		cfg.CopyMaxTokens = 2048
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Recommender{cfg: cfg, planner: cfg.Planner}, nil
}

// Planner returns the local planner (and through it the trend KB).
func (r *Recommender) Planner() *Planner { return r.planner }

// Remote reports whether any remote provider is configured.
func (r *Recommender) Remote() bool { return r.cfg.Products != nil || r.cfg.Copy != nil }

// Recommend plans the event. It fails only on an invalid request or when
// ctx ends; provider failures fall back and AIProvider says who served.
func (r *Recommender) Recommend(ctx context.Context, req Request) (Recommendation, error) {
	if err := req.Validate(); err != nil {
		return Recommendation{}, err
	}
	now := r.cfg.Now()
	if req.ReferenceDate.IsZero() {
		req.ReferenceDate = now
	}
	analysis, draft := r.planner.Plan(req)
	doc := Recommendation{
		EventID:         req.EventID,
		TrendAnalysis:   analysis,
		Recommendations: draft,
		GeneratedAt:     now,
		ExpiresAt:       now.Add(r.cfg.TTL),
		AIProvider:      ProviderLocal,
	}
	if !r.Remote() {
		return doc, doc.Validate()
	}

	var (
		wg             sync.WaitGroup
		products       []Option
		copies         []Copy
		prodErr, cpErr error
	)
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	if r.cfg.Products != nil {
		p := ProductsPrompt(req, analysis, draft)
		p.MaxTokens = r.cfg.ProductsMaxTokens
		slots := SlotsOf(draft)
		wg.Go(func() {
			prodErr = r.stage(rctx, r.cfg.ProductsName, TaskProducts, r.cfg.Products, p, func(s string) error {
				var err error
				products, err = ParseProducts(s, slots)
				return err
			})
		})
	}
	if r.cfg.Copy != nil {
		p := CopyPrompt(req, analysis, draft)
		p.MaxTokens = r.cfg.CopyMaxTokens
		wg.Go(func() {
			cpErr = r.stage(rctx, r.cfg.CopyName, TaskCopy, r.cfg.Copy, p, func(s string) error {
				var err error
				copies, err = ParseCopies(s)
				return err
			})
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Recommendation{}, err
	}

	productsOK := r.cfg.Products != nil && prodErr == nil
	copyOK := r.cfg.Copy != nil && cpErr == nil

	if r.cfg.Products != nil && !productsOK && r.cfg.Previous != nil {
		if prev, ok := r.cfg.Previous(ctx, req.EventID); ok && prev.EventID == req.EventID {
			prev.AIProvider = ProviderCacheFallback
			if !prev.ExpiresAt.After(now) {
				prev.ExpiresAt = now.Add(r.cfg.TTL)
			}
			if prev.Validate() == nil {
				return prev, nil
			}
		}
	}

	opts := draft
	var who string
	switch {
	case productsOK:
		opts, who = products, r.cfg.ProductsName
	case r.cfg.Products != nil:
		who = ProviderLocalFallback
	default:
		who = ProviderLocal
	}
	if copyOK {
		who += "+" + r.cfg.CopyName
	} else if productsOK {
		who += "+" + ProviderLocalCopy
	}
	merged := make([]Option, len(opts))
	for i, o := range opts {
		switch {
		case copyOK:
			o.Copy = copies[i]
		case productsOK:
			o.Copy = draft[i].Copy
		}
		merged[i] = o
	}
	doc.Recommendations, doc.AIProvider = merged, who
	if err := doc.Validate(); err != nil {
		// Cannot happen with parsed output; keep the owner served regardless.
		doc.Recommendations, doc.AIProvider = draft, ProviderLocalFallback
		return doc, doc.Validate()
	}
	return doc, nil
}

// stage runs one provider call through the wrapper, parses the answer and,
// on an invalid answer, asks once for a repair.
func (r *Recommender) stage(ctx context.Context, name, task string, c Completer, p Prompt, parse func(string) error) error {
	answer, err := r.attempt(ctx, name, task, false, c, p, parse)
	if err == nil || !errors.Is(err, ErrInvalidOutput) {
		return err
	}
	_, err = r.attempt(ctx, name, task, true, c, RepairPrompt(p, answer, err), parse)
	return err
}

func (r *Recommender) attempt(ctx context.Context, name, task string, repair bool, c Completer, p Prompt, parse func(string) error) (string, error) {
	start := time.Now()
	var answer string
	err := r.cfg.Wrap(ctx, name, func(ctx context.Context) error {
		var err error
		answer, err = c.Complete(ctx, p)
		return err
	})
	if err == nil {
		err = parse(answer)
	} else {
		err = fmt.Errorf("ai: %s %s: %w", name, task, err)
	}
	if r.cfg.Observe != nil {
		r.cfg.Observe(Attempt{Provider: name, Task: task, Repair: repair, Elapsed: time.Since(start), Err: err})
	}
	return answer, err
}
