package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/google/uuid"
)

// partEvent is an approved event as the participation tests see it.
type partEvent struct {
	ID, Code string
	Owner    Owner
}

type partOverview struct {
	Code            string `json:"code"`
	PublicURL       string `json:"publicUrl"`
	VisitURL        string `json:"visitUrl"`
	Entries         int64  `json:"entries"`
	StoreVisits     int64  `json:"storeVisits"`
	CouponsIssued   int    `json:"couponsIssued"`
	CouponsRedeemed int    `json:"couponsRedeemed"`
	SoldOut         bool   `json:"soldOut"`
	Phase           string `json:"phase"`
}

type entryAnswer struct {
	EventID     string `json:"eventId"`
	EntryNumber int64  `json:"entryNumber"`
	StoreVisit  bool   `json:"storeVisit"`
	Repeat      bool   `json:"repeat"`
	EntryToken  string `json:"entryToken"`
	Coupon      *struct {
		Code  string `json:"code"`
		QRURL string `json:"qrUrl"`
	} `json:"coupon"`
}

// approve publishes EventApproved (as the event service will) and waits for
// the participation service to take its copy.
func approve(t *testing.T, e *Env, o Owner, method string, coupons int, starts, ends time.Time) partEvent {
	t.Helper()
	id := uuid.NewString()
	err := e.App.Publish(context.Background(), messages.EventApproved{
		EventID: id, OwnerID: o.UserID, StoreID: o.StoreID, StoreName: "테스트 가게", Title: "봄맞이 감사 이벤트",
		Benefit: "아메리카노 1잔 무료", Description: "1인 1회 참여할 수 있어요.", Method: messages.Method(method),
		CouponCount: coupons, WinnerCount: 3, StartsAt: starts, EndsAt: ends, OccurredAt: time.Now(),
	})
	if err != nil {
		t.Fatalf("publish EventApproved: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		res := e.Do("GET", "/api/v1/events/"+id+"/participation", o.Token, nil)
		if res.Status == http.StatusOK {
			var ov partOverview
			res.JSON(t, &ov)
			return partEvent{ID: id, Code: ov.Code, Owner: o}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("event %s never reached the participation service", id)
	return partEvent{}
}

func activeEvent(t *testing.T, e *Env, method string, coupons int) partEvent {
	t.Helper()
	o := e.SignupOwner("CAFE", "서울 강남구")
	return approve(t, e, o, method, coupons, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
}

func entryPath(id string) string { return "/api/v1/public/events/" + id + "/entries" }

func overview(t *testing.T, e *Env, ev partEvent) partOverview {
	t.Helper()
	res := e.Do("GET", "/api/v1/events/"+ev.ID+"/participation", ev.Owner.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("overview: %d %s", res.Status, res.Body)
	}
	var ov partOverview
	res.JSON(t, &ov)
	return ov
}

func TestParticipationEntryValidation(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		tests := []struct {
			name       string
			body       any
			wantStatus int
			wantCode   string
		}{
			{"missing name", map[string]any{"phone": "010-1234-5678"}, 400, "name_required"},
			{"landline", map[string]any{"name": "김민수", "phone": "02-123-4567"}, 400, "phone_invalid"},
			{"letters", map[string]any{"name": "김민수", "phone": "010-abcd-5678"}, 400, "phone_invalid"},
			{"too short", map[string]any{"name": "김민수", "phone": "010-123-456"}, 400, "phone_invalid"},
			{"foreign", map[string]any{"name": "김민수", "phone": "+1 415 555 0100"}, 400, "phone_invalid"},
			{"empty phone", map[string]any{"name": "김민수", "phone": ""}, 400, "phone_invalid"},
			{"unknown field", map[string]any{"name": "김민수", "phone": "01012345678", "email": "x@y.z"}, 400, "invalid_json"},
			{"not json", []byte("name=kim"), 400, "invalid_json"},
			{"1 MiB body", []byte(`{"name":"` + strings.Repeat("a", 1<<20) + `"}`), 413, "body_too_large"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := e.Do("POST", entryPath(ev.ID), "", tc.body)
				if res.Status != tc.wantStatus || res.Code() != tc.wantCode {
					t.Errorf("got %d %q, want %d %q (%s)", res.Status, res.Code(), tc.wantStatus, tc.wantCode, res.Body)
				}
			})
		}
		if got := overview(t, e, ev).Entries; got != 0 {
			t.Errorf("entries after bad input = %d, want 0", got)
		}
		res := e.Do("POST", entryPath(uuid.NewString()), "", map[string]any{"name": "김민수", "phone": "01012345678"})
		if res.Status != 404 {
			t.Errorf("unknown event: got %d, want 404", res.Status)
		}
	}, noLimits)
}

func TestParticipationEntryLifecycle(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		now := time.Now()
		future := approve(t, e, o, "LOTTERY", 0, now.Add(time.Hour), now.Add(48*time.Hour))
		past := approve(t, e, o, "LOTTERY", 0, now.Add(-48*time.Hour), now.Add(-time.Hour))
		cancelled := approve(t, e, o, "LOTTERY", 0, now.Add(-time.Hour), now.Add(time.Hour))
		if err := e.App.Publish(context.Background(), messages.EventCancelled{EventID: cancelled.ID, OwnerID: o.UserID}); err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"name": "김민수", "phone": "010-1234-5678"}
		for _, tc := range []struct {
			name string
			ev   partEvent
			code string
		}{{"not started", future, "event_not_started"}, {"period over", past, "event_ended"}} {
			res := e.Do("POST", entryPath(tc.ev.ID), "", body)
			if res.Status != 409 || res.Code() != tc.code {
				t.Errorf("%s: got %d %q, want 409 %q", tc.name, res.Status, res.Code(), tc.code)
			}
		}
		// Wait for the cancellation itself, not for a refused entry: an
		// entry posted before the message is consumed would be taken, and
		// a closed event then shows that entry instead of refusing.
		waitFor(t, "cancellation consumed", func() bool { return overview(t, e, cancelled).Phase == "CANCELLED" })
		if res := e.Do("POST", entryPath(cancelled.ID), "", body); res.Status != 409 || res.Code() != "event_not_active" {
			t.Errorf("cancelled: got %d %q, want 409 %q", res.Status, res.Code(), "event_not_active")
		}
		for _, ev := range []partEvent{future, past, cancelled} {
			if n := overview(t, e, ev).Entries; n != 0 {
				t.Errorf("closed event has %d entries, want 0", n)
			}
		}
	}, noLimits)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting: %s", what)
}

