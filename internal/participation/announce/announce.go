// Package announce sends a shop's advertising message — "our new event is
// on" — to past participants who agreed to receive its advertising when
// they entered an earlier event. It is the one place the product sends
// advertising, so the Korean rules (정보통신망법 art. 50, enforced by package
// notify) all meet here:
//
//   - only customers whose separate marketing consent is on file, younger
//     than two years and not withdrawn, and who have not entered the event
//     being announced;
//   - the text starts with "(광고)", names the shop and a contact, and ends
//     with a free opt-out: a short link per recipient that withdraws the
//     consent in one tap;
//   - never sent 21:00–08:00 KST: the product does not collect the separate
//     night-time consent, so an announcement made at night waits for 08:00
//     and a message caught by 21:00 while queued waits for the next morning;
//   - one announcement per event; SMS/LMS only (알림톡 may not advertise),
//     through the same providers, rate limits and resilience policies as the
//     winner messages, each recipient queued as its own job and never sent
//     twice.
package announce

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// Queue is the work queue of announcement messages.
const Queue = "announce-job"

// Announcement states.
const (
	StatusScheduled = "SCHEDULED" // waiting for its send time
	StatusSending   = "SENDING"   // every recipient queued
)

// Recipient states.
const (
	RecipientPending  = "PENDING"
	RecipientSending  = "SENDING"  // claimed by a worker
	RecipientSent     = "SENT"     // accepted by the provider
	RecipientDeferred = "DEFERRED" // reached 21:00 while queued; goes out after 08:00
	RecipientSkipped  = "SKIPPED"  // opted out, consent lapsed or contact gone: not sent, by rule
	RecipientFailed   = "FAILED"
)

// Limits of the owner's text.
const (
	maxBodyRunes    = 500
	maxContactRunes = 60
)

// Announcement is one advertising message of an event to the shop's
// consenting past participants.
type Announcement struct {
	ID            string         `json:"id"`
	EventID       string         `json:"eventId"`
	OwnerID       string         `json:"-"`
	Body          string         `json:"body"`          // the owner's text, without the legal frame
	SenderName    string         `json:"senderName"`    // the shop, as the message names it
	SenderContact string         `json:"senderContact"` // phone or address, as the message gives it
	Preview       string         `json:"preview"`       // what a customer receives (their own opt-out link in place of the placeholder)
	Status        string         `json:"status"`
	Recipients    int            `json:"recipients"`
	Counts        map[string]int `json:"counts"` // recipients per state
	ScheduledAt   time.Time      `json:"scheduledAt"`
	CreatedAt     time.Time      `json:"createdAt"`
}

// Input is the body of POST /api/v1/events/{id}/announcements.
type Input struct {
	// Message is the owner's text; empty uses one written from the event
	// (title, benefit, period, link).
	Message string `json:"message,omitempty"`
	// Contact is the shop's phone number or address named in the message;
	// empty uses the store profile's (the API fills it in).
	Contact string `json:"contact,omitempty"`
}

// Recipient is one customer of an announcement, known by the keyed hash
// of their number only; the number itself is read (and decrypted) from the
// marketing list at send time, so an opt-out in between is honoured.
type Recipient struct {
	AnnouncementID string
	N              int64 // 1, 2, … within the announcement
	PhoneHash      string
	OptOutToken    string
	Status         string
	Code           string
	Channel        string
	RequestID      string
	Attempts       int
}

// Contact is a consenting customer as the marketing list holds them.
type Contact struct {
	Phone       string // 01012345678
	ConsentedAt time.Time
	OptedOut    bool
}

// Contacts is the shop's marketing list (implemented by participation's
// SQL store, which fills it from entries with the marketing consent).
type Contacts interface {
	// Audience returns the phone hashes of the owner's customers with a
	// marketing consent given since since and not withdrawn, leaving out
	// those who entered exceptEventID.
	Audience(ctx context.Context, ownerID, exceptEventID string, since time.Time) ([]string, error)
	// Contact decrypts one customer's number; apperr NotFound when gone.
	Contact(ctx context.Context, ownerID, phoneHash string) (Contact, error)
	// OptOut withdraws the customer's marketing consent for the owner's
	// shop (and destroys the number).
	OptOut(ctx context.Context, ownerID, phoneHash string, at time.Time) error
	// PurgeLapsed deletes the consents given before before.
	PurgeLapsed(ctx context.Context, before time.Time) (int, error)
}

