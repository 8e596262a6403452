package event_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// TestContentReadyMessage: ContentReady moves a PLANNED event to
// CONTENT_READY (again when redelivered or regenerated), and changes
// nothing once the event is approved.
func TestContentReadyMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d, &clock{t: time.Now()}, &outbox{})
		ev, _ := s.Create(ctx, "owner-1", event.CreateInput{Purpose: messages.PurposeNewCustomers}, nil)
		handle := func(id string) {
			t.Helper()
			err := d.InTx(ctx, func(tx *db.Tx) error {
				return s.HandleMessage(ctx, tx, bus.Message{ID: id, Subject: messages.SubjectOf[messages.ContentReady](),
					Data: []byte(`{"eventId":"` + ev.ID + `","assetCount":27}`)})
			})
			if err != nil {
				t.Fatalf("handle content ready: %v", err)
			}
		}
		handle("m0") // a DRAFT has no plan: nothing happens
		if got, _ := s.Get(ctx, "owner-1", ev.ID); got.Status != event.StatusDraft {
			t.Fatalf("DRAFT became %s", got.Status)
		}
		if _, err := s.Select(ctx, "owner-1", ev.ID, event.SelectionInput{OptionNumber: 1}, nil); err != nil {
			t.Fatal(err)
		}
		handle("m1")
		handle("m2")
		if got, _ := s.Get(ctx, "owner-1", ev.ID); got.Status != event.StatusContentReady {
			t.Fatalf("after ContentReady: %s, want CONTENT_READY", got.Status)
		}
		if got, err := s.Approve(ctx, "owner-1", ev.ID, event.ApproveInput{}); err != nil || (got.Status != event.StatusApproved && got.Status != event.StatusActive) {
			t.Fatalf("approve: %s %v", got.Status, err)
		}
		before, _ := s.Get(ctx, "owner-1", ev.ID)
		handle("m3")
		if got, _ := s.Get(ctx, "owner-1", ev.ID); got.Status != before.Status {
			t.Errorf("approved event moved to %s by ContentReady", got.Status)
		}
		if !slices.Contains(event.ConsumedSubjects, messages.SubjectOf[messages.ContentReady]()) {
			t.Error("the event consumer does not subscribe to ContentReady")
		}
	})
}
