package event

import (
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Errors of the event service. Codes are stable; messages are shown to
// owners as is.
var (
	// ErrNotFound is returned for unknown events and for other owners'
	// events alike, so ids reveal nothing.
	ErrNotFound = apperr.New(apperr.NotFound, messages.CodeEventNotFound, "이벤트를 찾을 수 없습니다.")
	// ErrInvalidTransition is an illegal lifecycle step (lifecycle.go).
	ErrInvalidTransition = apperr.New(apperr.Conflict, "invalid_transition", "지금 상태에서는 할 수 없는 작업입니다.")
	// ErrNotEditable: the purpose can change only before approval work starts.
	ErrNotEditable = apperr.New(apperr.Conflict, "event_not_editable", "기획이 확정된 이벤트는 목적을 바꿀 수 없습니다.")
	// ErrNotDeletable: only drafts can be deleted; later, cancel.
	ErrNotDeletable = apperr.New(apperr.Conflict, "event_not_deletable", "초안 상태의 이벤트만 삭제할 수 있습니다. 진행 중인 이벤트는 취소하거나 종료해 주세요.")
	// ErrNoRecommendation: a selection before the AI recommendation exists.
	ErrNoRecommendation = apperr.New(apperr.Conflict, "recommendation_not_ready", "AI 추천이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.")
	// ErrPeriodOver: approving an event whose period has already ended.
	ErrPeriodOver = apperr.New(apperr.Conflict, "period_over", "이벤트 기간이 이미 지났습니다. 기간을 바꿔 다시 저장해 주세요.")
	// ErrNoStore: the owner has no store profile yet.
	ErrNoStore = apperr.New(apperr.Conflict, "store_required", "매장 정보를 먼저 등록해 주세요.")
	// ErrConcurrentUpdate: the event changed under us too often.
	ErrConcurrentUpdate = apperr.New(apperr.Conflict, "concurrent_update", "다른 요청이 이벤트를 동시에 바꾸고 있습니다. 다시 시도해 주세요.")
)
