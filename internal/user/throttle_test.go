package user_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/user"
)

const (
	attackerIP = "203.0.113.66"
	ownerIP    = "198.51.100.7"
)

func wantCode(t *testing.T, what string, err error, code string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("%s: err = %v, want %s", what, err, code)
	}
	return e
}

// An attacker hammering an owner's account from one address throttles only
// that address: the owner, logging in from their own device, gets in, and
// is told how many wrong passwords were tried.
func TestLoginAttackerCannotLockOwnerOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("owner@example.kr", bnoA), testIP); err != nil {
			t.Fatal(err)
		}
		bad := user.LoginInput{Email: "owner@example.kr", Password: "wrong-pass1"}
		good := user.LoginInput{Email: "owner@example.kr", Password: "passw0rd!"}
		for i := 1; i <= 5; i++ {
			if _, err := f.svc.Login(ctx, bad, attackerIP); !errors.Is(err, user.ErrBadCredentials) {
				t.Fatalf("guess %d: err = %v, want invalid_credentials", i, err)
			}
		}
		for i := 6; i <= 30; i++ {
			_, err := f.svc.Login(ctx, bad, attackerIP)
			wantCode(t, fmt.Sprintf("guess %d", i), err, "login_throttled")
		}
		// Even the right password waits on the attacker's client ...
		_, err := f.svc.Login(ctx, good, attackerIP)
		wantCode(t, "right password from the attacker's client", err, "login_throttled")
		// ... but not on the owner's.
		tok, err := f.svc.Login(ctx, good, ownerIP)
		if err != nil {
			t.Fatalf("owner's log-in after the attack: %v (before the fix: account_locked)", err)
		}
		if tok.FailedAttemptsSinceLastLogin != 5 {
			t.Errorf("failedAttemptsSinceLastLogin = %d, want 5 (the guesses that were checked)", tok.FailedAttemptsSinceLastLogin)
		}
		tok, err = f.svc.Login(ctx, good, ownerIP)
		if err != nil || tok.FailedAttemptsSinceLastLogin != 0 {
			t.Errorf("next log-in: %+v, %v, want no notice", tok.FailedAttemptsSinceLastLogin, err)
		}
		// Reauthentication is guessing too: throttled per client.
		for range 5 {
			_ = f.svc.Reauthenticate(ctx, tokUser(t, f, tok), "wrong-pass1", attackerIP)
		}
		wantCode(t, "reauth from the attacker's client", f.svc.Reauthenticate(ctx, tokUser(t, f, tok), "passw0rd!", attackerIP), "login_throttled")
		if err := f.svc.Reauthenticate(ctx, tokUser(t, f, tok), "passw0rd!", ownerIP); err != nil {
			t.Errorf("owner's reauth: %v", err)
		}
	})
}

func tokUser(t *testing.T, f *fixture, tok user.Tokens) string {
	t.Helper()
	c, err := f.issuer.Verify(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return c.UserID
}

// The waits grow: five failures cost a minute, more cost the quarter hour;
// the message says how long.
func TestLoginBackoffEscalates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bad := user.LoginInput{Email: "who@example.kr", Password: "wrong-pass1"}
		var first, later *apperr.Error
		for i := 1; i <= 11; i++ {
			_, err := f.svc.Login(ctx, bad, attackerIP)
			switch {
			case i <= 5:
				wantCode(t, fmt.Sprintf("attempt %d", i), err, "invalid_credentials")
			case i == 6:
				first = wantCode(t, "attempt 6", err, "login_throttled")
			case i == 11:
				later = wantCode(t, "attempt 11", err, "login_throttled")
			}
		}
		if first.RetryAfter > time.Minute || first.Message != "이 기기에서 로그인 실패가 반복되어 잠시 막았습니다. 1분 후 다시 시도해 주세요." {
			t.Errorf("first wait = %v %q, want ≤ 1 minute, said", first.RetryAfter, first.Message)
		}
		if later.RetryAfter <= time.Minute || later.RetryAfter > 15*time.Minute {
			t.Errorf("after 11 attempts wait = %v, want the quarter-hour window", later.RetryAfter)
		}
	})
}

// A successful log-in starts the client's count again: an owner who
// mistypes now and then is never throttled.
func TestLoginSuccessResetsThrottle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("typo@example.kr", bnoA), testIP); err != nil {
			t.Fatal(err)
		}
		bad := user.LoginInput{Email: "typo@example.kr", Password: "wrong-pass1"}
		good := user.LoginInput{Email: "typo@example.kr", Password: "passw0rd!"}
		for round := range 4 {
			for range 4 {
				_, _ = f.svc.Login(ctx, bad, ownerIP)
			}
			if _, err := f.svc.Login(ctx, good, ownerIP); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	})
}

