package winners

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/phone"
)

// NotifyQueue is the work queue of winner and coupon-holder
// notifications (the entry side queues the coupon items on it).
const NotifyQueue = participation.NotifyQueue

// Queue is a work queue fed through the outbox (jobs.Queue satisfies it).
type Queue interface {
	EnqueueWork(ctx context.Context, tx *db.Tx, queue, id string, payload []byte) error
	Work(ctx context.Context, queue string, workers int, handle func(ctx context.Context, payload []byte, attempt int) error) (stop func(), err error)
}

// Sender sends a notification and looks up its delivery
// (*notify.Dispatcher satisfies it).
type Sender interface {
	Send(ctx context.Context, m notify.Message) (notify.Receipt, error)
	Track(ctx context.Context, r notify.Receipt) (notify.DeliveryStatus, error)
}

// Sealer encrypts the secret seed at rest (*authn.FieldCipher satisfies it).
type Sealer interface {
	EncryptString(s string) (string, error)
	DecryptString(s string) (string, error)
}

// Deps are the service's collaborators.
type Deps struct {
	DB      *db.DB
	Store   Store
	Entries Entries
	Publish bus.Publisher
	Queue   Queue
	Sender  Sender
	Sealer  Sealer
	// PublicURL prefixes the proof links (the app's public URL).
	PublicURL string
	// TemplateCode is the approved 알림톡 template of the winner message.
	TemplateCode string
	// CouponTemplateCode is the approved 알림톡 template of the coupon
	// message (default DefaultCouponTemplateCode). Coupon holders are
	// notified only when Entries also implements CouponEntries.
	CouponTemplateCode string
	Retention          RetentionConfig
	// MaxNotifyAttempts: after this many deliveries of a notification job
	// whose send certainly did not happen, it is marked FAILED (the bus
	// dead-letters after 5 deliveries; default 5).
	MaxNotifyAttempts int
	// Observe, when set, receives the duration of each phase of a draw
	// ("select": entries → proof; "store": the transaction) for metrics
	// and benchmarks.
	Observe func(phase string, d time.Duration)
	Now     func() time.Time
	Log     *slog.Logger
}

// DefaultTemplateCode is the winner template registered with Kakao.
const DefaultTemplateCode = "AE_WIN_01"

// Service runs draws, winner notifications and data retention.
type Service struct {
	db        *db.DB
	store     Store
	entries   Entries
	publish   bus.Publisher
	queue     Queue
	sender    Sender
	sealer    Sealer
	publicURL string
	template  string
	// coupons is Entries as CouponEntries (nil when it is not one).
	coupons        CouponEntries
	couponTemplate string
	retention      RetentionConfig
	attempts       int
	observe        func(string, time.Duration)
	now            func() time.Time
	log            *slog.Logger
}

// NewService checks the dependencies and returns the service.
func NewService(d Deps) (*Service, error) {
	switch {
	case d.DB == nil, d.Store == nil, d.Entries == nil, d.Publish == nil, d.Queue == nil, d.Sealer == nil:
		return nil, errors.New("winners: DB, Store, Entries, Publish, Queue and Sealer are required")
	case d.Sender == nil:
		return nil, errors.New("winners: a notification Sender is required")
	}
	s := &Service{db: d.DB, store: d.Store, entries: d.Entries, publish: d.Publish, queue: d.Queue, sender: d.Sender,
		sealer: d.Sealer, publicURL: strings.TrimRight(d.PublicURL, "/"), template: d.TemplateCode,
		retention: d.Retention.withDefaults(), attempts: d.MaxNotifyAttempts, observe: d.Observe, now: d.Now, log: d.Log}
	if s.template == "" {
		s.template = DefaultTemplateCode
	}
	s.coupons, _ = d.Entries.(CouponEntries)
	if s.couponTemplate = d.CouponTemplateCode; s.couponTemplate == "" {
		s.couponTemplate = DefaultCouponTemplateCode
	}
	if s.attempts <= 0 {
		s.attempts = 5
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.observe == nil {
		s.observe = func(string, time.Duration) {}
	}
	return s, nil
}

// event returns the event when ownerID owns it; another owner's event is
// reported as not found, so its existence is not revealed.
func (s *Service) event(ctx context.Context, ownerID, eventID string) (EventInfo, error) {
	ev, err := s.entries.Event(ctx, eventID)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return EventInfo{}, ErrEventNotFound
		}
		return EventInfo{}, err
	}
	if ownerID != "" && ev.OwnerID != ownerID {
		return EventInfo{}, ErrEventNotFound
	}
	return ev, nil
}

