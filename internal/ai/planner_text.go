package ai

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/autoevent/autoevent/internal/messages"
)

// option builds one complete option: numbers from the estimate, Korean text
// from the templates below.
func (p *Planner) option(n int, s slot, req Request, c *planContext, ia *industryAssumption) Option {
	days, start, end := p.duration(s, c)
	e := p.fit(s, req, c, ia, p.channelsFor(s, req, c), days)
	names := make([]string, len(e.channels))
	for i, ch := range e.channels {
		names[i] = p.ChannelName(ch)
	}
	w := words{
		store:   strings.TrimSpace(req.StoreName),
		theme:   themeOf(c),
		place:   placeOf(req, c),
		count:   e.count,
		unit:    won(e.unitBenefit),
		dates:   fmt.Sprintf("%d월 %d일~%d월 %d일", start.Month(), start.Day(), end.Month(), end.Day()),
		endDate: fmt.Sprintf("%d월 %d일", end.Month(), end.Day()),
		alt:     int(hash(req.StoreName, fmt.Sprint(req.Variant), string(s.mech)) % 2),
	}
	if w.store == "" {
		w.store = "우리 가게"
	}
	t := p.texts(s, req, c, ia, e, w)

	o := Option{
		OptionNumber:   n,
		Concept:        t.concept,
		Title:          t.title,
		Description:    p.description(s, req, c, ia, e, names, w),
		TargetAudience: audienceOf(s, req, c, ia),
		Duration: Duration{
			RecommendedDays:   days,
			RecommendedPeriod: periodText(days),
			StartDate:         start.Format(time.DateOnly),
			EndDate:           end.Format(time.DateOnly),
		},
		Mechanics:         Mechanics{Type: s.mech, Details: t.details},
		PromotionChannels: names,
		EstimatedCost:     EstimatedCost{Min: e.costMin, Max: e.costMax, Breakdown: e.breakdown},
		ExpectedMetrics: ExpectedMetrics{
			NewCustomers:    IntRange{Min: int64(e.newCustomers.lo()), Max: int64(e.newCustomers.hi())},
			RevenueIncrease: IntRange{Min: e.revMin, Max: e.revMax},
		},
		Differentiator:      t.differentiator + insightNote(p, req, s.mech),
		ParticipationMethod: ParticipationMethod{Type: s.part, CouponCount: e.count},
		Copy:                Copy{Headline: t.headline, Body: t.body, Hashtags: hashtags(w, c, t.tags)},
	}
	o.RecomputeROI()
	return o
}

// words are the pieces the templates are filled with.
type words struct {
	store, theme, place string
	count               int
	unit                string // benefit per unit, formatted
	dates, endDate      string
	alt                 int // 0 or 1: alternative wording, chosen by Variant
}

type texts struct {
	title, concept, details, differentiator string
	headline, body                          string
	tags                                    []string
}

