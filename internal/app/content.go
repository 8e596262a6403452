package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/autoevent/autoevent/internal/ai/aisim"
	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/content/imagegen"
	"github.com/autoevent/autoevent/internal/content/imagegen/a1111"
	"github.com/autoevent/autoevent/internal/content/imagegen/openaiimg"
	"github.com/autoevent/autoevent/internal/content/imagegen/stability"
	contentsql "github.com/autoevent/autoevent/internal/content/sqlstore"
	"github.com/autoevent/autoevent/internal/content/tts"
	"github.com/autoevent/autoevent/internal/content/tts/clova"
	"github.com/autoevent/autoevent/internal/content/video"
	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/jobs"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	sbclova "github.com/autoevent/autoevent/internal/sandbox/clova"
	sbimagegen "github.com/autoevent/autoevent/internal/sandbox/imagegen"
)

// Content job workers per process: image jobs are CPU-bound renders that
// share the process's render slots (one per CPU) whatever their number;
// video jobs run ffmpeg, which takes every core it is given.
const (
	videoWorkers  = 1
	contentSweep  = time.Hour
	providerConns = 16
)

// contentModule is the content service: the image-job and video-job kinds,
// the content API, the media files under /media/ (every process: the blob
// store is shared), the image provider chosen by --image-provider (remote
// without --image-url uses the built-in simulator at /sandbox/imagegen/),
// the voice by --tts-provider (clova without --clova-url: /sandbox/clova/),
// and the 7-day sweep of unused files.
func (a *App) contentModule() module {
	var svc *content.Service
	var blobs blob.Store
	var once sync.Once
	store := func() blob.Store {
		once.Do(func() {
			if blobs != nil {
				return
			}
			s, err := a.openBlobs(context.Background())
			if err != nil {
				a.log.Error("content: blob store", "err", err)
				return
			}
			blobs = s
		})
		return blobs
	}
	return module{
		Name: content.ServiceName,
		Open: func(ctx context.Context) (err error) {
			if blobs, err = a.openBlobs(ctx); err != nil {
				return err
			}
			svc, err = a.openContent(ctx, blobs)
			return err
		},
		Routes: func(r *httpapi.Router) {
			content.NewAPI(svc, a.jobs).Routes(r)
			a.mux.Handle("GET "+content.MediaPrefix, content.MediaHandler(store))
		},
		JobKinds: []string{content.ImageJobKind, content.VideoJobKind},
		Jobs:     func() []jobs.Kind { return svc.Kinds(a.cfg.ContentWorkers, videoWorkers) },
		Queues:   []string{content.ImageJobKind, content.VideoJobKind},
		Start: func(ctx context.Context) error {
			a.bg.Go(func() { svc.RunSweeper(ctx, contentSweep) })
			return nil
		},
	}
}

// openBlobs opens the blob store: the data directory's blobs/ or
// --blob-url; closed with the app.
func (a *App) openBlobs(ctx context.Context) (blob.Store, error) {
	s, err := blob.Open(ctx, blob.Config{URL: a.cfg.BlobURL, Dir: a.cfg.Path("blobs"),
		AccessKeyID: a.cfg.BlobAccess, SecretAccessKey: a.cfg.BlobSecret})
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, s.Close)
	return s, nil
}

func (a *App) openContent(ctx context.Context, blobs blob.Store) (*content.Service, error) {
	store := contentsql.New(a.db)
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	hc := a.providerHTTP()
	images, err := a.imageProvider(hc)
	if err != nil {
		return nil, err
	}
	local := tts.NewLocal()
	var speech tts.Synthesizer = local
	if a.cfg.TTSProvider == "clova" {
		cc := clova.Config{BaseURL: a.cfg.ClovaURL, ClientID: a.cfg.ClovaKeyID, ClientSecret: a.cfg.ClovaKey}
		if cc.BaseURL == "" {
			sim := sbclova.New(sbclova.Config{ClientID: sandboxKey, ClientSecret: sandboxKey})
			a.sandbox.Handle("/sandbox/clova/", http.StripPrefix("/sandbox/clova", sim))
			a.sandbox.HandleFunc("PUT /sandbox/clova/faults", faultsHandler(func(f aisim.Faults) {
				sim.SetFaults(sbclova.Faults{Latency: f.Latency, Jitter: f.Jitter, ErrorRate: f.ErrorRate, ErrorStatus: f.ErrorStatus, RetryAfter: f.RetryAfter})
			}))
			cc.BaseURL, cc.ClientID, cc.ClientSecret = a.baseURL+"/sandbox/clova", sandboxKey, sandboxKey
		}
		if err := cc.Validate(); err != nil {
			return nil, err
		}
		speech = clova.New(cc, hc)
	}
	return content.NewService(content.ServiceDeps{DB: a.db, Store: store, Blobs: blobs, Jobs: a.jobs, Publish: a.relay.Publish,
		Events: appContentEvents{a.eventClient()}, Links: appParticipationLinks{a.caller("participation")},
		Images: images, Wrap: a.providerCall, Speech: speech, SpeechFallback: local, Videos: videos{}, PublicURL: a.cfg.PublicURL,
		Log: a.log.With("service", "content")})
}

