// Package participation is the entry side of the participation service:
// its copy of approved events, the public entry API with one entry per phone
// number, first-come coupons, and the owner's views of entries. Draws,
// notifications and data retention live in package winners, which reads
// entries through the sqlstore's winners.Entries implementation.
package participation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/visit"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/phone"
)

// Default limits; Deps fields override them.
const (
	DefaultIPLimit    = 60     // entries per minute per client IP (a shop's Wi-Fi is shared)
	DefaultEventLimit = 20_000 // entries per second per event: above the load target, below a flood
	DefaultMaxBatch   = 2048   // entries per transaction: under overload batches grow to amortise the commit
	DefaultLinger     = time.Millisecond
	maxNameRunes      = 30
	// hardLimitFactor times IPLimit entries a minute from one address are
	// refused outright (10 a second for a minute: no queue of people).
	hardLimitFactor = 10
	eventCacheTTL   = time.Second
)

// Deps are the service's collaborators and settings.
type Deps struct {
	DB      *db.DB
	Store   Store
	Cache   cache.Cache // rate limits and idempotency keys
	Publish bus.Publisher
	// PublishMany, when set, writes a batch's ParticipantRegistered
	// messages in one statement; without it the committer calls Publish
	// once per entry (a round trip each on PostgreSQL).
	PublishMany bus.BatchPublisher
	// EnqueueWork, when set, writes a work item to the outbox inside tx
	// (the app passes the relay's EnqueueWork): the committer uses it to
	// queue one notification per coupon it issues (CouponNotifyJob), in
	// the transaction that issues the coupon. Nil: coupon holders are not
	// notified.
	EnqueueWork WorkEnqueuer
	Cipher      *authn.FieldCipher
	Visit       *visit.Signer
	PublicURL   string // external base URL for links and QR codes
	// Reauth confirms the caller's password with the user service before
	// an unmasked export (nil: unmasked export is refused).
	Reauth func(ctx context.Context, r *http.Request, password string) error
	Log    *slog.Logger

	// IPLimit is entries per minute per client IP above which entries are
	// flagged for review (hardLimitFactor times it: refused); negative =
	// off, 0 = default.
	IPLimit int
	// EventLimit is entries per second per event and process; negative =
	// off, 0 = default.
	EventLimit int
	// Committers is the number of group-commit goroutines (default 1 on
	// SQLite, which has one writer anyway; 2 on PostgreSQL: batches of one
	// event serialise on its counter row, so a second committer only
	// overlaps its batch's preparation and network round trips with the
	// first one's locked part; more split the batches and add lock
	// hand-overs).
	Committers int
	// MaxBatch bounds the entries written by one transaction.
	MaxBatch int
	// Linger is how long a committer waits for company when a batch is
	// small (a couple of ms at most: it is added to the latency).
	Linger time.Duration
	Now    func() time.Time
}

// Service runs entries.
type Service struct {
	d     Deps
	queue chan *pending
	wg    sync.WaitGroup
	mu    sync.Mutex
	stop  chan struct{}
	// events caches events for the entry fast path (status, period); the
	// committer re-reads the row under lock, so staleness only delays a
	// rejection, never lets a closed event take an entry.
	evMu   sync.Mutex
	events map[string]cachedEvent
	stats  batchStats
	// evLimit is the per-event limit, kept in process: it protects this
	// process's committers, every entry request passes it, and one shared
	// cache key hit 10,000 times a second (a Redis round trip each in
	// scaled mode) costs more than the entry's own work.
	evLimit eventLimiter
}

type cachedEvent struct {
	e   Event
	exp time.Time
}

