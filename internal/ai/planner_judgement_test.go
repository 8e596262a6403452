package ai

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// The planner's judgement (issue 10): it listens to the owner, offers
// three different ideas and new ones on regeneration, states believable
// numbers from stated assumptions, and writes Korean a copywriter would.

var judgeIndustries = []string{IndustryCafe, IndustryRestaurant, IndustryBakery, IndustryHair, IndustryAcademy, IndustryMart, IndustryOther}

var judgeMonths = []time.Month{time.February, time.May, time.August, time.December}

// eachPlan plans every purpose × industry × month (with the given owner
// text) and calls f with a name and the options.
func eachPlan(t *testing.T, text string, f func(name string, req Request, opts []Option)) {
	t.Helper()
	p := testPlanner(t)
	for _, industry := range judgeIndustries {
		for _, purpose := range messages.Purposes {
			for _, m := range judgeMonths {
				req := Request{EventID: "e", StoreName: "달빛가게", Industry: industry, Region: Region{Sido: "서울특별시", Sigungu: "마포구"},
					Purpose: purpose, PurposeText: text, ReferenceDate: time.Date(2026, m, 8, 0, 0, 0, 0, kst.Location)}
				_, opts := p.Plan(req)
				f(fmt.Sprintf("%s/%s/%s", industry, purpose, m), req, opts)
			}
		}
	}
}

func TestParseOwner(t *testing.T) {
	tests := []struct {
		text, product string
		rate          float64
		trait         string
	}{
		{"겨울 신메뉴 딸기라떼 출시를 알리고 싶어요", "딸기라떼", 0, ""},
		{"겨울 신메뉴 딸기라떼…", "딸기라떼", 0, ""},
		{"새 메뉴 흑임자 크림빵을 동네에 알리기", "흑임자", 0, ""},
		{"소금빵을 더 많이 팔고 싶어요", "소금빵", 0, ""},
		{"딸기 라떼 30% 할인으로 손님 모으기", "딸기 라떼", 0.3, "discount"},
		{"새로 들여온 두피 스파를 알리고 싶어요", "두피 스파", 0, ""},
		{"단골 손님께 감사 추첨", "", 0, "draw"},
		{"동네 주민에게 알리기", "", 0, ""},
		{"크리스마스에 손님이 많이 오게 하고 싶어요", "", 0, ""},
		{"친구랑 같이 오는 손님에게 혜택", "", 0, "friend"},
	}
	for _, tt := range tests {
		w := parseOwner(tt.text)
		if w.product != tt.product || w.rate != tt.rate || (tt.trait != "" && w.want[tt.trait] == 0) {
			t.Errorf("parseOwner(%q) = product %q rate %v want %v; want product %q rate %v trait %q",
				tt.text, w.product, w.rate, w.want, tt.product, tt.rate, tt.trait)
		}
	}
}

// TestPlanOwnerWordsShapeEveryOption: the owner's product is in the title,
// concept and copy of every option for every purpose, and 신메뉴 홍보
// plans name it as the benefit.
func TestPlanOwnerWordsShapeEveryOption(t *testing.T) {
	eachPlan(t, "겨울 신메뉴 딸기라떼 출시를 알리고 싶어요", func(name string, req Request, opts []Option) {
		for _, o := range opts {
			for field, v := range map[string]string{"title": o.Title, "concept": o.Concept, "copy": o.Copy.Headline + " " + o.Copy.Body} {
				if !strings.Contains(v, "딸기라떼") {
					t.Errorf("%s option %d: %s does not name the owner's 딸기라떼: %q", name, o.OptionNumber, field, v)
				}
			}
			if req.Purpose == messages.PurposeNewProduct && !strings.Contains(o.Benefit+o.Mechanics.Details, "딸기라떼") {
				t.Errorf("%s option %d: a launch plan whose benefit does not name the product: %q", name, o.OptionNumber, o.Benefit)
			}
		}
	})
}

// TestPlanOwnerAsksForADraw: what the owner asks for shapes the mechanics.
func TestPlanOwnerAsksForADraw(t *testing.T) {
	p := testPlanner(t)
	req := baseRequest()
	req.Purpose = messages.PurposeRevisit
	_, plain := p.Plan(req)
	req.PurposeText = "친구랑 같이 오면 1+1 주고 싶어요"
	_, asked := p.Plan(req)
	has := func(opts []Option, s string) bool { return strings.Contains(titlesOf(opts), s) }
	if has(plain, "친구") || !has(asked, "친구") {
		t.Errorf("a friend offer should appear only when asked for:\nplain: %s\nasked: %s", titlesOf(plain), titlesOf(asked))
	}
}

