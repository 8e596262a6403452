package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/participation/winners"
)

// The whole draw journey on the real app: entries through the public API,
// a published commitment, the draw, the public proof that recomputes, and
// the winners' 알림톡 through the notify-job queue and the SENS sandbox.
func TestWinnersDrawJourney(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		for i := range 30 {
			res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": fmt.Sprintf("010-5555-%04d", i)})
			if res.Status != http.StatusCreated {
				t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
			}
		}
		other := e.SignupOwner("CAFE", "서울 마포구")
		if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/draws", other.Token, map[string]any{"winnerCount": 3, "visitBonusWeight": 2}); res.Status != http.StatusNotFound {
			t.Fatalf("another owner's draw = %d, want 404", res.Status)
		}

		res := e.Do("POST", "/api/v1/events/"+ev.ID+"/draws/commitment", ev.Owner.Token, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("commitment: %d %s", res.Status, res.Body)
		}
		var pending winners.Draw
		res.JSON(t, &pending)
		// The commitment is on the public event page before the draw.
		if page := e.Do("GET", "/e/"+ev.Code, "", nil); !strings.Contains(string(page.Body), pending.Commitment) {
			t.Errorf("public page does not show the commitment %s", pending.Commitment)
		}
		res = e.Do("POST", "/api/v1/events/"+ev.ID+"/draws", ev.Owner.Token, map[string]any{"winnerCount": 3, "visitBonusWeight": 2, "closeEntries": true})
		if res.Status != http.StatusCreated {
			t.Fatalf("draw: %d %s", res.Status, res.Body)
		}
		var dr winners.Draw
		res.JSON(t, &dr)
		if dr.ID != pending.ID || dr.Commitment != pending.Commitment || dr.EntryCount != 30 || len(dr.Winners) != 3 {
			t.Fatalf("draw = %+v", dr)
		}
		for _, w := range dr.Winners {
			if w.Name != "김*수" || !regexp.MustCompile(`^010-\*\*\*\*-\d{4}$`).MatchString(w.Phone) {
				t.Fatalf("winner not masked: %+v", w)
			}
		}

		proofRes := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/draws/"+dr.ID+"/proof", "", nil)
		listRes := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/draws/"+dr.ID+"/entries.txt", "", nil)
		var proof draw.Proof
		proofRes.JSON(t, &proof)
		list, err := draw.ReadEntryList(bytes.NewReader(listRes.Body))
		if err != nil || draw.Verify(proof, list) != nil {
			t.Fatalf("published proof does not recompute: %v", err)
		}

		// Each winner gets exactly one 알림톡 through the sandbox.
		waitFor(t, "winner notifications sent", func() bool {
			var out winners.EventDraws
			e.Do("GET", "/api/v1/events/"+ev.ID+"/draws", ev.Owner.Token, nil).JSON(t, &out)
			for _, w := range out.Draws[0].Winners {
				if w.Notification == nil || w.Notification.Status == winners.NotifyPending {
					return false
				}
				if w.Notification.Status != winners.NotifySent || w.Notification.Channel != "ALIMTALK" {
					t.Fatalf("notification = %+v, want SENT on ALIMTALK", w.Notification)
				}
			}
			return true
		})

		// The owner's draw page shows the winners and their notification in
		// plain words, and links to the customers' page, where the proof
		// (seed included) is.
		page := e.Do("GET", "/app/events/"+ev.ID+"/draw", "", nil, "Cookie", "ae_at="+ev.Owner.Token)
		if page.Status != http.StatusOK || strings.Contains(string(page.Body), dr.Seed) || !strings.Contains(string(page.Body), "발송됨") {
			t.Fatalf("draw page: %d, want the notification status and no seed", page.Status)
		}
		if res := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/draws/"+dr.ID+"/proof", "", nil); !strings.Contains(string(res.Body), dr.Seed) {
			t.Fatalf("proof: %d %s, want the seed", res.Status, res.Body)
		}
	}, noLimits)
}