func (p *Planner) texts(s slot, req Request, c *planContext, ia *industryAssumption, e estimate, w words) texts {
	var t texts
	n := w.count
	topTrend := ""
	if len(c.analysis.IndustryTrends) > 0 {
		topTrend = c.analysis.IndustryTrends[0].Keyword
	}
	switch s.mech {
	case messages.MechanicFirstCome:
		pct := pctOf(ia.FirstComeRate)
		t.title = pick(w.alt,
			fmt.Sprintf("%s 선착순 %d명 %s %d%% 할인", w.theme, n, ia.Product, pct),
			fmt.Sprintf("%s 첫 방문 선착순 %d명 %d%% 쿠폰", w.theme, n, pct))
		t.concept = "첫 방문 문턱을 낮추는 수량 한정 선착순 할인 쿠폰"
		t.details = fmt.Sprintf("이벤트 페이지나 매장 QR 포스터에서 쿠폰을 받은 선착순 %d명에게 %s %d%% 할인(%s원)을 드립니다. 1인 1매, %s까지 사용할 수 있습니다.",
			n, ia.Product, pct, w.unit, w.endDate)
		t.differentiator = fmt.Sprintf("쿠폰을 %d장으로 한정해 '지금 가야 하는' 이유를 만들고, 소진되면 자동 마감되어 비용이 예산 안에서 통제됩니다.", n)
		t.headline = fmt.Sprintf("%s 선착순 %d명! %s %d%% 할인", w.theme, n, ia.Product, pct)
		t.body = fmt.Sprintf("%s에서 %s 선착순 %d명에게 %s %d%% 할인 쿠폰을 드려요. 매장 QR이나 이벤트 페이지에서 쿠폰을 받고 기간 안에 사용하세요. 수량이 소진되면 조기 마감됩니다!",
			w.store, w.dates, n, ia.Product, pct)
		t.tags = []string{"선착순이벤트", "할인쿠폰"}
	case messages.MechanicDiscount:
		pct := pctOf(ia.DiscountRate)
		item := ia.Product
		switch req.Purpose {
		case messages.PurposeRevisit:
			t.title = pick(w.alt, fmt.Sprintf("%s 다시 오면 %d%% 할인", w.theme, pct), fmt.Sprintf("%s 재방문 고객 %d%% 할인 쿠폰", w.theme, pct))
			t.concept = "한 번 온 고객이 다시 오게 만드는 재방문 전용 할인"
			t.details = fmt.Sprintf("방문 고객에게 다음 방문 때 쓰는 %d%% 할인 쿠폰(최대 %s원)을 선착순 %d명에게 발급하고, %s까지 재방문하면 적용합니다.", pct, w.unit, n, w.endDate)
		case messages.PurposeSales:
			item = ia.Signature
			t.title = pick(w.alt, fmt.Sprintf("%s %s %d%% 할인 주간", w.theme, item, pct), fmt.Sprintf("%s %s 특가 %d%% 할인", w.theme, item, pct))
			t.concept = "대표 상품 할인으로 판매량과 객단가 끌어올리기"
			t.details = fmt.Sprintf("%s 구매 시 %d%% 할인(최대 %s원)을 선착순 %d건까지 적용합니다. 함께 구매하기 좋은 상품을 곁들여 객단가를 높입니다.", item, pct, w.unit, n)
		case messages.PurposeNewProduct:
			item = ia.NewItem
			t.title = pick(w.alt, fmt.Sprintf("%s 출시 기념 %d%% 할인", item, pct), fmt.Sprintf("%s %s 첫 주문 %d%% 할인", w.theme, item, pct))
			t.concept = "신상품 첫 구매 장벽을 낮추는 출시 기념 할인"
			t.details = fmt.Sprintf("%s 구매 시 %d%% 할인(최대 %s원)을 선착순 %d명에게 적용합니다.", item, pct, w.unit, n)
		default:
			t.title = pick(w.alt, fmt.Sprintf("%s %s %d%% 할인", w.theme, item, pct), fmt.Sprintf("%s 기간 한정 %d%% 할인", w.theme, pct))
			t.concept = "기간 한정 할인으로 방문할 이유 만들기"
			t.details = fmt.Sprintf("%s 구매 시 %d%% 할인(최대 %s원)을 선착순 %d명에게 적용합니다.", item, pct, w.unit, n)
		}
		t.differentiator = fmt.Sprintf("할인 폭을 %d%%로 절제하고 수량을 %d건으로 한정해 마진을 지키면서, 카카오톡 채널로 기존 고객에게 바로 알립니다.", pct, n)
		t.headline = fmt.Sprintf("%s %s %d%% 할인", w.theme, item, pct)
		t.body = fmt.Sprintf("%s에서 %s %s %d%% 할인을 준비했어요. 선착순 %d명 한정이니 서둘러 주세요! 이벤트 페이지나 매장 QR에서 쿠폰을 받을 수 있습니다.",
			w.store, w.dates, item, pct, n)
		t.tags = []string{"할인이벤트", "기간한정"}
	case messages.MechanicLottery:
		t.title = pick(w.alt, fmt.Sprintf("%s %s 추첨 이벤트", w.theme, ia.Prize), fmt.Sprintf("%s 경품 추첨: %s %d명", w.theme, ia.Prize, n))
		t.concept = "참여는 쉽게, 경품은 크게: SNS로 퍼지는 추첨 이벤트"
		t.details = fmt.Sprintf("이벤트 페이지에서 응모하면 기간 종료 후 추첨으로 %d명에게 %s%s 드립니다. 매장에서 QR로 응모한 고객에게는 당첨 가산점을 줍니다.",
			n, ia.Prize, josa(ia.Prize, "을", "를"))
		t.differentiator = fmt.Sprintf("응모 문턱이 낮아 참여가 많고, 경품이 %d개로 고정되어 참여자가 늘어도 비용은 늘지 않습니다. 추첨은 누구나 다시 계산해 볼 수 있게 기록됩니다.", n)
		t.headline = fmt.Sprintf("%s 응모만 해도 %s 기회!", w.theme, ia.Prize)
		t.body = fmt.Sprintf("%s의 %s 추첨 이벤트! %s 응모하신 분 중 %d명을 추첨해 %s%s 드립니다. 매장에서 QR로 응모하면 당첨 확률이 올라가요.",
			w.store, w.theme, w.dates, n, ia.Prize, josa(ia.Prize, "을", "를"))
		t.tags = []string{"추첨이벤트", "경품이벤트"}
	case messages.MechanicGift:
		if s.part == messages.MethodLottery {
			t.title = fmt.Sprintf("%s 방문 고객 추첨 %s 증정", w.theme, ia.Gift)
			t.details = fmt.Sprintf("기간 중 결제 후 매장 QR로 응모하면 추첨으로 %d명에게 %s%s 드립니다.", n, ia.Gift, josa(ia.Gift, "을", "를"))
			t.body = fmt.Sprintf("%s에서 %s 결제 후 매장 QR로 응모하면 추첨으로 %d명에게 %s%s 드려요!", w.store, w.dates, n, ia.Gift, josa(ia.Gift, "을", "를"))
		} else {
			t.title = pick(w.alt, fmt.Sprintf("%s 선착순 %d명 %s 증정", w.theme, n, ia.Gift), fmt.Sprintf("%s 방문 고객 %s 증정", w.theme, ia.Gift))
			t.details = fmt.Sprintf("기간 중 결제한 고객 선착순 %d명에게 %s%s 드립니다. 1인 1개, 소진 시 마감.", n, ia.Gift, josa(ia.Gift, "을", "를"))
			t.body = fmt.Sprintf("%s에서 %s 방문하시는 선착순 %d분께 %s%s 드려요. 소진 시 마감되니 서둘러 주세요!", w.store, w.dates, n, ia.Gift, josa(ia.Gift, "을", "를"))
		}
		t.concept = "방문 고객 사은품으로 만족도와 재방문 의향 높이기"
		t.differentiator = fmt.Sprintf("%s 같은 실물 사은품은 할인보다 오래 기억되고 SNS 인증으로 이어집니다.", ia.Gift)
		t.headline = fmt.Sprintf("%s 방문 고객께 %s 증정", w.theme, ia.Gift)
		t.tags = []string{"사은품증정", "구매이벤트"}
	case messages.MechanicStamp:
		t.title = pick(w.alt, fmt.Sprintf("%s 스탬프 %d개 모으면 %s", w.theme, ia.StampGoal, ia.StampReward), fmt.Sprintf("%s 스탬프 투어: %s", w.theme, ia.StampReward))
		t.concept = "반복 방문을 습관으로 만드는 스탬프 적립"
		t.details = fmt.Sprintf("방문·구매할 때마다 디지털 스탬프 1개, %d개를 모으면 %s. 완성 보상은 선착순 %d명까지 드립니다.", ia.StampGoal, ia.StampReward, n)
		t.differentiator = fmt.Sprintf("한 번의 할인이 아니라 %d일 동안 여러 번 오게 만들어 단골 전환에 가장 효과적이고, 보상 수량(%d건)으로 비용 상한이 정해집니다.", e.days, n)
		t.headline = fmt.Sprintf("스탬프 %d개 모으면 %s!", ia.StampGoal, ia.StampReward)
		t.body = fmt.Sprintf("%s에서 %s 방문할 때마다 스탬프를 찍어 드려요. %d개를 모으면 %s! 완성 보상은 선착순 %d명까지입니다.", w.store, w.dates, ia.StampGoal, ia.StampReward, n)
		t.tags = []string{"스탬프이벤트", "단골혜택"}
	case messages.MechanicExperience:
		if s.part == messages.MethodLottery {
			t.title = fmt.Sprintf("%s %s 체험단 %d명 모집", w.theme, ia.Experience, n)
			t.details = fmt.Sprintf("이벤트 페이지에서 신청을 받아 추첨으로 체험단 %d명을 뽑고 %s%s 무료로 제공합니다. 체험 후 후기를 부탁드립니다.", n, ia.Experience, josa(ia.Experience, "을", "를"))
			t.headline = fmt.Sprintf("%s 체험단 %d명 모집!", ia.Experience, n)
			t.body = fmt.Sprintf("%s에서 %s 체험단을 모집합니다. %s 신청하신 분 중 %d명을 추첨해 무료로 초대해요.", w.store, ia.Experience, w.dates, n)
			t.tags = []string{"체험단모집", "무료체험"}
		} else {
			t.title = fmt.Sprintf("%s 선착순 %d명 %s", w.theme, n, ia.Experience)
			t.details = fmt.Sprintf("선착순 %d명에게 %s%s 무료로 제공합니다. 이벤트 페이지에서 신청하고 예약한 시간에 방문합니다.", n, ia.Experience, josa(ia.Experience, "을", "를"))
			t.headline = fmt.Sprintf("선착순 %d명 %s 무료!", n, ia.Experience)
			t.body = fmt.Sprintf("%s에서 %s 선착순 %d명에게 %s%s 무료로 드려요. 이벤트 페이지에서 지금 신청하세요!", w.store, w.dates, n, ia.Experience, josa(ia.Experience, "을", "를"))
			t.tags = []string{"무료체험", "선착순이벤트"}
		}
		t.concept = "직접 경험하게 해 신뢰를 쌓는 체험형 이벤트"
		t.differentiator = "써 보고 결정하고 싶은 고객의 망설임을 없애고, 체험 후기가 네이버 블로그와 인스타그램에 쌓여 이벤트가 끝난 뒤에도 홍보가 이어집니다."
		if topTrend != "" {
			t.differentiator = fmt.Sprintf("'%s' 흐름에 맞춰 ", topTrend) + t.differentiator
		}
	}
	return t
}