// NewService validates deps and returns the service; Start runs the
// committers.
func NewService(d Deps) (*Service, error) {
	if d.DB == nil || d.Store == nil || d.Cache == nil || d.Publish == nil || d.Cipher == nil || d.Visit == nil {
		return nil, errors.New("participation: missing dependency")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.IPLimit == 0 {
		d.IPLimit = DefaultIPLimit
	}
	if d.EventLimit == 0 {
		d.EventLimit = DefaultEventLimit
	}
	if d.MaxBatch <= 0 {
		d.MaxBatch = DefaultMaxBatch
	}
	if d.Linger == 0 {
		d.Linger = DefaultLinger
	}
	if d.Committers <= 0 {
		d.Committers = 1
		if d.DB.Dialect() == db.Postgres {
			d.Committers = 2
		}
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	return &Service{d: d, queue: make(chan *pending, 4*d.MaxBatch), stop: make(chan struct{}), events: map[string]cachedEvent{}}, nil
}

// --- events (consumer of the event service's messages) ---

// ConsumerName and ConsumedSubjects register the event consumer.
const ConsumerName = "participation-events"

// ConsumedSubjects are the event lifecycle messages the service copies.
var ConsumedSubjects = []string{
	messages.SubjectOf[messages.EventApproved](), messages.SubjectOf[messages.EventEnded](), messages.SubjectOf[messages.EventCancelled](),
}

// HandleEventMessage is the idempotent bus consumer keeping the local copy
// of events.
func (s *Service) HandleEventMessage(ctx context.Context, tx *db.Tx, m bus.Message) error {
	msg, err := messages.Decode(m.Subject, m.Data)
	if err != nil {
		return bus.Permanent(err)
	}
	switch x := msg.(type) {
	case messages.EventApproved:
		a := x
		method := a.Method
		if method != messages.MethodFirstCome {
			method = messages.MethodLottery
		}
		e := Event{ID: a.EventID, OwnerID: a.OwnerID, StoreID: a.StoreID, Code: NewEventCode(), Title: a.Title,
			StoreName: a.StoreName, Benefit: a.Benefit, Description: a.Description, Method: method,
			CouponCount: max(a.CouponCount, 0), WinnerCount: max(a.WinnerCount, 0),
			StartsAt: a.StartsAt, EndsAt: a.EndsAt, Status: StatusActive}
		if e.ID == "" || e.OwnerID == "" {
			return fmt.Errorf("participation: EventApproved without ids")
		}
		if err := s.d.Store.UpsertEvent(ctx, tx, e); err != nil {
			return err
		}
	case messages.EventEnded:
		if err := s.d.Store.SetStatus(ctx, tx, x.EventID, StatusEnded); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.forget(x.EventID) })
	case messages.EventCancelled:
		if err := s.d.Store.SetStatus(ctx, tx, x.EventID, StatusCancelled); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.forget(x.EventID) })
	}
	return nil
}

func (s *Service) forget(eventID string) {
	s.evMu.Lock()
	delete(s.events, eventID)
	s.evMu.Unlock()
}

// event returns the event through the short-lived local cache.
func (s *Service) event(ctx context.Context, eventID string) (Event, error) {
	now := time.Now()
	s.evMu.Lock()
	c, ok := s.events[eventID]
	s.evMu.Unlock()
	if ok && now.Before(c.exp) {
		return c.e, nil
	}
	e, err := s.d.Store.EventByID(ctx, eventID)
	if err != nil {
		return Event{}, err
	}
	s.evMu.Lock()
	if len(s.events) > 10_000 { // bound memory; events are few and short-lived
		clear(s.events)
	}
	s.events[eventID] = cachedEvent{e: e, exp: now.Add(eventCacheTTL)}
	s.evMu.Unlock()
	return e, nil
}

// --- entries ---

// phoneHash is the keyed lookup value of a normalised number.
func (s *Service) phoneHash(p string) string { return s.d.Cipher.Hash("entry-phone:" + p) }

