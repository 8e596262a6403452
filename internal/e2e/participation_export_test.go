package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestParticipationUnmaskedExport: the full export needs the owner's
// password again; a wrong one is refused before anything is written, and
// another owner gets 404 even with their own password.
func TestParticipationUnmaskedExport(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		if res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": "010-2345-6789"}); res.Status != http.StatusCreated {
			t.Fatalf("entry: %d %s", res.Status, res.Body)
		}
		path := "/api/v1/events/" + ev.ID + "/entries.csv"

		masked := e.Do("GET", path, ev.Owner.Token, nil)
		if masked.Status != http.StatusOK || !strings.Contains(string(masked.Body), "010-****-6789") || strings.Contains(string(masked.Body), "2345") {
			t.Errorf("masked export = %d %q", masked.Status, masked.Body)
		}

		wrong := e.Do("POST", path, ev.Owner.Token, map[string]string{"password": "not-my-password1"})
		if wrong.Status != http.StatusForbidden || wrong.Code() != "reauth_failed" || strings.Contains(string(wrong.Body), "2345") {
			t.Errorf("wrong password = %d %s", wrong.Status, wrong.Body)
		}

		other := e.SignupOwner("CAFE", "서울 마포구")
		if res := e.Do("POST", path, other.Token, map[string]string{"password": other.Password}); res.Status != http.StatusNotFound {
			t.Errorf("another owner's unmasked export = %d, want 404", res.Status)
		}

		full := e.Do("POST", path, ev.Owner.Token, map[string]string{"password": ev.Owner.Password})
		body := string(full.Body)
		if full.Status != http.StatusOK || !strings.Contains(body, "김민수") || !strings.Contains(body, "010-2345-6789") {
			t.Errorf("unmasked export = %d %q", full.Status, body)
		}
	})
}