func (p *Planner) description(s slot, req Request, c *planContext, ia *industryAssumption, e estimate, channels []string, w words) string {
	ma := p.a.Mechanics[s.mech]
	pa := p.a.Purposes[req.Purpose]
	if pa == nil {
		pa = p.a.Purposes[messages.PurposeOther]
	}
	var b strings.Builder
	goal := req.Purpose.Label()
	if req.Purpose == messages.PurposeOther && strings.TrimSpace(req.PurposeText) != "" {
		goal = fmt.Sprintf("사장님이 말씀하신 목표(%s)", strings.TrimSpace(req.PurposeText))
	}
	fmt.Fprintf(&b, "%s%s 위한 %s 이벤트입니다. ", goal, josa(goal, "을", "를"), mechanicLabel(s))
	var hooks []string
	if len(c.analysis.IndustryTrends) > 0 {
		hooks = append(hooks, "'"+c.analysis.IndustryTrends[0].Keyword+"'")
	}
	if len(c.analysis.RegionalTrends) > 0 {
		hooks = append(hooks, "'"+c.analysis.RegionalTrends[0].Keyword+"'")
	}
	last := channels[len(channels)-1]
	fmt.Fprintf(&b, "%s 시즌과 %s 흐름에 맞췄고, %s%s 알립니다. ", w.theme, strings.Join(hooks, ", "), strings.Join(channels, ", "), josaRo(last))
	if e.budgetNote != "" {
		b.WriteString(e.budgetNote + " ")
	}
	fmt.Fprintf(&b, "산정 근거: 예상 노출 %s명(채널별 반응도를 반영한 유효 노출 %s명) × 참여율 %s%% → 참여 %s명, 방문 %s명(방문율 %s%%), 객단가 %s원",
		rangeText(e.reach, won), rangeText(e.effReach, won), rangeText(e.partRate, pctText),
		rangeText(e.participants, won), rangeText(e.visitors, won), rangeText(ma.VisitRate, pctText),
		won(ia.AvgTicket))
	if ia.SpendFactor != 1 {
		fmt.Fprintf(&b, "(이벤트 방문 시 객단가의 %s%% 지출)", pctText(ia.SpendFactor))
	}
	fmt.Fprintf(&b, ", 방문 고객당 추가 방문 %s회, 이벤트가 없어도 있었을 방문을 뺀 순증 비율 %s%%, 신규 고객 비율 %s%%",
		rangeText(ma.ExtraVisits, num), pctText(ma.Incremental), rangeText(pa.NewShare, pctText))
	if ia.Conversion != 1 {
		fmt.Fprintf(&b, "(그중 실제 등록 %s%%)", pctText(ia.Conversion))
	}
	fmt.Fprintf(&b, ", 신규 고객의 이후 한 달 재방문 %s회를 가정했습니다.", rangeText(ia.RepeatVisits, num))
	return b.String()
}

