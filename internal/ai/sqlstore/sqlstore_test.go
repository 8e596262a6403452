package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/sqlstore"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// recommendationJSON is a full recommendation document as the API sends it:
// the store keeps it as JSON, so every field must come back.
const recommendationJSON = `{
  "eventId": "evt-1",
  "trendAnalysis": {
    "industryTrends": [{"keyword": "디저트 카페", "relevance": 0.92, "description": "봄 시즌 디저트 수요 증가"}],
    "regionalTrends": [{"keyword": "성수동", "relevance": 0.81, "description": "주말 유동인구"}],
    "seasonalTrends": [{"keyword": "벚꽃", "relevance": 0.75, "description": "4월 초 절정"}]
  },
  "recommendations": [{
    "optionNumber": 1,
    "concept": "벚꽃 시즌 한정",
    "title": "벚꽃 라떼 1+1",
    "description": "방문 고객 대상 1+1 이벤트",
    "targetAudience": "20-30대",
    "duration": {"recommendedDays": 14, "recommendedPeriod": "2주", "startDate": "2026-04-01", "endDate": "2026-04-14"},
    "mechanics": {"type": "DISCOUNT", "details": "두 번째 음료 무료"},
    "promotionChannels": ["INSTAGRAM", "KAKAO_CHANNEL"],
    "estimatedCost": {"min": 300000, "max": 500000, "breakdown": {"음료 원가": 250000, "인쇄": 50000}},
    "expectedMetrics": {"newCustomers": {"min": 40, "max": 80}, "revenueIncrease": {"min": 600000, "max": 1200000}, "roi": {"min": 100, "max": 140}},
    "differentiator": "지역 벚꽃 축제와 연계",
    "participationMethod": {"type": "FIRST_COME", "couponCount": 100},
    "copy": {"headline": "벚꽃 피는 날엔 1+1", "body": "친구와 함께 오세요 🌸", "hashtags": ["#벚꽃라떼", "#성수카페"]}
  }],
  "generatedAt": "2026-03-20T09:30:00.123456Z",
  "expiresAt": "2026-03-20T10:30:00.123456Z",
  "aiProvider": "anthropic+openai"
}`

// result decodes doc into a stored result (the document type is taken from
// ai.StoredResult, wherever it is declared).
func result(t *testing.T, owner string, variant int, job, doc string) ai.StoredResult {
	t.Helper()
	r := ai.StoredResult{OwnerID: owner, Variant: variant, JobID: job}
	if err := json.Unmarshal([]byte(doc), &r.Doc); err != nil {
		t.Fatalf("decode recommendation: %v", err)
	}
	return r
}

// same compares two results through their JSON, the form the store keeps.
func same(t *testing.T, got, want ai.StoredResult) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("stored result differs:\n got %s\nwant %s", g, w)
	}
}

func open(t *testing.T, d *db.DB) *sqlstore.Store {
	t.Helper()
	s := sqlstore.New(d)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func save(t *testing.T, d *db.DB, s *sqlstore.Store, r ai.StoredResult) {
	t.Helper()
	if err := d.InTx(context.Background(), func(tx *db.Tx) error { return s.Save(context.Background(), tx, r) }); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

func TestSaveAndGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := open(t, d)
		ctx := context.Background()
		if _, err := s.Get(ctx, "evt-1"); !errors.Is(err, ai.ErrRecommendationNotFound) {
			t.Fatalf("Get before Save err = %v, want ErrRecommendationNotFound", err)
		}
		want := result(t, "owner-1", 0, "job-1", recommendationJSON)
		if len(want.Doc.Recommendations) != 1 || want.Doc.Recommendations[0].Copy.Headline == "" || want.Doc.GeneratedAt.IsZero() {
			t.Fatalf("fixture did not decode fully: %+v", want.Doc)
		}
		save(t, d, s, want)
		got, err := s.Get(ctx, "evt-1")
		if err != nil {
			t.Fatal(err)
		}
		same(t, got, want)
		if !got.Doc.GeneratedAt.Equal(time.Date(2026, 3, 20, 9, 30, 0, 123456000, time.UTC)) {
			t.Errorf("GeneratedAt = %v, want the microseconds kept", got.Doc.GeneratedAt)
		}
		// The indexed columns agree with the document.
		var provider string
		var generated int64
		if err := d.QueryRowContext(ctx, "SELECT ai_provider, generated_at FROM ai_recommendations WHERE event_id = ?", "evt-1").
			Scan(&provider, &generated); err != nil {
			t.Fatal(err)
		}
		if provider != "anthropic+openai" || generated != want.Doc.GeneratedAt.UnixMicro() {
			t.Errorf("columns = %q, %d; want anthropic+openai, %d", provider, generated, want.Doc.GeneratedAt.UnixMicro())
		}
	})
}

// A new recommendation (a regenerated variant) replaces the stored one.
func TestSaveReplaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := open(t, d)
		first := result(t, "owner-1", 0, "job-1", recommendationJSON)
		save(t, d, s, first)
		second := result(t, "owner-1", 1, "job-2", recommendationJSON)
		second.Doc.AIProvider = "local-fallback"
		second.Doc.Recommendations[0].Title = "다시 만든 제안"
		save(t, d, s, second)
		got, err := s.Get(context.Background(), "evt-1")
		if err != nil {
			t.Fatal(err)
		}
		same(t, got, second)
		var rows int
		if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM ai_recommendations").Scan(&rows); err != nil || rows != 1 {
			t.Errorf("rows = %d, %v; want 1 per event", rows, err)
		}
	})
}

// Save takes part in the caller's transaction: rolled back, nothing stays.
func TestSaveRollsBackWithTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := open(t, d)
		errAbort := errors.New("abort")
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			if err := s.Save(context.Background(), tx, result(t, "owner-1", 0, "job-1", recommendationJSON)); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("InTx err = %v, want the abort", err)
		}
		if _, err := s.Get(context.Background(), "evt-1"); !errors.Is(err, ai.ErrRecommendationNotFound) {
			t.Errorf("Get after rollback err = %v, want ErrRecommendationNotFound", err)
		}
	})
}

func TestEventsAreSeparate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := open(t, d)
		a := result(t, "owner-1", 0, "job-a", recommendationJSON)
		b := result(t, "owner-2", 3, "", recommendationJSON)
		b.Doc.EventID = "evt-2"
		save(t, d, s, a)
		save(t, d, s, b)
		for _, want := range []ai.StoredResult{a, b} {
			got, err := s.Get(context.Background(), want.Doc.EventID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, want)
		}
	})
}

// A document the code can no longer read is an error, not an empty result.
func TestCorruptDocumentIsAnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := open(t, d)
		if _, err := d.ExecContext(context.Background(), `INSERT INTO ai_recommendations (event_id, owner_id, ai_provider, doc, generated_at, updated_at)
			VALUES ('evt-x', 'o', 'local', '{not json', 0, 0)`); err != nil {
			t.Fatal(err)
		}
		_, err := s.Get(context.Background(), "evt-x")
		if err == nil || errors.Is(err, ai.ErrRecommendationNotFound) {
			t.Errorf("Get of an unreadable document err = %v, want a decode error", err)
		}
	})
}
