package event

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// Limits of owner input.
const (
	maxPurposeText  = 500
	maxTitle        = 60
	maxBenefit      = 100
	maxDescription  = 1000
	maxHeadline     = 80
	maxCopyBody     = 1000
	maxHashtags     = 10
	maxHashtag      = 30
	maxPeriodDays   = 92
	maxCoupons      = 100_000
	maxWinners      = 10_000
	defaultPageSize = 20
	maxPageSize     = 100
	tickBatch       = 100
	updateAttempts  = 4
)

// Deps are the service's collaborators.
type Deps struct {
	DB              *db.DB
	Store           Store
	Stores          Stores
	Recommendations Recommendations
	Publish         bus.Publisher
	Log             *slog.Logger
	Now             func() time.Time // default time.Now
}

// Service implements the event use cases.
type Service struct {
	d Deps
}

// NewService checks the dependencies.
func NewService(d Deps) (*Service, error) {
	if d.DB == nil || d.Store == nil || d.Stores == nil || d.Recommendations == nil || d.Publish == nil {
		return nil, errors.New("event: NewService needs DB, Store, Stores, Recommendations and Publish")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}, nil
}

func (s *Service) now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// Create makes a DRAFT event for the owner's store and publishes
// EventCreated in the same transaction. r carries the caller's credentials
// for the store lookup.
func (s *Service) Create(ctx context.Context, ownerID string, in CreateInput, r *http.Request) (Event, error) {
	in.PurposeText = strings.TrimSpace(in.PurposeText)
	if err := validatePurpose(in.Purpose, in.PurposeText); err != nil {
		return Event{}, err
	}
	st, err := s.d.Stores.StoreOf(ctx, ownerID, r)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return Event{}, ErrNoStore.Wrap(err)
		}
		return Event{}, err
	}
	now := s.now()
	e := Event{ID: uuid.Must(uuid.NewV7()).String(), OwnerID: ownerID, StoreID: st.ID, StoreName: st.Name,
		Industry: st.Industry, RegionSido: st.Sido, RegionSigungu: st.Sigungu, Purpose: in.Purpose,
		PurposeText: in.PurposeText, Status: StatusDraft, Channels: []string{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.Insert(ctx, tx, e); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.EventCreated{EventID: e.ID, OwnerID: ownerID, StoreID: e.StoreID,
			Purpose: e.Purpose, PurposeText: e.PurposeText, Industry: e.Industry,
			Region: strings.TrimSpace(e.RegionSido + " " + e.RegionSigungu), StoreName: e.StoreName, OccurredAt: now})
	})
	if err != nil {
		return Event{}, err
	}
	return e, nil
}

func validatePurpose(p messages.Purpose, text string) error {
	var v apperr.Validation
	v.Check(p.Valid(), "purpose", "invalid_purpose", "이벤트 목적을 목록에서 골라 주세요.")
	v.Check(utf8.RuneCountInString(text) <= maxPurposeText, "purposeText", "purpose_text_too_long", "목적 설명은 500자 이내로 입력해 주세요.")
	v.Check(p != messages.PurposeOther || text != "", "purposeText", "purpose_text_required", "기타 목적을 간단히 적어 주세요.")
	v.Check(!hasControl(text), "purposeText", "purpose_text_invalid", "목적 설명에 사용할 수 없는 문자가 있어요.")
	return v.Err()
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f })
}

// Get returns the owner's event; another owner's is ErrNotFound.
func (s *Service) Get(ctx context.Context, ownerID, id string) (Event, error) {
	e, err := s.d.Store.Get(ctx, s.d.DB, id)
	if err != nil {
		return Event{}, err
	}
	if e.OwnerID != ownerID {
		return Event{}, ErrNotFound
	}
	return e, nil
}