// Events looks up the participation service's copy of an event
// (participation's WinnerEntries satisfies it).
type Events interface {
	Event(ctx context.Context, eventID string) (winners.EventInfo, error)
}

// Store keeps announcements and their recipients (announce/sqlstore).
type Store interface {
	// Insert stores a and its recipients; ErrExists when the event has one.
	Insert(ctx context.Context, tx *db.Tx, a Announcement, rs []Recipient) error
	// ByEvent returns the event's announcements with their counts.
	ByEvent(ctx context.Context, eventID string) ([]Announcement, error)
	// Get returns one announcement (without counts).
	Get(ctx context.Context, id string) (Announcement, error)
	// Due lists SCHEDULED announcements whose time has come.
	Due(ctx context.Context, now time.Time, limit int) ([]Announcement, error)
	// StartSending turns a SCHEDULED announcement SENDING and returns its
	// PENDING recipients' numbers; false when it was not SCHEDULED.
	StartSending(ctx context.Context, tx *db.Tx, id string, now time.Time) (bool, []int64, error)
	// Cancel deletes a SCHEDULED announcement with its recipients (nothing
	// was sent, no opt-out link went out); false when it is not SCHEDULED
	// any more (sending started in between).
	Cancel(ctx context.Context, tx *db.Tx, id string) (bool, error)
	// Deferred lists up to limit DEFERRED recipients.
	Deferred(ctx context.Context, limit int) ([]Recipient, error)
	// Requeue turns a DEFERRED (or stale PENDING) recipient PENDING; false
	// when it is in neither state any more.
	Requeue(ctx context.Context, tx *db.Tx, id string, n int64, now time.Time) (bool, error)
	// Claim turns a PENDING recipient SENDING (one attempt more) and
	// returns it; false when it is in any other state.
	Claim(ctx context.Context, id string, n int64, now time.Time) (Recipient, bool, error)
	// Stale lists up to limit recipients of SENDING announcements left
	// PENDING or SENDING since before: their job was lost (the queue gave
	// up) or their worker died mid-send.
	Stale(ctx context.Context, before time.Time, limit int) ([]Recipient, error)
	// SetRecipient records a recipient's new state.
	SetRecipient(ctx context.Context, r Recipient, now time.Time) error
	// ByOptOutToken returns the recipient holding token and its
	// announcement; ErrUnknownLink when none.
	ByOptOutToken(ctx context.Context, token string) (Recipient, Announcement, error)
}

// Errors.
var (
	ErrEventNotFound = participation.ErrEventNotFound
	ErrEventNotOpen  = apperr.New(apperr.Unprocessable, "event_not_open", "진행 중이거나 시작 전인 이벤트만 알릴 수 있습니다.")
	ErrExists        = apperr.New(apperr.Conflict, "announcement_exists", "이 이벤트는 이미 지난 참여자에게 알렸습니다. 같은 이벤트의 광고는 한 번만 보낼 수 있습니다.")
	ErrNoRecipients  = apperr.New(apperr.Unprocessable, "no_recipients", "광고 수신에 동의한 지난 참여자가 없습니다.")
	ErrNoContact     = apperr.New(apperr.Unprocessable, "sender_contact_required", "광고에는 가게 연락처가 필요합니다. 가게 정보에 전화번호나 주소를 입력하거나 연락처를 적어 주세요.")
	ErrUnknownLink   = apperr.New(apperr.NotFound, "optout_link_unknown", "수신거부 링크를 찾을 수 없습니다. 주소를 다시 확인해 주세요.")
	ErrNotFound      = apperr.New(apperr.NotFound, "announcement_not_found", "알림을 찾을 수 없습니다.")
	ErrNotScheduled  = apperr.New(apperr.Conflict, "announcement_not_scheduled", "이미 보내기 시작한 알림은 취소할 수 없습니다.")
	ErrNoStoreName   = apperr.New(apperr.Unprocessable, "store_name_required", "광고에는 가게 이름이 필요합니다. 가게 정보에 이름을 입력해 주세요.")
	ErrTemplateText  = apperr.New(apperr.Unprocessable, "message_invalid", "이벤트 제목, 가게 이름이나 연락처에 '#{'가 있어 문자를 보낼 수 없습니다.")
)

