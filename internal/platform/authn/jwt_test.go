package authn

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	secretA = bytes.Repeat([]byte("a"), 32)
	secretB = []byte("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
)

// fakeClock is a settable clock for tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func newTestIssuer(t *testing.T, clk *fakeClock, current SigningKey, previous ...SigningKey) *Issuer {
	t.Helper()
	ks, err := NewKeyset(current, previous...)
	if err != nil {
		t.Fatalf("NewKeyset: %v", err)
	}
	iss, err := NewIssuer(ks, WithClock(clk.Now))
	if err != nil {
		t.Fatalf("NewIssuer: %v", err)
	}
	return iss
}

// signRaw signs arbitrary claims with an arbitrary method and header, the way
// an attacker (or a misconfigured peer) would.
func signRaw(t *testing.T, method jwt.SigningMethod, kid string, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

func goodClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": TokenIssuer,
		"aud": TokenAudience,
		"sub": "user-1",
		"sid": "store-1",
		"jti": "jti-1",
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
}

func b64json(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestIssueAndVerify(t *testing.T) {
	clk := newClock()
	iss := newTestIssuer(t, clk, SigningKey{ID: "k1", Secret: secretA})

	tok, exp, err := iss.Issue("user-42", "store-7")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if want := clk.Now().Add(time.Hour); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want %v", exp, want)
	}

	// The wire format is what other tools see: check header and payload.
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	var header, payload map[string]any
	for i, dst := range []*map[string]any{&header, &payload} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("decode part %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("unmarshal part %d: %v", i, err)
		}
	}
	if header["alg"] != "HS256" || header["kid"] != "k1" {
		t.Errorf("header = %v, want alg HS256 kid k1", header)
	}
	for k, want := range map[string]any{"iss": "autoevent", "sub": "user-42", "sid": "store-7"} {
		if payload[k] != want {
			t.Errorf("payload[%q] = %v, want %v", k, payload[k], want)
		}
	}
	if aud, _ := payload["aud"].([]any); len(aud) != 1 || aud[0] != "autoevent-api" {
		t.Errorf("payload aud = %v, want [autoevent-api]", payload["aud"])
	}
	if jti, _ := payload["jti"].(string); len(jti) < 16 {
		t.Errorf("jti = %q, want a random id", jti)
	}

	clk.Advance(59 * time.Minute)
	c, err := iss.Verify(tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.UserID != "user-42" || c.StoreID != "store-7" || c.TokenID != payload["jti"] {
		t.Errorf("claims = %+v", c)
	}
	if !c.ExpiresAt.Equal(exp) || !c.IssuedAt.Equal(exp.Add(-time.Hour)) {
		t.Errorf("claims times = iat %v exp %v, want iat %v exp %v", c.IssuedAt, c.ExpiresAt, exp.Add(-time.Hour), exp)
	}

	// Two tokens for the same user differ (random jti).
	tok2, _, _ := iss.Issue("user-42", "store-7")
	if tok2 == tok {
		t.Error("two issued tokens are identical; jti must be random")
	}
}