// List pages through the owner's events, newest first.
func (s *Service) List(ctx context.Context, ownerID string, q ListQuery) (Page, error) {
	var v apperr.Validation
	if q.Limit == 0 {
		q.Limit = defaultPageSize
	}
	v.Check(q.Limit >= 1 && q.Limit <= maxPageSize, "limit", "invalid_limit", "limit은 1~100 사이여야 합니다.")
	v.Check(q.Status == "" || transitionsHas(q.Status), "status", "invalid_status", "알 수 없는 상태입니다.")
	var afterCreated time.Time
	var afterID string
	if q.Cursor != "" {
		var ok bool
		afterCreated, afterID, ok = decodeCursor(q.Cursor)
		v.Check(ok, "cursor", "invalid_cursor", "cursor 값이 올바르지 않습니다.")
	}
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	items, err := s.d.Store.List(ctx, ownerID, q.Status, afterCreated, afterID, q.Limit)
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: items}
	if len(items) > q.Limit {
		p.Items = items[:q.Limit]
		last := p.Items[q.Limit-1]
		p.NextCursor = encodeCursor(last.CreatedAt, last.ID)
	}
	if p.Items == nil {
		p.Items = []Event{}
	}
	return p, nil
}

func transitionsHas(s Status) bool { _, ok := transitions[s]; return ok }

func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + ":" + id))
}

func decodeCursor(c string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", false
	}
	ts, id, ok := strings.Cut(string(b), ":")
	us, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || us <= 0 {
		return time.Time{}, "", false
	}
	if _, err := uuid.Parse(id); err != nil {
		return time.Time{}, "", false
	}
	return time.UnixMicro(us).UTC(), id, true
}

// errStale is a lost optimistic-concurrency race; mutate retries it.
var errStale = errors.New("event: stale version")

// mutate loads the owner's event in a transaction, applies fn (which may
// publish through tx) and writes it back if nobody else wrote in between,
// retrying a lost race a few times.
func (s *Service) mutate(ctx context.Context, ownerID, id string, fn func(tx *db.Tx, e *Event) error) (Event, error) {
	var out Event
	for range updateAttempts {
		err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
			e, err := s.d.Store.Get(ctx, tx, id)
			if err != nil {
				return err
			}
			if ownerID != "" && e.OwnerID != ownerID {
				return ErrNotFound
			}
			if err := fn(tx, &e); err != nil {
				return err
			}
			e.UpdatedAt = s.now()
			ok, err := s.d.Store.Update(ctx, tx, e)
			if err != nil {
				return err
			}
			if !ok {
				return errStale
			}
			e.Version++
			out = e
			return nil
		})
		if !errors.Is(err, errStale) {
			return out, err
		}
	}
	return Event{}, ErrConcurrentUpdate
}

// Update edits the purpose while the event is DRAFT or PLANNED.
func (s *Service) Update(ctx context.Context, ownerID, id string, in UpdateInput) (Event, error) {
	return s.mutate(ctx, ownerID, id, func(_ *db.Tx, e *Event) error {
		if e.Status != StatusDraft && e.Status != StatusPlanned {
			return ErrNotEditable
		}
		p, text := e.Purpose, e.PurposeText
		if in.Purpose != nil {
			p = *in.Purpose
		}
		if in.PurposeText != nil {
			text = strings.TrimSpace(*in.PurposeText)
		}
		if err := validatePurpose(p, text); err != nil {
			return err
		}
		e.Purpose, e.PurposeText = p, text
		return nil
	})
}

// Delete removes a DRAFT event (publishing EventCancelled, since
// EventCreated went out); later statuses are cancelled or ended instead.
func (s *Service) Delete(ctx context.Context, ownerID, id string) error {
	for range updateAttempts {
		err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
			e, err := s.d.Store.Get(ctx, tx, id)
			if err != nil {
				return err
			}
			if e.OwnerID != ownerID {
				return ErrNotFound
			}
			if e.Status != StatusDraft {
				return ErrNotDeletable
			}
			ok, err := s.d.Store.Delete(ctx, tx, e)
			if err != nil {
				return err
			}
			if !ok {
				return errStale
			}
			return s.d.Publish(ctx, tx, messages.EventCancelled{EventID: e.ID, OwnerID: e.OwnerID, OccurredAt: s.now()})
		})
		if !errors.Is(err, errStale) {
			return err
		}
	}
	return ErrConcurrentUpdate
}

