package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/jobs"
)

// The recommendation job and its message.
const (
	// JobKind and JobQueue: the seed's ai-job topic.
	JobKind  = "ai-job"
	JobQueue = "ai-job"
	// TrendTTL is the seed's ai:trend:{industry}:{region} lifetime.
	TrendTTL = 24 * time.Hour
)

// Service errors (stable codes).
var (
	ErrRecommendationNotFound = apperr.New(apperr.NotFound, "recommendation_not_found", "AI 추천 결과가 없습니다. 먼저 추천을 요청해 주세요.")
	ErrNotPlannable           = apperr.New(apperr.Conflict, "event_already_planned", "기획이 끝난 이벤트는 다시 추천받을 수 없습니다.")
	errBadJobInput            = apperr.New(apperr.Invalid, "invalid_job_input", "작업 입력이 올바르지 않습니다.")
)

// RecommendationKey is the seed's cache key ai:recommendation:{eventId}.
func RecommendationKey(eventID string) string { return "ai:recommendation:" + eventID }

// PlanningEvent is what the AI service needs to know about an event.
type PlanningEvent struct {
	ID          string
	StoreName   string
	Industry    string
	Sido        string
	Sigungu     string
	Purpose     messages.Purpose
	PurposeText string
	Status      string
}

// Events reads an event as the caller (the event service, in process or
// over HTTP with the caller's credentials in r); another owner's event is a
// NotFound error.
type Events interface {
	PlanningEvent(ctx context.Context, eventID string, r *http.Request) (PlanningEvent, error)
}

// StoredResult is the durable (and cached) copy of a recommendation.
type StoredResult struct {
	OwnerID string         `json:"ownerId"`
	Variant int            `json:"variant"`
	JobID   string         `json:"jobId,omitempty"`
	Doc     Recommendation `json:"doc"`
}

// ResultStore keeps the last recommendation per event, so the "cached
// previous result" fallback and the owner's choice survive restarts and
// cache expiry (implemented by internal/ai/sqlstore).
type ResultStore interface {
	Save(ctx context.Context, tx *db.Tx, r StoredResult) error
	// Get returns the stored result or ErrRecommendationNotFound.
	Get(ctx context.Context, eventID string) (StoredResult, error)
}

// Jobs is the part of the job framework the service uses.
type Jobs interface {
	Submit(ctx context.Context, ownerID, kind, subjectID string, input any) (jobs.Job, error)
	Latest(ctx context.Context, kind, subjectID string) (jobs.Job, error)
}

// ServiceDeps wires the AI service.
type ServiceDeps struct {
	DB          *db.DB
	Store       ResultStore
	Cache       cache.Cache
	Jobs        Jobs
	Publish     bus.Publisher
	Recommender *Recommender
	Events      Events
	Log         *slog.Logger
	Now         func() time.Time
}

// Service runs recommendation jobs and serves their results.
type Service struct {
	d ServiceDeps
}

// NewService checks the dependencies.
func NewService(d ServiceDeps) (*Service, error) {
	if d.DB == nil || d.Store == nil || d.Cache == nil || d.Jobs == nil || d.Publish == nil || d.Recommender == nil || d.Events == nil {
		return nil, errors.New("ai: NewService needs DB, Store, Cache, Jobs, Publish, Recommender and Events")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}, nil
}

// jobInput is the ai-job payload: everything the planner needs, so the
// worker never calls back into the event service.
type jobInput struct {
	Request Request `json:"request"`
}

// Previous is the Recommender's "cached previous result" fallback: the
// last good result of the event from the cache or the database.
func Previous(c cache.Cache, store ResultStore) PreviousFunc {
	return func(ctx context.Context, eventID string) (Recommendation, bool) {
		if b, err := c.Get(ctx, RecommendationKey(eventID)); err == nil {
			var st StoredResult
			if json.Unmarshal(b, &st) == nil && st.Doc.EventID == eventID {
				return st.Doc, true
			}
		}
		st, err := store.Get(ctx, eventID)
		if err != nil {
			return Recommendation{}, false
		}
		return st.Doc, true
	}
}

