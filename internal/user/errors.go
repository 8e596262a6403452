package user

import "github.com/autoevent/autoevent/internal/platform/apperr"

// Errors of the user service; codes are stable API contract.
var (
	ErrEmailTaken          = apperr.New(apperr.Conflict, "email_taken", "이미 가입된 이메일입니다.")
	ErrBusinessTaken       = apperr.New(apperr.Conflict, "business_number_taken", "이미 가입된 사업자등록번호입니다.")
	ErrBusinessClosed      = apperr.New(apperr.Unprocessable, "business_closed", "폐업한 사업자등록번호로는 가입할 수 없습니다.")
	ErrBusinessSuspended   = apperr.New(apperr.Unprocessable, "business_suspended", "휴업 중인 사업자등록번호로는 가입할 수 없습니다.")
	ErrBusinessUnknown     = apperr.New(apperr.Unprocessable, "business_unregistered", "국세청에 등록되지 않은 사업자등록번호입니다.")
	ErrBadCredentials      = apperr.New(apperr.Unauthenticated, "invalid_credentials", "이메일 또는 비밀번호가 올바르지 않습니다.")
	ErrAccountLocked       = apperr.New(apperr.TooManyRequests, "account_locked", "로그인 실패가 반복되어 잠시 잠겼습니다. 잠시 후 다시 시도해 주세요.")
	ErrInvalidRefreshToken = apperr.New(apperr.Unauthenticated, "invalid_refresh_token", "다시 로그인해 주세요.")
	ErrStoreNotFound       = apperr.New(apperr.NotFound, "store_not_found", "매장 정보를 찾을 수 없습니다.")
	ErrUserNotFound        = apperr.New(apperr.NotFound, "user_not_found", "사용자를 찾을 수 없습니다.")
)