// drawable: lotteries only, while ACTIVE (on demand: the entry list is
// fixed at that moment; later entries do not take part) or once ENDED.
func (s *Service) drawable(ev EventInfo) error {
	if ev.Method != messages.MethodLottery {
		return ErrNotLottery
	}
	switch ev.Status {
	case EventEnded:
		return nil
	case EventActive:
		if !ev.StartsAt.IsZero() && s.now().Before(ev.StartsAt) {
			return ErrEventNotOpen
		}
		return nil
	}
	return ErrEventNotOpen
}

// Commit creates the event's pending draw: a fresh secret seed, stored
// encrypted, whose commitment is published at once on the event page. An
// existing pending draw is returned instead (created false).
func (s *Service) Commit(ctx context.Context, ownerID, eventID string) (_ Draw, created bool, _ error) {
	ev, err := s.event(ctx, ownerID, eventID)
	if err != nil {
		return Draw{}, false, err
	}
	if err := s.drawable(ev); err != nil {
		return Draw{}, false, err
	}
	seed, err := draw.NewSeed()
	if err != nil {
		return Draw{}, false, err
	}
	sealed, err := s.sealer.EncryptString(seed.Hex())
	if err != nil {
		return Draw{}, false, err
	}
	now := s.now().UTC()
	d := Draw{ID: newID(), EventID: eventID, OwnerID: ev.OwnerID, Status: DrawPending, Commitment: seed.Commitment(),
		SealedSeed: sealed, CommittedInAdvance: true, CommittedAt: now, CreatedAt: now, Exclusions: []int64{}, Winners: []Winner{}}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if p, err := s.store.PendingDraw(ctx, tx, eventID); err == nil {
			d, created = p, false
			return nil
		} else if !errors.Is(err, ErrDrawNotFound) {
			return err
		}
		if err := s.store.InsertDraw(ctx, tx, d); err != nil {
			return err
		}
		created = true
		return s.store.TouchLifecycle(ctx, tx, eventID, ev.Method, false)
	})
	if db.IsUniqueViolation(err) { // a concurrent Commit won; return its draw
		p, perr := s.store.PendingDraw(ctx, s.db, eventID)
		if perr != nil {
			return Draw{}, false, perr
		}
		return s.decorate(p), false, nil
	}
	if err != nil {
		return Draw{}, false, err
	}
	return s.decorate(d), created, nil
}

func validateInput(in *DrawInput) error {
	var v apperr.Validation
	in.Reason = strings.TrimSpace(in.Reason)
	in.RedrawOf = strings.TrimSpace(in.RedrawOf)
	if in.RedrawOf != "" {
		// A redraw draws one winner per replaced winner, with the first
		// draw's weight: the owner names whom to replace, and why.
		v.Check(len(in.Replace) >= 1, "replace", "replace_required", "교체할 당첨자를 선택해 주세요.")
		v.Check(len(in.Replace) <= MaxWinners, "replace", "too_many_replacements",
			fmt.Sprintf("한 번에 교체할 수 있는 당첨자는 %d명까지입니다.", MaxWinners))
		v.Check(in.Reason != "", "reason", "reason_required", "재추첨 사유를 입력해 주세요.")
	} else {
		v.Check(in.WinnerCount >= 1 && in.WinnerCount <= MaxWinners, "winnerCount", "invalid_winner_count",
			fmt.Sprintf("당첨자 수는 1명 이상 %d명 이하로 입력해 주세요.", MaxWinners))
		v.Check(in.VisitBonusWeight >= 1 && in.VisitBonusWeight <= draw.MaxWeight, "visitBonusWeight", "invalid_visit_bonus_weight",
			fmt.Sprintf("매장 방문 가중치는 1 이상 %d 이하로 입력해 주세요.", draw.MaxWeight))
		v.Check(len(in.Replace) == 0, "replace", "replace_without_redraw", "당첨자 교체는 재추첨에서만 할 수 있습니다.")
	}
	v.Check(len(in.Exclusions) <= MaxExclusions, "exclusions", "too_many_exclusions",
		fmt.Sprintf("제외할 응모번호는 %d개까지 지정할 수 있습니다.", MaxExclusions))
	for _, n := range in.Exclusions {
		if n <= 0 {
			v.Add("exclusions", "invalid_exclusion", "제외할 응모번호가 올바르지 않습니다.")
			break
		}
	}
	v.Check(utf8.RuneCountInString(in.Reason) <= MaxReasonRunes, "reason", "reason_too_long",
		fmt.Sprintf("사유는 %d자 이내로 입력해 주세요.", MaxReasonRunes))
	return v.Err()
}

