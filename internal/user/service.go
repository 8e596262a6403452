package user

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/phone"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	"github.com/autoevent/autoevent/internal/user/bizno"
	"github.com/autoevent/autoevent/internal/user/nts"
)

// Parameters of the seed and the issue.
const (
	RefreshTTL  = 7 * 24 * time.Hour
	NTSCacheTTL = 7 * 24 * time.Hour // an active (계속사업자) answer
	// NTSRefusalCacheTTL keeps a refusal (closed, suspended, unregistered)
	// briefly: it spares the API repeated attempts, but a business that has
	// just registered or resumed must not wait a week to sign up.
	NTSRefusalCacheTTL = time.Hour
	maxNameRunes       = 40
	maxStoreRunes      = 60
	maxAddrRunes       = 200
	maxEmailLength     = 254
)

// BusinessLookup is the NTS status call (the nts client).
type BusinessLookup interface {
	Lookup(ctx context.Context, number string) (nts.Status, error)
}

// Deps are the service's collaborators.
type Deps struct {
	DB        *db.DB
	Repo      Repository
	Cache     cache.Cache
	Publish   bus.Publisher
	Issuer    *authn.Issuer
	Passwords *authn.Passwords
	Cipher    *authn.FieldCipher
	NTS       BusinessLookup
	NTSPolicy *resilience.Policy
	Log       *slog.Logger
	Now       func() time.Time
	// Federation is the optional OpenID Connect log-in (nil = off).
	Federation Federation
	// SignupChecksPerHour overrides SignupChecksPerHour (0 = default,
	// negative = off).
	SignupChecksPerHour int
}

// Service implements the user use cases.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d}
}

// Signup validates the input, verifies the business number (check digit,
// then the NTS status API, outside any transaction) and creates the account
// and its store with a UserRegistered event in one transaction.
func (s *Service) Signup(ctx context.Context, in SignupInput, clientIP string) (SignupResult, error) {
	u, store, err := s.validateSignup(in)
	if err != nil {
		return SignupResult{}, err
	}
	if err := s.throttleSignupChecks(ctx, clientIP); err != nil {
		return SignupResult{}, err
	}
	// Cheap conflicts first, so a duplicate never costs an NTS call.
	if taken, err := s.d.Repo.EmailExists(ctx, u.Email); err != nil {
		return SignupResult{}, err
	} else if taken {
		return SignupResult{}, ErrEmailTaken.WithField("email", ErrEmailTaken.Code, ErrEmailTaken.Message)
	}
	if taken, err := s.d.Repo.BusinessExists(ctx, u.BusinessNumber); err != nil {
		return SignupResult{}, err
	} else if taken {
		return SignupResult{}, ErrBusinessTaken.WithField("businessNumber", ErrBusinessTaken.Code, ErrBusinessTaken.Message)
	}
	verification, err := s.verifyBusiness(ctx, u.BusinessNumber)
	if err != nil {
		return SignupResult{}, err
	}
	u.Verification = verification
	if u.PasswordHash, err = s.d.Passwords.Hash(in.Password); err != nil {
		return SignupResult{}, err
	}
	now := s.d.Now().UTC()
	u.ID, u.CreatedAt, u.UpdatedAt = uuid.Must(uuid.NewV7()).String(), now, now
	if in.AgreeTerms {
		u.TermsAgreedAt = now
	}
	store.ID, store.OwnerID, store.UpdatedAt = uuid.Must(uuid.NewV7()).String(), u.ID, now
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Repo.CreateUser(ctx, tx, u, store); err != nil {
			return err
		}
		return s.d.Publish(ctx, tx, messages.UserRegistered{
			UserID: u.ID, StoreID: store.ID, Industry: store.Industry, Region: store.Region(),
			Verification: u.Verification, OccurredAt: now,
		})
	})
	if err != nil {
		return SignupResult{}, err
	}
	msg := "가입이 완료되었습니다."
	if verification == PendingManual {
		msg = "가입이 완료되었습니다. " + pendingNotice
	}
	return SignupResult{User: s.view(u), Store: store, Message: msg}, nil
}