func TestParticipationVisitToken(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		other := activeEvent(t, e, "LOTTERY", 0)
		ov := overview(t, e, ev)
		i := strings.Index(ov.VisitURL, "?v=")
		if i < 0 {
			t.Fatalf("visit URL %q has no token", ov.VisitURL)
		}
		tok := strings.SplitN(ov.VisitURL[i+3:], "&", 2)[0]
		otherTok := overview(t, e, other).VisitURL
		otherTok = strings.SplitN(otherTok[strings.Index(otherTok, "?v=")+3:], "&", 2)[0]
		forged := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")]
		tests := []struct {
			name, phone, token string
			wantVisit          bool
		}{
			{"valid token", "010-2000-0001", tok, true},
			{"forged token", "010-2000-0002", forged, false},
			{"garbage token", "010-2000-0003", "not-a-token", false},
			{"other event's token", "010-2000-0004", otherTok, false},
			{"no token", "010-2000-0005", "", false},
		}
		for _, tc := range tests {
			res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "이영희", "phone": tc.phone, "visitToken": tc.token})
			if res.Status != http.StatusCreated {
				t.Errorf("%s: got %d %s, want 201 (a bad token is ignored, not refused)", tc.name, res.Status, res.Body)
				continue
			}
			var a entryAnswer
			res.JSON(t, &a)
			if a.StoreVisit != tc.wantVisit {
				t.Errorf("%s: storeVisit = %v, want %v", tc.name, a.StoreVisit, tc.wantVisit)
			}
		}
		if got := overview(t, e, ev); got.Entries != 5 || got.StoreVisits != 1 {
			t.Errorf("entries, store visits = %d, %d; want 5, 1", got.Entries, got.StoreVisits)
		}
	}, noLimits)
}