// Start asks for a recommendation of the caller's event. It returns the
// job (new, or the one already running) or, when a result exists and
// regenerate is false, done = true and no job.
func (s *Service) Start(ctx context.Context, ownerID, eventID string, regenerate bool, r *http.Request) (job jobs.Job, done bool, err error) {
	ev, err := s.d.Events.PlanningEvent(ctx, eventID, r)
	if err != nil {
		return jobs.Job{}, false, err
	}
	if ev.Status != "DRAFT" && ev.Status != "PLANNED" {
		return jobs.Job{}, false, ErrNotPlannable.Wrap(fmt.Errorf("event %s is %s", eventID, ev.Status))
	}
	if j, err := s.d.Jobs.Latest(ctx, JobKind, eventID); err == nil && j.OwnerID == ownerID && !j.Done() {
		return j, false, nil // one planning run at a time per event
	}
	prev, err := s.d.Store.Get(ctx, eventID)
	found := err == nil
	if err != nil && !errors.Is(err, ErrRecommendationNotFound) {
		return jobs.Job{}, false, err
	}
	if found && !regenerate {
		return jobs.Job{}, true, nil
	}
	variant := 0
	if found {
		variant = prev.Variant + 1
	}
	req := Request{EventID: ev.ID, StoreName: ev.StoreName, Industry: ev.Industry, Region: Region{Sido: ev.Sido, Sigungu: ev.Sigungu},
		Purpose: ev.Purpose, PurposeText: ev.PurposeText, Variant: variant}
	if err := req.Validate(); err != nil {
		return jobs.Job{}, false, apperr.New(apperr.Invalid, "invalid_event", "이벤트 정보가 추천에 충분하지 않습니다.").Wrap(err)
	}
	job, err = s.d.Jobs.Submit(ctx, ownerID, JobKind, eventID, jobInput{Request: req})
	if err != nil {
		return jobs.Job{}, false, err
	}
	if found {
		// The old result stays in the database (fallback) but is no longer
		// served from the cache: GET now points at the new job.
		_ = s.d.Cache.Delete(ctx, RecommendationKey(eventID))
	}
	return job, false, nil
}

// Result returns the caller's recommendation for the event; running is
// set instead while a (re)generation job is under way. Another owner's
// event answers ErrRecommendationNotFound.
func (s *Service) Result(ctx context.Context, ownerID, eventID string) (doc Recommendation, running *jobs.Job, err error) {
	key := RecommendationKey(eventID)
	if b, err := s.d.Cache.Get(ctx, key); err == nil {
		var st StoredResult
		if json.Unmarshal(b, &st) == nil && st.Doc.EventID == eventID {
			if st.OwnerID != ownerID {
				return Recommendation{}, nil, ErrRecommendationNotFound
			}
			return st.Doc, nil, nil
		}
	}
	st, err := s.d.Store.Get(ctx, eventID)
	if err != nil && !errors.Is(err, ErrRecommendationNotFound) {
		return Recommendation{}, nil, err
	}
	found := err == nil
	if found && st.OwnerID != ownerID {
		return Recommendation{}, nil, ErrRecommendationNotFound
	}
	j, jerr := s.d.Jobs.Latest(ctx, JobKind, eventID)
	if jerr == nil && j.OwnerID == ownerID && !j.Done() && (!found || j.ID != st.JobID) {
		return Recommendation{}, &j, nil
	}
	if !found {
		return Recommendation{}, nil, ErrRecommendationNotFound
	}
	s.cacheResult(ctx, st)
	return st.Doc, nil, nil
}

func (s *Service) cacheResult(ctx context.Context, st StoredResult) {
	b, err := json.Marshal(st)
	if err != nil {
		return
	}
	_ = s.d.Cache.Set(ctx, RecommendationKey(st.Doc.EventID), b, DefaultTTL) // best effort
}