func mechanicLabel(s slot) string {
	switch s.mech {
	case messages.MechanicFirstCome:
		return "선착순 쿠폰"
	case messages.MechanicDiscount:
		return "기간 한정 할인"
	case messages.MechanicLottery:
		return "경품 추첨"
	case messages.MechanicGift:
		if s.part == messages.MethodLottery {
			return "방문 고객 추첨 사은품"
		}
		return "사은품 증정"
	case messages.MechanicStamp:
		return "스탬프 적립"
	case messages.MechanicExperience:
		if s.part == messages.MethodLottery {
			return "체험단 모집"
		}
		return "무료 체험"
	}
	return string(s.mech)
}

func audienceOf(s slot, req Request, c *planContext, ia *industryAssumption) string {
	var seg string
	switch s.mech {
	case messages.MechanicLottery:
		seg = "SNS 활동이 활발하고 "
	case messages.MechanicStamp:
		seg = "자주 들를 수 있는 "
	case messages.MechanicExperience:
		seg = "직접 경험해 보고 결정하려는 "
	case messages.MechanicGift:
		seg = "작은 선물에 반응하는 "
	}
	switch req.Purpose {
	case messages.PurposeNewCustomers:
		seg += "아직 방문해 본 적 없는 "
	case messages.PurposeRevisit:
		seg += "한 번 이상 방문한 기존 고객 중 "
	case messages.PurposeAwareness:
		seg += "매장을 아직 모르는 "
	case messages.PurposeNewProduct:
		seg += "새로운 메뉴·상품에 관심 많은 "
	}
	local := "매장 주변 생활권 고객"
	switch {
	case c.district != nil:
		local = c.district.Name + " " + c.district.Audience
	case c.region != nil:
		local = c.region.Aliases[0] + " 지역 " + c.region.Audience
	}
	return fmt.Sprintf("%s%s (%s)", seg, ia.Audience, local)
}