// Cancel cancels an event that has not started (DRAFT to APPROVED).
func (s *Service) Cancel(ctx context.Context, ownerID, id string) (Event, error) {
	return s.mutate(ctx, ownerID, id, func(tx *db.Tx, e *Event) error {
		if err := e.transition(StatusCancelled); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.EventCancelled{EventID: e.ID, OwnerID: e.OwnerID, OccurredAt: s.now()})
	})
}

// Select picks one of the three recommended options, applies the owner's
// edits and makes the event PLANNED. Nothing is written when any field is
// invalid.
func (s *Service) Select(ctx context.Context, ownerID, id string, in SelectionInput, r *http.Request) (Event, error) {
	e, err := s.Get(ctx, ownerID, id)
	if err != nil {
		return Event{}, err
	}
	if !CanTransition(e.Status, StatusPlanned) {
		return Event{}, ErrInvalidTransition.Wrap(fmt.Errorf("select: event %s is %s", id, e.Status))
	}
	if in.OptionNumber < 1 || in.OptionNumber > 3 {
		return Event{}, apperr.InvalidField("optionNumber", "invalid_option_number", "추천안 번호는 1~3 중 하나여야 합니다.")
	}
	rec, err := s.d.Recommendations.Recommendation(ctx, id, r)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return Event{}, ErrNoRecommendation.Wrap(err)
		}
		return Event{}, err
	}
	var opt *Option
	for i := range rec.Recommendations {
		if rec.Recommendations[i].OptionNumber == in.OptionNumber {
			opt = &rec.Recommendations[i]
		}
	}
	if opt == nil {
		return Event{}, ErrNoRecommendation
	}
	plan, err := s.buildPlan(*opt, in, e.Plan)
	if err != nil {
		return Event{}, err
	}
	starts, ends := period(plan.StartDate, plan.EndDate)
	return s.mutate(ctx, ownerID, id, func(_ *db.Tx, e *Event) error {
		if err := e.transition(StatusPlanned); err != nil {
			return err
		}
		e.Plan, e.StartsAt, e.EndsAt = &plan, starts, ends
		if e.AIProvider == "" {
			e.AIProvider, e.RecommendedAt = rec.AIProvider, rec.GeneratedAt.UTC().Truncate(time.Microsecond)
		}
		return nil
	})
}

// period turns inclusive KST dates into [start midnight, midnight after end).
func period(start, end string) (time.Time, time.Time) {
	a, _ := time.ParseInLocation(time.DateOnly, start, kst.Location)
	b, _ := time.ParseInLocation(time.DateOnly, end, kst.Location)
	return a.UTC(), b.AddDate(0, 0, 1).UTC()
}