// staleAfter is how long a recipient may stay PENDING or SENDING in a
// sending announcement before Dispatch deals with it: a send takes
// seconds, the queue's retries under a minute, and at the default 20
// messages a second 30 minutes drain 36,000 recipients.
const staleAfter = 30 * time.Minute

// Deps are the service's collaborators.
type Deps struct {
	DB       *db.DB
	Store    Store
	Contacts Contacts
	Events   Events
	Queue    winners.Queue
	Sender   notify.Sender
	// PublicURL prefixes the event and opt-out links.
	PublicURL string
	// OptOutPhone, when set, is the shop-independent free 080 number that
	// also takes opt-outs; it is printed before the link.
	OptOutPhone string
	// MaxAttempts: a recipient whose send certainly did not happen is
	// retried up to this many deliveries, then FAILED (default 5).
	MaxAttempts int
	Now         func() time.Time
	Log         *slog.Logger
}

// Service creates and sends announcements.
type Service struct{ d Deps }

// NewService checks d and returns the service.
func NewService(d Deps) (*Service, error) {
	if d.DB == nil || d.Store == nil || d.Contacts == nil || d.Events == nil || d.Queue == nil || d.Sender == nil {
		return nil, errors.New("announce: missing dependency")
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 5
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	return &Service{d: d}, nil
}

// optOutPlaceholder stands for each recipient's own opt-out link in the
// stored text and the preview.
const optOutPlaceholder = "{수신거부 링크}"

// Create records the owner's announcement of eventID with its recipients
// and schedules it for now or, at night, the next 08:00 KST. storeContact
// is the store profile's phone or address, used when in has no contact.
func (s *Service) Create(ctx context.Context, ownerID, eventID string, in Input, storeContact string) (Announcement, error) {
	a, ev, err := s.draft(ctx, ownerID, eventID, in, storeContact)
	if err != nil {
		return Announcement{}, err
	}
	hashes, err := s.d.Contacts.Audience(ctx, ownerID, eventID, s.d.Now().Add(-notify.ConsentValidity))
	if err != nil {
		return Announcement{}, err
	}
	if len(hashes) == 0 {
		return Announcement{}, ErrNoRecipients
	}
	rs := make([]Recipient, len(hashes))
	for i, h := range hashes {
		rs[i] = Recipient{AnnouncementID: a.ID, N: int64(i + 1), PhoneHash: h, OptOutToken: newToken(), Status: RecipientPending}
	}
	a.Recipients = len(rs)
	a.Counts = map[string]int{RecipientPending: len(rs)}
	if err := s.d.DB.InTx(ctx, func(tx *db.Tx) error { return s.d.Store.Insert(ctx, tx, a, rs) }); err != nil {
		return Announcement{}, err
	}
	s.d.Log.Info("announcement created", "announcement", a.ID, "event", ev.EventID, "recipients", a.Recipients, "scheduled", a.ScheduledAt)
	if !a.ScheduledAt.After(a.CreatedAt) {
		if _, err := s.dispatchOne(ctx, a.ID); err != nil {
			// The minutely Dispatch tries again; the announcement is stored.
			s.d.Log.Warn("announcement dispatch failed", "announcement", a.ID, "err", err)
		}
	}
	return a, nil
}

// Preview is Create without storing or sending anything: the message as
// customers would get it, how many would get it and when.
func (s *Service) Preview(ctx context.Context, ownerID, eventID string, in Input, storeContact string) (Announcement, error) {
	a, _, err := s.draft(ctx, ownerID, eventID, in, storeContact)
	if err != nil {
		return Announcement{}, err
	}
	hashes, err := s.d.Contacts.Audience(ctx, ownerID, eventID, s.d.Now().Add(-notify.ConsentValidity))
	if err != nil {
		return Announcement{}, err
	}
	a.ID, a.Recipients = "", len(hashes)
	return a, nil
}

// draft validates the request and writes the announcement (not stored).
func (s *Service) draft(ctx context.Context, ownerID, eventID string, in Input, storeContact string) (Announcement, winners.EventInfo, error) {
	ev, err := s.ownedEvent(ctx, ownerID, eventID)
	if err != nil {
		return Announcement{}, ev, err
	}
	// Checked first, before the audience is gathered; the unique event id
	// of the table settles a race between two requests.
	if existing, err := s.d.Store.ByEvent(ctx, eventID); err != nil {
		return Announcement{}, ev, err
	} else if len(existing) > 0 {
		return Announcement{}, ev, ErrExists
	}
	now := s.d.Now()
	scheduled := notify.NextSendTime(now)
	// Announcing makes sense only while customers can still take part
	// when the message arrives (at night: at 08:00).
	if !open(ev, scheduled) {
		return Announcement{}, ev, ErrEventNotOpen
	}
	body := strings.TrimSpace(in.Message)
	contact := strings.TrimSpace(in.Contact)
	if contact == "" {
		contact = strings.TrimSpace(storeContact)
	}
	var v apperr.Validation
	v.Check(utf8.RuneCountInString(body) <= maxBodyRunes, "message", "message_too_long", "광고 문구는 500자 이내로 써 주세요.")
	v.Check(!strings.Contains(body, "#{"), "message", "message_invalid", "문구에 '#{'는 쓸 수 없습니다.")
	v.Check(utf8.RuneCountInString(contact) <= maxContactRunes, "contact", "contact_too_long", "연락처는 60자 이내로 써 주세요.")
	smsEncodable(&v, "message", body)
	smsEncodable(&v, "contact", contact)
	if err := v.Err(); err != nil {
		return Announcement{}, ev, err
	}
	if contact == "" {
		return Announcement{}, ev, ErrNoContact
	}
	if body == "" {
		body = s.defaultBody(ev)
	} else if link := s.eventURL(ev); !strings.Contains(body, link) {
		// The owner's own words still lead customers to the event.
		body += "\n참여하기: " + link
	}
	a := Announcement{
		ID: uuid.NewString(), EventID: ev.EventID, OwnerID: ownerID, Body: body,
		SenderName: ev.StoreName, SenderContact: contact, Status: StatusScheduled,
		ScheduledAt: scheduled.UTC(), CreatedAt: now.UTC(),
	}
	if strings.TrimSpace(a.SenderName) == "" {
		return Announcement{}, ev, ErrNoStoreName
	}
	preview, err := notify.ComposeAdvertising(a.Body, notify.AdInfo{SenderName: a.SenderName, SenderContact: a.SenderContact, OptOut: s.optOut(optOutPlaceholder)})
	if err != nil {
		return Announcement{}, ev, ErrNoContact
	}
	// The sender renders #{…} placeholders: none may come from the event
	// title, the shop's name or the contact either.
	if strings.Contains(preview, "#{") {
		return Announcement{}, ev, ErrTemplateText
	}
	// The shop's name and the event title (in the default text) go out
	// too; they are changed elsewhere, so say where.
	if c := notify.Unencodable(preview); c != nil {
		return Announcement{}, ev, apperr.InvalidField("message", CodeSMSUnsupportedChars,
			"가게 이름이나 이벤트 제목에 문자로 보낼 수 없는 글자가 있어요: "+strings.Join(c, " ")+" — 가게 정보나 이벤트 제목에서 바꿔 주세요.")
	}
	// The longest real link must fit the carriers' limit as well.
	if _, err := notify.TextChannel(strings.Replace(preview, optOutPlaceholder, s.optOutURL(strings.Repeat("X", tokenLen)), 1)); err != nil {
		return Announcement{}, ev, apperr.InvalidField("message", "message_too_long", "광고 문구가 문자 한 통(LMS 2,000바이트)보다 깁니다. 줄여 주세요.")
	}
	a.Preview = preview
	return a, ev, nil
}

// CodeSMSUnsupportedChars is the field code for text that SMS/LMS cannot
// carry (EUC-KR has no code for it, e.g. an emoji).
const CodeSMSUnsupportedChars = "sms_unsupported_characters"

// smsEncodable records field as bad when EUC-KR cannot encode text, naming
// the characters for the owner to change: SENS would refuse the send.
func smsEncodable(v *apperr.Validation, field, text string) {
	if c := notify.Unencodable(text); c != nil {
		v.Add(field, CodeSMSUnsupportedChars, "문자에 보낼 수 없는 글자가 있어요: "+strings.Join(c, " ")+" — 지우거나 다른 글자로 바꿔 주세요.")
	}
}

// open reports whether customers can take part in ev at t.
func open(ev winners.EventInfo, t time.Time) bool {
	return ev.Status == "ACTIVE" && !ev.SoldOut && t.Before(ev.EndsAt)
}

// List returns the owner's announcements of the event with their counts.
func (s *Service) List(ctx context.Context, ownerID, eventID string) ([]Announcement, error) {
	if _, err := s.ownedEvent(ctx, ownerID, eventID); err != nil {
		return nil, err
	}
	out, err := s.d.Store.ByEvent(ctx, eventID)
	if out == nil {
		out = []Announcement{}
	}
	return out, err
}

// Cancel withdraws the owner's announcement of eventID before it is sent
// (a night-time one waits for 08:00). Once sending has begun it stays.
func (s *Service) Cancel(ctx context.Context, ownerID, eventID, id string) error {
	if _, err := s.ownedEvent(ctx, ownerID, eventID); err != nil {
		return err
	}
	a, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	if a.EventID != eventID {
		return ErrNotFound
	}
	var cancelled bool
	if err := s.d.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		cancelled, err = s.d.Store.Cancel(ctx, tx, id)
		return err
	}); err != nil {
		return err
	}
	if !cancelled {
		return ErrNotScheduled
	}
	s.d.Log.Info("announcement cancelled", "announcement", id, "event", eventID)
	return nil
}