func insightNote(p *Planner, req Request, m messages.Mechanic) string {
	in, ok := p.insight(req, m)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" 비슷한 매장의 같은 유형 이벤트 %d건(평균 ROI %d%%, 성공 점수 %.2f)을 반영했습니다.",
		in.Samples, int64(math.Round(in.AvgROI)), in.SuccessScore)
}

// themeOf names the occasion: the top seasonal moment when it is relevant
// enough, otherwise the season.
func themeOf(c *planContext) string {
	if h := c.top(); h != nil && h.relevance >= 0.4 {
		return h.m.Theme
	}
	if c.season != nil {
		return c.season.Name + "맞이"
	}
	return "이번 시즌"
}

func placeOf(req Request, c *planContext) string {
	if sg := strings.TrimSpace(req.Region.Sigungu); sg != "" && len([]rune(sg)) <= 10 {
		return sg
	}
	if c.district != nil {
		return c.district.Name
	}
	if c.region != nil {
		return c.region.Aliases[0]
	}
	return ""
}

func hashtags(w words, c *planContext, extra []string) []string {
	var out []string
	add := func(s string) {
		t := tagWord(s)
		if t == "" || len([]rune(t)) > 30 {
			return
		}
		t = "#" + t
		for _, x := range out {
			if x == t {
				return
			}
		}
		if len(out) < 7 {
			out = append(out, t)
		}
	}
	add(w.store)
	if w.place != "" {
		add(w.place + c.industryLabel)
	}
	add(w.theme + "이벤트")
	for _, e := range extra {
		add(e)
	}
	add(c.industryLabel + "추천")
	return out
}