// entriesOpen reports an event that still takes entries: drawing it now
// ends it early, which the owner must confirm.
func (s *Service) entriesOpen(ev EventInfo) bool {
	return ev.Status == EventActive && s.now().Before(ev.EndsAt)
}

// Draw performs the event's draw (or a redraw, see redraw) and returns the
// immutable record. A draw needs a fixed entry list: while the participation
// service still takes entries (its copy of the event is ACTIVE), the draw's
// transaction first closes them — under the lock every entry batch takes, so
// an entry either committed before and is drawn from, or is refused — and
// publishes EntriesClosed for the event service to end the event. Before
// the period is over that needs in.CloseEntries (else ErrEntriesOpen). It
// uses the pending commitment when one was published; otherwise it commits
// and draws in one step. Winners are announced with WinnerSelected and one
// notification job each, in the same transaction.
func (s *Service) Draw(ctx context.Context, ownerID, eventID string, in DrawInput) (Draw, error) {
	if err := validateInput(&in); err != nil {
		return Draw{}, err
	}
	ev, err := s.event(ctx, ownerID, eventID)
	if err != nil {
		return Draw{}, err
	}
	if err := s.drawable(ev); err != nil {
		return Draw{}, err
	}
	if in.RedrawOf != "" {
		return s.redraw(ctx, ev, in)
	}
	closing := ev.Status == EventActive
	if s.entriesOpen(ev) && !in.CloseEntries {
		return Draw{}, ErrEntriesOpen
	}
	seed, pending, hasPending, err := s.drawSeed(ctx, eventID)
	if err != nil {
		return Draw{}, err
	}
	params := draw.Params{WinnerCount: in.WinnerCount, VisitBonusWeight: in.VisitBonusWeight, Exclusions: in.Exclusions}
	rule := ""
	if in.ExcludeFlagged {
		rule = RuleFlagged
	}
	pick := func(entrants []Entrant) (selection, error) {
		p := params
		if rule != "" {
			p.Exclusions = withFlagged(p.Exclusions, entrants)
		}
		return s.selectWinners(ctx, eventID, seed, entrants, p, nil)
	}

	// An ended event's list is already fixed: select outside the
	// transaction. A closing one is read and drawn inside it.
	var sel selection
	if !closing {
		entrants, err := s.entries.DrawEntries(ctx, eventID)
		if err != nil {
			return Draw{}, err
		}
		if sel, err = pick(entrants); err != nil {
			return Draw{}, err
		}
	}

	var d Draw
	start := time.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := s.store.LatestDraw(ctx, tx, eventID)
		switch {
		case err == nil:
			return ErrAlreadyDrawn
		case !errors.Is(err, ErrDrawNotFound):
			return err
		}
		if closing {
			closed, entrants, err := s.entries.CloseEntries(ctx, tx, eventID)
			if err != nil {
				return err
			}
			if sel, err = pick(entrants); err != nil {
				return err
			}
			if closed {
				reason := messages.EndDrawn
				if !s.entriesOpen(ev) {
					reason = messages.EndPeriodOver // the period had run out; the draw only caught up with it
				}
				if err := s.publish(ctx, tx, messages.EntriesClosed{EventID: eventID, Reason: reason, OccurredAt: s.now().UTC()}); err != nil {
					return err
				}
			}
		}
		d = s.newRecord(ev, seed, sel, pending, hasPending)
		d.ExclusionRule = rule
		return s.save(ctx, tx, d, sel, hasPending)
	})
	if db.IsUniqueViolation(err) {
		return Draw{}, ErrDrawConflict.Wrap(err)
	}
	if err != nil {
		return Draw{}, err
	}
	s.observe("store", time.Since(start))
	return s.decorate(d), nil
}

