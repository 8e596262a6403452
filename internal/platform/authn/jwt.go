package authn

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Fixed token parameters. Issuer and audience are constants rather than
// configuration: every process of one deployment must agree on them, and a
// token minted for another audience must never be accepted here.
const (
	TokenIssuer      = "autoevent"
	TokenAudience    = "autoevent-api"
	DefaultAccessTTL = time.Hour
	// MinSecretBytes is the shortest HS256 secret accepted (RFC 7518 §3.2:
	// the key must be at least as long as the hash output).
	MinSecretBytes = 32
	// maxTokenBytes bounds the work done on attacker-supplied input; our
	// tokens are around 300 bytes.
	maxTokenBytes = 4096
)

// SigningKey is one HS256 secret with the id written into the token's "kid"
// header, so that keys can rotate without logging everyone out.
type SigningKey struct {
	ID     string
	Secret []byte
}

// Keyset is the current signing key plus earlier keys still accepted for
// verification. Rotate by making the new key current and moving the old one
// to previous; drop it once DefaultAccessTTL has passed.
type Keyset struct {
	current SigningKey
	byID    map[string][]byte
}

// NewKeyset validates the keys: ids non-empty, at most 64 bytes and unique;
// secrets at least MinSecretBytes long. The secrets are copied.
func NewKeyset(current SigningKey, previous ...SigningKey) (*Keyset, error) {
	ks := &Keyset{byID: make(map[string][]byte, 1+len(previous))}
	for i, k := range append([]SigningKey{current}, previous...) {
		if k.ID == "" || len(k.ID) > 64 {
			return nil, fmt.Errorf("authn: signing key %d: id must be 1–64 bytes", i)
		}
		if len(k.Secret) < MinSecretBytes {
			return nil, fmt.Errorf("%w: signing key %q has %d bytes, need at least %d",
				ErrWeakSecret, k.ID, len(k.Secret), MinSecretBytes)
		}
		if _, dup := ks.byID[k.ID]; dup {
			return nil, fmt.Errorf("authn: duplicate signing key id %q", k.ID)
		}
		ks.byID[k.ID] = append([]byte(nil), k.Secret...)
	}
	ks.current = SigningKey{ID: current.ID, Secret: ks.byID[current.ID]}
	return ks, nil
}

// CurrentID is the id of the key that signs new tokens.
func (k *Keyset) CurrentID() string { return k.current.ID }

// Claims are the verified contents of an access token.
type Claims struct {
	UserID    string    // "sub"
	StoreID   string    // "sid", empty when the user has no store yet
	TokenID   string    // "jti", the handle for revocation
	IssuedAt  time.Time // "iat"
	ExpiresAt time.Time // "exp"
}

