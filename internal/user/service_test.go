package user_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/nts"
	"github.com/autoevent/autoevent/internal/user/sqlstore"
)

// fakeNTS answers from a table and counts calls; down makes it fail like an
// unreachable API.
type fakeNTS struct {
	mu     sync.Mutex
	states map[string]nts.State
	down   bool
	calls  int
}

func (f *fakeNTS) Lookup(_ context.Context, n string) (nts.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return nts.Status{}, errors.New("connection refused")
	}
	st, ok := f.states[n]
	if !ok {
		st = nts.StateActive
	}
	return nts.Status{Number: n, State: st}, nil
}

// ttlCache records the TTL of every Set.
type ttlCache struct {
	cache.Cache
	mu   sync.Mutex
	ttls map[string]time.Duration
}

func (c *ttlCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	c.mu.Lock()
	c.ttls[key] = ttl
	c.mu.Unlock()
	return c.Cache.Set(ctx, key, val, ttl)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration)     { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func (c *clock) Set(t time.Time)         { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func newClock() *clock                   { return &clock{now: time.Now().UTC().Truncate(time.Second)} }
func (c *clock) since(t time.Time) int64 { return int64(c.Now().Sub(t) / time.Second) }

type fixture struct {
	svc       *user.Service
	nts       *fakeNTS
	cache     *ttlCache
	clock     *clock
	issuer    *authn.Issuer
	passwords *authn.Passwords
	repo      *recordingRepo
	events    []string
}

// testIP is the client address of the tests that are not about it.
const testIP = "192.0.2.1"

// recordingRepo records the repository calls, so a test can tell that two
// requests took the same path.
type recordingRepo struct {
	user.Repository
	mu    sync.Mutex
	calls []string
}

func (r *recordingRepo) record(name string) {
	r.mu.Lock()
	r.calls = append(r.calls, name)
	r.mu.Unlock()
}

// take returns the calls since the last take.
func (r *recordingRepo) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

func (r *recordingRepo) UserByEmail(ctx context.Context, email string) (user.User, error) {
	r.record("UserByEmail")
	return r.Repository.UserByEmail(ctx, email)
}

func (r *recordingRepo) RecordLoginFailure(ctx context.Context, userID string, now time.Time) error {
	r.record("RecordLoginFailure")
	return r.Repository.RecordLoginFailure(ctx, userID, now)
}

func (r *recordingRepo) ResetLoginFailures(ctx context.Context, userID string) error {
	r.record("ResetLoginFailures")
	return r.Repository.ResetLoginFailures(ctx, userID)
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	cipher, err := authn.NewFieldCipherFromConfig(authn.FieldConfig{MasterKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatal(err)
	}
	repo := sqlstore.New(d, cipher)
	if err := repo.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, _ := authn.NewKeyset(authn.SigningKey{ID: "k1", Secret: []byte("service-test-secret-0123456789abcdef")})
	issuer, _ := authn.NewIssuer(keys)
	passwords, _ := authn.NewPasswords(4)
	mem, _ := cache.NewMemory(cache.MemoryOptions{})
	t.Cleanup(func() { mem.Close() })
	// No retries: these tests are about the service's decisions, the
	// policy has its own tests.
	policy, err := resilience.New(resilience.SystemNTS, resilience.Config{MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{nts: &fakeNTS{states: map[string]nts.State{}}, cache: &ttlCache{Cache: mem, ttls: map[string]time.Duration{}}, clock: newClock(),
		issuer: issuer, passwords: passwords, repo: &recordingRepo{Repository: repo}}
	f.svc = user.NewService(user.Deps{
		DB: d, Repo: f.repo, Cache: f.cache, Issuer: issuer, Passwords: passwords, Cipher: cipher,
		NTS: f.nts, NTSPolicy: policy, Now: f.clock.Now,
		Publish: func(_ context.Context, tx *db.Tx, e bus.Event) error {
			if tx == nil {
				return errors.New("published outside a transaction")
			}
			f.events = append(f.events, e.Subject())
			return nil
		},
	})
	return f
}

func signup(email, bno string) user.SignupInput {
	return user.SignupInput{Email: email, Password: "passw0rd!", OwnerName: "김사장", Phone: "010-1234-5678", BusinessNumber: bno,
		Store: user.StoreInput{Name: "하늘카페", Industry: "CAFE", Region: "서울 강남구", Address: "테헤란로 1"}}
}

// Valid check digits (1,3,7,1,3,7,1,3,5).
const (
	bnoA = "1248100998"
	bnoB = "2208162517"
	bnoC = "1018109981"
)

func TestSignupVerificationAndCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.nts.states[bnoB] = nts.StateSuspended

		res, err := f.svc.Signup(ctx, signup("a@example.kr", bnoA), testIP)
		if err != nil || res.User.Verification != user.Verified {
			t.Fatalf("active signup = %+v, %v", res.User, err)
		}
		if len(f.events) != 1 || f.events[0] != messages.SubjectOf[messages.UserRegistered]() {
			t.Errorf("events = %v, want one UserRegistered", f.events)
		}
		_, err = f.svc.Signup(ctx, signup("b@example.kr", bnoB), testIP)
		if !errors.Is(err, user.ErrBusinessSuspended) {
			t.Fatalf("suspended signup err = %v", err)
		}
		var active, refused time.Duration
		for _, ttl := range f.cache.ttls {
			switch ttl {
			case user.NTSCacheTTL:
				active++
			case user.NTSRefusalCacheTTL:
				refused++
			}
		}
		if len(f.cache.ttls) != 2 || active != 1 || refused != 1 {
			t.Errorf("cache TTLs = %v, want one of 7 days (active) and one of 1 hour (refusal)", f.cache.ttls)
		}
		// Duplicates are refused before the NTS is asked.
		calls := f.nts.calls
		if _, err := f.svc.Signup(ctx, signup("a@example.kr", bnoC), testIP); !errors.Is(err, user.ErrEmailTaken) {
			t.Errorf("duplicate email err = %v", err)
		}
		if _, err := f.svc.Signup(ctx, signup("c@example.kr", bnoA), testIP); !errors.Is(err, user.ErrBusinessTaken) {
			t.Errorf("duplicate number err = %v", err)
		}
		if f.nts.calls != calls {
			t.Errorf("duplicates cost %d NTS calls, want 0", f.nts.calls-calls)
		}
		// API down: the account is created for manual review, and nothing
		// is cached (the next attempt asks again).
		f.nts.down = true
		res, err = f.svc.Signup(ctx, signup("c@example.kr", bnoC), testIP)
		if err != nil || res.User.Verification != user.PendingManual {
			t.Fatalf("signup with NTS down = %+v, %v", res.User, err)
		}
		if len(f.cache.ttls) != 2 {
			t.Errorf("a failed lookup was cached: %v", f.cache.ttls)
		}
		if len(f.events) != 2 {
			t.Errorf("events = %v, want two UserRegistered", f.events)
		}
	})
}

func TestRefreshExpiresAfterSevenDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("r@example.kr", bnoA), testIP); err != nil {
			t.Fatal(err)
		}
		tok, err := f.svc.Login(ctx, user.LoginInput{Email: "r@example.kr", Password: "passw0rd!"}, testIP)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(user.RefreshTTL - time.Second)
		tok2, err := f.svc.Refresh(ctx, tok.RefreshToken)
		if err != nil {
			t.Fatalf("refresh a second before expiry: %v", err)
		}
		f.clock.Add(user.RefreshTTL)
		if _, err := f.svc.Refresh(ctx, tok2.RefreshToken); !errors.Is(err, user.ErrInvalidRefreshToken) {
			t.Errorf("refresh after 7 days: err = %v, want ErrInvalidRefreshToken", err)
		}
	})
}