// TestPlanOptionsDifferInIdea: three mechanics, three kinds of benefit,
// both participation methods, and at most one title leading with the
// season's theme (December is not three times "크리스마스 …").
func TestPlanOptionsDifferInIdea(t *testing.T) {
	p := testPlanner(t)
	eachPlan(t, "", func(name string, req Request, opts []Option) {
		ia := p.a.Industries[p.kb.IndustryCode(req.Industry, "")]
		var benefits, methods []string
		for _, d := range p.chooseIdeas(req, ia, parseOwner("")) {
			benefits = append(benefits, string(d.benefit))
		}
		for _, o := range opts {
			methods = append(methods, string(o.ParticipationMethod.Type))
		}
		slices.Sort(benefits)
		if len(slices.Compact(benefits)) != 3 {
			t.Errorf("%s: benefit kinds %v repeat: %s", name, benefits, titlesOf(opts))
		}
		if !slices.Contains(methods, "LOTTERY") || !slices.Contains(methods, "FIRST_COME") {
			t.Errorf("%s: methods %v", name, methods)
		}
		theme := themeOf(p.kb.context(req))
		lead := 0
		for _, o := range opts {
			if strings.HasPrefix(o.Title, theme) {
				lead++
			}
		}
		if lead > 1 {
			t.Errorf("%s: %d titles lead with %q: %s", name, lead, theme, titlesOf(opts))
		}
	})
}

// TestPlanDoesNotRepeatOneOffer: the same coupon is not the answer to
// every purpose.
func TestPlanDoesNotRepeatOneOffer(t *testing.T) {
	p := testPlanner(t)
	n := 0
	for _, purpose := range messages.Purposes {
		req := baseRequest()
		req.Purpose = purpose
		req.ReferenceDate = time.Date(2026, 12, 1, 0, 0, 0, 0, kst.Location)
		_, opts := p.Plan(req)
		if strings.Contains(titlesOf(opts), "아메리카노 30%") {
			n++
		}
	}
	if n > 2 {
		t.Errorf("아메리카노 30%% appears for %d of %d purposes", n, len(messages.Purposes))
	}
}

// TestRegenerationOffersNewIdeas: each variant's ideas differ from the
// variant before it, and a variant is reproducible.
func TestRegenerationOffersNewIdeas(t *testing.T) {
	p := testPlanner(t)
	for _, industry := range judgeIndustries {
		for _, purpose := range messages.Purposes {
			req := baseRequest()
			req.Industry, req.Purpose = industry, purpose
			ia := p.a.Industries[industry]
			var prevKeys []string
			var prevTitles string
			for v := 0; v <= 4; v++ {
				req.Variant = v
				var keys []string
				for _, d := range p.chooseIdeas(req, ia, parseOwner("")) {
					keys = append(keys, d.key)
				}
				slices.Sort(keys)
				_, opts := p.Plan(req)
				_, again := p.Plan(req)
				if titlesOf(opts) != titlesOf(again) {
					t.Fatalf("%s/%s variant %d is not reproducible", industry, purpose, v)
				}
				if v > 0 {
					if slices.Equal(keys, prevKeys) {
						t.Errorf("%s/%s variant %d repeats the ideas %v", industry, purpose, v, keys)
					}
					for _, k := range keys {
						if slices.Contains(prevKeys, k) {
							t.Errorf("%s/%s variant %d repeats idea %s of variant %d", industry, purpose, v, k, v-1)
						}
					}
					if titlesOf(opts) == prevTitles {
						t.Errorf("%s/%s variant %d: same titles", industry, purpose, v)
					}
				}
				prevKeys, prevTitles = keys, titlesOf(opts)
			}
		}
	}
}

