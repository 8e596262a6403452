package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

func noEntryLimits(c *config.Config) {
	c.AnonRateLimit, c.UserRateLimit, c.EntryIPLimit, c.EntryEventLimit = 0, 0, 0, 0
}

// lotteryThroughEventService plans and approves a 3-winner lottery running
// today through next week with the event API (so the event service owns
// its lifecycle), and waits for the participation service's copy.
func lotteryThroughEventService(t *testing.T, e *Env) partEvent {
	t.Helper()
	o := e.SignupOwner("CAFE", "서울 강남구")
	ev := evCreate(t, e, o, "NEW_CUSTOMERS")
	evRecommend(t, e, o, ev.ID, nil)
	today := time.Now().In(kst.Location)
	sel := map[string]any{"optionNumber": 1, "startDate": today.Format(time.DateOnly), "endDate": today.AddDate(0, 0, 6).Format(time.DateOnly),
		"participationMethod": map[string]any{"type": "LOTTERY"}, "winnerCount": 3}
	if res := e.Do("PUT", "/api/v1/events/"+ev.ID+"/selection", o.Token, sel); res.Status != http.StatusOK {
		t.Fatalf("selection: %d %s", res.Status, res.Body)
	}
	if res := e.Do("POST", "/api/v1/events/"+ev.ID+"/approve", o.Token, map[string]any{"channels": []string{}}); res.Status != http.StatusOK {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	var code string
	waitFor(t, "participation has the event", func() bool {
		res := e.Do("GET", "/api/v1/events/"+ev.ID+"/participation", o.Token, nil)
		var ov partOverview
		if res.Status == http.StatusOK {
			res.JSON(t, &ov)
			code = ov.Code
		}
		return res.Status == http.StatusOK
	})
	return partEvent{ID: ev.ID, Code: code, Owner: o}
}

// TestEarlyDrawClosesEntriesFirst: a lottery drawn while it still runs asks
// for confirmation (409 entries_open), then closes the entries in the
// draw's own transaction while customers keep entering: every entry that
// was answered 201 is in the published entry list and no entry is accepted
// afterwards; the event service ends the event with the DRAWN reason; the
// public page takes no more entries and promises no draw to come.
func TestEarlyDrawClosesEntriesFirst(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := lotteryThroughEventService(t, e)
		draws := "/api/v1/events/" + ev.ID + "/draws"
		for i := range 10 {
			if res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": fmt.Sprintf("010-7000-%04d", i)}); res.Status != http.StatusCreated {
				t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
			}
		}
		var list winners.EventDraws
		e.Do("GET", draws, ev.Owner.Token, nil).JSON(t, &list)
		if !list.Event.EntriesOpen || list.Event.WinnerCount != 3 {
			t.Fatalf("draws event = %+v, want entriesOpen and the planned 3 winners", list.Event)
		}
		if res := e.Do("POST", draws, ev.Owner.Token, map[string]any{"winnerCount": 3, "visitBonusWeight": 2}); res.Status != http.StatusConflict || res.Code() != "entries_open" {
			t.Fatalf("early draw without confirmation: %d %s, want 409 entries_open", res.Status, res.Body)
		}

		// Customers keep entering while the owner draws.
		var (
			stop     atomic.Bool
			mu       sync.Mutex
			accepted []int64
			refused  atomic.Int64
			wg       sync.WaitGroup
			seq      atomic.Int64
		)
		enter := func() (int, int64) {
			n := seq.Add(1)
			body, _ := json.Marshal(map[string]any{"name": "이영희", "phone": fmt.Sprintf("010-8%03d-%04d", n/10000, n%10000)})
			res, err := http.Post(e.URL+entryPath(ev.ID), "application/json", bytes.NewReader(body))
			if err != nil {
				return 0, 0
			}
			defer res.Body.Close()
			var a entryAnswer
			_ = json.NewDecoder(res.Body).Decode(&a)
			return res.StatusCode, a.EntryNumber
		}
		for range 6 {
			wg.Go(func() {
				for !stop.Load() {
					switch st, num := enter(); st {
					case http.StatusCreated:
						mu.Lock()
						accepted = append(accepted, num)
						mu.Unlock()
					case http.StatusConflict:
						refused.Add(1)
					default:
						t.Errorf("entry answered %d", st)
						return
					}
				}
			})
		}
		late := newFormClient(t)
		lateToken := late.Token(e.URL + "/e/" + ev.Code)
		waitFor(t, "entries flowing", func() bool { mu.Lock(); defer mu.Unlock(); return len(accepted) >= 20 })
		res := e.Do("POST", draws, ev.Owner.Token, map[string]any{"winnerCount": 3, "visitBonusWeight": 2, "closeEntries": true})
		if res.Status != http.StatusCreated {
			stop.Store(true)
			wg.Wait()
			t.Fatalf("confirmed early draw: %d %s", res.Status, res.Body)
		}
		var dr winners.Draw
		res.JSON(t, &dr)
		waitFor(t, "entries refused after the draw", func() bool { return refused.Load() >= 12 })
		stop.Store(true)
		wg.Wait()

		// The published list is exactly the 10 + every entry answered 201.
		listRes := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/draws/"+dr.ID+"/entries.txt", "", nil)
		entries, err := draw.ReadEntryList(bytes.NewReader(listRes.Body))
		if err != nil {
			t.Fatal(err)
		}
		var nums []int64
		for _, x := range entries {
			nums = append(nums, x.EntryNumber)
		}
		want := slices.Clone(accepted)
		for i := range 10 {
			want = append(want, int64(i+1))
		}
		slices.Sort(want)
		if !slices.Equal(nums, want) || dr.EntryCount != len(want) {
			t.Fatalf("entry list has %d entries, %d were accepted (draw says %d): an accepted entry is missing or a refused one is in", len(nums), len(want), dr.EntryCount)
		}
		t.Logf("%d entries accepted while drawing, %d refused after the close", len(accepted), refused.Load())

		// The event service ends the event with its own reason.
		waitFor(t, "event ENDED with reason DRAWN", func() bool {
			got := evGet(t, e, ev.Owner, ev.ID)
			return got.Status == event.StatusEnded && got.EndReason == messages.EndDrawn
		})
		// The public page takes no entries and promises no draw to come.
		page := string(e.Do("GET", "/e/"+ev.Code, "", nil).Body)
		if strings.Contains(page, `class="pub-card pub-form"`) || !strings.Contains(page, dr.Seed) {
			t.Fatalf("public page after the draw: want no entry form and the draw result")
		}
		// A customer who opened the page before the draw submits after it:
		// refused, with no promise of a draw; one who had entered sees that
		// the entries are closed.
		for _, phone := range []string{"010-9999-0000", "010-7000-0001"} {
			st, body := late.PostForm(e.URL+"/e/"+ev.Code, url.Values{"csrf": {lateToken}, "name": {"박철수"}, "phone": {phone}})
			if st == http.StatusCreated || strings.Contains(body, "참여 완료") || strings.Contains(body, "추첨 후 당첨되시면") ||
				strings.Contains(body, "끝나면 추첨") || strings.Contains(body, `class="pub-card pub-form"`) {
				t.Fatalf("late entry with %s after the draw: %d, page promises a chance that no longer exists", phone, st)
			}
		}
	}, noEntryLimits)
}