func (s *Service) ownedEvent(ctx context.Context, ownerID, eventID string) (winners.EventInfo, error) {
	ev, err := s.d.Events.Event(ctx, eventID)
	if apperr.KindOf(err) == apperr.NotFound || (err == nil && ev.OwnerID != ownerID) {
		return winners.EventInfo{}, ErrEventNotFound // another owner's event does not exist for this one
	}
	return ev, err
}

func (s *Service) defaultBody(ev winners.EventInfo) string {
	var b strings.Builder
	b.WriteString(ev.Title)
	b.WriteString("\n기간: ")
	b.WriteString(kst.Period(ev.StartsAt, ev.EndsAt))
	b.WriteString("\n참여하기: ")
	b.WriteString(s.eventURL(ev))
	return b.String()
}

func (s *Service) eventURL(ev winners.EventInfo) string {
	if ev.Code != "" {
		return s.d.PublicURL + "/e/" + ev.Code
	}
	return s.d.PublicURL + "/api/v1/public/events/" + ev.EventID
}

func (s *Service) optOutURL(token string) string { return s.d.PublicURL + "/u/" + token }

// optOut is the free opt-out means printed after "무료수신거부": the
// recipient's link, after the 080 number when one is configured.
func (s *Service) optOut(link string) string {
	if s.d.OptOutPhone != "" {
		return s.d.OptOutPhone + " 또는 " + link
	}
	return link
}