// Enter takes one entry. It returns the new entry (Repeat false) or, for a
// phone number that already entered, Repeat true with the original entry
// only when in.EntryToken proves the caller made it (see entrytoken.go).
// The answer comes only after the entry's transaction committed.
func (s *Service) Enter(ctx context.Context, eventID string, in EntryInput, clientIP string) (EntryResult, error) {
	name := strings.TrimSpace(in.Name)
	var v apperr.Validation
	v.Check(name != "", "name", "name_required", "이름을 입력해 주세요.")
	v.Check(utf8.RuneCountInString(name) <= maxNameRunes, "name", "name_too_long", "이름은 30자 이내로 입력해 주세요.")
	v.Check(!strings.ContainsAny(name, "<>\"\x00\r\n\t"), "name", "name_invalid", "이름에 사용할 수 없는 문자가 있어요.")
	num, perr := phone.Normalize(in.Phone)
	if perr != nil {
		msg := "휴대전화 번호를 다시 확인해 주세요. (예: 010-1234-5678)"
		var ie *phone.InvalidError
		if errors.As(perr, &ie) {
			msg = ie.Message()
		}
		v.Add("phone", "phone_invalid", msg)
	}
	channel := strings.ToLower(strings.TrimSpace(in.Channel))
	v.Check(validChannel(channel), "channel", "channel_invalid", "유입 경로 값이 올바르지 않습니다.")
	if err := v.Err(); err != nil {
		return EntryResult{}, err
	}
	// Limits before any lookup: every answer below, a closed event's
	// included, tells something about a phone number.
	over, err := s.limitIP(ctx, clientIP)
	if err != nil {
		return EntryResult{}, err
	}
	ev, err := s.event(ctx, eventID)
	if err != nil {
		return EntryResult{}, err
	}
	if err := s.limitEvent(eventID); err != nil {
		return EntryResult{}, err
	}
	hash := s.phoneHash(num)
	proven := s.provesEntry(in.EntryToken, eventID, hash)
	now := s.d.Now()
	if aerr := ev.AcceptErr(now); aerr != nil {
		// A closed event still shows its own entry (and coupon) to whoever
		// made it; to anyone else it is simply closed.
		if proven {
			if se, err := s.d.Store.EntryByPhone(ctx, eventID, hash); err == nil {
				se.Repeat = true
				return s.result(ev, se, hash, true), nil
			}
		}
		if over != nil {
			return EntryResult{}, over // nothing to take, nothing to flag
		}
		return EntryResult{}, aerr
	}
	storeVisit := false
	if in.VisitToken != "" {
		// A forged, expired or foreign token is ignored, not trusted: the
		// entry counts, without the bonus.
		storeVisit = s.d.Visit.Verify(in.VisitToken, eventID, now) == nil
	}
	nameEnc, err := s.d.Cipher.EncryptString(name)
	if err != nil {
		return EntryResult{}, err
	}
	phoneEnc, err := s.d.Cipher.EncryptString(num)
	if err != nil {
		return EntryResult{}, err
	}
	p := &pending{eventID: eventID, done: make(chan pendingResult, 1), entry: NewEntry{
		PhoneHash: hash, PhoneEnc: phoneEnc, NameEnc: nameEnc, PhoneMasked: phone.Mask(num),
		NameMasked: phone.MaskName(name), Last4: phone.Last4(num), StoreVisit: storeVisit,
		Marketing: in.Consents.Marketing, Channel: channel,
	}}
	if over != nil {
		p.entry.Review = ReviewSharedIP
	}
	res, err := s.submit(ctx, p)
	if err != nil {
		return EntryResult{}, err
	}
	if res.soldOut || res.err != nil {
		s.forget(eventID)
	}
	if res.err != nil {
		return EntryResult{}, res.err
	}
	if over != nil && res.entry.Repeat && !proven {
		// "This number already entered" is personal data: an address over
		// the threshold does not learn it (new entries are still taken).
		return EntryResult{}, over
	}
	return s.result(ev, res.entry, hash, proven), nil
}

// result is the answer to an entry. A repeat that did not prove itself
// (proven false) learns that the number already entered and nothing of
// that entry: not its number (the public draw list would tell whether it
// won), not its coupon.
func (s *Service) result(ev Event, se StoredEntry, phoneHash string, proven bool) EntryResult {
	if se.Repeat && !proven {
		return EntryResult{EventID: ev.ID, Repeat: true, VisitAdded: se.VisitAdded}
	}
	r := EntryResult{EventID: ev.ID, EntryNumber: se.EntryNumber, StoreVisit: se.StoreVisit, Repeat: se.Repeat, VisitAdded: se.VisitAdded,
		CreatedAt: se.CreatedAt, EntryToken: s.entryToken(ev.ID, phoneHash)}
	if se.CouponCode != "" {
		r.Coupon = &Coupon{Code: se.CouponCode, Redeemed: se.Redeemed, QRURL: CouponQRPath(ev.ID, se.CouponCode)}
	}
	return r
}

// CouponQRPath is the public path of a coupon's QR code PNG.
func CouponQRPath(eventID, code string) string {
	return "/api/v1/public/events/" + url.PathEscape(eventID) + "/coupons/" + url.PathEscape(code) + "/qr.png"
}

