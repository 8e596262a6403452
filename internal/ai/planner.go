package ai

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// span is a [low scenario, high scenario] pair.
type span [2]float64

func (s span) lo() float64 { return s[0] }
func (s span) hi() float64 { return s[1] }

// Assumptions are the data the local planner's numbers come from
// (data/planner.json); every estimate in an option can be traced to them.
type assumptions struct {
	LeadDays      int                                       `json:"leadDays"`
	InStoreFactor float64                                   `json:"inStoreFactor"`
	PosterCost    int64                                     `json:"posterCost"`
	Industries    map[string]*industryAssumption            `json:"industries"`
	Mechanics     map[messages.Mechanic]*mechanicAssumption `json:"mechanics"`
	Purposes      map[messages.Purpose]*purposeAssumption   `json:"purposes"`
	Channels      map[string]*channelAssumption             `json:"channels"`
}

type industryAssumption struct {
	AvgTicket           int64                         `json:"avgTicket"`
	Margin              float64                       `json:"margin"`
	People              string                        `json:"people"`
	Verb                string                        `json:"verb"` // what a customer does: 주문, 예약, 등록, 구매
	Pairing             string                        `json:"pairing"`
	Food                bool                          `json:"food"`
	RepeatVisits        span                          `json:"repeatVisits"`
	ParticipationFactor float64                       `json:"participationFactor"`
	Capacity            int                           `json:"capacity"`
	Product             string                        `json:"product"`
	Signature           string                        `json:"signature"`
	NewItem             string                        `json:"newItem"`
	Gift                string                        `json:"gift"`
	GiftCost            int64                         `json:"giftCost"`
	Prize               string                        `json:"prize"`
	PrizeCost           int64                         `json:"prizeCost"`
	PrizeCount          int                           `json:"prizeCount"`
	Experience          string                        `json:"experience"`
	ExperienceCost      int64                         `json:"experienceCost"`
	StampGoal           int                           `json:"stampGoal"`
	StampReward         string                        `json:"stampReward"`
	StampRewardCost     int64                         `json:"stampRewardCost"`
	DiscountRate        float64                       `json:"discountRate"`
	FirstComeRate       float64                       `json:"firstComeRate"`
	SpendFactor         float64                       `json:"spendFactor"`
	Conversion          float64                       `json:"conversion"`
	Audience            string                        `json:"audience"`
	Affinity            map[messages.Mechanic]float64 `json:"affinity"`
}

type mechanicAssumption struct {
	ParticipationRate span     `json:"participationRate"`
	VisitRate         span     `json:"visitRate"`
	ExtraVisits       span     `json:"extraVisits"`
	CompletionRate    span     `json:"completionRate"`
	Incremental       float64  `json:"incremental"`
	Days              int      `json:"days"`
	MinDays           int      `json:"minDays"`
	Channels          []string `json:"channels"`
}

type purposeAssumption struct {
	NewShare span                          `json:"newShare"`
	Weights  map[messages.Mechanic]float64 `json:"weights"`
}

type channelAssumption struct {
	Name       string  `json:"name"`
	Reach      span    `json:"reach"`
	Cost       int64   `json:"cost"`
	Engagement float64 `json:"engagement"`
}

// Planner is the local, rule-and-data based planner: no network, microsecond
// latency, deterministic for the same request. It is the default provider and
// the fallback when the remote providers fail.
type Planner struct {
	kb *KB
	a  assumptions
}

// NewPlanner builds a planner over kb (nil: the embedded knowledge base)
// with the assumptions shipped in the binary.
func NewPlanner(kb *KB) (*Planner, error) {
	if kb == nil {
		var err error
		if kb, err = NewKB(); err != nil {
			return nil, err
		}
	}
	raw, err := dataFS.ReadFile("data/planner.json")
	if err != nil {
		return nil, fmt.Errorf("ai: read planner data: %w", err)
	}
	var a assumptions
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("ai: parse planner data: %w", err)
	}
	if err := a.check(kb); err != nil {
		return nil, err
	}
	return &Planner{kb: kb, a: a}, nil
}

// KB returns the planner's knowledge base.
func (p *Planner) KB() *KB { return p.kb }

