package user_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
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
	svc    *user.Service
	nts    *fakeNTS
	cache  *ttlCache
	clock  *clock
	events []string
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
	f := &fixture{nts: &fakeNTS{states: map[string]nts.State{}}, cache: &ttlCache{Cache: mem, ttls: map[string]time.Duration{}}, clock: newClock()}
	f.svc = user.NewService(user.Deps{
		DB: d, Repo: repo, Cache: f.cache, Issuer: issuer, Passwords: passwords, Cipher: cipher,
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

		res, err := f.svc.Signup(ctx, signup("a@example.kr", bnoA))
		if err != nil || res.User.Verification != user.Verified {
			t.Fatalf("active signup = %+v, %v", res.User, err)
		}
		if len(f.events) != 1 || f.events[0] != messages.SubjectOf[messages.UserRegistered]() {
			t.Errorf("events = %v, want one UserRegistered", f.events)
		}
		_, err = f.svc.Signup(ctx, signup("b@example.kr", bnoB))
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
		if _, err := f.svc.Signup(ctx, signup("a@example.kr", bnoC)); !errors.Is(err, user.ErrEmailTaken) {
			t.Errorf("duplicate email err = %v", err)
		}
		if _, err := f.svc.Signup(ctx, signup("c@example.kr", bnoA)); !errors.Is(err, user.ErrBusinessTaken) {
			t.Errorf("duplicate number err = %v", err)
		}
		if f.nts.calls != calls {
			t.Errorf("duplicates cost %d NTS calls, want 0", f.nts.calls-calls)
		}
		// API down: the account is created for manual review, and nothing
		// is cached (the next attempt asks again).
		f.nts.down = true
		res, err = f.svc.Signup(ctx, signup("c@example.kr", bnoC))
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

func TestLoginLockExpires(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("lock@example.kr", bnoA)); err != nil {
			t.Fatal(err)
		}
		bad := user.LoginInput{Email: "lock@example.kr", Password: "wrong-pass1"}
		good := user.LoginInput{Email: "lock@example.kr", Password: "passw0rd!"}
		// Four failures, then a success: the count starts again.
		for range user.LockAfter - 1 {
			if _, err := f.svc.Login(ctx, bad); !errors.Is(err, user.ErrBadCredentials) {
				t.Fatalf("bad login err = %v", err)
			}
		}
		if _, err := f.svc.Login(ctx, good); err != nil {
			t.Fatalf("good login after 4 failures: %v", err)
		}
		for range user.LockAfter {
			_, _ = f.svc.Login(ctx, bad)
		}
		locked := f.clock.Now()
		_, err := f.svc.Login(ctx, good)
		e, ok := apperr.As(err)
		if !ok || e.Code != "account_locked" || e.RetryAfter != user.LockFor {
			t.Fatalf("after %d failures: err = %v, want account_locked with RetryAfter %v", user.LockAfter, err, user.LockFor)
		}
		f.clock.Add(user.LockFor - time.Minute)
		_, err = f.svc.Login(ctx, good)
		if e, _ := apperr.As(err); e == nil || e.RetryAfter != time.Minute {
			t.Errorf("%ds into the lock: err = %v, want a minute left", f.clock.since(locked), err)
		}
		f.clock.Add(time.Minute)
		if _, err := f.svc.Login(ctx, good); err != nil {
			t.Errorf("after the lock expired: %v", err)
		}
	})
}

func TestRefreshExpiresAfterSevenDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("r@example.kr", bnoA)); err != nil {
			t.Fatal(err)
		}
		tok, err := f.svc.Login(ctx, user.LoginInput{Email: "r@example.kr", Password: "passw0rd!"})
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