func (s *Service) validateSignup(in SignupInput) (User, Store, error) {
	var v apperr.Validation
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > maxEmailLength || !strings.Contains(email[strings.IndexByte(email, '@')+1:], ".") {
		v.Add("email", "invalid_email", "올바른 이메일 주소를 입력해 주세요.")
	}
	if err := authn.ValidatePassword(in.Password); err != nil {
		msg := "비밀번호는 8자 이상, 영문과 숫자를 함께 사용해 주세요."
		var pe *authn.PasswordPolicyError
		if errors.As(err, &pe) {
			msg = pe.Message()
		}
		v.Add("password", "weak_password", msg)
	}
	name := strings.TrimSpace(in.OwnerName)
	v.Check(name != "" && utf8.RuneCountInString(name) <= maxNameRunes, "ownerName", "invalid_owner_name", "대표자 이름을 입력해 주세요.")
	mobile, err := phone.Normalize(in.Phone)
	v.Check(err == nil, "phone", "invalid_phone", "휴대폰 번호를 확인해 주세요. 예: 010-1234-5678")
	number := validateBusinessNumber(&v, in.BusinessNumber)
	store := validateStore(&v, in.Store, "store.")
	if err := v.Err(); err != nil {
		return User{}, Store{}, err
	}
	return User{Email: email, OwnerName: name, Phone: mobile, BusinessNumber: number}, store, nil
}

// validateBusinessNumber checks the format and the check digit, with no
// network call.
func validateBusinessNumber(v *apperr.Validation, in string) string {
	number, err := bizno.Normalize(in)
	switch {
	case errors.Is(err, bizno.ErrCheckDigit):
		v.Add("businessNumber", "business_number_check_digit", "사업자등록번호가 올바르지 않습니다. 번호를 다시 확인해 주세요.")
	case errors.Is(err, bizno.ErrAllZero):
		v.Add("businessNumber", "business_number_invalid", "사용할 수 없는 사업자등록번호입니다.")
	case err != nil:
		v.Add("businessNumber", "business_number_format", "사업자등록번호 10자리를 입력해 주세요.")
	}
	return number
}

// CheckBusiness verifies a business number before sign-up (the form's
// "사업자 확인" step): check digit, not yet registered here, then the NTS.
// The NTS answer is cached, so the sign-up that follows does not ask again.
func (s *Service) CheckBusiness(ctx context.Context, in BusinessCheckInput, clientIP string) (BusinessCheck, error) {
	var v apperr.Validation
	number := validateBusinessNumber(&v, in.BusinessNumber)
	if err := v.Err(); err != nil {
		return BusinessCheck{}, err
	}
	if err := s.throttleSignupChecks(ctx, clientIP); err != nil {
		return BusinessCheck{}, err
	}
	if taken, err := s.d.Repo.BusinessExists(ctx, number); err != nil {
		return BusinessCheck{}, err
	} else if taken {
		return BusinessCheck{}, ErrBusinessTaken.WithField("businessNumber", ErrBusinessTaken.Code, ErrBusinessTaken.Message)
	}
	verification, err := s.verifyBusiness(ctx, number)
	if err != nil {
		return BusinessCheck{}, err
	}
	msg := "국세청에서 계속사업자로 확인되었습니다."
	if verification == PendingManual {
		msg = pendingNotice
	}
	return BusinessCheck{BusinessNumber: bizno.Mask(number), Verification: verification, Message: msg}, nil
}

// pendingNotice tells the owner about the manual-verification fallback.
const pendingNotice = "국세청 조회가 일시적으로 되지 않아 사업자 확인은 담당자가 곧 진행합니다. 가입과 이용은 바로 하실 수 있어요."

func validateStore(v *apperr.Validation, in StoreInput, prefix string) Store {
	st := Store{Name: strings.TrimSpace(in.Name), Industry: strings.TrimSpace(in.Industry), Address: strings.TrimSpace(in.Address)}
	v.Check(st.Name != "" && utf8.RuneCountInString(st.Name) <= maxStoreRunes, prefix+"name", "invalid_store_name", "매장 이름을 입력해 주세요.")
	v.Check(IndustryName(st.Industry) != "", prefix+"industry", "invalid_industry", "업종을 목록에서 선택해 주세요.")
	var ok bool
	st.Sido, st.Sigungu, ok = ParseRegion(in.Region)
	v.Check(ok, prefix+"region", "invalid_region", "지역을 ‘시/도 시/군/구’ 형식으로 입력해 주세요. 예: 서울 강남구")
	v.Check(st.Address != "" && utf8.RuneCountInString(st.Address) <= maxAddrRunes, prefix+"address", "invalid_address", "매장 주소를 입력해 주세요.")
	if p := strings.TrimSpace(in.Phone); p != "" {
		st.Phone = p
		v.Check(len(p) <= 20 && strings.Trim(p, "0123456789-+ ") == "", prefix+"phone", "invalid_store_phone", "매장 전화번호를 확인해 주세요.")
	}
	return st
}