// TestRedrawReplacesOneWinner: through the API, a redraw replacing one of
// three notified winners draws one new winner; the two others keep their
// SENT notification and are not notified again (the SENS sandbox counts the
// messages); the redraw's proof recomputes.
func TestRedrawReplacesOneWinner(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		ev := activeEvent(t, e, "LOTTERY", 0)
		for i := range 20 {
			if res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": fmt.Sprintf("010-6666-%04d", i)}); res.Status != http.StatusCreated {
				t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
			}
		}
		draws := "/api/v1/events/" + ev.ID + "/draws"
		res := e.Do("POST", draws, ev.Owner.Token, map[string]any{"winnerCount": 3, "visitBonusWeight": 2, "closeEntries": true})
		if res.Status != http.StatusCreated {
			t.Fatalf("draw: %d %s", res.Status, res.Body)
		}
		var first winners.Draw
		res.JSON(t, &first)
		sent := func() map[int64]winners.Notification {
			var out winners.EventDraws
			e.Do("GET", draws, ev.Owner.Token, nil).JSON(t, &out)
			m := map[int64]winners.Notification{}
			for _, d := range out.Draws {
				for _, w := range d.Winners {
					if w.Notification != nil && w.ReplacedBy == "" {
						m[w.EntryNumber] = *w.Notification
					}
				}
			}
			return m
		}
		allSent := func(n int) func() bool {
			return func() bool {
				m := sent()
				for _, x := range m {
					if x.Status != winners.NotifySent {
						return false
					}
				}
				return len(m) == n
			}
		}
		waitFor(t, "3 winners notified", allSent(3))
		before := sent()

		out := first.Winners[2].EntryNumber
		res = e.Do("POST", draws, ev.Owner.Token, map[string]any{"redrawOf": first.ID, "replace": []int64{out}, "reason": "연락 불가"})
		if res.Status != http.StatusCreated {
			t.Fatalf("redraw: %d %s", res.Status, res.Body)
		}
		var second winners.Draw
		res.JSON(t, &second)
		if len(second.Winners) != 1 || !slices.Equal(second.Replaces, []int64{out}) {
			t.Fatalf("redraw = %+v, want one winner replacing %d", second, out)
		}
		waitFor(t, "the new winner notified", allSent(3))
		after := sent()
		for n, x := range before {
			if n == out {
				continue
			}
			if y, ok := after[n]; !ok || y.Attempts != x.Attempts || y.UpdatedAt != x.UpdatedAt {
				t.Fatalf("standing winner %d: notification %+v → %+v, want untouched", n, x, y)
			}
		}
		if _, ok := after[out]; ok {
			t.Fatalf("replaced winner %d still standing", out)
		}
		proofRes := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/draws/"+second.ID+"/proof", "", nil)
		listRes := e.Do("GET", "/api/v1/public/events/"+ev.ID+"/draws/"+second.ID+"/entries.txt", "", nil)
		var proof draw.Proof
		proofRes.JSON(t, &proof)
		list, err := draw.ReadEntryList(bytes.NewReader(listRes.Body))
		if err != nil || draw.Verify(proof, list) != nil || len(proof.Exclusions) != 3 {
			t.Fatalf("redraw proof does not recompute (%v) or misses the earlier winners: %+v", err, proof)
		}
	}, noEntryLimits)
}