// TestPlanNumbersBelievable: ranges are tight enough to decide with, a
// loss is called a loss, the goal metric is the purpose's, the assumptions
// are stated, and every mechanic can be run by the product.
func TestPlanNumbersBelievable(t *testing.T) {
	wantGoal := map[messages.Purpose]string{
		messages.PurposeNewCustomers: GoalNewCustomers, messages.PurposeRevisit: GoalRevisits, messages.PurposeSales: GoalPurchases,
		messages.PurposeAwareness: GoalEntries, messages.PurposeNewProduct: GoalTrials, messages.PurposeOther: GoalEntries,
	}
	tight := func(r IntRange) bool { return r.Min <= 0 && r.Max <= 0 || r.Min > 0 && r.Max <= r.Min*5/2 }
	var worstSpread int64
	for _, text := range []string{"", "겨울 신메뉴 딸기라떼"} {
		eachPlan(t, text, func(name string, req Request, opts []Option) {
			for _, o := range opts {
				at := fmt.Sprintf("%s option %d (%s)", name, o.OptionNumber, o.Title)
				m := o.ExpectedMetrics
				for what, r := range map[string]IntRange{"revenue": m.RevenueIncrease, "profit": m.ProfitIncrease, "goal": {m.Goal.Min, m.Goal.Max}, "cost": {o.EstimatedCost.Min, o.EstimatedCost.Max}} {
					if !tight(r) {
						t.Errorf("%s: %s range %v is wider than 2.5×", at, what, r)
					}
				}
				if m.ProfitIncrease.Max == 0 || m.ProfitIncrease.Max > m.RevenueIncrease.Max {
					t.Errorf("%s: profit %v vs revenue %v", at, m.ProfitIncrease, m.RevenueIncrease)
				}
				worstSpread = max(worstSpread, m.ROI.Max-m.ROI.Min)
				if m.ROI.Max-m.ROI.Min > 300 || m.ROI.Max > 1000 {
					t.Errorf("%s: ROI %v is too wide or too good to believe", at, m.ROI)
				}
				if m.ROI.Min < 0 && !strings.Contains(o.Differentiator, "손실") {
					t.Errorf("%s: ROI %v can be negative, but the plan does not say it is a loss: %q", at, m.ROI, o.Differentiator)
				}
				if m.Goal.Metric != wantGoal[req.Purpose] {
					t.Errorf("%s: goal %+v, want %s for %s", at, m.Goal, wantGoal[req.Purpose], req.Purpose)
				}
				if len(o.Assumptions) < 5 || !strings.Contains(o.Assumptions[0], "객단가") || !strings.Contains(o.Assumptions[0], "마진율") {
					t.Errorf("%s: assumptions not stated: %q", at, o.Assumptions)
				}
				switch o.Mechanics.Type {
				case messages.MechanicStamp:
					t.Errorf("%s: a stamp card cannot run where each phone enters once", at)
				case messages.MechanicLottery:
					if o.ParticipationMethod.Type != messages.MethodLottery {
						t.Errorf("%s: a lottery mechanic must be drawn", at)
					}
				case messages.MechanicFirstCome, messages.MechanicDiscount:
					if o.ParticipationMethod.Type != messages.MethodFirstCome {
						t.Errorf("%s: a coupon mechanic must be first come", at)
					}
				}
				if strings.Contains(o.Title+o.Mechanics.Details+o.Copy.Body, "스탬프") {
					t.Errorf("%s: mentions a stamp card", at)
				}
			}
		})
	}
	t.Logf("widest ROI range: %d percentage points", worstSpread)
}

var bareDays = regexp.MustCompile(`^\d+일$`)

// audienceClauses are the describing clauses an audience phrase is built
// from; one phrase has one of them.
var audienceClauses = []string{"반응하는", "관심 많은", "즐기는", "모르는", "와 보지 않은", "다녀간", "싶어 할", "찾는", "원하는", "좋아하는",
	"시작하려는", "준비하는", "고민하는", "보는", "활발하고", "들를 수 있는", "결정하려는"}

// TestPlanKoreanText: no "19일 (19일)", one audience phrase, no "(local)".
func TestPlanKoreanText(t *testing.T) {
	eachPlan(t, "", func(name string, req Request, opts []Option) {
		for _, o := range opts {
			if bareDays.MatchString(o.Duration.RecommendedPeriod) {
				t.Errorf("%s: period %q beside %d일 reads twice", name, o.Duration.RecommendedPeriod, o.Duration.RecommendedDays)
			}
			n := 0
			for _, c := range audienceClauses {
				n += strings.Count(o.TargetAudience, c)
			}
			if n > 1 {
				t.Errorf("%s: stacked audience phrase %q", name, o.TargetAudience)
			}
			if strings.Contains(o.Title, "  ") || strings.Contains(o.Copy.Body, "  ") {
				t.Errorf("%s: double space in %q", name, o.Title)
			}
		}
	})
	for days := 1; days <= 60; days++ {
		if bareDays.MatchString(periodText(days)) {
			t.Errorf("periodText(%d) = %q", days, periodText(days))
		}
	}
	for _, p := range []string{ProviderLocal, ProviderLocalFallback, ProviderCacheFallback, "anthropic+openai", "anthropic+local-copy"} {
		if l := providerLabel(p); strings.Contains(l, p) || strings.ContainsAny(l, "()") {
			t.Errorf("job message %q shows the provider code to owners", l)
		}
	}
}

// TestPlanOwnerRate: a discount the owner names is the discount offered.
func TestPlanOwnerRate(t *testing.T) {
	p := testPlanner(t)
	req := baseRequest()
	req.Purpose = messages.PurposeSales
	req.PurposeText = "딸기라떼 25% 할인으로 매출 올리기"
	_, opts := p.Plan(req)
	found := false
	for _, o := range opts {
		found = found || strings.Contains(o.Title+o.Mechanics.Details, "딸기라떼 25% 할인") || strings.Contains(o.Title, "딸기라떼+")
	}
	if !found || strings.Contains(titlesOf(opts), "20%") {
		t.Errorf("the owner's 25%% discount on 딸기라떼 is not what is offered: %s", titlesOf(opts))
	}
}
