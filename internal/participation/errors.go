package participation

import (
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Errors of the participation service. Codes are stable; messages are shown
// to customers and owners as is.
var (
	ErrEventNotFound   = apperr.New(apperr.NotFound, messages.CodeEventNotFound, "이벤트를 찾을 수 없습니다.")
	ErrEventNotActive  = apperr.New(apperr.Conflict, "event_not_active", "지금은 참여할 수 없는 이벤트입니다.")
	ErrEventNotStarted = apperr.New(apperr.Conflict, "event_not_started", "아직 이벤트가 시작되지 않았습니다.")
	ErrEventEnded      = apperr.New(apperr.Conflict, "event_ended", "이벤트가 종료되었습니다.")
	ErrSoldOut         = apperr.New(apperr.Conflict, "sold_out", "준비한 쿠폰이 모두 소진되어 마감되었습니다.")
	ErrCouponNotFound  = apperr.New(apperr.NotFound, "coupon_not_found", "쿠폰을 찾을 수 없습니다.")
	ErrCouponUsed      = apperr.New(apperr.Conflict, "coupon_already_redeemed", "이미 사용된 쿠폰입니다.")
	ErrNotFirstCome    = apperr.New(apperr.Conflict, "not_first_come", "선착순 이벤트가 아닙니다.")

	// Idempotency-Key outcomes (draft-ietf-httpapi-idempotency-key-header).
	ErrIdempotencyMismatch = apperr.New(apperr.Unprocessable, "idempotency_key_reused",
		"같은 Idempotency-Key가 다른 요청 내용으로 이미 사용되었습니다.")
	ErrIdempotencyInFlight = apperr.New(apperr.Conflict, "idempotency_key_in_flight",
		"같은 Idempotency-Key의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요.")
	ErrIdempotencyKeyInvalid = apperr.InvalidField("Idempotency-Key", "idempotency_key_invalid",
		"Idempotency-Key 헤더는 1~255자여야 합니다.")

	ErrEventRateLimited = apperr.New(apperr.TooManyRequests, "event_rate_limited",
		"참여 요청이 몰리고 있습니다. 잠시 후 다시 시도해 주세요.")
)

// ErrEntryNotFound is returned by lookups of a single entry.
var ErrEntryNotFound = apperr.New(apperr.NotFound, "entry_not_found", "참여 내역을 찾을 수 없습니다.")