func (a *assumptions) check(kb *KB) error {
	okSpan := func(s span) bool { return s.lo() >= 0 && s.lo() <= s.hi() }
	for code := range kb.industries {
		ia := a.Industries[code]
		if ia == nil {
			return fmt.Errorf("ai: planner data: no assumptions for industry %s", code)
		}
		if ia.AvgTicket <= 0 || ia.Capacity < 5 || ia.PrizeCount < 1 || ia.StampGoal < 2 ||
			!okSpan(ia.RepeatVisits) || ia.ParticipationFactor <= 0 {
			return fmt.Errorf("ai: planner data: industry %s out of range", code)
		}
		if ia.SpendFactor == 0 {
			ia.SpendFactor = 1
		}
		if ia.Conversion == 0 {
			ia.Conversion = 1
		}
		if !(ia.Margin > 0 && ia.Margin <= 1) || ia.People == "" || ia.Pairing == "" || ia.Verb == "" {
			return fmt.Errorf("ai: planner data: industry %s: margin, people or pairing missing", code)
		}
		if ia.SpendFactor < 0 || ia.Conversion < 0 || ia.Conversion > 1 {
			return fmt.Errorf("ai: planner data: industry %s: spendFactor or conversion out of range", code)
		}
	}
	for _, m := range messages.Mechanics {
		ma := a.Mechanics[m]
		if ma == nil || !okSpan(ma.ParticipationRate) || !okSpan(ma.VisitRate) || !okSpan(ma.ExtraVisits) ||
			!okSpan(ma.CompletionRate) || ma.Days < ma.MinDays || ma.MinDays < 1 || ma.Incremental <= 0 || ma.Incremental > 1 {
			return fmt.Errorf("ai: planner data: mechanic %s missing or out of range", m)
		}
		for _, ch := range ma.Channels {
			if a.Channels[ch] == nil {
				return fmt.Errorf("ai: planner data: mechanic %s: unknown channel %s", m, ch)
			}
		}
	}
	if a.InStoreFactor < 1 {
		return fmt.Errorf("ai: planner data: inStoreFactor must be at least 1")
	}
	for _, p := range messages.Purposes {
		if pa := a.Purposes[p]; pa == nil || !okSpan(pa.NewShare) || pa.NewShare.hi() > 1 {
			return fmt.Errorf("ai: planner data: purpose %s missing or out of range", p)
		}
	}
	for _, r := range kb.regionList {
		for _, ch := range r.Channels {
			if a.Channels[ch] == nil {
				return fmt.Errorf("ai: planner data: region %s: unknown channel %s", r.Code, ch)
			}
		}
	}
	for code, ch := range a.Channels {
		if !okSpan(ch.Reach) || ch.Cost < 0 || ch.Engagement <= 0 || ch.Engagement > 1 {
			return fmt.Errorf("ai: planner data: channel %s out of range", code)
		}
	}
	for _, ch := range []string{messages.ChannelStorePoster, messages.ChannelGenieTV} {
		if a.Channels[ch] == nil {
			return fmt.Errorf("ai: planner data: channel %s missing", ch)
		}
	}
	return nil
}

// ChannelName returns the Korean display name of a channel code.
func (p *Planner) ChannelName(code string) string {
	if c := p.a.Channels[code]; c != nil {
		return c.Name
	}
	return code
}

// Plan returns the trend analysis and three options for the request. The
// same request always gives the same plan; another Variant (a
// regeneration) gives other ideas than the variant before it.
func (p *Planner) Plan(req Request) (TrendAnalysis, []Option) {
	c := p.kb.context(req)
	ia := p.a.Industries[c.industry.Code]
	ow := parseOwner(req.PurposeText)
	ideas := p.chooseIdeas(req, ia, ow)
	themed := false
	opts := make([]Option, len(ideas))
	for i, d := range ideas {
		// Only one title may lead with the season's theme.
		lead := d.themed && !themed
		themed = themed || lead
		opts[i] = p.option(i+1, d, req, c, ia, ow, lead)
	}
	return c.analysis, opts
}

func (p *Planner) insight(req Request, m messages.Mechanic) (MechanicInsight, bool) {
	if req.Insights == nil {
		return MechanicInsight{}, false
	}
	in, ok := req.Insights.Mechanics[m]
	return in, ok && in.Samples > 0
}

// estimate is the quantitative model of one option in both scenarios. Only
// the participation rate varies between the low and the high scenario;
// every other assumption is a single stated figure, so the ranges stay
// tight enough to decide with.
type estimate struct {
	channels  []string
	chReach   map[string]float64 // effective reach per channel
	days      int
	reach     float64 // effective reach: people exposed × channel engagement
	partRate  span
	entries   span
	count     int // couponCount: coupons, winners or places
	capped    bool
	claimed   span // coupons used, places taken, benefits handed over
	visitRate float64
	visits    span
	newShare  float64
	repeat    float64
	newCust   span
	goal      span
	unit      int64 // benefit cost per unit to the owner, KRW
	rate      float64
	benefit   span
	revenue   span
	profit    span
	breakdown map[string]int64
	costMin   int64
	costMax   int64
	revMin    int64
	revMax    int64
	profMin   int64
	profMax   int64
	budget    string
}