// A customer who entered online (from Instagram, say) and later scans the
// in-store QR gets the visit added to that entry, once; the answer says
// so, and an unproven repeat still learns nothing else of the entry.
func TestParticipationVisitUpgradesEntry(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		vu := overview(t, e, ev).VisitURL
		tok := strings.SplitN(vu[strings.Index(vu, "?v=")+3:], "&", 2)[0]
		res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "이영희", "phone": "010-2100-0001", "channel": "instagram"})
		var first entryAnswer
		res.JSON(t, &first)
		if res.Status != http.StatusCreated || first.StoreVisit {
			t.Fatalf("online entry: %d %s", res.Status, res.Body)
		}
		for i, want := range []bool{true, false} { // the second scan adds nothing
			res = e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "이영희", "phone": "01021000001", "visitToken": tok})
			var a struct {
				entryAnswer
				VisitAdded bool `json:"visitAdded"`
			}
			res.JSON(t, &a)
			if res.Status != http.StatusOK || !a.Repeat || a.VisitAdded != want || a.EntryNumber != 0 {
				t.Errorf("scan %d: %d %s, want 200 repeat with visitAdded=%v and no entry number", i+1, res.Status, res.Body, want)
			}
		}
		if got := overview(t, e, ev); got.Entries != 1 || got.StoreVisits != 1 {
			t.Errorf("entries, store visits = %d, %d; want 1, 1", got.Entries, got.StoreVisits)
		}
		// The entrant's own browser now sees the visit on the entry.
		res = e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "이영희", "phone": "010-2100-0001", "entryToken": first.EntryToken})
		var own entryAnswer
		res.JSON(t, &own)
		if !own.StoreVisit || own.EntryNumber != first.EntryNumber {
			t.Errorf("own repeat after the visit: %s, want the same entry with storeVisit", res.Body)
		}
	}, noLimits)
}

func TestParticipationDuplicatePhone(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		// Different spellings of one number: all the same person.
		spellings := []string{"010-5555-1234", "01055551234", "+82 10 5555 1234", "010 5555 1234", "+82-10-5555-1234"}
		const n = 50
		var wg sync.WaitGroup
		answers := make([]entryAnswer, n)
		statuses := make([]int, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "박지훈", "phone": spellings[i%len(spellings)]})
				statuses[i] = res.Status
				if res.Status < 300 {
					_ = jsonUnmarshal(res.Body, &answers[i])
				}
			}()
		}
		wg.Wait()
		created := 0
		for i := 0; i < n; i++ {
			switch statuses[i] {
			case http.StatusCreated:
				created++
				if answers[i].EntryNumber != 1 {
					t.Errorf("answer %d: entry number %d, want 1", i, answers[i].EntryNumber)
				}
			case http.StatusOK:
				// A repeat without the first answer's entry token learns
				// nothing of that entry.
				if !answers[i].Repeat || answers[i].EntryNumber != 0 {
					t.Errorf("answer %d: 200 %+v, want repeat without entry number", i, answers[i])
				}
			default:
				t.Fatalf("answer %d: status %d, want 201 or 200", i, statuses[i])
			}
		}
		if created != 1 {
			t.Errorf("201 answers = %d, want exactly 1", created)
		}
		if got := overview(t, e, ev).Entries; got != 1 {
			t.Errorf("entries = %d, want 1", got)
		}
		// One page of the owner's list: one row, masked.
		var page struct {
			Items []struct{ Name, Phone string } `json:"items"`
			Total int64                          `json:"total"`
		}
		res := e.Do("GET", "/api/v1/events/"+ev.ID+"/entries?last4=1234", ev.Owner.Token, nil)
		res.JSON(t, &page)
		if page.Total != 1 || len(page.Items) != 1 || page.Items[0].Name != "박*훈" || page.Items[0].Phone != "010-****-1234" {
			t.Errorf("entries list = %+v, want one row 박*훈 010-****-1234", page)
		}
		if bytes.Contains(res.Body, []byte("5555")) {
			t.Errorf("entries list leaks the phone number: %s", res.Body)
		}
	}, noLimits)
}

