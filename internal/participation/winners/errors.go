package winners

import (
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Errors of the draw and winner use cases.
var (
	ErrEventNotFound  = participation.ErrEventNotFound
	ErrDrawNotFound   = apperr.New(apperr.NotFound, "draw_not_found", "추첨 기록을 찾을 수 없습니다.")
	ErrWinnerNotFound = apperr.New(apperr.NotFound, "winner_not_found", "당첨자를 찾을 수 없습니다.")
	ErrNotLottery     = apperr.New(apperr.Unprocessable, "not_lottery", "추첨형 이벤트에서만 추첨할 수 있습니다.")
	ErrEventNotOpen   = apperr.New(apperr.Unprocessable, "event_not_drawable", "진행 중이거나 종료된 이벤트에서만 추첨할 수 있습니다.")
	ErrNoEntries      = apperr.New(apperr.Unprocessable, "no_entries", "추첨할 참여자가 없습니다.")
	ErrTooFewEntries  = apperr.New(apperr.Unprocessable, "not_enough_entries", "당첨자 수가 추첨 가능한 참여자 수보다 많습니다.")
	ErrAlreadyDrawn   = apperr.New(apperr.Conflict, "already_drawn", "이미 추첨한 이벤트입니다. 재추첨하려면 이전 추첨과 사유를 지정해 주세요.")
	ErrNotLatest      = apperr.New(apperr.Conflict, "redraw_not_latest", "가장 최근 추첨만 재추첨할 수 있습니다.")
	// ErrRedrawPeriodOver: the redraw window after the first draw is over
	// and the non-winners' contacts are destroyed (RetentionConfig).
	ErrRedrawPeriodOver = apperr.New(apperr.Conflict, "redraw_period_over", "재추첨은 첫 추첨 후 정해진 기간 안에만 할 수 있어요. 그 뒤에는 참여자 개인정보를 파기해 새 당첨자에게 연락할 수 없어요.")
	ErrDrawConflict     = apperr.New(apperr.Conflict, "draw_in_progress", "다른 추첨이 동시에 진행되었습니다. 새로 고친 뒤 다시 시도해 주세요.")
	ErrDrawPending      = apperr.New(apperr.Conflict, "draw_pending", "아직 추첨 전입니다.")
	// ErrEntriesOpen: drawing an event still in its period would cut its
	// entries short; the owner confirms with closeEntries.
	ErrEntriesOpen = apperr.New(apperr.Conflict, "entries_open",
		"이벤트가 아직 진행 중입니다. 추첨하면 참여가 바로 마감되고 이벤트가 종료됩니다. 마감하고 추첨하려면 확인해 주세요.")
	ErrNotCurrentWinner = apperr.InvalidField("replace", "not_current_winner", "교체할 당첨자는 현재 당첨자의 응모번호여야 합니다.")
)
