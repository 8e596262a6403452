package ai

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/messages"
)

// Limits of the document, shared by validation and the prompts.
const (
	OptionCount       = 3
	MaxHashtags       = 10
	maxHeadlineRunes  = 60
	maxBodyRunes      = 600
	maxTextRunes      = 1000
	maxPurposeText    = 500
	roiToleranceRatio = 1 // percentage points of rounding allowed in ROI
)

// ROI returns (revenue − cost) / cost × 100, rounded to the nearest percent.
// cost must be positive.
func ROI(revenue, cost int64) int64 {
	return int64(math.Round(float64(revenue-cost) * 100 / float64(cost)))
}

// ROIRange is the ROI range the document must state for a cost and revenue
// range: the low scenario pairs revenue.min with cost.min, the high scenario
// revenue.max with cost.max, and the range spans both.
func ROIRange(cost, revenue IntRange) IntRange {
	a, b := ROI(revenue.Min, cost.Min), ROI(revenue.Max, cost.Max)
	if a > b {
		a, b = b, a
	}
	return IntRange{Min: a, Max: b}
}

// RecomputeROI sets the option's ROI from its cost and revenue ranges. The
// Recommender applies it to model output so that ROI is always derived from
// the stated cost and revenue rather than from a model's arithmetic.
func (o *Option) RecomputeROI() {
	c := o.EstimatedCost
	if c.Min <= 0 || c.Max <= 0 {
		return
	}
	o.ExpectedMetrics.ROI = ROIRange(IntRange{Min: c.Min, Max: c.Max}, o.ExpectedMetrics.Gain())
}

// Gain is what ROI is computed from: the profit gain when stated (what
// the owner keeps), else the revenue gain.
func (m ExpectedMetrics) Gain() IntRange {
	if m.ProfitIncrease != (IntRange{}) {
		return m.ProfitIncrease
	}
	return m.RevenueIncrease
}

// Validate checks the request before planning.
func (r Request) Validate() error {
	var p problems
	if strings.TrimSpace(r.EventID) == "" {
		p.add("eventId is required")
	}
	if !r.Purpose.Valid() {
		p.add("purpose %q is not one of %v", r.Purpose, messages.Purposes)
	}
	if utf8.RuneCountInString(r.PurposeText) > maxPurposeText {
		p.add("purposeText is longer than %d characters", maxPurposeText)
	}
	if r.BudgetHint < 0 {
		p.add("budgetHint must not be negative")
	}
	if r.Variant < 0 {
		p.add("variant must not be negative")
	}
	if r.Insights != nil {
		for m, in := range r.Insights.Mechanics {
			if !m.Valid() {
				p.add("insights: unknown mechanic %q", m)
			}
			if !(in.SuccessScore >= 0 && in.SuccessScore <= 1) {
				p.add("insights[%s].successScore %v is outside [0,1]", m, in.SuccessScore)
			}
			if math.IsNaN(in.AvgROI) || math.IsInf(in.AvgROI, 0) || in.Samples < 0 {
				p.add("insights[%s]: avgRoi or samples out of range", m)
			}
		}
	}
	if len(p) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidRequest, strings.Join(p, "; "))
	}
	return nil
}

// Validate checks the whole document: exactly three options numbered 1..3,
// every required field, min ≤ max everywhere, ROI consistent with cost and
// revenue, relevance in [0,1], distinct mechanics and titles. It returns a
// *ValidationError (errors.Is ErrInvalidRecommendation) listing every problem.
func (r Recommendation) Validate() error {
	var p problems
	if strings.TrimSpace(r.EventID) == "" {
		p.add("eventId is required")
	}
	p.trends(r.TrendAnalysis)
	p.options(r.Recommendations, true)
	if r.GeneratedAt.IsZero() {
		p.add("generatedAt is required")
	}
	if !r.ExpiresAt.After(r.GeneratedAt) {
		p.add("expiresAt must be after generatedAt")
	}
	if strings.TrimSpace(r.AIProvider) == "" {
		p.add("aiProvider is required")
	}
	return p.err()
}