// buildPlan makes the plan of option o with the owner's edits. prev is the
// plan saved before (nil for none): the form the owner edits was filled
// from it when it is of the same option.
func (s *Service) buildPlan(o Option, in SelectionInput, prev *Plan) (Plan, error) {
	today := s.d.Now().In(kst.Location).Format(time.DateOnly)
	p := Plan{OptionNumber: o.OptionNumber, Title: o.Title, Concept: o.Concept, Description: o.Mechanics.Details,
		Benefit: o.Benefit, Mechanic: o.Mechanics.Type, Method: o.ParticipationMethod.Type,
		StartDate: o.Duration.StartDate, EndDate: o.Duration.EndDate,
		EstimatedCost: o.EstimatedCost, ExpectedMetrics: o.ExpectedMetrics, Copy: o.Copy}
	if p.Method == messages.MethodFirstCome {
		p.CouponCount = o.ParticipationMethod.CouponCount
	} else {
		p.WinnerCount = o.ParticipationMethod.CouponCount
	}
	if p.StartDate == "" || p.EndDate == "" || p.StartDate < today {
		days := max(o.Duration.RecommendedDays, 1)
		t := s.d.Now().In(kst.Location)
		p.StartDate, p.EndDate = t.Format(time.DateOnly), t.AddDate(0, 0, days-1).Format(time.DateOnly)
	}
	if in.Title != nil {
		p.Title = strings.TrimSpace(*in.Title)
	}
	if in.Benefit != nil {
		p.Benefit = strings.TrimSpace(*in.Benefit)
	}
	if in.Description != nil {
		p.Description = strings.TrimSpace(*in.Description)
	}
	if in.StartDate != nil {
		p.StartDate = strings.TrimSpace(*in.StartDate)
	}
	if in.EndDate != nil {
		p.EndDate = strings.TrimSpace(*in.EndDate)
	}
	if pm := in.ParticipationMethod; pm != nil {
		p.Method = pm.Type
		p.CouponCount, p.WinnerCount = 0, 0
		if pm.Type == messages.MethodFirstCome {
			p.CouponCount = pm.CouponCount
		} else {
			p.WinnerCount = pm.CouponCount
		}
	}
	if in.CouponCount != nil && p.Method == messages.MethodFirstCome {
		p.CouponCount = *in.CouponCount
	}
	if in.WinnerCount != nil && p.Method == messages.MethodLottery {
		p.WinnerCount = *in.WinnerCount
	}
	if in.Copy != nil {
		p.Copy = Copy{Headline: strings.TrimSpace(in.Copy.Headline), Body: strings.TrimSpace(in.Copy.Body), Hashtags: cleanTags(in.Copy.Hashtags)}
	}
	// Text that restates the count or the days says the edited ones.
	from := []planFacts{{count: o.ParticipationMethod.CouponCount, start: o.Duration.StartDate, end: o.Duration.EndDate}}
	if prev != nil && prev.OptionNumber == o.OptionNumber {
		from = append(from, factsOf(*prev))
	}
	to := factsOf(p)
	for _, t := range []*string{&p.Title, &p.Concept, &p.Benefit, &p.Description, &p.Copy.Headline, &p.Copy.Body} {
		*t = restate(*t, from, to)
	}
	basis := EstimateBasis{Count: o.ParticipationMethod.CouponCount, Days: days(o.Duration.StartDate, o.Duration.EndDate)}
	if basis.Days == 0 {
		basis.Days = o.Duration.RecommendedDays
	}
	if basis.Count != to.count || basis.Days != days(p.StartDate, p.EndDate) {
		p.EstimateFor = &basis
	}

	var v apperr.Validation
	n := utf8.RuneCountInString
	v.Check(p.Title != "" && n(p.Title) <= maxTitle && !hasControl(p.Title), "title", "invalid_title", "제목은 1~60자로 입력해 주세요.")
	// The benefit may stay empty (the title then says it all); it is never
	// filled with the title, which pages would show twice.
	v.Check(n(p.Benefit) <= maxBenefit && !hasControl(p.Benefit), "benefit", "invalid_benefit", "혜택(경품·할인)은 100자 이내로 입력해 주세요.")
	v.Check(n(p.Description) <= maxDescription && !hasControl(p.Description), "description", "invalid_description", "참여 방법 설명은 1,000자 이내로 입력해 주세요.")
	start, serr := time.ParseInLocation(time.DateOnly, p.StartDate, kst.Location)
	end, eerr := time.ParseInLocation(time.DateOnly, p.EndDate, kst.Location)
	v.Check(serr == nil, "startDate", "invalid_start_date", "시작일을 YYYY-MM-DD 형식으로 입력해 주세요.")
	v.Check(eerr == nil, "endDate", "invalid_end_date", "종료일을 YYYY-MM-DD 형식으로 입력해 주세요.")
	if serr == nil && eerr == nil {
		switch {
		case end.Before(start):
			v.Add("endDate", "invalid_period", "종료일은 시작일과 같거나 뒤여야 합니다.")
		case end.Sub(start) > (maxPeriodDays-1)*24*time.Hour:
			v.Add("endDate", "period_too_long", "이벤트 기간은 최대 92일입니다.")
		case p.EndDate < today:
			v.Add("endDate", "period_in_past", "종료일이 이미 지났습니다.")
		}
	}
	switch p.Method {
	case messages.MethodFirstCome:
		v.Check(p.CouponCount >= 1 && p.CouponCount <= maxCoupons, "couponCount", "invalid_coupon_count", "선착순 쿠폰 수는 1~100,000장이어야 합니다.")
	case messages.MethodLottery:
		v.Check(p.WinnerCount >= 1 && p.WinnerCount <= maxWinners, "winnerCount", "invalid_winner_count", "당첨 인원은 1~10,000명이어야 합니다.")
	default:
		v.Add("participationMethod.type", "invalid_participation_method", "참여 방식은 추첨형(LOTTERY) 또는 선착순형(FIRST_COME)이어야 합니다.")
	}
	v.Check(n(p.Copy.Headline) <= maxHeadline && !hasControl(p.Copy.Headline), "copy.headline", "invalid_headline", "헤드라인은 80자 이내로 입력해 주세요.")
	v.Check(n(p.Copy.Body) <= maxCopyBody && !hasControl(p.Copy.Body), "copy.body", "invalid_copy_body", "홍보 문구는 1,000자 이내로 입력해 주세요.")
	okTags := len(p.Copy.Hashtags) <= maxHashtags
	for _, h := range p.Copy.Hashtags {
		okTags = okTags && n(h) <= maxHashtag && !strings.ContainsAny(h, " \t\r\n<>")
	}
	v.Check(okTags, "copy.hashtags", "invalid_hashtags", "해시태그는 30자 이내로 10개까지 입력해 주세요.")
	return p, v.Err()
}