// wireClaims is the JSON shape of the token payload.
type wireClaims struct {
	StoreID string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// Issuer signs and verifies access tokens.
type Issuer struct {
	keys   *Keyset
	ttl    time.Duration
	leeway time.Duration
	now    func() time.Time
	parser *jwt.Parser
}

// IssuerOption configures an Issuer.
type IssuerOption func(*Issuer)

// WithTTL sets the access token lifetime (default DefaultAccessTTL).
func WithTTL(d time.Duration) IssuerOption { return func(i *Issuer) { i.ttl = d } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) IssuerOption { return func(i *Issuer) { i.now = now } }

// WithLeeway tolerates clock skew between processes when checking exp and iat
// (default 0; a few seconds is plenty when scaled out).
func WithLeeway(d time.Duration) IssuerOption { return func(i *Issuer) { i.leeway = d } }

// NewIssuer builds an Issuer over keys.
func NewIssuer(keys *Keyset, opts ...IssuerOption) (*Issuer, error) {
	if keys == nil {
		return nil, errors.New("authn: nil keyset")
	}
	i := &Issuer{keys: keys, ttl: DefaultAccessTTL, now: time.Now}
	for _, o := range opts {
		o(i)
	}
	if i.ttl <= 0 || i.ttl > 24*time.Hour {
		return nil, fmt.Errorf("authn: access token ttl %s out of range (0, 24h]", i.ttl)
	}
	if i.leeway < 0 || i.leeway > 5*time.Minute {
		return nil, fmt.Errorf("authn: leeway %s out of range [0, 5m]", i.leeway)
	}
	i.parser = jwt.NewParser(
		// Only HS256: this is what rejects alg "none" and the RS256/HS256
		// key-confusion trick before any key is looked at.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(TokenIssuer),
		jwt.WithAudience(TokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(i.leeway),
		jwt.WithTimeFunc(func() time.Time { return i.now() }),
		jwt.WithStrictDecoding(),
	)
	return i, nil
}

// TTL is the access token lifetime, for the "expiresIn" answer field.
func (i *Issuer) TTL() time.Duration { return i.ttl }

// Issue signs a new access token for userID (and storeID, which may be empty).
// expiresAt is the token's "exp" (whole seconds, as in the token).
func (i *Issuer) Issue(userID, storeID string) (token string, expiresAt time.Time, err error) {
	t, err := i.IssueToken(userID, storeID)
	return t.Token, t.ExpiresAt, err
}

// IssuedToken is a signed access token with the handles needed to revoke it
// later: its id ("jti") and when it expires anyway.
type IssuedToken struct {
	Token     string
	ID        string
	ExpiresAt time.Time
}

// IssueToken is Issue that also returns the token's id, so a caller can
// remember which access tokens a refresh token family handed out and revoke
// them with the family.
func (i *Issuer) IssueToken(userID, storeID string) (IssuedToken, error) {
	if userID == "" {
		return IssuedToken{}, errors.New("authn: issue token: empty user id")
	}
	now := i.now().Truncate(time.Second)
	exp := now.Add(i.ttl)
	jti := randomID(16)
	claims := wireClaims{
		StoreID: storeID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    TokenIssuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{TokenAudience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        jti,
		},
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = i.keys.current.ID
	signed, err := t.SignedString(i.keys.current.Secret)
	if err != nil {
		return IssuedToken{}, fmt.Errorf("authn: sign token: %w", err)
	}
	return IssuedToken{Token: signed, ID: jti, ExpiresAt: exp}, nil
}

// Verify checks the signature (by the key named in "kid"), algorithm, issuer,
// audience, expiry and required claims. It does not check revocation; use a
// Verifier for that. Errors: ErrTokenExpired, ErrUnknownKey, ErrTokenInvalid
// (all match ErrUnauthenticated).
func (i *Issuer) Verify(token string) (Claims, error) {
	if token == "" {
		return Claims{}, ErrMissingToken
	}
	if len(token) > maxTokenBytes {
		return Claims{}, ErrTokenInvalid
	}
	var wc wireClaims
	_, err := i.parser.ParseWithClaims(token, &wc, i.keyFor)
	switch {
	case err == nil:
	case errors.Is(err, ErrUnknownKey):
		return Claims{}, ErrUnknownKey
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, ErrTokenExpired
	default:
		return Claims{}, ErrTokenInvalid
	}
	// Revocation is keyed by jti and ownership by sub: a token missing either
	// is not one we issued.
	if wc.Subject == "" || wc.ID == "" || wc.IssuedAt == nil {
		return Claims{}, ErrTokenInvalid
	}
	return Claims{
		UserID:    wc.Subject,
		StoreID:   wc.StoreID,
		TokenID:   wc.ID,
		IssuedAt:  wc.IssuedAt.Time,
		ExpiresAt: wc.ExpiresAt.Time,
	}, nil
}

func (i *Issuer) keyFor(t *jwt.Token) (any, error) {
	// Belt and braces next to WithValidMethods: the key is an HMAC secret and
	// must only ever be used as one.
	if t.Method != jwt.SigningMethodHS256 {
		return nil, ErrTokenInvalid
	}
	kid, _ := t.Header["kid"].(string)
	secret, ok := i.keys.byID[kid]
	if !ok {
		return nil, ErrUnknownKey
	}
	return secret, nil
}

// Revocations answers whether an access token id (jti) has been revoked. The
// user service implements it (in process in embedded mode, Redis when scaled).
type Revocations interface {
	IsRevoked(ctx context.Context, jti string) (bool, error)
}

// Verifier is an Issuer's verification plus an optional revocation check.
type Verifier struct {
	issuer      *Issuer
	revocations Revocations
}

// NewVerifier returns a Verifier; revocations may be nil to skip the check.
func NewVerifier(issuer *Issuer, revocations Revocations) *Verifier {
	return &Verifier{issuer: issuer, revocations: revocations}
}

// Verify verifies the token and then asks the revocation list. When the
// revocation list cannot answer, the error is returned as is (it does not
// match ErrUnauthenticated): the request is refused, and the HTTP layer
// reports an unavailable dependency rather than a bad token.
func (v *Verifier) Verify(ctx context.Context, token string) (Claims, error) {
	c, err := v.issuer.Verify(token)
	if err != nil {
		return Claims{}, err
	}
	if v.revocations == nil {
		return c, nil
	}
	revoked, err := v.revocations.IsRevoked(ctx, c.TokenID)
	if err != nil {
		return Claims{}, fmt.Errorf("authn: revocation check: %w", err)
	}
	if revoked {
		return Claims{}, ErrTokenRevoked
	}
	return c, nil
}

// randomID returns n random bytes, base64url without padding.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24 aborts the process instead)
	return base64.RawURLEncoding.EncodeToString(b)
}
