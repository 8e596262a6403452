package user

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Log-in throttling.
//
// Attempts are counted per (client IP, e-mail) pair in the shared cache, so
// every replica sees the same counts, and whether or not the account
// exists, so the answers and the work done say nothing about which
// addresses have accounts. There is no account lock: an attacker elsewhere
// only throttles their own pair, and the owner's correct password from a
// client that has not been failing always gets in. The windows escalate, a
// backoff that makes a patient guesser wait longer and longer: 5 attempts a
// minute, 10 per quarter hour, 20 an hour, 40 a day. A successful log-in
// starts the pair's counts again.
var loginTiers = []struct {
	limit  int
	window time.Duration
}{
	{5, time.Minute},
	{10, 15 * time.Minute},
	{20, time.Hour},
	{40, 24 * time.Hour},
}

// SignupChecksPerHour bounds, per client IP, the sign-up and business-check
// calls that reach the "already registered" lookups: owners need those
// answers, but nobody needs hundreds of them an hour.
const SignupChecksPerHour = 20

// genTTL outlives the longest tier, so a generation key never expires
// while counters of an older generation are still live.
const genTTL = 24 * time.Hour

// throttleLogin counts one attempt for the pair and refuses it when any
// window is full. A broken cache fails open, loudly, like the router's
// limits: the bcrypt cost still bounds guessing.
func (s *Service) throttleLogin(ctx context.Context, clientIP, email string) error {
	pair := s.pairKey(clientIP, email)
	gen := "0"
	if b, err := s.d.Cache.Get(ctx, "user:login:gen:"+pair); err == nil {
		gen = string(b)
	}
	var wait time.Duration
	for i, t := range loginTiers {
		ok, retry, err := s.d.Cache.Allow(ctx, fmt.Sprintf("user:login:try:%s:%s:%d", pair, gen, i), t.limit, t.window)
		if err != nil {
			s.d.Log.Warn("user: log-in throttle unavailable", "err", err)
			return nil
		}
		if !ok {
			wait = max(wait, retry)
		}
	}
	if wait > 0 {
		return throttled(ErrLoginThrottled, wait)
	}
	return nil
}

// loginSucceeded starts the pair's counts again.
func (s *Service) loginSucceeded(ctx context.Context, clientIP, email string) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	if err := s.d.Cache.Set(ctx, "user:login:gen:"+s.pairKey(clientIP, email), []byte(hex.EncodeToString(b)), genTTL); err != nil {
		s.d.Log.Warn("user: reset log-in throttle", "err", err)
	}
}

// throttleSignupChecks counts one existence lookup for the client IP.
func (s *Service) throttleSignupChecks(ctx context.Context, clientIP string) error {
	limit := s.d.SignupChecksPerHour
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = SignupChecksPerHour
	}
	ok, retry, err := s.d.Cache.Allow(ctx, "user:signup:ip:"+s.d.Cipher.Hash("ip:"+clientIP), limit, time.Hour)
	if err != nil {
		s.d.Log.Warn("user: sign-up throttle unavailable", "err", err)
		return nil
	}
	if !ok {
		return throttled(ErrSignupThrottled, retry)
	}
	return nil
}

// pairKey is a keyed hash, so the cache holds no e-mail addresses or IPs.
func (s *Service) pairKey(clientIP, email string) string {
	return s.d.Cipher.Hash("login:" + clientIP + "\x00" + email)
}

// throttled says how long to wait, in the message and in Retry-After.
func throttled(base *apperr.Error, wait time.Duration) error {
	e := *base
	e.RetryAfter = max(wait, time.Second)
	e.Message = fmt.Sprintf(base.Message, waitText(e.RetryAfter))
	return &e
}

// waitText is a wait a person can read: "1분", "15분", "2시간".
func waitText(d time.Duration) string {
	if m := int((d + time.Minute - 1) / time.Minute); m < 60 {
		return fmt.Sprintf("%d분", max(m, 1))
	}
	return fmt.Sprintf("%d시간", int((d+time.Hour-1)/time.Hour))
}