// RuleFlagged is the exclusion rule of DrawInput.ExcludeFlagged.
const RuleFlagged = "flagged_shared_ip"

// withFlagged adds the flagged entrants to the exclusions, once each.
func withFlagged(excl []int64, entrants []Entrant) []int64 {
	out := slices.Clone(excl)
	for _, e := range entrants {
		if e.Flagged {
			out = append(out, e.EntryNumber)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// selection is a computed draw before it is stored.
type selection struct {
	proof     draw.Proof
	winners   []Winner
	visits    int
	entryList []byte
}

// selectWinners draws from entrants (ascending) and looks up the winners'
// masked contacts; ranks gives the winners' ranks in order (nil: 1, 2, …).
func (s *Service) selectWinners(ctx context.Context, eventID string, seed draw.Seed, entrants []Entrant, p draw.Params, ranks []int) (selection, error) {
	if len(entrants) == 0 {
		return selection{}, ErrNoEntries
	}
	start := time.Now()
	list, visits, err := weighted(entrants, p.VisitBonusWeight)
	if err != nil {
		return selection{}, err
	}
	proof, err := draw.Draw(seed, list, p)
	if err != nil {
		return selection{}, drawError(err)
	}
	s.observe("select", time.Since(start))
	ws := make([]Winner, len(proof.Winners))
	for i, n := range proof.Winners {
		w := Winner{Rank: i + 1, EntryNumber: n}
		if ranks != nil {
			w.Rank = ranks[i]
		}
		if j, ok := slices.BinarySearchFunc(entrants, n, func(e Entrant, n int64) int { return cmpInt(e.EntryNumber, n) }); ok {
			w.StoreVisit = entrants[j].StoreVisit
		}
		c, err := s.entries.Contact(ctx, eventID, n)
		switch {
		case err == nil:
			w.Name, w.Phone = phone.MaskName(c.Name), phone.Mask(c.Phone)
		case missing(err):
			// Personal data already destroyed: the winner is listed by
			// entry number only and cannot be notified.
		default:
			return selection{}, err
		}
		ws[i] = w
	}
	return selection{proof: proof, winners: ws, visits: visits, entryList: encodeEntryList(entrants)}, nil
}

// drawSeed returns the pending commitment's seed, or a fresh one.
func (s *Service) drawSeed(ctx context.Context, eventID string) (draw.Seed, Draw, bool, error) {
	pending, err := s.store.PendingDraw(ctx, s.db, eventID)
	if errors.Is(err, ErrDrawNotFound) {
		seed, err := draw.NewSeed()
		return seed, Draw{}, false, err
	}
	if err != nil {
		return draw.Seed{}, Draw{}, false, err
	}
	hexSeed, err := s.sealer.DecryptString(pending.SealedSeed)
	if err != nil {
		return draw.Seed{}, Draw{}, false, fmt.Errorf("winners: unseal seed: %w", err)
	}
	seed, err := draw.ParseSeed(hexSeed)
	return seed, pending, true, err
}

// newRecord builds the DRAWN record of sel.
func (s *Service) newRecord(ev EventInfo, seed draw.Seed, sel selection, pending Draw, hasPending bool) Draw {
	now := s.now().UTC()
	p := sel.proof
	d := Draw{EventID: ev.EventID, OwnerID: ev.OwnerID, Status: DrawDone, Commitment: p.Commitment, Seed: p.Seed,
		Algorithm: p.Algorithm, EntryListHash: p.EntryListHash, EntryCount: p.EntryCount, VisitEntryCount: sel.visits,
		WinnerCount: p.WinnerCount, VisitBonusWeight: p.VisitBonusWeight, Exclusions: p.Exclusions,
		Winners: sel.winners, DrawnAt: &now}
	if hasPending {
		d.ID, d.SealedSeed, d.CommittedAt, d.CreatedAt, d.CommittedInAdvance = pending.ID, pending.SealedSeed, pending.CommittedAt, pending.CreatedAt, true
	} else {
		d.ID, d.CommittedAt, d.CreatedAt = newID(), now, now
	}
	return d
}

// save stores d (completing the pending commitment, or as a new record)
// with its winners and entry list, and announces the new winners: one
// WinnerSelected and one notification job per winner of this record only.
func (s *Service) save(ctx context.Context, tx *db.Tx, d Draw, sel selection, hasPending bool) error {
	if hasPending {
		ok, err := s.store.CompleteDraw(ctx, tx, d)
		if err != nil {
			return err
		}
		if !ok {
			return ErrDrawConflict
		}
	} else {
		var err error
		if d.SealedSeed, err = s.sealer.EncryptString(d.Seed); err != nil {
			return err
		}
		if err := s.store.InsertDraw(ctx, tx, d); err != nil {
			return err
		}
	}
	now := *d.DrawnAt
	if err := s.store.InsertWinners(ctx, tx, d.ID, d.Winners, now); err != nil {
		return err
	}
	if err := s.store.SaveEntryList(ctx, tx, d.ID, sel.entryList); err != nil {
		return err
	}
	if err := s.store.TouchLifecycle(ctx, tx, d.EventID, messages.MethodLottery, true); err != nil {
		return err
	}
	if err := s.publish(ctx, tx, messages.WinnerSelected{
		EventID: d.EventID, DrawID: d.ID, EntryNumbers: sel.proof.Winners, EntryCount: sel.proof.EntryCount, OccurredAt: now,
	}); err != nil {
		return err
	}
	for i, w := range d.Winners {
		if err := s.enqueueNotification(ctx, tx, d.EventID, d.ID, w.EntryNumber); err != nil {
			return err
		}
		d.Winners[i].Notification = &Notification{Status: NotifyPending, UpdatedAt: now}
	}
	return nil
}

func drawError(err error) error {
	switch {
	case errors.Is(err, draw.ErrNotEnoughEntries):
		return ErrTooFewEntries.Wrap(err)
	case errors.Is(err, draw.ErrNoEntries):
		return ErrNoEntries.Wrap(err)
	case errors.Is(err, draw.ErrUnknownExclusion):
		return apperr.InvalidField("exclusions", "unknown_exclusion", "제외 목록에 없는 응모번호가 있습니다.").Wrap(err)
	case errors.Is(err, draw.ErrWeight):
		return apperr.InvalidField("visitBonusWeight", "invalid_visit_bonus_weight", "매장 방문 가중치가 올바르지 않습니다.").Wrap(err)
	case errors.Is(err, draw.ErrWinnerCount):
		return apperr.InvalidField("winnerCount", "invalid_winner_count", "당첨자 수가 올바르지 않습니다.").Wrap(err)
	}
	return err
}

// List returns the owner's event with all its draws (owner view, with
// notification states).
func (s *Service) List(ctx context.Context, ownerID, eventID string) (EventDraws, error) {
	ev, err := s.event(ctx, ownerID, eventID)
	if err != nil {
		return EventDraws{}, err
	}
	return s.list(ctx, ev, false)
}

// PublicList returns an event's draws as anyone may see them: commitments
// before the draw; seed, proof links and masked winners after.
func (s *Service) PublicList(ctx context.Context, eventID string) (EventDraws, error) {
	ev, err := s.event(ctx, "", eventID)
	if err != nil {
		return EventDraws{}, err
	}
	return s.list(ctx, ev, true)
}

func (s *Service) list(ctx context.Context, ev EventInfo, public bool) (EventDraws, error) {
	ds, err := s.store.Draws(ctx, ev.EventID)
	if err != nil {
		return EventDraws{}, err
	}
	by := map[string]string{}
	for _, d := range ds {
		if d.RedrawOf != "" {
			by[d.RedrawOf] = d.ID
		}
	}
	replaced := replay(ds).replacedBy
	out := EventDraws{Event: EventSummary{ID: ev.EventID, Title: ev.Title, StoreName: ev.StoreName, Method: ev.Method,
		Status: ev.Status, StartsAt: ev.StartsAt, EndsAt: ev.EndsAt, Code: ev.Code, WinnerCount: ev.WinnerCount,
		EntriesOpen: s.entriesOpen(ev)}, Draws: make([]Draw, len(ds))}
	for i, d := range ds {
		d.SupersededBy = by[d.ID]
		for j, w := range d.Winners {
			d.Winners[j].ReplacedBy = replaced[winnerKey{d.ID, w.EntryNumber}]
		}
		d = s.decorate(d)
		if public {
			d = d.Public()
		}
		out.Draws[i] = d
	}
	return out, nil
}

// Get returns one of the owner's draws.
func (s *Service) Get(ctx context.Context, ownerID, eventID, drawID string) (Draw, error) {
	if _, err := s.event(ctx, ownerID, eventID); err != nil {
		return Draw{}, err
	}
	d, err := s.store.Draw(ctx, eventID, drawID)
	if err != nil {
		return Draw{}, err
	}
	return s.decorate(d), nil
}

// Proof returns the published proof of a completed draw.
func (s *Service) Proof(ctx context.Context, eventID, drawID string) (draw.Proof, error) {
	d, err := s.store.Draw(ctx, eventID, drawID)
	if err != nil {
		return draw.Proof{}, err
	}
	if d.Status != DrawDone {
		return draw.Proof{}, ErrDrawPending
	}
	ws := make([]int64, len(d.Winners))
	for i, w := range d.Winners {
		ws[i] = w.EntryNumber
	}
	excl := d.Exclusions
	if excl == nil {
		excl = []int64{}
	}
	return draw.Proof{Algorithm: d.Algorithm, Commitment: d.Commitment, Seed: d.Seed, EntryListHash: d.EntryListHash,
		EntryCount: d.EntryCount, WinnerCount: d.WinnerCount, VisitBonusWeight: d.VisitBonusWeight, Exclusions: excl, Winners: ws,
		Replaces: d.Replaces, ExclusionRule: d.ExclusionRule}, nil
}

// WriteEntryList writes a completed draw's entry list in the canonical
// form (entry numbers and weights only) whose SHA-256 is in the proof. ok
// is called once the list is known to exist, before anything is written.
func (s *Service) WriteEntryList(ctx context.Context, eventID, drawID string, w io.Writer, ok func()) error {
	d, err := s.store.Draw(ctx, eventID, drawID)
	if err != nil {
		return err
	}
	if d.Status != DrawDone {
		return ErrDrawPending
	}
	b, err := s.store.EntryList(ctx, drawID)
	if err != nil {
		return err
	}
	es, err := decodeEntryList(b)
	if err != nil {
		return err
	}
	list, _, err := weighted(es, d.VisitBonusWeight)
	if err != nil {
		return err
	}
	if ok != nil {
		ok()
	}
	return draw.WriteEntryList(w, list)
}

// MarkPrizeDelivered records that a winner received the prize; the
// winner's personal data is destroyed on the next retention run.
func (s *Service) MarkPrizeDelivered(ctx context.Context, ownerID, eventID, drawID string, entryNumber int64) (Winner, error) {
	if _, err := s.event(ctx, ownerID, eventID); err != nil {
		return Winner{}, err
	}
	if _, err := s.store.Draw(ctx, eventID, drawID); err != nil {
		return Winner{}, err
	}
	if err := s.store.MarkPrizeDelivered(ctx, drawID, entryNumber, s.now().UTC()); err != nil {
		return Winner{}, err
	}
	return s.store.Winner(ctx, drawID, entryNumber)
}

// decorate fills the links of a completed draw and hides the internal
// SENDING state.
func (s *Service) decorate(d Draw) Draw {
	if d.Exclusions == nil {
		d.Exclusions = []int64{}
	}
	if d.Winners == nil {
		d.Winners = []Winner{}
	}
	for i := range d.Winners {
		if n := d.Winners[i].Notification; n != nil && n.Status == NotifySending {
			c := *n
			c.Status = NotifyPending
			d.Winners[i].Notification = &c
		}
	}
	if d.Status == DrawDone {
		base := s.publicURL + "/api/v1/public/events/" + url.PathEscape(d.EventID) + "/draws/" + url.PathEscape(d.ID)
		d.ProofURL, d.EntriesURL = base+"/proof", base+"/entries.txt"
		d.VerifyCommand = "autoevent verify-draw " + d.ProofURL
	}
	return d
}

// missing reports an entry or contact that does not exist (any more):
// unknown, or its personal data destroyed.
func missing(err error) bool {
	k := apperr.KindOf(err)
	return k == apperr.NotFound || k == apperr.Gone
}

func newID() string {
	if id, err := uuid.NewV7(); err == nil {
		return id.String()
	}
	return uuid.NewString()
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