// ad is the advertiser part of a recipient's message.
func (s *Service) ad(a Announcement, r Recipient) notify.AdInfo {
	return notify.AdInfo{SenderName: a.SenderName, SenderContact: a.SenderContact, OptOut: s.optOut(s.optOutURL(r.OptOutToken))}
}

// Dispatch queues the recipients of every announcement whose time has come
// and, outside 21:00–08:00, the recipients that reached the night while
// queued or whose job was lost; a recipient left SENDING by a worker that
// died mid-send is marked FAILED "unknown" (it may have been sent: never
// twice). The app runs it every minute. It returns how many recipients it
// queued.
func (s *Service) Dispatch(ctx context.Context) (int, error) {
	now := s.d.Now()
	stale, err := s.d.Store.Stale(ctx, now.Add(-staleAfter), 1000)
	if err != nil {
		return 0, err
	}
	for _, r := range stale {
		if r.Status == RecipientSending {
			r.Status, r.Code = RecipientFailed, "unknown"
			if err := s.d.Store.SetRecipient(ctx, r, now); err != nil {
				return 0, err
			}
			s.d.Log.Warn("announcement message state unknown", "announcement", r.AnnouncementID, "n", r.N)
		}
	}
	if notify.InQuietHours(now) {
		return 0, nil
	}
	due, err := s.d.Store.Due(ctx, now, 50)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, a := range due {
		n, err := s.dispatchOne(ctx, a.ID)
		queued += n
		if err != nil {
			return queued, err
		}
	}
	deferred, err := s.d.Store.Deferred(ctx, 1000)
	if err != nil {
		return queued, err
	}
	for _, r := range append(deferred, stale...) {
		if r.Status == RecipientSending || r.Status == RecipientFailed {
			continue
		}
		err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
			ok, err := s.d.Store.Requeue(ctx, tx, r.AnnouncementID, r.N, now)
			if err != nil || !ok {
				return err
			}
			queued++
			// A new job id: the first one was consumed (or lost).
			return s.enqueue(ctx, tx, r.AnnouncementID, r.N, r.Attempts+1)
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// dispatchOne queues the recipients of a due SCHEDULED announcement.
func (s *Service) dispatchOne(ctx context.Context, id string) (int, error) {
	queued := 0
	err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		ok, ns, err := s.d.Store.StartSending(ctx, tx, id, s.d.Now())
		if err != nil || !ok {
			return err
		}
		for _, n := range ns {
			if err := s.enqueue(ctx, tx, id, n, 0); err != nil {
				return err
			}
		}
		queued = len(ns)
		return nil
	})
	return queued, err
}

