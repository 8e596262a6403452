package content

import (
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/apperr"
)

// Service errors (stable codes). Another owner's event, content or asset
// is always ErrEventNotFound: nothing tells an owner what others have.
var (
	ErrEventNotFound   = apperr.New(apperr.NotFound, messages.CodeEventNotFound, "이벤트를 찾을 수 없습니다.")
	ErrContentNotFound = apperr.New(apperr.NotFound, "content_not_found", "아직 만든 콘텐츠가 없습니다. 먼저 콘텐츠를 만들어 주세요.")
	ErrAssetNotFound   = apperr.New(apperr.NotFound, "asset_not_found", "콘텐츠 파일을 찾을 수 없습니다.")
	ErrMediaNotFound   = apperr.New(apperr.NotFound, "media_not_found", "파일을 찾을 수 없습니다.")
	ErrNotPlanned      = apperr.New(apperr.Conflict, "event_not_planned", "기획을 고른 이벤트만 콘텐츠를 만들 수 있습니다.")
	ErrContentBusy     = apperr.New(apperr.Conflict, "content_generating", "콘텐츠를 만드는 중입니다. 끝난 뒤 다시 시도해 주세요.")
	errBadJobInput     = apperr.New(apperr.Invalid, "invalid_content_job_input", "콘텐츠 작업 입력이 올바르지 않습니다.")
)

// Input errors, one declaration per code.
func errUnknownStyle(field string) error {
	return apperr.InvalidField(field, "unknown_style", "스타일은 simple, vivid, trendy 중 하나여야 합니다.")
}

func errUnknownChannel(field string) error {
	return apperr.InvalidField(field, "unknown_channel", "알 수 없는 채널입니다.")
}

func errTextTooLong(field string) error {
	return apperr.InvalidField(field, "text_too_long", "문구가 너무 깁니다.")
}

func errBadColor(field string) error {
	return apperr.InvalidField(field, "invalid_color", "색상은 #rrggbb 형식이어야 합니다.")
}