// Validate checks a trend analysis: keyword and description present,
// relevance in [0,1].
func (t TrendAnalysis) Validate() error {
	var p problems
	p.trends(t)
	return p.err()
}

// ValidateOptions checks three options without their copy (what the product
// provider returns) when withCopy is false, or complete options otherwise.
func ValidateOptions(opts []Option, withCopy bool) error {
	var p problems
	p.options(opts, withCopy)
	return p.err()
}

type problems []string

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}

func (p *problems) trends(t TrendAnalysis) {
	groups := []struct {
		name   string
		trends []Trend
	}{
		{"industryTrends", t.IndustryTrends},
		{"regionalTrends", t.RegionalTrends},
		{"seasonalTrends", t.SeasonalTrends},
	}
	for _, g := range groups {
		for i, tr := range g.trends {
			at := fmt.Sprintf("trendAnalysis.%s[%d]", g.name, i)
			if strings.TrimSpace(tr.Keyword) == "" {
				p.add("%s.keyword is required", at)
			}
			if strings.TrimSpace(tr.Description) == "" {
				p.add("%s.description is required", at)
			}
			if !(tr.Relevance >= 0 && tr.Relevance <= 1) {
				p.add("%s.relevance %v is outside [0,1]", at, tr.Relevance)
			}
		}
	}
}

func (p *problems) options(opts []Option, withCopy bool) {
	if len(opts) != OptionCount {
		p.add("recommendations must hold exactly %d options, got %d", OptionCount, len(opts))
	}
	mechs := map[messages.Mechanic]int{}
	titles := map[string]int{}
	for i, o := range opts {
		at := fmt.Sprintf("recommendations[%d]", i)
		if o.OptionNumber != i+1 {
			p.add("%s.optionNumber is %d, want %d", at, o.OptionNumber, i+1)
		}
		p.option(at, o, withCopy)
		if prev, ok := mechs[o.Mechanics.Type]; ok && o.Mechanics.Type != "" {
			p.add("%s.mechanics.type %s repeats option %d: the options must differ", at, o.Mechanics.Type, prev+1)
		}
		mechs[o.Mechanics.Type] = i
		title := strings.TrimSpace(o.Title)
		if prev, ok := titles[title]; ok && title != "" {
			p.add("%s.title repeats option %d", at, prev+1)
		}
		titles[title] = i
	}
}

func (p *problems) text(at, name, v string, max int) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		p.add("%s.%s is required", at, name)
	case utf8.RuneCountInString(v) > max:
		p.add("%s.%s is longer than %d characters", at, name, max)
	}
}