type job struct {
	AnnouncementID string `json:"announcementId"`
	N              int64  `json:"n"`
}

func (s *Service) enqueue(ctx context.Context, tx *db.Tx, id string, n int64, round int) error {
	b, err := json.Marshal(job{AnnouncementID: id, N: n})
	if err != nil {
		return err
	}
	jobID := "ad:" + id + ":" + strconv.FormatInt(n, 10)
	if round > 0 {
		jobID += ":" + strconv.Itoa(round)
	}
	return s.d.Queue.EnqueueWork(ctx, tx, Queue, jobID, b)
}

// StartWorkers starts workers for the announcement queue.
func (s *Service) StartWorkers(ctx context.Context, workers int) (stop func(), err error) {
	return s.d.Queue.Work(ctx, Queue, workers, s.HandleJob)
}

// HandleJob sends one recipient's message. The recipient is claimed
// (PENDING → SENDING) first, so a redelivered job does nothing and nobody
// gets the message twice. attempt is the job's delivery count.
func (s *Service) HandleJob(ctx context.Context, payload []byte, attempt int) error {
	var j job
	if err := json.Unmarshal(payload, &j); err != nil || j.AnnouncementID == "" || j.N <= 0 {
		return bus.Permanent(errors.New("announce: malformed job"))
	}
	r, claimed, err := s.d.Store.Claim(ctx, j.AnnouncementID, j.N, s.d.Now())
	if err != nil || !claimed {
		return err
	}
	set := func(status, code string) error {
		r.Status, r.Code = status, code
		return s.d.Store.SetRecipient(ctx, r, s.d.Now())
	}
	// release puts a recipient whose message certainly did not leave back
	// to PENDING for the queue's next delivery (or, if the queue gives up,
	// for Dispatch after staleAfter).
	release := func(cause error) error {
		if r.Attempts >= s.d.MaxAttempts {
			return set(RecipientFailed, "gave_up")
		}
		if err := set(RecipientPending, "retrying"); err != nil {
			return err
		}
		return cause
	}
	a, err := s.d.Store.Get(ctx, j.AnnouncementID)
	if apperr.KindOf(err) == apperr.NotFound {
		return set(RecipientFailed, "announcement_not_found")
	} else if err != nil {
		return release(err)
	}
	ev, err := s.d.Events.Event(ctx, a.EventID)
	switch {
	case apperr.KindOf(err) == apperr.NotFound:
		return set(RecipientSkipped, "event_closed")
	case err != nil:
		return release(err)
	case !open(ev, s.d.Now()):
		// Ended, sold out or cancelled since: an ad for it would mislead.
		return set(RecipientSkipped, "event_closed")
	}
	c, err := s.d.Contacts.Contact(ctx, a.OwnerID, r.PhoneHash)
	switch {
	case apperr.KindOf(err) == apperr.NotFound:
		return set(RecipientSkipped, "no_contact")
	case err != nil:
		return release(err)
	case c.OptedOut:
		return set(RecipientSkipped, "opted_out")
	}
	ad := s.ad(a, r)
	content, err := notify.ComposeAdvertising(a.Body, ad)
	if err != nil {
		return set(RecipientFailed, "invalid_message")
	}
	rc, err := s.d.Sender.Send(ctx, notify.Message{
		To: c.Phone, Kind: notify.Advertising, Content: content, Subject: "(광고) " + a.SenderName,
		Consent: notify.Consent{Marketing: true, MarketingAt: c.ConsentedAt}, Ad: ad,
	})
	switch {
	case err == nil:
		r.Channel, r.RequestID = string(rc.Channel), rc.RequestID
		return set(RecipientSent, "")
	case errors.Is(err, notify.ErrQuietHours):
		return set(RecipientDeferred, "quiet_hours")
	case errors.Is(err, notify.ErrNoMarketingConsent), errors.Is(err, notify.ErrConsentExpired):
		return set(RecipientSkipped, "consent_expired")
	case winners.NotSent(err):
		s.d.Log.Warn("announcement message deferred", "announcement", a.ID, "n", r.N, "attempt", attempt, "err", err)
		return release(err)
	default:
		// Refused, or an ambiguous failure after which the message may
		// have gone out: never risk a second copy.
		s.d.Log.Warn("announcement message failed", "announcement", a.ID, "n", r.N, "err", err)
		return set(RecipientFailed, winners.FailureCode(err))
	}
}

