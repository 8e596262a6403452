package winners_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// The HTTP contract, on a router with a test authenticator (the user is
// the bearer token).
func TestHTTPAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.entries.addEvent(lottery("ev", owner), 100, 10)
		r := httpapi.NewRouter(httpapi.RouterConfig{Authenticate: func(r *http.Request) (httpapi.Principal, error) {
			tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if tok == "" {
				return httpapi.Principal{}, apperr.ErrUnauthenticated
			}
			return httpapi.Principal{UserID: tok}, nil
		}})
		winners.NewAPI(e.svc).Routes(r)
		srv := httptest.NewServer(r)
		defer srv.Close()

		do := func(method, path, user string, body []byte) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
			if user != "" {
				req.Header.Set("Authorization", "Bearer "+user)
			}
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var buf bytes.Buffer
			buf.ReadFrom(res.Body)
			return res, buf.Bytes()
		}
		drawBody := []byte(`{"winnerCount":3,"visitBonusWeight":2}`)
		big := append([]byte(`{"winnerCount":3,"visitBonusWeight":2,"reason":"`), bytes.Repeat([]byte("a"), 1<<20)...)
		big = append(big, `"}`...)

		tests := []struct {
			name, method, path, user string
			body                     []byte
			want                     int
		}{
			{"commit needs login", "POST", "/api/v1/events/ev/draws/commitment", "", nil, 401},
			{"commit by another owner", "POST", "/api/v1/events/ev/draws/commitment", otherOwner, nil, 404},
			{"commit", "POST", "/api/v1/events/ev/draws/commitment", owner, nil, 201},
			{"commit again returns it", "POST", "/api/v1/events/ev/draws/commitment", owner, nil, 200},
			{"draw by another owner", "POST", "/api/v1/events/ev/draws", otherOwner, drawBody, 404},
			{"malformed body", "POST", "/api/v1/events/ev/draws", owner, []byte(`{"winnerCount":"3"}`), 400},
			{"unknown field", "POST", "/api/v1/events/ev/draws", owner, []byte(`{"winners":3}`), 400},
			{"1 MiB body", "POST", "/api/v1/events/ev/draws", owner, big, 413},
			{"draw", "POST", "/api/v1/events/ev/draws", owner, drawBody, 201},
			{"second draw without redraw", "POST", "/api/v1/events/ev/draws", owner, drawBody, 409},
			{"public list", "GET", "/api/v1/public/events/ev/draws", "", nil, 200},
			{"public list of unknown event", "GET", "/api/v1/public/events/nope/draws", "", nil, 404},
			{"owner list by another owner", "GET", "/api/v1/events/ev/draws", otherOwner, nil, 404},
		}
		for _, tc := range tests {
			res, body := do(tc.method, tc.path, tc.user, tc.body)
			if res.StatusCode != tc.want {
				t.Fatalf("%s: %s %s = %d %s, want %d", tc.name, tc.method, tc.path, res.StatusCode, body, tc.want)
			}
		}

		res, body := do("GET", "/api/v1/public/events/ev/draws", "", nil)
		var pub winners.EventDraws
		if err := json.Unmarshal(body, &pub); err != nil || len(pub.Draws) != 1 {
			t.Fatalf("public list: %s (%v)", body, err)
		}
		if strings.Contains(string(body), "notification") || strings.Contains(string(body), "김민수") || strings.Contains(string(body), "seedEnc") {
			t.Fatalf("public list leaks owner-only or personal data: %s", body)
		}
		dr := pub.Draws[0]
		res, body = do("GET", "/api/v1/public/events/ev/draws/"+dr.ID+"/proof", "", nil)
		var proof draw.Proof
		if res.StatusCode != 200 || json.Unmarshal(body, &proof) != nil || proof.Seed != dr.Seed {
			t.Fatalf("proof: %d %s", res.StatusCode, body)
		}
		res, body = do("GET", "/api/v1/public/events/ev/draws/"+dr.ID+"/entries.txt", "", nil)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("entries.txt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		list, err := draw.ReadEntryList(bytes.NewReader(body))
		if err != nil || draw.Verify(proof, list) != nil {
			t.Fatalf("published proof does not verify against entries.txt: %v", err)
		}
		if res, _ := do("GET", "/api/v1/public/events/ev/draws/nope/proof", "", nil); res.StatusCode != 404 {
			t.Fatalf("unknown draw proof = %d, want 404", res.StatusCode)
		}
		// A pending commitment has no proof yet.
		e.entries.addEvent(lottery("ev2", owner), 10, 0)
		_, body = do("POST", "/api/v1/events/ev2/draws/commitment", owner, nil)
		var pending winners.Draw
		json.Unmarshal(body, &pending)
		if res, _ := do("GET", "/api/v1/public/events/ev2/draws/"+pending.ID+"/proof", "", nil); res.StatusCode != 404 {
			t.Fatalf("proof of a pending draw = %d, want 404", res.StatusCode)
		}
		// Prize delivery: owner only.
		path := "/api/v1/events/ev/draws/" + dr.ID + "/winners/" + jsonInt(dr.Winners[0].EntryNumber) + "/prize-delivered"
		if res, _ := do("POST", path, otherOwner, nil); res.StatusCode != 404 {
			t.Fatalf("another owner's prize delivery = %d, want 404", res.StatusCode)
		}
		if res, body := do("POST", path, owner, nil); res.StatusCode != 200 || !strings.Contains(string(body), "prizeDeliveredAt") {
			t.Fatalf("prize delivery = %d %s", res.StatusCode, body)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