func (p *problems) option(at string, o Option, withCopy bool) {
	p.text(at, "concept", o.Concept, maxTextRunes)
	p.text(at, "title", o.Title, 100)
	if o.Benefit != "" {
		p.text(at, "benefit", o.Benefit, 100)
	}
	p.text(at, "description", o.Description, maxTextRunes)
	p.text(at, "targetAudience", o.TargetAudience, 200)
	p.text(at, "differentiator", o.Differentiator, maxTextRunes)

	d := o.Duration
	if d.RecommendedDays < 1 || d.RecommendedDays > 365 {
		p.add("%s.duration.recommendedDays %d is outside 1..365", at, d.RecommendedDays)
	}
	p.text(at, "duration.recommendedPeriod", d.RecommendedPeriod, 40)
	if (d.StartDate == "") != (d.EndDate == "") {
		p.add("%s.duration: startDate and endDate go together", at)
	} else if d.StartDate != "" {
		s, err1 := time.Parse(time.DateOnly, d.StartDate)
		e, err2 := time.Parse(time.DateOnly, d.EndDate)
		switch {
		case err1 != nil || err2 != nil:
			p.add("%s.duration dates must be YYYY-MM-DD", at)
		case e.Before(s):
			p.add("%s.duration.endDate %s is before startDate %s", at, d.EndDate, d.StartDate)
		}
	}

	if !o.Mechanics.Type.Valid() {
		p.add("%s.mechanics.type %q is not one of %v", at, o.Mechanics.Type, messages.Mechanics)
	}
	p.text(at, "mechanics.details", o.Mechanics.Details, maxTextRunes)

	if len(o.PromotionChannels) == 0 {
		p.add("%s.promotionChannels needs at least one channel", at)
	}
	for j, c := range o.PromotionChannels {
		if strings.TrimSpace(c) == "" {
			p.add("%s.promotionChannels[%d] is empty", at, j)
		}
	}

	c := o.EstimatedCost
	if c.Min <= 0 {
		p.add("%s.estimatedCost.min must be positive (ROI divides by it), got %d", at, c.Min)
	}
	if c.Min > c.Max {
		p.add("%s.estimatedCost: min %d > max %d", at, c.Min, c.Max)
	}
	if len(c.Breakdown) > 0 {
		var sum int64
		for k, v := range c.Breakdown {
			if strings.TrimSpace(k) == "" || v < 0 {
				p.add("%s.estimatedCost.breakdown: item %q = %d is invalid", at, k, v)
			}
			sum += v
		}
		if sum < c.Min || sum > c.Max {
			p.add("%s.estimatedCost.breakdown sums to %d, outside [min %d, max %d]", at, sum, c.Min, c.Max)
		}
	}

	m := o.ExpectedMetrics
	p.rng(at+".expectedMetrics.newCustomers", m.NewCustomers, true)
	p.rng(at+".expectedMetrics.revenueIncrease", m.RevenueIncrease, true)
	p.rng(at+".expectedMetrics.profitIncrease", m.ProfitIncrease, true)
	if m.ProfitIncrease.Max > m.RevenueIncrease.Max {
		p.add("%s.expectedMetrics.profitIncrease.max %d exceeds revenueIncrease.max %d", at, m.ProfitIncrease.Max, m.RevenueIncrease.Max)
	}
	if g := m.Goal; g != (GoalMetric{}) {
		p.rng(at+".expectedMetrics.goal", IntRange{Min: g.Min, Max: g.Max}, true)
		if strings.TrimSpace(g.Metric) == "" || strings.TrimSpace(g.Label) == "" {
			p.add("%s.expectedMetrics.goal needs metric and label", at)
		}
	}
	p.rng(at+".expectedMetrics.roi", m.ROI, false)
	if c.Min > 0 && c.Min <= c.Max {
		gain := m.Gain()
		want := ROIRange(IntRange{Min: c.Min, Max: c.Max}, gain)
		if abs(m.ROI.Min-want.Min) > roiToleranceRatio || abs(m.ROI.Max-want.Max) > roiToleranceRatio {
			p.add("%s.expectedMetrics.roi is %d..%d%%, but cost %d..%d and gain %d..%d give %d..%d%%",
				at, m.ROI.Min, m.ROI.Max, c.Min, c.Max, gain.Min, gain.Max, want.Min, want.Max)
		}
	}

	pm := o.ParticipationMethod
	if !pm.Type.Valid() {
		p.add("%s.participationMethod.type %q must be LOTTERY or FIRST_COME", at, pm.Type)
	}
	if pm.CouponCount < 1 {
		p.add("%s.participationMethod.couponCount must be at least 1, got %d", at, pm.CouponCount)
	}

	if withCopy {
		p.copy(at+".copy", o.Copy)
	}
}

func (p *problems) copy(at string, c Copy) {
	p.text(at, "headline", c.Headline, maxHeadlineRunes)
	p.text(at, "body", c.Body, maxBodyRunes)
	if len(c.Hashtags) == 0 || len(c.Hashtags) > MaxHashtags {
		p.add("%s.hashtags must hold 1..%d tags, got %d", at, MaxHashtags, len(c.Hashtags))
	}
	for j, h := range c.Hashtags {
		if !strings.HasPrefix(h, "#") || utf8.RuneCountInString(h) < 2 || strings.ContainsAny(h, " \t\n") {
			p.add("%s.hashtags[%d] %q must be # followed by a word without spaces", at, j, h)
		}
	}
}

func (p *problems) rng(at string, r IntRange, nonNegative bool) {
	if r.Min > r.Max {
		p.add("%s: min %d > max %d", at, r.Min, r.Max)
	}
	if nonNegative && r.Min < 0 {
		p.add("%s.min must not be negative, got %d", at, r.Min)
	}
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
