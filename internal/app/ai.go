package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/aisim"
	"github.com/autoevent/autoevent/internal/ai/anthropic"
	"github.com/autoevent/autoevent/internal/ai/openai"
	"github.com/autoevent/autoevent/internal/ai/providers"
	aisql "github.com/autoevent/autoevent/internal/ai/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	sbanthropic "github.com/autoevent/autoevent/internal/sandbox/anthropic"
	sbopenai "github.com/autoevent/autoevent/internal/sandbox/openai"
)

// aiWorkers bounds concurrent recommendation jobs per process: remote jobs
// mostly wait on the providers, local ones take milliseconds.
const aiWorkers = 16

// aiModule is the AI service: the ai-job kind, the recommendation API, the
// providers chosen by --ai-provider (remote without URLs uses the built-in
// simulators at /sandbox/anthropic/ and /sandbox/openai/, so the remote
// path works offline), each call wrapped with its resilience policy.
func (a *App) aiModule() module {
	var svc *ai.Service
	return module{
		Name: "ai",
		Open: func(ctx context.Context) (err error) {
			svc, err = a.openAI(ctx)
			return err
		},
		Routes:   func(r *httpapi.Router) { ai.NewAPI(svc, a.jobs).Routes(r) },
		JobKinds: []string{ai.JobKind},
		Jobs:     func() []jobs.Kind { return []jobs.Kind{svc.Kind(aiWorkers)} },
		Queues:   []string{ai.JobQueue},
	}
}

func (a *App) openAI(ctx context.Context) (*ai.Service, error) {
	store := aisql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	log := a.log.With("service", "ai")
	rc := ai.Config{
		Previous: ai.Previous(a.cache, store),
		Wrap:     a.aiCall,
		Observe: func(at ai.Attempt) {
			if at.Err == nil {
				log.Debug("ai: provider answered", "provider", at.Provider, "task", at.Task, "repair", at.Repair, "elapsed", at.Elapsed)
				return
			}
			// Provider errors carry status and type only, never bodies;
			// invalid output is named, not quoted.
			reason := at.Err.Error()
			if errors.Is(at.Err, ai.ErrInvalidOutput) {
				reason = "invalid output"
			}
			log.Warn("ai: provider attempt failed", "provider", at.Provider, "task", at.Task, "repair", at.Repair,
				"elapsed", at.Elapsed, "reason", reason)
		},
	}
	if a.cfg.AIProvider == "remote" {
		if err := a.remoteProviders(&rc); err != nil {
			return nil, err
		}
	}
	rec, err := ai.NewRecommender(rc)
	if err != nil {
		return nil, err
	}
	return ai.NewService(ai.ServiceDeps{DB: a.db, Store: store, Cache: a.cache, Jobs: a.jobs, Publish: a.relay.Publish,
		Recommender: rec, Events: appEvents{a.eventClient()}, Log: log})
}

