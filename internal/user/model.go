// Package user is the user service: owner accounts with a verified business
// registration number, log-in with rotating tokens, and the store profile
// (매장 정보) whose industry and region drive the AI recommendations.
package user

import "time"

// Verification states of an owner's business number.
const (
	Verified      = "VERIFIED"       // the NTS answered 계속사업자
	PendingManual = "PENDING_MANUAL" // the NTS API was down; an operator checks later
)

// User is an owner account. Personal data is held encrypted by the store;
// this struct carries it decrypted only inside the service.
type User struct {
	ID             string
	Email          string
	PasswordHash   string
	OwnerName      string
	Phone          string // 01012345678
	BusinessNumber string // 10 digits
	Verification   string
	// FailedLogins counts wrong passwords since the last log-in, for the
	// notice the owner gets at the next one.
	FailedLogins int
	// TermsAgreedAt is when the owner agreed to the terms and the privacy
	// notice (zero: not recorded).
	TermsAgreedAt time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Store is the owner's shop.
type Store struct {
	ID        string    `json:"id"`
	OwnerID   string    `json:"-"`
	Name      string    `json:"name"`
	Industry  string    `json:"industry"`
	Sido      string    `json:"regionSido"`
	Sigungu   string    `json:"regionSigungu"`
	Address   string    `json:"address"`
	Phone     string    `json:"phone,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// StoreCard is what customers see of a store on its event pages: how to
// find and call the shop, nothing of its owner.
type StoreCard struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone,omitempty"`
}

// Region is "시/도 시/군/구".
func (s Store) Region() string { return s.Sido + " " + s.Sigungu }

// RefreshToken is a stored refresh token (only its hash is kept).
type RefreshToken struct {
	Hash      string
	UserID    string
	FamilyID  string
	ExpiresAt time.Time
	UsedAt    time.Time
	RevokedAt time.Time
	CreatedAt time.Time
	// Access is the access token issued together with this refresh token,
	// revoked with the family.
	Access AccessGrant
}

// AccessGrant names an issued access token: its id ("jti") and expiry.
type AccessGrant struct {
	TokenID   string
	ExpiresAt time.Time
}

// Industry is one entry of the fixed industry list.
type Industry struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Industries is the fixed list of 업종 with their codes; the AI trend
// knowledge base uses the same codes.
var Industries = []Industry{
	{"CAFE", "카페"}, {"RESTAURANT", "음식점"}, {"BAKERY", "베이커리"}, {"HAIR", "미용실"},
	{"NAIL", "네일샵"}, {"ACADEMY", "학원"}, {"FITNESS", "헬스/PT"}, {"FLOWER", "꽃집"},
	{"MART", "편의점/마트"}, {"OTHER", "기타"},
}

// IndustryName returns the Korean name of a code ("" if unknown).
func IndustryName(code string) string {
	for _, i := range Industries {
		if i.Code == code {
			return i.Name
		}
	}
	return ""
}

// Sidos are the 17 first-level divisions, with the short forms people type.
var Sidos = []struct{ Name, Short string }{
	{"서울특별시", "서울"}, {"부산광역시", "부산"}, {"대구광역시", "대구"}, {"인천광역시", "인천"},
	{"광주광역시", "광주"}, {"대전광역시", "대전"}, {"울산광역시", "울산"}, {"세종특별자치시", "세종"},
	{"경기도", "경기"}, {"강원특별자치도", "강원"}, {"충청북도", "충북"}, {"충청남도", "충남"},
	{"전북특별자치도", "전북"}, {"전라남도", "전남"}, {"경상북도", "경북"}, {"경상남도", "경남"},
	{"제주특별자치도", "제주"},
}

// UserView is what the API shows of an account: personal data masked.
type UserView struct {
	ID             string    `json:"id"`
	Email          string    `json:"email"`
	OwnerName      string    `json:"ownerName"`
	Phone          string    `json:"phone"`          // 010-****-5678
	BusinessNumber string    `json:"businessNumber"` // 124-81-*****
	Verification   string    `json:"verification"`
	TermsAgreedAt  time.Time `json:"termsAgreedAt,omitzero"` // consent to the terms and privacy notice
	CreatedAt      time.Time `json:"createdAt"`
}

// StoreInput is the store part of sign-up and of the profile update.
type StoreInput struct {
	Name     string `json:"name"`
	Industry string `json:"industry"`
	Region   string `json:"region"`
	Address  string `json:"address"`
	Phone    string `json:"phone,omitempty"`
}

// SignupInput is the sign-up body.
type SignupInput struct {
	Email          string     `json:"email"`
	Password       string     `json:"password"`
	OwnerName      string     `json:"ownerName"`
	Phone          string     `json:"phone"`
	BusinessNumber string     `json:"businessNumber"`
	Store          StoreInput `json:"store"`
	// AgreeTerms records the owner's consent to the terms and the privacy
	// notice (the sign-up page requires it); its time is stored.
	AgreeTerms bool `json:"agreeTerms,omitempty"`
}

// SignupResult is the sign-up answer.
type SignupResult struct {
	User    UserView `json:"user"`
	Store   Store    `json:"store"`
	Message string   `json:"message"`
}

// LoginInput is the log-in body.
type LoginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Tokens is the log-in and refresh answer.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
	TokenType    string `json:"tokenType"`
	// FailedAttemptsSinceLastLogin tells the owner, at log-in, how many
	// wrong passwords were tried on the account since the last one.
	FailedAttemptsSinceLastLogin int `json:"failedAttemptsSinceLastLogin,omitempty"`
}

// RefreshInput is the refresh and log-out body.
type RefreshInput struct {
	RefreshToken string `json:"refreshToken"`
}

// Me is the answer of GET /users/me.
type Me struct {
	User  UserView `json:"user"`
	Store *Store   `json:"store,omitempty"`
	// FederationLinked: the account can sign in with the configured OIDC
	// provider.
	FederationLinked bool `json:"federationLinked"`
}

// BusinessCheckInput is the body of the business number check.
type BusinessCheckInput struct {
	BusinessNumber string `json:"businessNumber"`
}

// BusinessCheck is its answer; the number comes back masked.
type BusinessCheck struct {
	BusinessNumber string `json:"businessNumber"` // 124-81-*****
	Verification   string `json:"verification"`   // VERIFIED or PENDING_MANUAL
	Message        string `json:"message"`
}