func TestVerifyRejects(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	iss := newTestIssuer(t, clk, SigningKey{ID: "k1", Secret: secretA})
	good, _, err := iss.Issue("user-1", "store-1")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")

	// HMAC over header.payload with our secret but an RS256 header: the
	// classic key-confusion forgery.
	confusedHeader := b64json(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	confusedPayload := b64json(t, goodClaims(now))
	mac := hmac.New(sha256.New, secretA)
	mac.Write([]byte(confusedHeader + "." + confusedPayload))
	confused := confusedHeader + "." + confusedPayload + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	// Change the subject but keep the old signature.
	tamperedPayload := b64json(t, func() jwt.MapClaims { c := goodClaims(now); c["sub"] = "admin"; return c }())

	sigBytes, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sigBytes[0] ^= 0x01
	flippedSig := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sigBytes)

	with := func(k string, v any) jwt.MapClaims { c := goodClaims(now); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := goodClaims(now); delete(c, k); return c }

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", ErrMissingToken},
		{"garbage", "not-a-jwt", ErrTokenInvalid},
		{"flipped signature bit", flippedSig, ErrTokenInvalid},
		{"tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2], ErrTokenInvalid},
		{"alg none", signRaw(t, jwt.SigningMethodNone, "k1", jwt.UnsafeAllowNoneSignatureType, goodClaims(now)), ErrTokenInvalid},
		{"RS256 header with HMAC signature", confused, ErrTokenInvalid},
		{"HS512 with the right secret", signRaw(t, jwt.SigningMethodHS512, "k1", secretA, goodClaims(now)), ErrTokenInvalid},
		{"wrong secret under known kid", signRaw(t, jwt.SigningMethodHS256, "k1", secretB, goodClaims(now)), ErrTokenInvalid},
		{"unknown kid", signRaw(t, jwt.SigningMethodHS256, "k9", secretA, goodClaims(now)), ErrUnknownKey},
		{"no kid", signRaw(t, jwt.SigningMethodHS256, "", secretA, goodClaims(now)), ErrUnknownKey},
		{"wrong issuer", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, with("iss", "someone-else")), ErrTokenInvalid},
		{"wrong audience", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, with("aud", "other-api")), ErrTokenInvalid},
		{"no audience", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, without("aud")), ErrTokenInvalid},
		{"no exp", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, without("exp")), ErrTokenInvalid},
		{"no sub", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, without("sub")), ErrTokenInvalid},
		{"no jti", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, without("jti")), ErrTokenInvalid},
		{"no iat", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, without("iat")), ErrTokenInvalid},
		{"issued in the future", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, with("iat", now.Add(time.Hour).Unix())), ErrTokenInvalid},
		{"expired", signRaw(t, jwt.SigningMethodHS256, "k1", secretA, with("exp", now.Add(-time.Second).Unix())), ErrTokenExpired},
		{"too long", strings.Repeat("a", maxTokenBytes+1), ErrTokenInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := iss.Verify(tc.token)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify err = %v, want %v", err, tc.want)
			}
			if !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("err %v does not match ErrUnauthenticated", err)
			}
			if c != (Claims{}) {
				t.Errorf("claims = %+v on error, want zero", c)
			}
		})
	}
}

func TestVerifyExpiresWithClock(t *testing.T) {
	clk := newClock()
	iss := newTestIssuer(t, clk, SigningKey{ID: "k1", Secret: secretA})
	tok, _, err := iss.Issue("u", "")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour + time.Second)
	if _, err := iss.Verify(tok); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("after 1h1s: err = %v, want ErrTokenExpired", err)
	}
}

func TestKeyRotation(t *testing.T) {
	clk := newClock()
	old := SigningKey{ID: "2025-01", Secret: secretA}
	next := SigningKey{ID: "2025-02", Secret: secretB}

	before := newTestIssuer(t, clk, old)
	oldTok, _, _ := before.Issue("u", "s")

	during := newTestIssuer(t, clk, next, old)
	newTok, _, _ := during.Issue("u", "s")
	for name, tok := range map[string]string{"old-key token": oldTok, "new-key token": newTok} {
		if _, err := during.Verify(tok); err != nil {
			t.Errorf("during rotation, %s: %v", name, err)
		}
	}
	if _, err := before.Verify(newTok); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old process verifying new-key token: err = %v, want ErrUnknownKey", err)
	}

	after := newTestIssuer(t, clk, next)
	if _, err := after.Verify(oldTok); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("after dropping old key: err = %v, want ErrUnknownKey", err)
	}
}