// Known and unknown e-mails get the same answers and do the same work —
// one bcrypt comparison and the same repository calls per attempt, none
// once throttled — so neither the answer nor its timing says which
// addresses have accounts. (Before: a locked account answered without
// bcrypt in ~1 ms, an unknown one after it in ~230 ms.)
func TestLoginUnknownAccountIndistinguishable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("known@example.kr", bnoA), testIP); err != nil {
			t.Fatal(err)
		}
		type trace struct {
			code, message string
			compares      int64
			calls         []string
		}
		attempt := func(email string) trace {
			before := f.passwords.Compares()
			f.repo.take()
			_, err := f.svc.Login(ctx, user.LoginInput{Email: email, Password: "wrong-pass1"}, attackerIP)
			e, _ := apperr.As(err)
			if e == nil {
				t.Fatalf("%s: err = %v", email, err)
			}
			return trace{e.Code, e.Message, f.passwords.Compares() - before, f.repo.take()}
		}
		for i := 1; i <= 8; i++ {
			known, unknown := attempt("known@example.kr"), attempt("nobody@example.kr")
			if known.code != unknown.code || known.message != unknown.message || known.compares != unknown.compares ||
				!slices.Equal(known.calls, unknown.calls) {
				t.Errorf("attempt %d: known %+v, unknown %+v, want the same", i, known, unknown)
			}
			wantCompares := int64(1)
			if i > 5 {
				wantCompares = 0
			}
			if known.compares != wantCompares {
				t.Errorf("attempt %d: %d bcrypt comparisons, want %d", i, known.compares, wantCompares)
			}
		}
	})
}

// Reusing a rotated refresh token revokes its family, and with it every
// access token the family issued: a thief's access token stops at once.
func TestRefreshReuseRevokesAccessTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("reuse@example.kr", bnoA), testIP); err != nil {
			t.Fatal(err)
		}
		verifier := authn.NewVerifier(f.issuer, user.Revocations{Cache: f.cache})
		login, err := f.svc.Login(ctx, user.LoginInput{Email: "reuse@example.kr", Password: "passw0rd!"}, testIP)
		if err != nil {
			t.Fatal(err)
		}
		// Another session of the same owner must keep working.
		other, err := f.svc.Login(ctx, user.LoginInput{Email: "reuse@example.kr", Password: "passw0rd!"}, testIP)
		if err != nil {
			t.Fatal(err)
		}
		rotated, err := f.svc.Refresh(ctx, login.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{login.AccessToken, rotated.AccessToken} {
			if _, err := verifier.Verify(ctx, tok); err != nil {
				t.Fatalf("before reuse: %v", err)
			}
		}
		if _, err := f.svc.Refresh(ctx, login.RefreshToken); !errors.Is(err, user.ErrInvalidRefreshToken) {
			t.Fatalf("reuse: err = %v", err)
		}
		for name, tok := range map[string]string{"first": login.AccessToken, "rotated": rotated.AccessToken} {
			if _, err := verifier.Verify(ctx, tok); !errors.Is(err, authn.ErrTokenRevoked) {
				t.Errorf("%s access token after reuse: err = %v, want revoked", name, err)
			}
		}
		if _, err := verifier.Verify(ctx, other.AccessToken); err != nil {
			t.Errorf("another session's access token: %v, want still valid", err)
		}
	})
}

// "Already registered" answers are for owners, not for enumerating who is
// a customer: each client IP gets a bounded number of them.
func TestSignupChecksThrottledPerIP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.Signup(ctx, signup("taken@example.kr", bnoA), attackerIP); err != nil {
			t.Fatal(err)
		}
		for i := 2; i <= user.SignupChecksPerHour; i++ {
			var err error
			if i%2 == 0 {
				_, err = f.svc.CheckBusiness(ctx, user.BusinessCheckInput{BusinessNumber: bnoA}, attackerIP)
			} else {
				_, err = f.svc.Signup(ctx, signup("taken@example.kr", bnoB), attackerIP)
			}
			if !errors.Is(err, user.ErrBusinessTaken) && !errors.Is(err, user.ErrEmailTaken) {
				t.Fatalf("check %d: err = %v, want already taken", i, err)
			}
		}
		_, err := f.svc.CheckBusiness(ctx, user.BusinessCheckInput{BusinessNumber: bnoA}, attackerIP)
		e := wantCode(t, "business check over the limit", err, "signup_throttled")
		if e.RetryAfter <= 0 || e.RetryAfter > time.Hour {
			t.Errorf("Retry-After = %v", e.RetryAfter)
		}
		_, err = f.svc.Signup(ctx, signup("taken@example.kr", bnoB), attackerIP)
		wantCode(t, "sign-up over the limit", err, "signup_throttled")
		// An owner elsewhere still gets the answer they need.
		if _, err := f.svc.CheckBusiness(ctx, user.BusinessCheckInput{BusinessNumber: bnoA}, ownerIP); !errors.Is(err, user.ErrBusinessTaken) {
			t.Errorf("owner's check: err = %v, want business_number_taken", err)
		}
	})
}