// HandleJob runs one ai-job: trends (cache-aside, 24 h), the plan (local
// planner or Claude + GPT in parallel with fallbacks), validation, then the
// result saved with RecommendationReady in one transaction and cached 1 h.
func (s *Service) HandleJob(ctx context.Context, job jobs.Job, progress jobs.Progress) (jobs.Result, error) {
	var in jobInput
	if err := json.Unmarshal(job.Input, &in); err != nil {
		return jobs.Result{}, errBadJobInput.Wrap(err)
	}
	req := in.Request
	if req.EventID != job.SubjectID {
		return jobs.Result{}, errBadJobInput.Wrap(fmt.Errorf("job %s: event %q, subject %q", job.ID, req.EventID, job.SubjectID))
	}
	rec := s.d.Recommender
	kb := rec.Planner().KB()

	progress(ctx, 20, "트렌드 분석 중")
	// Trends are analysed for "now" only (the seasonal part depends on the
	// day), so caching them per industry and region for 24 h is sound.
	analysis, err := cache.GetOrLoad(ctx, s.d.Cache, kb.TrendCacheKey(req), TrendTTL, func(context.Context) (TrendAnalysis, error) {
		return kb.Analyze(req), nil
	})
	if err != nil {
		return jobs.Result{}, err
	}

	progress(ctx, 60, "이벤트 기획 중")
	doc, err := rec.Recommend(ctx, req)
	if err != nil {
		if errors.Is(err, ErrInvalidRequest) {
			return jobs.Result{}, errBadJobInput.Wrap(err)
		}
		return jobs.Result{}, err
	}

	progress(ctx, 90, "검증 중")
	if analysis.Validate() == nil && len(analysis.IndustryTrends) > 0 {
		doc.TrendAnalysis = analysis
	}
	if err := doc.Validate(); err != nil {
		return jobs.Result{}, fmt.Errorf("ai: job %s produced an invalid document: %w", job.ID, err)
	}
	variant := req.Variant
	st := StoredResult{OwnerID: job.OwnerID, Variant: variant, JobID: job.ID, Doc: doc}
	now := s.d.Now().UTC()
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.Save(ctx, tx, st); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.RecommendationReady{EventID: req.EventID, OwnerID: job.OwnerID,
			JobID: job.ID, AIProvider: doc.AIProvider, OptionCount: len(doc.Recommendations), GeneratedAt: doc.GeneratedAt, OccurredAt: now})
	})
	if err != nil {
		return jobs.Result{}, err
	}
	s.cacheResult(ctx, st)
	s.d.Log.Info("ai: recommendation ready", "event", req.EventID, "job", job.ID, "aiProvider", doc.AIProvider)
	return jobs.Result{URL: "/api/v1/events/" + req.EventID + "/recommendations",
		Message: "완료 · " + providerLabel(doc.AIProvider)}, nil
}

// Kind is the job kind to register with the job manager.
func (s *Service) Kind(workers int) jobs.Kind {
	return jobs.Kind{Name: JobKind, Queue: JobQueue, Workers: workers, Timeout: 2 * DefaultTimeout,
		RetryAfter: 2 * time.Second, Handler: s.HandleJob}
}

// providerLabel says in the job status who produced the plans.
func providerLabel(p string) string {
	// Owners read this on the planning page, so it names the planners as
	// the pages do (internal/ui providerLabel); the provider code stays in
	// Recommendation.AIProvider and the X-AI-Provider header.
	switch p {
	case ProviderLocal:
		return "AutoEvent 기획 엔진이 기획했습니다"
	case ProviderLocalFallback, ProviderLocalFallback + "+" + NameOpenAI:
		return "외부 AI가 응답하지 않아 AutoEvent 기획 엔진이 기획했습니다"
	case ProviderCacheFallback:
		return "외부 AI가 응답하지 않아 이전 추천 결과를 보여 드립니다"
	case NameAnthropic + "+" + NameOpenAI:
		return "Claude와 GPT가 기획했습니다"
	case NameAnthropic + "+" + ProviderLocalCopy:
		return "Claude가 기획하고 AutoEvent 기획 엔진이 문구를 썼습니다"
	}
	return "외부 AI가 기획했습니다"
}