func TestNewKeysetValidation(t *testing.T) {
	tests := []struct {
		name     string
		current  SigningKey
		previous []SigningKey
		wantErr  error // nil: any error
	}{
		{"short secret", SigningKey{ID: "k", Secret: make([]byte, 31)}, nil, ErrWeakSecret},
		{"short previous secret", SigningKey{ID: "k", Secret: secretA}, []SigningKey{{ID: "p", Secret: []byte("x")}}, ErrWeakSecret},
		{"empty id", SigningKey{ID: "", Secret: secretA}, nil, nil},
		{"duplicate id", SigningKey{ID: "k", Secret: secretA}, []SigningKey{{ID: "k", Secret: secretB}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewKeyset(tc.current, tc.previous...)
			if err == nil {
				t.Fatal("NewKeyset succeeded, want error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}

	// The keyset keeps its own copy of the secret.
	secret := append([]byte(nil), secretA...)
	ks, err := NewKeyset(SigningKey{ID: "k", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	iss, _ := NewIssuer(ks, WithClock(clk.Now))
	tok, _, _ := iss.Issue("u", "")
	secret[0] = 'z'
	if _, err := iss.Verify(tok); err != nil {
		t.Errorf("mutating the caller's slice broke verification: %v", err)
	}
}

func TestNewIssuerValidation(t *testing.T) {
	ks, _ := NewKeyset(SigningKey{ID: "k", Secret: secretA})
	for _, opt := range []IssuerOption{WithTTL(0), WithTTL(25 * time.Hour), WithLeeway(-time.Second), WithLeeway(time.Hour)} {
		if _, err := NewIssuer(ks, opt); err == nil {
			t.Errorf("NewIssuer with bad option succeeded")
		}
	}
	if _, err := NewIssuer(nil); err == nil {
		t.Error("NewIssuer(nil) succeeded")
	}
	iss, err := NewIssuer(ks, WithTTL(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if iss.TTL() != 15*time.Minute {
		t.Errorf("TTL = %v, want 15m", iss.TTL())
	}
	if _, _, err := iss.Issue("", "s"); err == nil {
		t.Error("Issue with empty user id succeeded")
	}
}

type stubRevocations struct {
	revoked map[string]bool
	err     error
}

func (s stubRevocations) IsRevoked(_ context.Context, jti string) (bool, error) {
	return s.revoked[jti], s.err
}

func TestVerifierRevocation(t *testing.T) {
	clk := newClock()
	iss := newTestIssuer(t, clk, SigningKey{ID: "k1", Secret: secretA})
	tok, _, _ := iss.Issue("u", "s")
	c, _ := iss.Verify(tok)
	ctx := context.Background()

	if _, err := NewVerifier(iss, nil).Verify(ctx, tok); err != nil {
		t.Errorf("no revocation list: %v", err)
	}
	if _, err := NewVerifier(iss, stubRevocations{revoked: map[string]bool{"other": true}}).Verify(ctx, tok); err != nil {
		t.Errorf("not revoked: %v", err)
	}
	_, err := NewVerifier(iss, stubRevocations{revoked: map[string]bool{c.TokenID: true}}).Verify(ctx, tok)
	if !errors.Is(err, ErrTokenRevoked) || !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("revoked: err = %v, want ErrTokenRevoked (and ErrUnauthenticated)", err)
	}
	backendDown := errors.New("redis down")
	_, err = NewVerifier(iss, stubRevocations{err: backendDown}).Verify(ctx, tok)
	if !errors.Is(err, backendDown) || errors.Is(err, ErrUnauthenticated) {
		t.Errorf("store error: err = %v, want the store error and not ErrUnauthenticated", err)
	}
	// A bad token fails before the store is asked.
	_, err = NewVerifier(iss, stubRevocations{err: backendDown}).Verify(ctx, "bad")
	if !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("bad token: err = %v, want ErrTokenInvalid", err)
	}
}

func TestMemoryRevocations(t *testing.T) {
	clk := newClock()
	m := NewMemoryRevocations(clk.Now)
	ctx := context.Background()
	if err := m.Revoke(ctx, "a", clk.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_ = m.Revoke(ctx, "already-expired", clk.Now().Add(-time.Second))

	for _, tc := range []struct {
		jti  string
		want bool
	}{{"a", true}, {"b", false}, {"already-expired", false}} {
		got, err := m.IsRevoked(ctx, tc.jti)
		if err != nil || got != tc.want {
			t.Errorf("IsRevoked(%q) = %v, %v; want %v", tc.jti, got, err, tc.want)
		}
	}
	clk.Advance(time.Hour)
	if got, _ := m.IsRevoked(ctx, "a"); got {
		t.Error("entry still revoked after the token's expiry")
	}
	if m.Len() != 0 {
		t.Errorf("Len = %d after expiry, want 0", m.Len())
	}

	// The amortised sweep drops expired entries.
	for i := range 300 {
		_ = m.Revoke(ctx, string(rune('A'+i%26))+string(rune(i)), clk.Now().Add(time.Minute))
	}
	clk.Advance(2 * time.Minute)
	for i := range 256 {
		_ = m.Revoke(ctx, "x"+string(rune(i)), clk.Now().Add(time.Minute))
	}
	if n := m.Len(); n > 256 {
		t.Errorf("Len = %d after sweep, want ≤ 256", n)
	}
}
