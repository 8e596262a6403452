package user

import "github.com/autoevent/autoevent/internal/platform/apperr"

// Errors of the user service; codes are stable API contract.
var (
	ErrEmailTaken        = apperr.New(apperr.Conflict, "email_taken", "이미 가입된 이메일입니다.")
	ErrBusinessTaken     = apperr.New(apperr.Conflict, "business_number_taken", "이미 가입된 사업자등록번호입니다.")
	ErrBusinessClosed    = apperr.New(apperr.Unprocessable, "business_closed", "폐업한 사업자등록번호로는 가입할 수 없습니다.")
	ErrBusinessSuspended = apperr.New(apperr.Unprocessable, "business_suspended", "휴업 중인 사업자등록번호로는 가입할 수 없습니다.")
	ErrBusinessUnknown   = apperr.New(apperr.Unprocessable, "business_unregistered", "국세청에 등록되지 않은 사업자등록번호입니다.")
	ErrBadCredentials    = apperr.New(apperr.Unauthenticated, "invalid_credentials", "이메일 또는 비밀번호가 올바르지 않습니다.")
	ErrReauthFailed      = apperr.New(apperr.Forbidden, "reauth_failed", "비밀번호가 올바르지 않습니다.")
	// The two throttles' messages are formats: %s is the wait ("15분").
	ErrLoginThrottled      = apperr.New(apperr.TooManyRequests, "login_throttled", "이 기기에서 로그인 실패가 반복되어 잠시 막았습니다. %s 후 다시 시도해 주세요.")
	ErrSignupThrottled     = apperr.New(apperr.TooManyRequests, "signup_throttled", "가입 확인 요청이 너무 많습니다. %s 후 다시 시도해 주세요.")
	ErrInvalidRefreshToken = apperr.New(apperr.Unauthenticated, "invalid_refresh_token", "다시 로그인해 주세요.")
	ErrStoreNotFound       = apperr.New(apperr.NotFound, "store_not_found", "매장 정보를 찾을 수 없습니다.")
	ErrUserNotFound        = apperr.New(apperr.NotFound, "user_not_found", "사용자를 찾을 수 없습니다.")
)

// Errors of the federated log-in. A failed provider answer is 403, not
// 401: a 401 means "your token is bad" and makes clients refresh and retry,
// which would spend the one-time state a second time.
var (
	ErrFederationOff         = apperr.New(apperr.NotFound, "oidc_disabled", "외부 계정 로그인이 설정되어 있지 않습니다.")
	ErrFederationState       = apperr.New(apperr.Invalid, "oidc_state_invalid", "로그인 요청이 만료되었거나 올바르지 않습니다. 처음부터 다시 시도해 주세요.")
	ErrFederationNonce       = apperr.New(apperr.Forbidden, "oidc_nonce_mismatch", "외부 계정 인증 응답이 이 요청과 맞지 않습니다. 처음부터 다시 시도해 주세요.")
	ErrFederationFailed      = apperr.New(apperr.Forbidden, "oidc_failed", "외부 계정 인증에 실패했습니다. 다시 시도해 주세요.")
	ErrFederationUnavailable = apperr.New(apperr.Unavailable, "oidc_unavailable", "외부 계정 서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.")
	ErrFederationNotLinked   = apperr.New(apperr.Forbidden, "oidc_not_linked", "이 계정과 연결된 AutoEvent 계정이 없습니다. 이메일로 로그인한 뒤 ‘매장 정보’에서 계정을 연결해 주세요.")
	ErrFederationTaken       = apperr.New(apperr.Conflict, "oidc_already_linked", "이 외부 계정은 이미 다른 AutoEvent 계정에 연결되어 있습니다.")
)
