package event_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/event/sqlstore"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// copyRecs serves options whose text restates their numbers and days, as
// the planner writes them; option 2 names its benefit, option 1 does not.
type copyRecs struct{}

func (copyRecs) Recommendation(context.Context, string, *http.Request) (event.Recommendation, error) {
	rec := event.Recommendation{AIProvider: "local", GeneratedAt: time.Now()}
	for n := 1; n <= 3; n++ {
		o := event.Option{OptionNumber: n, Title: "크리스마스 선착순 150명 아메리카노 30% 할인", Concept: "첫 방문 쿠폰",
			ParticipationMethod: event.ParticipationMethod{Type: messages.MethodFirstCome, CouponCount: 150},
			Copy: event.Copy{Headline: "선착순 150명! 아메리카노 30% 할인",
				Body: "하늘빵집에서 12월 7일~12월 20일 선착순 150명에게 할인 쿠폰을 드려요."}}
		if n == 2 {
			o.Benefit = "아메리카노 30% 할인"
		}
		o.Mechanics.Type = messages.MechanicFirstCome
		o.Mechanics.Details = "쿠폰을 받은 선착순 150명에게 발급합니다. 12월 20일까지 사용할 수 있습니다."
		o.Duration.RecommendedDays, o.Duration.StartDate, o.Duration.EndDate = 14, "2026-12-07", "2026-12-20"
		rec.Recommendations = append(rec.Recommendations, o)
	}
	return rec, nil
}

func copyService(t *testing.T, d *db.DB, c *clock) *event.Service {
	t.Helper()
	st := sqlstore.New(d)
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc, err := event.NewService(event.Deps{DB: d, Store: st, Stores: fakeStores{}, Recommendations: copyRecs{}, Publish: (&outbox{}).publish, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// planText is every text of a plan a customer or owner reads.
func planText(p *event.Plan) string {
	return strings.Join([]string{p.Title, p.Concept, p.Benefit, p.Description, p.Copy.Headline, p.Copy.Body}, "\n")
}

// Editing the count and the days leaves no text stating the old ones: the
// form sends the AI's text unchanged with the new fields, and the saved
// plan says 3명 and the new days everywhere; a second edit of the saved
// plan follows too.
func TestEditedPlanTextFollowsFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, kst.Location)}
		s := copyService(t, d, c)
		ev, err := s.Create(ctx, "owner-1", event.CreateInput{Purpose: messages.PurposeNewCustomers}, nil)
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := copyRecs{}.Recommendation(ctx, ev.ID, nil)
		o := rec.Recommendations[1]
		edit := func(count int, start, end string, p *event.Plan) event.Event {
			t.Helper()
			title, desc := o.Title, o.Mechanics.Details
			cp := o.Copy
			if p != nil { // the form shows the saved plan
				title, desc, cp = p.Title, p.Description, p.Copy
			}
			got, err := s.Select(ctx, "owner-1", ev.ID, event.SelectionInput{OptionNumber: 2, Title: &title, Description: &desc,
				StartDate: &start, EndDate: &end, Copy: &cp,
				ParticipationMethod: &event.ParticipationMethod{Type: messages.MethodFirstCome, CouponCount: count}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		got := edit(3, "2026-12-10", "2026-12-24", nil)
		txt := planText(got.Plan)
		for _, stale := range []string{"150명", "12월 7일", "12월 20일"} {
			if strings.Contains(txt, stale) {
				t.Errorf("saved plan still says %q:\n%s", stale, txt)
			}
		}
		for _, want := range []string{"선착순 3명 아메리카노", "선착순 3명에게 발급", "12월 10일~12월 24일 선착순 3명", "12월 24일까지 사용"} {
			if !strings.Contains(txt, want) {
				t.Errorf("saved plan lacks %q:\n%s", want, txt)
			}
		}
		got = edit(5, "2026-12-12", "2026-12-24", got.Plan)
		txt = planText(got.Plan)
		if strings.Contains(txt, "3명") || !strings.Contains(txt, "12월 12일~12월 24일 선착순 5명") {
			t.Errorf("second edit:\n%s", txt)
		}
		if got.Plan.CouponCount != 5 || got.Plan.StartDate != "2026-12-12" {
			t.Errorf("fields %+v", got.Plan)
		}
		// The AI's estimates are kept and say what they were made for.
		if b := got.Plan.EstimateFor; b == nil || b.Count != 150 || b.Days != 14 {
			t.Errorf("estimate basis %+v, want 150 for 14 days", b)
		}
	})
}

// The benefit starts from the option's benefit, never from its title (which
// the customer page shows already); without one it stays empty.
func TestBenefitIsNotTheTitle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, kst.Location)}
		s := copyService(t, d, c)
		for n, want := range map[int]string{1: "", 2: "아메리카노 30% 할인"} {
			ev, _ := s.Create(ctx, "owner-1", event.CreateInput{Purpose: messages.PurposeNewCustomers}, nil)
			got, err := s.Select(ctx, "owner-1", ev.ID, event.SelectionInput{OptionNumber: n}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Plan.Benefit != want || got.Plan.Benefit == got.Plan.Title {
				t.Errorf("option %d: benefit %q (title %q), want %q", n, got.Plan.Benefit, got.Plan.Title, want)
			}
			if got.Plan.EstimateFor != nil || !strings.Contains(got.Plan.Copy.Body, "12월 7일~12월 20일 선착순 150명") {
				t.Errorf("an unedited plan changed: %+v", got.Plan)
			}
		}
	})
}