// providerHTTP is the client of the image and voice providers; the
// simulators are this process, reached over loopback with its own
// (possibly self-signed) certificate.
func (a *App) providerHTTP() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = providerConns
	if a.cfg.TLSCert != "" && (a.cfg.ImageURL == "" || a.cfg.ClovaURL == "") {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // loopback to ourselves only
	}
	return &http.Client{Transport: tr}
}

// imageProvider builds the --image-provider adapter (nil for local); a
// remote one without --image-url talks to the simulator, mounted here with
// PUT /sandbox/imagegen/faults for drills and tests.
func (a *App) imageProvider(hc *http.Client) (imagegen.Generator, error) {
	p := a.cfg.ImageProvider
	if p == "local" || p == "" {
		return nil, nil
	}
	base, key := a.cfg.ImageURL, a.cfg.ImageKey
	if base == "" {
		sim := sbimagegen.New(sbimagegen.Config{APIKey: sandboxKey, Seed: 3})
		a.sandbox.Handle("/sandbox/imagegen/", http.StripPrefix("/sandbox/imagegen", sim))
		a.sandbox.HandleFunc("PUT /sandbox/imagegen/faults", faultsHandler(func(f aisim.Faults) {
			sim.SetFaults(sbimagegen.Faults{Latency: f.Latency, Jitter: f.Jitter, ErrorRate: f.ErrorRate, ErrorStatus: f.ErrorStatus, RetryAfter: f.RetryAfter})
		}))
		base, key = a.baseURL+"/sandbox/imagegen/"+p, sandboxKey
	}
	switch p {
	case "stability":
		c := stability.Config{BaseURL: base, APIKey: key, Model: a.cfg.ImageModel}
		return stability.New(c, hc), c.Validate()
	case "openai":
		c := openaiimg.Config{BaseURL: base, APIKey: key, Model: a.cfg.ImageModel}
		return openaiimg.New(c, hc), c.Validate()
	case "a1111":
		c := a1111.Config{BaseURL: base, APIKey: key, Model: a.cfg.ImageModel, Steps: a1111.DefaultSteps, MaxSide: a1111.DefaultMaxSide}
		return a1111.New(c, hc), c.Validate()
	}
	return nil, errors.New("app: image provider " + p)
}

// providerCall runs one image or voice provider call under the system's
// resilience policy ("images.*": timeout 20 s; retries, breaker), the
// adapters' *imagegen.ProviderError becoming the policy's StatusError as
// aiCall does for the AI providers.
func (a *App) providerCall(ctx context.Context, system string, call func(context.Context) error) error {
	// The adapters' errors already speak the policy's language: an
	// *imagegen.ProviderError unwraps to a *resilience.StatusError (status,
	// Retry-After; connection errors and 408 retryable, refusals final) and
	// Clova answers with a StatusError itself.
	_, err := resilience.Do(ctx, a.policies.Policy(system), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, call(ctx)
	})
	return err
}

// faultsHandler sets a simulator's latency and failures at run time, with
// the body the AI simulators take:
//
//	curl -X PUT localhost:8080/sandbox/imagegen/faults -d '{"errorRate":1,"errorStatus":503}'
func faultsHandler(set func(aisim.Faults)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in aiFaults
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
			http.Error(w, "bad faults body", http.StatusBadRequest)
			return
		}
		f, err := in.faults()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		set(f)
		httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"set": true})
	}
}

// videos adapts internal/content/video to the content service.
type videos struct{}

func (videos) Available() bool { return video.Available() }

func (videos) Make(ctx context.Context, s content.VideoSpec) (content.VideoResult, error) {
	r, err := video.Make(ctx, video.Spec{Frames: s.Frames, Width: s.Width, Height: s.Height, Duration: s.Duration,
		Narration: s.Narration, Titles: s.Titles})
	return content.VideoResult{Data: r.Data, ContentType: r.ContentType, Format: r.Format, Duration: r.Duration, Notice: r.Notice}, err
}