// PurgeLapsed destroys the marketing-list entries whose consent is older
// than two years (no longer usable; a customer who enters again with the
// consent is added again). The app runs it with the retention job.
func (s *Service) PurgeLapsed(ctx context.Context) (int, error) {
	return s.d.Contacts.PurgeLapsed(ctx, s.d.Now().Add(-notify.ConsentValidity))
}

// OptOutInfo is what the opt-out page shows.
type OptOutInfo struct {
	StoreName string `json:"storeName"`
	OptedOut  bool   `json:"optedOut"`
}

// OptOutStatus looks up an opt-out link without changing anything.
func (s *Service) OptOutStatus(ctx context.Context, token string) (OptOutInfo, error) {
	r, a, err := s.byToken(ctx, token)
	if err != nil {
		return OptOutInfo{}, err
	}
	c, err := s.d.Contacts.Contact(ctx, a.OwnerID, r.PhoneHash)
	if apperr.KindOf(err) == apperr.NotFound {
		return OptOutInfo{StoreName: a.SenderName, OptedOut: true}, nil
	}
	return OptOutInfo{StoreName: a.SenderName, OptedOut: err == nil && c.OptedOut}, err
}

// OptOut withdraws the marketing consent of the link's recipient for the
// shop; repeating it changes nothing.
func (s *Service) OptOut(ctx context.Context, token string) (OptOutInfo, error) {
	r, a, err := s.byToken(ctx, token)
	if err != nil {
		return OptOutInfo{}, err
	}
	if err := s.d.Contacts.OptOut(ctx, a.OwnerID, r.PhoneHash, s.d.Now().UTC()); err != nil && apperr.KindOf(err) != apperr.NotFound {
		return OptOutInfo{}, err
	}
	s.d.Log.Info("marketing consent withdrawn", "announcement", a.ID, "n", r.N)
	return OptOutInfo{StoreName: a.SenderName, OptedOut: true}, nil
}

func (s *Service) byToken(ctx context.Context, token string) (Recipient, Announcement, error) {
	if len(token) != tokenLen || strings.Trim(token, tokenAlphabet) != "" {
		return Recipient{}, Announcement{}, ErrUnknownLink
	}
	return s.d.Store.ByOptOutToken(ctx, token)
}

// Opt-out tokens: 10 characters of base32 (50 bits, unguessable for a link
// that can only withdraw a consent), short enough for an SMS.
const (
	tokenLen      = 10
	tokenAlphabet = "abcdefghijklmnopqrstuvwxyz234567"
)

var tokenEncoding = base32.NewEncoding(tokenAlphabet).WithPadding(base32.NoPadding)

func newToken() string {
	var b [7]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("announce: random: %v", err)) // crypto/rand does not fail on supported systems
	}
	return tokenEncoding.EncodeToString(b[:])[:tokenLen]
}