func TestParticipationIdempotencyKey(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		body := []byte(`{"name":"최수진","phone":"010-7777-0001"}`)
		key := `"` + uuid.NewString() + `"`
		first := e.Do("POST", entryPath(ev.ID), "", body, "Idempotency-Key", key)
		if first.Status != http.StatusCreated {
			t.Fatalf("first: %d %s", first.Status, first.Body)
		}
		again := e.Do("POST", entryPath(ev.ID), "", body, "Idempotency-Key", key)
		if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: got %d %s, want the stored 201 %s", again.Status, again.Body, first.Body)
		}
		other := e.Do("POST", entryPath(ev.ID), "", []byte(`{"name":"최수진","phone":"010-7777-0002"}`), "Idempotency-Key", key)
		if other.Status != http.StatusUnprocessableEntity || other.Code() != "idempotency_key_reused" {
			t.Errorf("same key, other body: got %d %q, want 422 idempotency_key_reused", other.Status, other.Code())
		}
		if bad := e.Do("POST", entryPath(ev.ID), "", body, "Idempotency-Key", strings.Repeat("k", 300)); bad.Status != 400 {
			t.Errorf("oversized key: got %d, want 400", bad.Status)
		}
		// In flight: many concurrent requests with one fresh key; exactly
		// one runs, the others see 409 or (once it is done) the replay.
		key2 := uuid.NewString()
		body2 := []byte(`{"name":"최수진","phone":"010-7777-0003"}`)
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[int]int{}
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.Do("POST", entryPath(ev.ID), "", body2, "Idempotency-Key", key2)
				mu.Lock()
				counts[res.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counts[201] < 1 || counts[201]+counts[409] != 20 {
			t.Errorf("concurrent same key: statuses %v, want only 201 (first and replays) and 409 (in flight)", counts)
		}
		if got := overview(t, e, ev).Entries; got != 2 {
			t.Errorf("entries = %d, want 2", got)
		}
	}, noLimits)
}

func TestParticipationOwnerIsolation(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "FIRST_COME", 5)
		res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": "010-1111-2222"})
		var a entryAnswer
		res.JSON(t, &a)
		if a.Coupon == nil {
			t.Fatalf("first-come entry without coupon: %s", res.Body)
		}
		intruder := e.SignupOwner("BAKERY", "부산 해운대구")
		for _, p := range []struct{ method, path string }{
			{"GET", "/api/v1/events/" + ev.ID + "/participation"},
			{"GET", "/api/v1/events/" + ev.ID + "/entries"},
			{"GET", "/api/v1/events/" + ev.ID + "/entries.csv"},
			{"GET", "/api/v1/events/" + ev.ID + "/participation/qr.png"},
			{"GET", "/api/v1/events/" + ev.ID + "/participation/qr.pdf"},
			{"POST", "/api/v1/events/" + ev.ID + "/coupons/" + a.Coupon.Code + "/redeem"},
		} {
			if res := e.Do(p.method, p.path, intruder.Token, nil); res.Status != 404 {
				t.Errorf("%s %s by another owner: got %d, want 404", p.method, p.path, res.Status)
			}
			if res := e.Do(p.method, p.path, "", nil); res.Status != 401 {
				t.Errorf("%s %s anonymous: got %d, want 401", p.method, p.path, res.Status)
			}
		}
		if got := overview(t, e, ev).CouponsRedeemed; got != 0 {
			t.Errorf("coupons redeemed after intruder = %d, want 0", got)
		}
		// The owner's own downloads work.
		for _, p := range []struct{ path, ctype, magic string }{
			{"/participation/qr.png", "image/png", "\x89PNG"},
			{"/participation/qr.pdf", "application/pdf", "%PDF"},
			{"/entries.csv", "text/csv; charset=utf-8", "\xef\xbb\xbf응모번호"},
		} {
			res := e.Do("GET", "/api/v1/events/"+ev.ID+p.path, ev.Owner.Token, nil)
			if res.Status != 200 || res.Header.Get("Content-Type") != p.ctype || !bytes.HasPrefix(res.Body, []byte(p.magic)) {
				t.Errorf("GET %s: %d %s, want 200 %s starting %q", p.path, res.Status, res.Header.Get("Content-Type"), p.ctype, p.magic)
			}
		}
	}, noLimits)
}