// formClient is a browser without JavaScript: a cookie jar and form posts.
type formClient struct {
	t *testing.T
	c *http.Client
}

func newFormClient(t *testing.T) *formClient {
	jar, _ := cookiejar.New(nil)
	return &formClient{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Token opens page and returns its form's CSRF token.
func (f *formClient) Token(page string) string {
	f.t.Helper()
	res, err := f.c.Get(page)
	if err != nil {
		f.t.Fatal(err)
	}
	m := csrfField.FindStringSubmatch(string(readAll(res)))
	if m == nil {
		f.t.Fatalf("GET %s: %d, no form token", page, res.StatusCode)
	}
	return m[1]
}

// PostForm submits a form and returns the answer's status and page.
func (f *formClient) PostForm(u string, v url.Values) (int, string) {
	f.t.Helper()
	res, err := f.c.PostForm(u, v)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.StatusCode, string(readAll(res))
}

// Customers behind one address (a shop's Wi-Fi): entries above the
// per-address threshold are taken and flagged, and the owner may exclude
// the flagged entries from the draw by a rule the published proof names.
func TestDrawExcludesFlaggedEntriesByRule(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		open := approve(t, e, o, "LOTTERY", 0, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		for i := range 7 {
			if res := e.Do("POST", entryPath(open.ID), "", map[string]any{"name": "김민수", "phone": fmt.Sprintf("010-7100-%04d", i)}); res.Status != http.StatusCreated {
				t.Fatalf("entry %d: %d %s", i+1, res.Status, res.Body)
			}
		}
		draws := "/api/v1/events/" + open.ID + "/draws"
		res := e.Do("POST", draws, o.Token, map[string]any{"winnerCount": 3, "visitBonusWeight": 1, "closeEntries": true, "excludeFlagged": true})
		var d winners.Draw
		res.JSON(t, &d)
		if res.Status != http.StatusCreated || d.ExclusionRule != winners.RuleFlagged {
			t.Fatalf("draw: %d %s, want 201 with the flagged rule", res.Status, res.Body)
		}
		if !slices.Equal(d.Exclusions, []int64{4, 5, 6, 7}) {
			t.Errorf("exclusions = %v, want the flagged entries 4..7", d.Exclusions)
		}
		for _, w := range d.Winners {
			if w.EntryNumber > 3 {
				t.Errorf("flagged entry %d won", w.EntryNumber)
			}
		}
		var proof draw.Proof
		e.Do("GET", "/api/v1/public/events/"+open.ID+"/draws/"+d.ID+"/proof", "", nil).JSON(t, &proof)
		if proof.ExclusionRule != winners.RuleFlagged || !slices.Equal(proof.Exclusions, d.Exclusions) {
			t.Errorf("proof = %+v, want the rule and its exclusions", proof)
		}
	}, func(c *config.Config) { c.EntryIPLimit = 3 })
}