func validChannel(c string) bool {
	if len(c) > 32 {
		return false
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// limitIP applies the per-address limits: above IPLimit a minute the
// address is over (its new entries are taken and flagged for review, since
// a shop's Wi-Fi or a carrier's NAT puts many honest customers behind one
// address); above hardLimitFactor times that, abuse is certain and every
// entry is refused. A broken limiter fails open (the database still
// enforces one entry per phone).
func (s *Service) limitIP(ctx context.Context, ip string) (over *apperr.Error, err error) {
	if s.d.IPLimit <= 0 || ip == "" {
		return nil, nil
	}
	ok, retry, lerr := s.d.Cache.Allow(ctx, "part:ip:"+ip, s.d.IPLimit, time.Minute)
	if lerr != nil || ok {
		return nil, nil
	}
	e := *apperr.ErrRateLimited
	e.RetryAfter = max(retry, time.Second)
	ok, retry, lerr = s.d.Cache.Allow(ctx, "part:ip-hard:"+ip, s.d.IPLimit*hardLimitFactor, time.Minute)
	if lerr == nil && !ok {
		e.RetryAfter = max(retry, time.Second)
		return &e, &e
	}
	return &e, nil
}

// limitEvent applies the per-event limit, once the event is known to exist
// (unknown ids would only churn the windows).
func (s *Service) limitEvent(eventID string) error {
	if s.d.EventLimit > 0 {
		if ok, retry := s.evLimit.allow(eventID, s.d.EventLimit, time.Now()); !ok {
			e := *ErrEventRateLimited
			e.RetryAfter = max(retry, time.Second)
			return &e
		}
	}
	return nil
}

// eventLimiter counts entries per event in fixed one-second windows.
type eventLimiter struct {
	mu sync.Mutex
	m  map[string]*eventWindow
}

type eventWindow struct {
	sec int64 // Unix second of the window
	n   int
}

// allow counts one entry for eventID at now; when the window already has
// limit entries it refuses and says how long until the next window.
func (l *eventLimiter) allow(eventID string, limit int, now time.Time) (bool, time.Duration) {
	sec := now.Unix()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.m[eventID]
	if w == nil {
		if l.m == nil || len(l.m) >= 10_000 { // bound memory: windows are one second long anyway
			l.m = map[string]*eventWindow{}
		}
		w = &eventWindow{}
		l.m[eventID] = w
	}
	if w.sec != sec {
		w.sec, w.n = sec, 0
	}
	if w.n >= limit {
		return false, time.Unix(sec+1, 0).Sub(now)
	}
	w.n++
	return true, 0
}

// --- public event ---

// PublicEventByCode returns the public view of the event with code.
func (s *Service) PublicEventByCode(ctx context.Context, code string) (PublicEvent, error) {
	if !validCode(code) {
		return PublicEvent{}, ErrEventNotFound
	}
	e, err := s.d.Store.EventByCode(ctx, code)
	if err != nil {
		return PublicEvent{}, err
	}
	return s.public(e), nil
}

// PublicEvent returns the public view of an event by id.
func (s *Service) PublicEvent(ctx context.Context, eventID string) (PublicEvent, error) {
	e, err := s.d.Store.EventByID(ctx, eventID)
	if err != nil {
		return PublicEvent{}, err
	}
	return s.public(e), nil
}

func (s *Service) public(e Event) PublicEvent {
	return PublicEvent{EventID: e.ID, Code: e.Code, Title: e.Title, StoreName: e.StoreName, StoreID: e.StoreID, Benefit: e.Benefit,
		Description: e.Description, Method: e.Method, CouponCount: e.CouponCount,
		CouponsLeft: max(e.CouponCount-e.CouponsIssued, 0), WinnerCount: e.WinnerCount,
		StartsAt: e.StartsAt, EndsAt: e.EndsAt, Phase: e.Phase(s.d.Now())}
}

// --- owner views ---

// owned returns the event when ownerID owns it; another owner's event is
// reported as not found, so ids cannot be probed.
func (s *Service) owned(ctx context.Context, ownerID, eventID string) (Event, error) {
	e, err := s.d.Store.EventByID(ctx, eventID)
	if err != nil {
		return Event{}, err
	}
	if e.OwnerID != ownerID {
		return Event{}, ErrEventNotFound
	}
	return e, nil
}

// Overview returns the owner's summary of an event's participation.
func (s *Service) Overview(ctx context.Context, ownerID, eventID string) (Overview, error) {
	e, err := s.owned(ctx, ownerID, eventID)
	if err != nil {
		return Overview{}, err
	}
	return Overview{Event: e, PublicURL: s.PublicURL(e), VisitURL: s.VisitURL(e), Phase: e.Phase(s.d.Now())}, nil
}

// PublicURL is the public page of the event.
func (s *Service) PublicURL(e Event) string { return s.d.PublicURL + "/e/" + e.Code }

// VisitURL is what the in-store QR encodes: the public page with a signed
// store-visit token valid until a day after the event ends.
func (s *Service) VisitURL(e Event) string {
	exp := e.EndsAt.Add(24 * time.Hour)
	if e.EndsAt.IsZero() {
		exp = s.d.Now().Add(30 * 24 * time.Hour)
	}
	return s.PublicURL(e) + "?v=" + url.QueryEscape(s.d.Visit.Issue(e.ID, exp)) + "&c=qr"
}

// Entries returns a page of the event's entries, masked.
func (s *Service) Entries(ctx context.Context, ownerID, eventID string, f EntryFilter) (EntryPage, error) {
	if _, err := s.owned(ctx, ownerID, eventID); err != nil {
		return EntryPage{}, err
	}
	f.Last4 = strings.TrimSpace(f.Last4)
	if f.Last4 != "" && (len(f.Last4) != 4 || strings.Trim(f.Last4, "0123456789") != "") {
		return EntryPage{}, apperr.InvalidField("last4", "last4_invalid", "전화번호 뒤 4자리 숫자로 검색해 주세요.")
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Size < 1 || f.Size > 200 {
		f.Size = 50
	}
	return s.d.Store.ListEntries(ctx, eventID, f)
}

// EachEntry streams the event's masked entries to fn (CSV export).
func (s *Service) EachEntry(ctx context.Context, ownerID, eventID string, fn func(EntryView) error) (Event, error) {
	e, err := s.owned(ctx, ownerID, eventID)
	if err != nil {
		return Event{}, err
	}
	return e, s.d.Store.EachEntry(ctx, eventID, fn)
}

// ErrReauthUnavailable refuses unmasked exports when no re-authentication
// is wired.
var ErrReauthUnavailable = apperr.New(apperr.Forbidden, "reauth_unavailable", "지금은 전체 정보 내보내기를 할 수 없습니다.")

// EachContact re-authenticates the owner with their password and then
// streams every entry's full name and phone number (the unmasked export).
// Each export is logged (who, which event, how many rows), never the data.
func (s *Service) EachContact(ctx context.Context, r *http.Request, ownerID, eventID, password string,
	fn func(EntryView, string, string) error) (Event, error) {
	e, err := s.owned(ctx, ownerID, eventID)
	if err != nil {
		return Event{}, err
	}
	if s.d.Reauth == nil {
		return Event{}, ErrReauthUnavailable
	}
	if err := s.d.Reauth(ctx, r, password); err != nil {
		return Event{}, err
	}
	contacts := map[int64][2]string{}
	err = s.d.Store.EachSealedContact(ctx, eventID, func(n int64, nameEnc, phoneEnc string) error {
		name, err := s.d.Cipher.DecryptString(nameEnc)
		if err != nil {
			return err
		}
		ph, err := s.d.Cipher.DecryptString(phoneEnc)
		if err != nil {
			return err
		}
		contacts[n] = [2]string{name, ph}
		return nil
	})
	if err != nil {
		return Event{}, err
	}
	rows := 0
	err = s.d.Store.EachEntry(ctx, eventID, func(v EntryView) error {
		c := contacts[v.EntryNumber]
		rows++
		return fn(v, c[0], c[1])
	})
	s.d.Log.Warn("participation: unmasked export", "owner", ownerID, "event", eventID, "rows", rows)
	return e, err
}

// Redeem uses a first-come coupon at the counter, exactly once.
func (s *Service) Redeem(ctx context.Context, ownerID, eventID, code string) (Redemption, error) {
	e, err := s.owned(ctx, ownerID, eventID)
	if err != nil {
		return Redemption{}, err
	}
	if e.Method != messages.MethodFirstCome {
		return Redemption{}, ErrNotFirstCome
	}
	code, ok := NormalizeCouponCode(code)
	if !ok {
		return Redemption{}, ErrCouponNotFound
	}
	var out Redemption
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if out, err = s.d.Store.Redeem(ctx, tx, eventID, code, s.d.Now()); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.CouponRedeemed{EventID: eventID, OccurredAt: out.RedeemedAt})
	})
	return out, err
}

// Coupon returns a coupon's state for its holder (the code is the secret).
func (s *Service) Coupon(ctx context.Context, eventID, code string) (StoredEntry, error) {
	code, ok := NormalizeCouponCode(code)
	if !ok {
		return StoredEntry{}, ErrCouponNotFound
	}
	return s.d.Store.CouponByCode(ctx, eventID, code)
}

// OwnedEvent returns the event when ownerID owns it (for QR and PDF).
func (s *Service) OwnedEvent(ctx context.Context, ownerID, eventID string) (Event, error) {
	return s.owned(ctx, ownerID, eventID)
}