// ParseRegion splits "서울 강남구" / "서울특별시 강남구" into the full 시/도 name
// and the 시/군/구.
func ParseRegion(region string) (sido, sigungu string, ok bool) {
	fields := strings.Fields(region)
	if len(fields) < 2 {
		return "", "", false
	}
	for _, sd := range Sidos {
		if fields[0] == sd.Name || fields[0] == sd.Short {
			rest := strings.Join(fields[1:], " ")
			if utf8.RuneCountInString(rest) > 30 {
				return "", "", false
			}
			return sd.Name, rest, true
		}
	}
	return "", "", false
}

// verifyBusiness asks the NTS (cached 7 days) and decides: active → VERIFIED;
// closed, suspended or unknown → refused; API unavailable → PENDING_MANUAL.
func (s *Service) verifyBusiness(ctx context.Context, number string) (string, error) {
	key := "user:nts:" + s.d.Cipher.Hash("bno:"+number)
	var st nts.Status
	if b, err := s.d.Cache.Get(ctx, key); err == nil && json.Unmarshal(b, &st) == nil {
		return decide(st)
	}
	st, err := resilience.Do(ctx, s.d.NTSPolicy, func(ctx context.Context) (nts.Status, error) {
		return s.d.NTS.Lookup(ctx, number)
	})
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		// The seed's fallback: let the owner in, flag for manual review.
		s.d.Log.Warn("user: NTS unavailable, account pending manual verification", "err", err)
		return PendingManual, nil
	}
	ttl := NTSCacheTTL
	if st.State != nts.StateActive {
		ttl = NTSRefusalCacheTTL
	}
	if b, err := json.Marshal(st); err == nil {
		if err := s.d.Cache.Set(ctx, key, b, ttl); err != nil {
			s.d.Log.Warn("user: cache NTS answer", "err", err)
		}
	}
	return decide(st)
}

func decide(st nts.Status) (string, error) {
	field := func(e *apperr.Error) error { return e.WithField("businessNumber", e.Code, e.Message) }
	switch st.State {
	case nts.StateActive:
		return Verified, nil
	case nts.StateClosed:
		return "", field(ErrBusinessClosed)
	case nts.StateSuspended:
		return "", field(ErrBusinessSuspended)
	default:
		return "", field(ErrBusinessUnknown)
	}
}

// unknownUserID is what a failure for an unknown e-mail is recorded
// against: it matches no row, so the same statement runs either way.
const unknownUserID = "00000000-0000-0000-0000-000000000000"

// Login checks the password and issues tokens, under the log-in throttle
// (throttle.go). Known and unknown e-mails take the same path: one throttle
// check, one bcrypt comparison (against a dummy hash when there is no
// account), one failure record, the same answer.
func (s *Service) Login(ctx context.Context, in LoginInput, clientIP string) (Tokens, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if email == "" || in.Password == "" {
		return Tokens{}, ErrBadCredentials
	}
	if err := s.throttleLogin(ctx, clientIP, email); err != nil {
		return Tokens{}, err
	}
	u, err := s.d.Repo.UserByEmail(ctx, email)
	if errors.Is(err, ErrUserNotFound) {
		_ = s.d.Passwords.CheckUnknownUser(in.Password)
		return Tokens{}, s.loginFailed(ctx, unknownUserID)
	}
	if err != nil {
		return Tokens{}, err
	}
	if err := s.d.Passwords.Check(u.PasswordHash, in.Password); err != nil {
		if !errors.Is(err, authn.ErrPasswordMismatch) {
			return Tokens{}, err
		}
		return Tokens{}, s.loginFailed(ctx, u.ID)
	}
	s.loginSucceeded(ctx, clientIP, email)
	return s.logIn(ctx, u)
}

// loginFailed records a wrong password for the owner's notice and answers
// ErrBadCredentials.
func (s *Service) loginFailed(ctx context.Context, userID string) error {
	if err := s.d.Repo.RecordLoginFailure(ctx, userID, s.d.Now().UTC()); err != nil {
		return err
	}
	return ErrBadCredentials
}

