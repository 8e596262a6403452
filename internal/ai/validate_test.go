package ai

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

var refDate = time.Date(2025, 12, 1, 10, 0, 0, 0, kst.Location)

func testPlanner(t testing.TB) *Planner {
	t.Helper()
	p, err := NewPlanner(nil)
	if err != nil {
		t.Fatalf("NewPlanner: %v", err)
	}
	return p
}

func baseRequest() Request {
	return Request{
		EventID: "0b6f7c1e-8d1f-4c39-9a57-2f4f1d9e0a11", StoreName: "달빛카페", Industry: IndustryCafe,
		Region: Region{Sido: "서울특별시", Sigungu: "강남구"}, Purpose: messages.PurposeNewCustomers, ReferenceDate: refDate,
	}
}

func validDoc(t testing.TB) Recommendation {
	t.Helper()
	a, opts := testPlanner(t).Plan(baseRequest())
	return Recommendation{EventID: "e1", TrendAnalysis: a, Recommendations: opts,
		GeneratedAt: refDate, ExpiresAt: refDate.Add(time.Hour), AIProvider: ProviderLocal}
}

func TestRecommendationValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Recommendation)
		want   string // substring of the problem; "" = valid
	}{
		{"valid local plan", func(*Recommendation) {}, ""},
		{"two options", func(r *Recommendation) { r.Recommendations = r.Recommendations[:2] }, "exactly 3 options"},
		{"numbering", func(r *Recommendation) { r.Recommendations[1].OptionNumber = 3 }, "optionNumber is 3, want 2"},
		{"missing title", func(r *Recommendation) { r.Recommendations[0].Title = " " }, "title is required"},
		{"cost min > max", func(r *Recommendation) {
			c := &r.Recommendations[0].EstimatedCost
			c.Min = c.Max + 1000
		}, "estimatedCost: min"},
		{"zero cost", func(r *Recommendation) { r.Recommendations[0].EstimatedCost.Min = 0 }, "must be positive"},
		{"roi inconsistent", func(r *Recommendation) { r.Recommendations[2].ExpectedMetrics.ROI.Max += 50 }, "expectedMetrics.roi is"},
		{"revenue min > max", func(r *Recommendation) {
			m := &r.Recommendations[0].ExpectedMetrics.RevenueIncrease
			m.Min, m.Max = m.Max, m.Min
		}, "revenueIncrease: min"},
		{"breakdown sum", func(r *Recommendation) {
			r.Recommendations[0].EstimatedCost.Breakdown["기타"] = 10_000_000
		}, "breakdown sums to"},
		{"relevance above 1", func(r *Recommendation) { r.TrendAnalysis.SeasonalTrends[0].Relevance = 1.2 }, "relevance 1.2 is outside"},
		{"relevance negative", func(r *Recommendation) { r.TrendAnalysis.IndustryTrends[0].Relevance = -0.1 }, "outside [0,1]"},
		{"same mechanic twice", func(r *Recommendation) {
			r.Recommendations[1].Mechanics.Type = r.Recommendations[0].Mechanics.Type
		}, "options must differ"},
		{"unknown mechanic", func(r *Recommendation) { r.Recommendations[0].Mechanics.Type = "BOGO" }, "is not one of"},
		{"bad participation", func(r *Recommendation) { r.Recommendations[0].ParticipationMethod.Type = "RAFFLE" }, "LOTTERY or FIRST_COME"},
		{"zero coupons", func(r *Recommendation) { r.Recommendations[0].ParticipationMethod.CouponCount = 0 }, "couponCount must be at least 1"},
		{"end before start", func(r *Recommendation) {
			d := &r.Recommendations[0].Duration
			d.StartDate, d.EndDate = "2025-12-10", "2025-12-01"
		}, "is before startDate"},
		{"one date only", func(r *Recommendation) { r.Recommendations[0].Duration.EndDate = "" }, "go together"},
		{"no copy", func(r *Recommendation) { r.Recommendations[0].Copy = Copy{} }, "copy.headline is required"},
		{"hashtag with space", func(r *Recommendation) { r.Recommendations[0].Copy.Hashtags = []string{"#좋은 카페"} }, "without spaces"},
		{"no channels", func(r *Recommendation) { r.Recommendations[0].PromotionChannels = nil }, "at least one channel"},
		{"expires before generated", func(r *Recommendation) { r.ExpiresAt = r.GeneratedAt }, "expiresAt must be after"},
		{"no provider", func(r *Recommendation) { r.AIProvider = "" }, "aiProvider is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := validDoc(t)
			tt.mutate(&doc)
			err := doc.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want a problem containing %q", tt.want)
			}
			if !errors.Is(err, ErrInvalidRecommendation) {
				t.Errorf("errors.Is(err, ErrInvalidRecommendation) = false for %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestROIRange(t *testing.T) {
	tests := []struct {
		cost, rev IntRange
		want      IntRange
	}{
		{IntRange{100_000, 200_000}, IntRange{300_000, 900_000}, IntRange{200, 350}},
		{IntRange{300_000, 300_000}, IntRange{90_000, 2_400_000}, IntRange{-70, 700}},
		// the high scenario can have the lower ROI: the range is sorted
		{IntRange{10_000, 100_000}, IntRange{50_000, 150_000}, IntRange{50, 400}},
		{IntRange{3, 3}, IntRange{4, 4}, IntRange{33, 33}},
	}
	for _, tt := range tests {
		if got := ROIRange(tt.cost, tt.rev); got != tt.want {
			t.Errorf("ROIRange(%v, %v) = %v, want %v", tt.cost, tt.rev, got, tt.want)
		}
	}
}

func TestRequestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Request)
		ok     bool
	}{
		{"valid", func(*Request) {}, true},
		{"no event", func(r *Request) { r.EventID = "" }, false},
		{"bad purpose", func(r *Request) { r.Purpose = "FUN" }, false},
		{"negative budget", func(r *Request) { r.BudgetHint = -1 }, false},
		{"long purpose text", func(r *Request) { r.PurposeText = strings.Repeat("가", 501) }, false},
		{"bad insight score", func(r *Request) {
			r.Insights = &Insights{Mechanics: map[messages.Mechanic]MechanicInsight{messages.MechanicGift: {SuccessScore: 1.5}}}
		}, false},
		{"unknown insight mechanic", func(r *Request) {
			r.Insights = &Insights{Mechanics: map[messages.Mechanic]MechanicInsight{"BOGO": {SuccessScore: 0.5}}}
		}, false},
		{"unknown industry is fine", func(r *Request) { r.Industry = "PET_SHOP"; r.IndustryName = "애견샵" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseRequest()
			tt.mutate(&r)
			err := r.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("error %v is not ErrInvalidRequest", err)
			}
		})
	}
}