func (p *Planner) estimate(d *idea, req Request, c *planContext, ia *industryAssumption, ow ownerWords, channels []string, days int, countOverride int) estimate {
	ma := p.a.Mechanics[d.mech]
	pa := p.a.Purposes[req.Purpose]
	if pa == nil {
		pa = p.a.Purposes[messages.PurposeOther]
	}
	e := estimate{channels: channels, days: days, chReach: map[string]float64{}}

	geo := 1.0
	if c.region != nil {
		geo = c.region.ReachFactor
	}
	if c.district != nil {
		geo *= c.district.ReachFactor
	}
	dur := math.Min(2, math.Max(0.5, float64(days)/14))
	for _, ch := range channels {
		ca := p.a.Channels[ch]
		r := math.Sqrt(ca.Reach.lo()*ca.Reach.hi()) * geo * dur * ca.Engagement
		e.chReach[ch] = r
		e.reach += r
	}

	pf := ia.ParticipationFactor
	if in, ok := p.insight(req, d.mech); ok {
		// Learned success nudges participation by at most ±20 %.
		pf *= math.Min(1.2, math.Max(0.8, 1+(in.SuccessScore-0.5)*0.4))
	}
	if d.inStore {
		pf *= p.a.InStoreFactor
	}
	pr := ma.ParticipationRate
	if d.part == messages.MethodLottery && d.mech != messages.MechanicLottery {
		pr = p.a.Mechanics[messages.MechanicLottery].ParticipationRate
	}
	e.partRate = span{pr.lo() * pf, pr.hi() * pf}
	e.entries = span{math.Max(1, math.Round(e.reach*e.partRate.lo())), math.Max(1, math.Round(e.reach*e.partRate.hi()))}
	mid := math.Sqrt(e.entries.lo() * e.entries.hi())

	ticket := float64(ia.AvgTicket)
	e.rate = ia.DiscountRate
	if d.benefit == benefitDiscount && d.mech == messages.MechanicFirstCome {
		e.rate = ia.FirstComeRate
	}
	if ow.rate > 0 {
		e.rate = ow.rate
	}
	switch {
	case d.part == messages.MethodFirstCome && d.benefit == benefitExperience:
		e.count = niceCount(mid*0.6, 5, min(ia.Capacity, 30))
	case d.part == messages.MethodFirstCome:
		e.count = niceCount(mid, 5, ia.Capacity)
	case d.benefit == benefitPrize:
		e.count = ia.PrizeCount
	case d.benefit == benefitExperience:
		e.count = niceCount(mid*0.2, 5, 20)
	default:
		e.count = niceCount(mid*0.2, 5, ia.Capacity)
	}
	if countOverride > 0 {
		e.count = countOverride
	}
	n := float64(e.count)

	// Visits: coupon holders who use their coupon (a friend offer brings
	// two people); for a lottery, entrants who come in for the store-visit
	// bonus plus the winners collecting their prize.
	e.visitRate = (ma.VisitRate.lo() + ma.VisitRate.hi()) / 2
	if d.part == messages.MethodFirstCome {
		e.capped = true
		part := span{math.Min(e.entries.lo(), n), math.Min(e.entries.hi(), n)}
		e.claimed = span{math.Round(part.lo() * e.visitRate), math.Round(part.hi() * e.visitRate)}
		e.visits = span{e.claimed.lo() * d.people(), e.claimed.hi() * d.people()}
	} else {
		// Entrants who come in (for the store-visit bonus, or, for an
		// in-store draw, once more during the period); an in-store entry
		// itself is a visit that happened anyway.
		lr := p.a.Mechanics[messages.MechanicLottery].VisitRate
		e.visitRate = (lr.lo() + lr.hi()) / 2
		w := math.Min(n, e.entries.lo())
		e.claimed = span{w, math.Min(n, e.entries.hi())}
		e.visits = span{math.Round(e.entries.lo()*e.visitRate) + w, math.Round(e.entries.hi()*e.visitRate) + e.claimed.hi()}
	}

	e.newShare = (pa.NewShare.lo() + pa.NewShare.hi()) / 2
	switch {
	case d.inStore:
		e.newShare = 0.1
	case d.key == "friend":
		e.newShare = math.Max(e.newShare, 0.5)
	}
	// The next month only, at the cautious end of the stated range.
	e.repeat = ia.RepeatVisits.lo()
	e.newCust = span{math.Round(e.visits.lo() * e.newShare * ia.Conversion), math.Round(e.visits.hi() * e.newShare * ia.Conversion)}

	switch req.Purpose {
	case messages.PurposeNewCustomers:
		e.goal = e.newCust
	case messages.PurposeRevisit:
		if d.inStore && d.part == messages.MethodFirstCome {
			// The entry is the first visit; using the coupon is the revisit.
			e.goal = e.claimed
		} else {
			e.goal = span{math.Round(e.visits.lo() * (1 - e.newShare)), math.Round(e.visits.hi() * (1 - e.newShare))}
		}
	case messages.PurposeSales, messages.PurposeNewProduct:
		e.goal = e.visits
	default:
		e.goal = e.entries
	}

	spend := ticket * ia.SpendFactor * d.spendMult(ia)
	inc := d.incremental(p.a)
	// Who comes in only for a draw's store-visit bonus buys nothing at a
	// shop that sells services (a class, a haircut); only winners and
	// converted newcomers count there.
	buying := e.visits
	if d.part == messages.MethodLottery && !ia.Food {
		buying = e.claimed
	}
	e.revenue = span{
		buying.lo()*spend*inc + e.newCust.lo()*ticket*e.repeat,
		buying.hi()*spend*inc + e.newCust.hi()*ticket*e.repeat,
	}
	e.profit = span{e.revenue.lo() * ia.Margin, e.revenue.hi() * ia.Margin}

	switch d.benefit {
	case benefitDiscount:
		e.unit = roundTo(ticket*e.rate, 100)
	case benefitBundle:
		e.unit = roundTo(ticket*d.spendMult(ia)*e.rate, 100)
	case benefitFree:
		e.unit = ia.StampRewardCost
		if !ia.Food {
			e.unit = roundTo(2*ticket*e.rate, 100) // both people get the discount
		}
	case benefitTry:
		e.unit = ceilTo(float64(ia.StampRewardCost)/2, 100) // a tasting portion
	case benefitExperience:
		e.unit = ia.ExperienceCost
		if ia.Food && d.part == messages.MethodLottery {
			e.unit = ia.StampRewardCost
		}
	case benefitPrize:
		e.unit = ia.PrizeCost
	case benefitGift:
		e.unit = ia.GiftCost
	}
	u := float64(e.unit)
	e.benefit = span{e.claimed.lo() * u, e.claimed.hi() * u}
	if d.part == messages.MethodLottery {
		e.benefit = span{n * u, n * u} // every prize is handed over
	}

	// Breakdown itemises the high scenario, each item rounded up to 1,000 won.
	e.breakdown = map[string]int64{"매장 QR 포스터 인쇄": ceilTo(float64(p.a.PosterCost), 1000)}
	for _, ch := range channels {
		if ca := p.a.Channels[ch]; ca.Cost > 0 {
			e.breakdown[ca.Name+" 광고·제작"] = ceilTo(float64(ca.Cost), 1000)
		}
	}
	benefitHi := ceilTo(e.benefit.hi(), 1000)
	if benefitHi > 0 {
		e.breakdown[p.benefitLabel(d, e, ia)] = benefitHi
	}
	for _, v := range e.breakdown {
		e.costMax += v
	}
	e.costMin = min(e.costMax, ceilTo(float64(e.costMax-benefitHi)+e.benefit.lo(), 1000))
	e.revMin, e.revMax = roundTo(e.revenue.lo(), 1000), roundTo(e.revenue.hi(), 1000)
	e.profMin, e.profMax = roundTo(e.profit.lo(), 1000), roundTo(e.profit.hi(), 1000)
	return e
}