// logIn issues a new token family for u and tells the owner how many wrong
// passwords were tried since the last log-in.
func (s *Service) logIn(ctx context.Context, u User) (Tokens, error) {
	if u.FailedLogins > 0 {
		if err := s.d.Repo.ResetLoginFailures(ctx, u.ID); err != nil {
			return Tokens{}, err
		}
	}
	t, err := s.issue(ctx, s.d.DB, u.ID, authn.NewFamilyID())
	t.FailedAttemptsSinceLastLogin = u.FailedLogins
	return t, err
}

// Reauthenticate confirms a signed-in owner's password before a sensitive
// action (an unmasked export), under the same throttle as the log-in.
func (s *Service) Reauthenticate(ctx context.Context, userID, password, clientIP string) error {
	u, err := s.d.Repo.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.throttleLogin(ctx, clientIP, u.Email); err != nil {
		return err
	}
	if err := s.d.Passwords.Check(u.PasswordHash, password); err != nil {
		if !errors.Is(err, authn.ErrPasswordMismatch) {
			return err
		}
		if err := s.loginFailed(ctx, u.ID); !errors.Is(err, ErrBadCredentials) {
			return err
		}
		return ErrReauthFailed
	}
	s.loginSucceeded(ctx, clientIP, u.Email)
	return nil
}

// LoginUser issues tokens for an already authenticated user (federated
// log-in).
func (s *Service) LoginUser(ctx context.Context, userID string) (Tokens, error) {
	return s.issue(ctx, s.d.DB, userID, authn.NewFamilyID())
}

func (s *Service) issue(ctx context.Context, q db.Querier, userID, family string) (Tokens, error) {
	storeID := ""
	if st, err := s.d.Repo.StoreByOwner(ctx, userID); err == nil {
		storeID = st.ID
	}
	access, err := s.d.Issuer.IssueToken(userID, storeID)
	if err != nil {
		return Tokens{}, err
	}
	refresh, hash := authn.NewRefreshToken()
	now := s.d.Now().UTC()
	if err := s.d.Repo.SaveRefresh(ctx, q, RefreshToken{Hash: hash, UserID: userID, FamilyID: family,
		ExpiresAt: now.Add(RefreshTTL), CreatedAt: now, Access: AccessGrant{TokenID: access.ID, ExpiresAt: access.ExpiresAt}}); err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access.Token, RefreshToken: refresh, ExpiresIn: int(time.Until(access.ExpiresAt).Round(time.Second).Seconds()), TokenType: "Bearer"}, nil
}

// Refresh rotates a refresh token. Presenting a used token again is taken as
// theft: the whole family is revoked.
func (s *Service) Refresh(ctx context.Context, token string) (Tokens, error) {
	if authn.CheckRefreshTokenFormat(token) != nil {
		return Tokens{}, ErrInvalidRefreshToken
	}
	// Unknown tokens come back as ErrInvalidRefreshToken.
	rt, err := s.d.Repo.RefreshByHash(ctx, authn.HashRefreshToken(token))
	if err != nil {
		return Tokens{}, err
	}
	now := s.d.Now().UTC()
	rec := authn.RefreshRecord{ExpiresAt: rt.ExpiresAt, UsedAt: rt.UsedAt, RevokedAt: rt.RevokedAt}
	if err := authn.CheckRefresh(rec, now); err != nil {
		if errors.Is(err, authn.ErrRefreshReused) {
			s.d.Log.Warn("user: refresh token reuse, revoking family", "user", rt.UserID)
			if err := s.revokeFamily(ctx, rt.FamilyID); err != nil {
				return Tokens{}, err
			}
		}
		return Tokens{}, ErrInvalidRefreshToken.Wrap(err)
	}
	var out Tokens
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		won, err := s.d.Repo.UseRefresh(ctx, tx, rt.Hash, now)
		if err != nil {
			return err
		}
		if !won {
			return ErrInvalidRefreshToken
		}
		out, err = s.issue(ctx, tx, rt.UserID, rt.FamilyID)
		return err
	})
	if errors.Is(err, ErrInvalidRefreshToken) {
		// Lost the race to a concurrent refresh with the same token: reuse.
		if rerr := s.revokeFamily(ctx, rt.FamilyID); rerr != nil {
			s.d.Log.Warn("user: revoke family after a lost refresh race", "err", rerr)
		}
	}
	return out, err
}

