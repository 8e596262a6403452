package winners_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

func TestFailureCode(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{notify.ErrRecipient, "invalid_recipient"},
		{fmt.Errorf("sens: %w", &notify.UnencodableError{Chars: []string{"😀"}}), "unencodable_text"},
		{fmt.Errorf("wrapped: %w", notify.ErrRejected), "rejected"},
		{&resilience.StatusError{System: "sens-sms", StatusCode: 502}, "http_502"},
		{context.DeadlineExceeded, "timeout"},
		{errors.New("boom"), "send_failed"},
	}
	for _, tt := range tests {
		if got := winners.FailureCode(tt.err); got != tt.want {
			t.Errorf("FailureCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