// cleanTags trims hashtags, adds the leading # and drops empties and repeats.
func cleanTags(in []string) []string {
	out := []string{}
	for _, h := range in {
		h = strings.TrimSpace(h)
		if h == "" || h == "#" {
			continue
		}
		if !strings.HasPrefix(h, "#") {
			h = "#" + h
		}
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// Approve approves a PLANNED or CONTENT_READY event for the given channels
// (none: in-store participation only) and publishes EventApproved. The
// event is ACTIVE at once when its period has started, otherwise APPROVED
// until the ticker activates it.
func (s *Service) Approve(ctx context.Context, ownerID, id string, in ApproveInput) (Event, error) {
	channels := []string{}
	var v apperr.Validation
	for _, c := range in.Channels {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !messages.ValidChannel(c) {
			v.Add("channels", "invalid_channel", "알 수 없는 배포 채널입니다.")
			break
		}
		if !slices.Contains(channels, c) {
			channels = append(channels, c)
		}
	}
	if err := v.Err(); err != nil {
		return Event{}, err
	}
	return s.mutate(ctx, ownerID, id, func(tx *db.Tx, e *Event) error {
		if err := e.transition(StatusApproved); err != nil {
			return err
		}
		if e.Plan == nil {
			return ErrInvalidTransition.Wrap(fmt.Errorf("approve: event %s has no plan", e.ID))
		}
		now := s.now()
		if !now.Before(e.EndsAt) {
			return ErrPeriodOver
		}
		e.Channels, e.ApprovedAt = channels, now
		if !now.Before(e.StartsAt) {
			if err := e.transition(StatusActive); err != nil {
				return err
			}
		}
		return s.d.Publish(ctx, tx, approvedMessage(*e, now))
	})
}

func approvedMessage(e Event, now time.Time) messages.EventApproved {
	p := e.Plan
	return messages.EventApproved{EventID: e.ID, OwnerID: e.OwnerID, StoreID: e.StoreID, StoreName: e.StoreName,
		Industry: e.Industry, Region: strings.TrimSpace(e.RegionSido + " " + e.RegionSigungu), Purpose: e.Purpose,
		Title: p.Title, Benefit: p.Benefit, Description: p.Description, Method: p.Method,
		CouponCount: p.CouponCount, WinnerCount: p.WinnerCount, Mechanic: p.Mechanic,
		StartsAt: e.StartsAt, EndsAt: e.EndsAt, Channels: e.Channels, EstimatedCost: p.EstimatedCost.Max, OccurredAt: now}
}

// End closes an ACTIVE event at the owner's request.
func (s *Service) End(ctx context.Context, ownerID, id string) (Event, error) {
	return s.mutate(ctx, ownerID, id, func(tx *db.Tx, e *Event) error { return s.end(ctx, tx, e, messages.EndOwner) })
}

func (s *Service) end(ctx context.Context, tx *db.Tx, e *Event, reason messages.EndReason) error {
	if err := e.transition(StatusEnded); err != nil {
		return err
	}
	now := s.now()
	e.EndedAt, e.EndReason = now, reason
	return s.d.Publish(ctx, tx, messages.EventEnded{EventID: e.ID, OwnerID: e.OwnerID, Reason: reason, OccurredAt: now})
}

// Tick activates approved events whose start has come and ends active
// events whose period is over. Replicas may tick at once: each step is a
// versioned update, so only one of them wins (and publishes).
func (s *Service) Tick(ctx context.Context) (activated, ended int, err error) {
	now := s.now()
	due, err := s.d.Store.Due(ctx, now, tickBatch)
	if err != nil {
		return 0, 0, err
	}
	for _, d := range due {
		_, err := s.mutate(ctx, "", d.ID, func(tx *db.Tx, e *Event) error {
			if e.Status == StatusApproved && !now.Before(e.StartsAt) {
				if err := e.transition(StatusActive); err != nil {
					return err
				}
				activated++
			}
			if e.Status == StatusActive && !now.Before(e.EndsAt) {
				if err := s.end(ctx, tx, e, messages.EndPeriodOver); err != nil {
					return err
				}
				ended++
			}
			return nil
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			s.d.Log.Warn("event: tick", "event", d.ID, "err", err)
		}
	}
	return activated, ended, nil
}

// RunTicker calls Tick every interval until ctx ends.
func (s *Service) RunTicker(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.d.Log.Warn("event: tick failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ConsumedSubjects are the messages HandleMessage applies.
var ConsumedSubjects = []string{messages.SubjectOf[messages.CouponsSoldOut](), messages.SubjectOf[messages.EntriesClosed](),
	messages.SubjectOf[messages.RecommendationReady](), messages.SubjectOf[messages.ContentReady]()}

// HandleMessage is the idempotent consumer: first-come coupons sold out, or
// entries closed by an early draw, end the event; a ready recommendation is
// recorded on it.
func (s *Service) HandleMessage(ctx context.Context, tx *db.Tx, m bus.Message) error {
	msg, err := messages.Decode(m.Subject, m.Data)
	if err != nil {
		return bus.Permanent(err)
	}
	switch x := msg.(type) {
	case messages.CouponsSoldOut:
		return s.apply(ctx, tx, x.EventID, func(e *Event) error {
			if e.Status == StatusApproved {
				if err := e.transition(StatusActive); err != nil {
					return err
				}
			}
			if e.Status != StatusActive {
				return nil // already ended or cancelled: nothing to do
			}
			return s.end(ctx, tx, e, messages.EndSoldOut)
		})
	case messages.EntriesClosed:
		reason := x.Reason
		if reason == "" {
			reason = messages.EndDrawn
		}
		return s.apply(ctx, tx, x.EventID, func(e *Event) error {
			if e.Status == StatusApproved {
				if err := e.transition(StatusActive); err != nil {
					return err
				}
			}
			if e.Status != StatusActive {
				return nil // already ended (the period ran out first) or cancelled
			}
			return s.end(ctx, tx, e, reason)
		})
	case messages.RecommendationReady:
		return s.apply(ctx, tx, x.EventID, func(e *Event) error {
			e.AIProvider, e.RecommendedAt = x.AIProvider, x.GeneratedAt.UTC().Truncate(time.Microsecond)
			return nil
		})
	case messages.ContentReady:
		return s.apply(ctx, tx, x.EventID, func(e *Event) error {
			// Content made (or made again) for a planned event readies it;
			// after approval it changes nothing in the lifecycle.
			if e.Status == StatusPlanned || e.Status == StatusContentReady {
				return e.transition(StatusContentReady)
			}
			return nil
		})
	}
	return nil
}

// apply changes one event inside the consumer's transaction; an unknown
// event is skipped, a lost race is returned so the message is redelivered.
func (s *Service) apply(ctx context.Context, tx *db.Tx, id string, fn func(e *Event) error) error {
	e, err := s.d.Store.Get(ctx, tx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := fn(&e); err != nil {
		return err
	}
	e.UpdatedAt = s.now()
	ok, err := s.d.Store.Update(ctx, tx, e)
	if err != nil {
		return err
	}
	if !ok {
		return errStale
	}
	return nil
}