func (p *Planner) benefitLabel(d *idea, e estimate, ia *industryAssumption) string {
	what := map[benefitKind]string{
		benefitDiscount: "할인 금액", benefitBundle: "세트 할인 금액", benefitFree: "1+1 제공 원가",
		benefitTry: "맛보기 원가", benefitExperience: "체험 재료비", benefitPrize: "경품 원가", benefitGift: "선물 원가",
	}[d.benefit]
	if d.benefit == benefitFree && !ia.Food {
		what = "동반 할인 금액" // services give both people a discount instead
	}
	if d.part == messages.MethodLottery {
		return fmt.Sprintf("%s (%d명 × %s원)", what, e.count, won(e.unit))
	}
	return fmt.Sprintf("%s (최대 %d건 × %s원)", what, e.count, won(e.unit))
}

// fit estimates the option and, when the owner gave a budget, drops paid
// channels (dearest first) and then shrinks the count until it fits.
func (p *Planner) fit(d *idea, req Request, c *planContext, ia *industryAssumption, ow ownerWords, channels []string, days int) estimate {
	e := p.estimate(d, req, c, ia, ow, channels, days, 0)
	if req.BudgetHint <= 0 || e.costMax <= req.BudgetHint {
		return e
	}
	chs := slices.Clone(channels)
	for e.costMax > req.BudgetHint {
		dearest, at := int64(0), -1
		for i, ch := range chs {
			if cost := p.a.Channels[ch].Cost; cost > dearest {
				dearest, at = cost, i
			}
		}
		if at < 0 {
			break
		}
		chs = slices.Delete(chs, at, at+1)
		e = p.estimate(d, req, c, ia, ow, chs, days, 0)
	}
	for i := 0; i < 8 && e.costMax > req.BudgetHint && e.count > 1; i++ {
		ratio := float64(req.BudgetHint) / float64(e.costMax)
		next := niceFloor(float64(e.count) * ratio * 0.95)
		if next >= e.count {
			next = e.count - 1
		}
		e = p.estimate(d, req, c, ia, ow, chs, days, max(1, next))
	}
	if e.costMax > req.BudgetHint {
		e.budget = fmt.Sprintf("최소 구성으로도 예산 %s원을 넘을 수 있습니다.", won(req.BudgetHint))
	} else {
		e.budget = fmt.Sprintf("예산 %s원에 맞춰 채널과 수량을 조정했습니다.", won(req.BudgetHint))
	}
	return e
}