// Logout revokes the access token (until it would have expired) and the
// refresh token's family.
func (s *Service) Logout(ctx context.Context, claims authn.Claims, refreshToken string) error {
	if ttl := time.Until(claims.ExpiresAt); ttl > 0 && claims.TokenID != "" {
		if err := s.d.Cache.Set(ctx, revokedKey(claims.TokenID), []byte{1}, ttl); err != nil {
			return err
		}
	}
	if refreshToken != "" && authn.CheckRefreshTokenFormat(refreshToken) == nil {
		rt, err := s.d.Repo.RefreshByHash(ctx, authn.HashRefreshToken(refreshToken))
		if err == nil && rt.UserID == claims.UserID {
			return s.revokeFamily(ctx, rt.FamilyID)
		}
	}
	return nil
}

// revokeFamily revokes a refresh token family and every access token it
// issued that is still live, so a stolen pair stops working at once rather
// than for up to an access token's lifetime.
func (s *Service) revokeFamily(ctx context.Context, familyID string) error {
	now := s.d.Now().UTC()
	grants, err := s.d.Repo.RevokeFamily(ctx, familyID, now)
	if err != nil {
		return err
	}
	for _, g := range grants {
		// The verifier runs on real time (the token's exp), so the entry
		// must live until then by the same clock.
		if ttl := time.Until(g.ExpiresAt); ttl > 0 {
			if err := s.d.Cache.Set(ctx, revokedKey(g.TokenID), []byte{1}, ttl); err != nil {
				return err
			}
		}
	}
	return nil
}

func revokedKey(jti string) string { return "user:revoked:" + jti }

// Revocations answers the token verifier from the shared cache.
type Revocations struct{ Cache cache.Cache }

// IsRevoked reports whether the access token id was revoked by a log-out.
func (r Revocations) IsRevoked(ctx context.Context, jti string) (bool, error) {
	_, err := r.Cache.Get(ctx, revokedKey(jti))
	if err == nil {
		return true, nil
	}
	if errors.Is(err, cache.ErrMiss) {
		return false, nil
	}
	return false, err
}

// Me returns the caller's account and store.
func (s *Service) Me(ctx context.Context, userID string) (Me, error) {
	u, err := s.d.Repo.UserByID(ctx, userID)
	if err != nil {
		return Me{}, err
	}
	me := Me{User: s.view(u)}
	if fed := s.d.Federation; fed != nil {
		if me.FederationLinked, err = s.d.Repo.HasIdentity(ctx, fed.ID(), userID); err != nil {
			return Me{}, err
		}
	}
	if st, err := s.d.Repo.StoreByOwner(ctx, userID); err == nil {
		me.Store = &st
	} else if apperr.KindOf(err) != apperr.NotFound {
		return Me{}, err
	}
	return me, nil
}

// MyStore returns the owner's store.
func (s *Service) MyStore(ctx context.Context, userID string) (Store, error) {
	return s.d.Repo.StoreByOwner(ctx, userID)
}

// StoreCard is the public contact card of a store (for its event pages).
func (s *Service) StoreCard(ctx context.Context, storeID string) (StoreCard, error) {
	st, err := s.d.Repo.StoreByID(ctx, storeID)
	if err != nil {
		return StoreCard{}, err
	}
	return StoreCard{Name: st.Name, Address: st.Address, Phone: st.Phone}, nil
}

// UpdateStore replaces the owner's store profile.
func (s *Service) UpdateStore(ctx context.Context, userID string, in StoreInput) (Store, error) {
	var v apperr.Validation
	upd := validateStore(&v, in, "")
	if err := v.Err(); err != nil {
		return Store{}, err
	}
	cur, err := s.d.Repo.StoreByOwner(ctx, userID)
	if err != nil {
		return Store{}, err
	}
	upd.ID, upd.OwnerID, upd.UpdatedAt = cur.ID, userID, s.d.Now().UTC()
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error { return s.d.Repo.UpdateStore(ctx, tx, upd) })
	return upd, err
}

func (s *Service) view(u User) UserView {
	return UserView{ID: u.ID, Email: u.Email, OwnerName: u.OwnerName, Phone: phone.Mask(u.Phone),
		BusinessNumber: bizno.Mask(u.BusinessNumber), Verification: u.Verification, TermsAgreedAt: u.TermsAgreedAt,
		CreatedAt: u.CreatedAt}
}