func TestProviderErrorRetryable(t *testing.T) {
	tests := []struct {
		e    ProviderError
		want bool
	}{
		{ProviderError{StatusCode: 529, Type: "overloaded_error"}, true},
		{ProviderError{StatusCode: 429, Type: "rate_limit_error"}, true},
		{ProviderError{StatusCode: 429, Type: "rate_limit_error", Code: "enforced_spend_limit_reached"}, false},
		{ProviderError{StatusCode: 429, Type: "insufficient_quota", Code: "insufficient_quota"}, false},
		{ProviderError{StatusCode: 500, Type: "api_error"}, true},
		{ProviderError{StatusCode: 503}, true},
		{ProviderError{StatusCode: 400, Type: "invalid_request_error"}, false},
		{ProviderError{StatusCode: 401, Type: "authentication_error"}, false},
		{ProviderError{StatusCode: 404}, false},
	}
	for _, tt := range tests {
		if got := tt.e.Retryable(); got != tt.want {
			t.Errorf("%v Retryable() = %v, want %v", &tt.e, got, tt.want)
		}
	}
	e := &ProviderError{Provider: "anthropic", StatusCode: 529, Type: "overloaded_error", Message: "secret body text"}
	if strings.Contains(e.Error(), "secret") {
		t.Errorf("Error() = %q leaks the provider message", e.Error())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"fraction", http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond},
		{"ms wins", http.Header{"Retry-After": {"2"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{"http date", http.Header{"Retry-After": {now.Add(30 * time.Second).Format(http.TimeFormat)}}, 30 * time.Second},
		{"past date", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
	}
	for _, tt := range tests {
		if got := ParseRetryAfter(tt.h, now); got != tt.want {
			t.Errorf("%s: ParseRetryAfter = %v, want %v", tt.name, got, tt.want)
		}
	}
}