func TestParticipationCouponsExact(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		const reps, requests, stock = 20, 1000, 100
		o := e.SignupOwner("CAFE", "서울 마포구")
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 60 * time.Second}
		for rep := 0; rep < reps; rep++ {
			ev := approve(t, e, o, "FIRST_COME", stock, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			var wg sync.WaitGroup
			var mu sync.Mutex
			status := map[int]int{}
			codes := map[string]bool{}
			for i := 0; i < requests; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := fmt.Sprintf(`{"name":"손님%d","phone":"010-%04d-%04d"}`, i, rep, i)
					res, err := client.Post(e.URL+entryPath(ev.ID), "application/json", strings.NewReader(body))
					if err != nil {
						t.Errorf("post: %v", err)
						return
					}
					var a entryAnswer
					b := readAll(res)
					mu.Lock()
					defer mu.Unlock()
					status[res.StatusCode]++
					if res.StatusCode == 201 && jsonUnmarshal(b, &a) == nil && a.Coupon != nil {
						codes[a.Coupon.Code] = true
					}
				}()
			}
			wg.Wait()
			if status[201] != stock || status[409] != requests-stock || len(codes) != stock {
				t.Fatalf("rep %d: statuses %v, distinct coupons %d; want %d×201 with a coupon each and %d×409", rep, status, len(codes), stock, requests-stock)
			}
			ov := overview(t, e, ev)
			if ov.CouponsIssued != stock || ov.Entries != stock || !ov.SoldOut || ov.Phase != "SOLD_OUT" {
				t.Fatalf("rep %d: overview %+v, want %d issued, sold out", rep, ov, stock)
			}
			if rep == 0 {
				// Redemption at the counter: exactly once.
				var code string
				for c := range codes {
					code = c
					break
				}
				path := "/api/v1/events/" + ev.ID + "/coupons/" + code + "/redeem"
				if res := e.Do("POST", path, o.Token, nil); res.Status != 200 {
					t.Errorf("redeem: %d %s", res.Status, res.Body)
				}
				if res := e.Do("POST", path, o.Token, nil); res.Status != 409 || res.Code() != "coupon_already_redeemed" {
					t.Errorf("second redeem: %d %q, want 409 coupon_already_redeemed", res.Status, res.Code())
				}
				if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/coupons/ZZZZ-ZZZZ-ZZZZ/redeem", o.Token, nil); res.Status != 404 {
					t.Errorf("unknown coupon: %d, want 404", res.Status)
				}
				if got := overview(t, e, ev).CouponsRedeemed; got != 1 {
					t.Errorf("coupons redeemed = %d, want 1", got)
				}
				// After the sell-out, a number that entered is told the
				// event is closed unless the entry token proves the caller
				// (TestParticipationRepeatRevealsNothing has the token side).
				res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "손님", "phone": "010-0000-0000"})
				if res.Status != 409 || res.Code() != "sold_out" {
					t.Errorf("repeat after sell-out without token: %d %s, want 409 sold_out", res.Status, res.Body)
				}
			}
		}
	}, noLimits)
}
