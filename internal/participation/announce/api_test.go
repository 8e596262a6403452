package announce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// An announcement SMS/LMS cannot carry (EUC-KR has no emoji) is refused at
// input through the API: 400 problem+json naming the field and the
// characters, and nothing stored, queued or sent.
func TestAPIRefusesTextSMSCannotCarry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ev := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		f.enter(ev, "010-3333-0001", true, at(9, 30))
		r := httpapi.NewRouter(httpapi.RouterConfig{Authenticate: func(r *http.Request) (httpapi.Principal, error) {
			return httpapi.Principal{UserID: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}, nil
		}})
		announce.NewAPI(f.svc, func(context.Context, *http.Request) (string, error) { return "02-123-4567", nil }).Routes(r)
		srv := httptest.NewServer(r)
		defer srv.Close()

		tests := []struct {
			name, path, body, field, chars string
		}{
			{"emoji in the message", "/announcements", `{"message":"겨울 신메뉴 나왔어요 😀 오늘만 할인"}`, "message", "😀"},
			{"emoji in the preview", "/announcements/preview", `{"message":"겨울 신메뉴 🎉🎉"}`, "message", "🎉"},
			{"heart with a variation selector", "/announcements", `{"message":"감사합니다❤️"}`, "message", "❤ U+FE0F"},
			{"emoji in the contact", "/announcements", `{"message":"겨울 신메뉴","contact":"☎️ 02-123-4567"}`, "contact", "U+FE0F"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/events/"+ev+tt.path, bytes.NewReader([]byte(tt.body)))
				req.Header.Set("Authorization", "Bearer owner-a")
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var p struct {
					Status int                 `json:"status"`
					Code   string              `json:"code"`
					Errors []apperr.FieldError `json:"errors"`
				}
				if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != http.StatusBadRequest || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
					t.Fatalf("status %d %s, want 400 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
				}
				if p.Code != announce.CodeSMSUnsupportedChars || len(p.Errors) != 1 || p.Errors[0].Field != tt.field ||
					p.Errors[0].Code != announce.CodeSMSUnsupportedChars {
					t.Fatalf("problem = %+v, want code %s naming field %s", p, announce.CodeSMSUnsupportedChars, tt.field)
				}
				if want := "문자에 보낼 수 없는 글자가 있어요: " + tt.chars; !strings.Contains(p.Errors[0].Message, want) {
					t.Errorf("message %q, want it to contain %q", p.Errors[0].Message, want)
				}
			})
		}
		if as, err := f.svc.List(context.Background(), "owner-a", ev); err != nil || len(as) != 0 {
			t.Errorf("after refusals: %v %v, want nothing stored", as, err)
		}
		if jobs := f.q.take(); len(jobs) != 0 {
			t.Errorf("%d jobs queued, want none", len(jobs))
		}
		if ds := f.sms.deliveries(); len(ds) != 0 {
			t.Errorf("%d messages sent, want none", len(ds))
		}
	})
}

// The shop's name and the event title go out in the message too: an emoji
// there is refused with a message saying where to change it.
func TestAnnounceRefusesEmojiInTheEventTitle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ev := f.event("owner-a", at(9, 0), at(10, 0).AddDate(0, 0, 7))
		f.enter(ev, "010-3333-0001", true, at(9, 30))
		// The default text is built from the event title, entered in the
		// event service.
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			return f.entries.UpsertEvent(context.Background(), tx, participation.Event{ID: ev, OwnerID: "owner-a", Code: "code-emoji",
				Title: "겨울 🍰 이벤트", StoreName: "행복베이커리", Benefit: "케이크 증정", Description: "-",
				Method: messages.MethodLottery, StartsAt: at(9, 0), EndsAt: at(10, 0).AddDate(0, 0, 7), Status: participation.StatusActive})
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Create(context.Background(), "owner-a", ev, announce.Input{}, "02-1")
		e, ok := apperr.As(err)
		if !ok || e.Code != announce.CodeSMSUnsupportedChars || !strings.Contains(e.Message, "🍰") || !strings.Contains(e.Message, "이벤트 제목") {
			t.Fatalf("Create = %v, want %s naming 🍰 and where to change it", err, announce.CodeSMSUnsupportedChars)
		}
		if as, _ := f.svc.List(context.Background(), "owner-a", ev); len(as) != 0 {
			t.Errorf("stored %d announcements, want none", len(as))
		}
	})
}