// channelsFor picks the poster, the mechanic's channels, the region's
// preferred channels and, for awareness lotteries, wide-reach TV.
func (p *Planner) channelsFor(d *idea, req Request, c *planContext) []string {
	chs := []string{messages.ChannelStorePoster}
	if d.inStore {
		// People already in or near the shop: the poster and the shop's own channel.
		return append(chs, messages.ChannelKakaoChannel)
	}
	add := func(list ...string) {
		for _, ch := range list {
			if !slices.Contains(chs, ch) && len(chs) < 5 {
				chs = append(chs, ch)
			}
		}
	}
	add(p.a.Mechanics[d.mech].Channels...)
	if req.Purpose == messages.PurposeAwareness && d.mech == messages.MechanicLottery {
		add(messages.ChannelGenieTV)
	}
	if c.region != nil {
		add(c.region.Channels...)
	}
	return chs
}

// duration aligns the event with the top seasonal moment when it is close
// enough, otherwise uses the mechanic's usual length; it starts after a few
// days of preparation.
func (p *Planner) duration(d *idea, c *planContext) (days int, start, end time.Time) {
	ma := p.a.Mechanics[d.mech]
	start = c.ref.AddDate(0, 0, p.a.LeadDays)
	days = ma.Days
	if h := c.top(); h != nil && h.relevance >= 0.4 && h.start.After(start) {
		d := int(math.Round(days64(start, h.end))) + 1
		if d >= ma.MinDays && d <= ma.Days*2 {
			days = d
		}
	}
	if days < ma.MinDays {
		days = ma.MinDays
	}
	end = start.AddDate(0, 0, days-1)
	return days, start, end
}

func days64(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 }

// periodText says a number of days the way owners do, never as a bare
// "N일" (pages show the day count beside it: "19일 (19일)").
func periodText(days int) string {
	switch {
	case days%7 == 0 && days <= 21:
		return fmt.Sprintf("%d주", days/7)
	case days >= 28 && days <= 31:
		return "한 달"
	}
	if s, ok := map[int]string{1: "하루", 2: "이틀", 3: "사흘", 4: "나흘", 5: "닷새", 6: "엿새", 10: "열흘", 15: "보름"}[days]; ok {
		return s
	}
	if days < 28 {
		return fmt.Sprintf("약 %d주", int(math.Round(float64(days)/7)))
	}
	return fmt.Sprintf("약 %d개월", max(1, int(math.Round(float64(days)/30))))
}

// niceCount rounds a count to 5s (to 10s from 50) within [lo, hi].
func niceCount(v float64, lo, hi int) int {
	step := 5.0
	if v >= 50 {
		step = 10
	}
	n := int(math.Round(v/step) * step)
	return max(lo, min(hi, n))
}

// niceFloor rounds a count down to 10s from 50 and 5s from 10.
func niceFloor(v float64) int {
	switch {
	case v >= 50:
		return int(v/10) * 10
	case v >= 10:
		return int(v/5) * 5
	}
	return int(v)
}

func roundTo(v float64, unit float64) int64 { return int64(math.Round(v/unit) * unit) }
func ceilTo(v float64, unit float64) int64  { return int64(math.Ceil(v/unit) * unit) }

func hash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// won formats KRW with thousands separators: 1234567 → "1,234,567".
func won(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprint(v)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