// tagWord keeps letters and digits so the tag has no spaces or symbols.
func tagWord(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// rangeText formats a low–high pair, once when both ends are equal.
func rangeText[T any](s span, f func(T) string) string {
	var lo, hi string
	switch f := any(f).(type) {
	case func(int64) string:
		lo, hi = f(int64(math.Round(s.lo()))), f(int64(math.Round(s.hi())))
	case func(float64) string:
		lo, hi = f(s.lo()), f(s.hi())
	}
	if lo == hi {
		return lo
	}
	return lo + "~" + hi
}

// josaRo picks 으로 or 로: 로 after a vowel or ㄹ.
func josaRo(word string) string {
	rs := []rune(strings.TrimSpace(word))
	if n := len(rs); n > 0 && rs[n-1] >= 0xAC00 && rs[n-1] <= 0xD7A3 {
		if f := (rs[n-1] - 0xAC00) % 28; f != 0 && f != 8 {
			return "으로"
		}
	}
	return "로"
}

func pick(i int, a, b string) string {
	if i == 1 {
		return b
	}
	return a
}

func pctOf(rate float64) int { return int(math.Round(rate * 100)) }

// pctText formats a fraction as a percentage with at most one decimal.
func pctText(f float64) string { return num(math.Round(f*1000) / 10) }

func num(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}

// josa picks the Korean particle by whether the word ends in a consonant
// (받침): josa("쿠폰", "을", "를") = "을". Digits are read the Korean way;
// a closing bracket defers to the word before it.
func josa(word, withBatchim, without string) string {
	rs := []rune(strings.TrimSpace(word))
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		switch {
		case r >= 0xAC00 && r <= 0xD7A3:
			if (r-0xAC00)%28 != 0 {
				return withBatchim
			}
			return without
		case r >= '0' && r <= '9':
			if strings.ContainsRune("013678", r) {
				return withBatchim
			}
			return without
		case r == ')' || r == ']' || r == ' ':
			// skip to the word inside or before
			if j := strings.LastIndexAny(string(rs[:i]), "(["); j >= 0 && r != ' ' {
				rs = []rune(string(rs[:i])[:j])
				i = len(rs)
			}
		case unicode.IsLetter(r):
			return without
		}
	}
	return without
}