// remoteProviders configures Claude and GPT; a provider without a URL is
// served by its simulator, mounted on this process's sandbox mux.
func (a *App) remoteProviders(rc *ai.Config) error {
	pc := providers.Config{
		Mode:      providers.ModeRemote,
		Anthropic: anthropic.Config{BaseURL: a.cfg.AnthropicURL, APIKey: a.cfg.AnthropicKey, Model: a.cfg.AnthropicModel},
		OpenAI:    openai.Config{BaseURL: a.cfg.OpenAIURL, APIKey: a.cfg.OpenAIKey, Model: a.cfg.OpenAIModel},
	}
	var claude *sbanthropic.Server
	var gpt *sbopenai.Server
	if pc.Anthropic.BaseURL == "" {
		claude = sbanthropic.New(sbanthropic.Config{APIKey: sandboxKey, Seed: 1})
		a.sandbox.Handle("/sandbox/anthropic/", http.StripPrefix("/sandbox/anthropic", claude))
		pc.Anthropic.BaseURL, pc.Anthropic.APIKey = a.baseURL+"/sandbox/anthropic", sandboxKey
	}
	if pc.OpenAI.BaseURL == "" {
		gpt = sbopenai.New(sbopenai.Config{APIKey: sandboxKey, Seed: 2})
		a.sandbox.Handle("/sandbox/openai/", http.StripPrefix("/sandbox/openai", gpt))
		pc.OpenAI.BaseURL, pc.OpenAI.APIKey = a.baseURL+"/sandbox/openai", sandboxKey
	}
	if claude != nil || gpt != nil {
		a.sandbox.HandleFunc("PUT /sandbox/ai/faults", aiFaultsHandler(claude, gpt))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = aiWorkers * 2
	if a.cfg.TLSCert != "" && (claude != nil || gpt != nil) {
		// The simulators are this process, reached over loopback with its
		// own (possibly self-signed) certificate.
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // loopback to ourselves only
	}
	return providers.Apply(pc, &http.Client{Transport: tr}, rc)
}

// aiCall runs one provider call under the system's resilience policy
// (timeout 30 s, retries with backoff honouring Retry-After, breaker). The
// clients' *ai.ProviderError becomes the policy's StatusError; answers that
// waiting cannot fix (bad request, auth, spent quota) are permanent.
func (a *App) aiCall(ctx context.Context, system string, call func(context.Context) error) error {
	_, err := resilience.Do(ctx, a.policies.Policy(system), func(ctx context.Context) (struct{}, error) {
		err := call(ctx)
		var pe *ai.ProviderError
		if errors.As(err, &pe) {
			se := &resilience.StatusError{System: system, StatusCode: pe.StatusCode, RetryAfter: pe.RetryAfter, Code: pe.Type}
			if !pe.Retryable() {
				return struct{}{}, resilience.Permanent(se)
			}
			return struct{}{}, se
		}
		return struct{}{}, err
	})
	return err
}

// aiFaults is the body of PUT /sandbox/ai/faults (durations as Go strings).
type aiFaults struct {
	Latency          string  `json:"latency"`
	Jitter           string  `json:"jitter"`
	ErrorRate        float64 `json:"errorRate"`
	ErrorStatus      int     `json:"errorStatus"`
	RetryAfter       string  `json:"retryAfter"`
	MalformedRate    float64 `json:"malformedRate"`
	MalformedRepairs bool    `json:"malformedRepairs"`
}

func (f aiFaults) faults() (aisim.Faults, error) {
	out := aisim.Faults{ErrorRate: f.ErrorRate, ErrorStatus: f.ErrorStatus, MalformedRate: f.MalformedRate, MalformedRepairs: f.MalformedRepairs}
	for _, d := range []struct {
		s   string
		dst *time.Duration
	}{{f.Latency, &out.Latency}, {f.Jitter, &out.Jitter}, {f.RetryAfter, &out.RetryAfter}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil || v < 0 {
			return aisim.Faults{}, errors.New("bad duration")
		}
		*d.dst = v
	}
	if out.ErrorRate < 0 || out.ErrorRate > 1 || out.MalformedRate < 0 || out.MalformedRate > 1 {
		return aisim.Faults{}, errors.New("rates must be in [0,1]")
	}
	return out, nil
}

// aiFaultsHandler sets the simulators' latency and failures at run time,
// for drills and the latency benchmark against the real binary:
//
//	curl -X PUT localhost:8080/sandbox/ai/faults -d '{"anthropic":{"latency":"5s"},"openai":{"latency":"4s"}}'
func aiFaultsHandler(claude *sbanthropic.Server, gpt *sbopenai.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Anthropic *aiFaults `json:"anthropic"`
			OpenAI    *aiFaults `json:"openai"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
			http.Error(w, "bad faults body", http.StatusBadRequest)
			return
		}
		var cf, gf *aisim.Faults
		for _, x := range []struct {
			in  *aiFaults
			out **aisim.Faults
		}{{in.Anthropic, &cf}, {in.OpenAI, &gf}} {
			if x.in == nil {
				continue
			}
			f, err := x.in.faults()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			*x.out = &f
		}
		if cf != nil && claude != nil {
			claude.SetFaults(*cf)
		}
		if gf != nil && gpt != nil {
			gpt.SetFaults(*gf)
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"anthropic": cf != nil && claude != nil, "openai": gf != nil && gpt != nil})
	}
}
