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
	LeadDays   int                                       `json:"leadDays"`
	PosterCost int64                                     `json:"posterCost"`
	Industries map[string]*industryAssumption            `json:"industries"`
	Mechanics  map[messages.Mechanic]*mechanicAssumption `json:"mechanics"`
	Purposes   map[messages.Purpose]*purposeAssumption   `json:"purposes"`
	Channels   map[string]*channelAssumption             `json:"channels"`
}

type industryAssumption struct {
	AvgTicket           int64                         `json:"avgTicket"`
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
// same request always gives the same plan.
func (p *Planner) Plan(req Request) (TrendAnalysis, []Option) {
	c := p.kb.context(req)
	ia := p.a.Industries[c.industry.Code]
	slots := p.chooseSlots(req, ia)
	opts := make([]Option, len(slots))
	for i, s := range slots {
		opts[i] = p.option(i+1, s, req, c, ia)
	}
	return c.analysis, opts
}

// slot is a chosen mechanic and its participation method.
type slot struct {
	mech messages.Mechanic
	part messages.Method
}

// slotGroups are the three archetypes: an immediate benefit (coupon or
// discount), a lottery or gift, and a habit or experience builder. One
// mechanic is picked from each, so the three options always differ.
var slotGroups = [3][2]messages.Mechanic{
	{messages.MechanicFirstCome, messages.MechanicDiscount},
	{messages.MechanicLottery, messages.MechanicGift},
	{messages.MechanicStamp, messages.MechanicExperience},
}

func (p *Planner) chooseSlots(req Request, ia *industryAssumption) [3]slot {
	pa := p.a.Purposes[req.Purpose]
	if pa == nil {
		pa = p.a.Purposes[messages.PurposeOther]
	}
	score := func(m messages.Mechanic) float64 {
		s := pa.Weights[m] + ia.Affinity[m]
		if in, ok := p.insight(req, m); ok {
			s += (in.SuccessScore - 0.5) * 0.8
		}
		if req.Variant > 0 {
			// An explicit regeneration may swap a mechanic for its sibling.
			s += float64(hash(req.StoreName, fmt.Sprint(req.Variant), string(m))%60) / 100
		}
		return s
	}
	var out [3]slot
	for i, g := range slotGroups {
		m := g[0]
		if score(g[1]) > score(g[0]) {
			m = g[1]
		}
		out[i].mech = m
	}
	out[0].part = messages.MethodFirstCome
	switch out[1].mech {
	case messages.MechanicLottery:
		out[1].part = messages.MethodLottery
	default:
		out[1].part = messages.MethodFirstCome
	}
	switch out[2].mech {
	case messages.MechanicExperience:
		// 체험단 추첨 suits awareness and launches; otherwise first come.
		out[2].part = messages.MethodFirstCome
		if req.Purpose == messages.PurposeAwareness || req.Purpose == messages.PurposeNewProduct || out[1].mech == messages.MechanicGift {
			out[2].part = messages.MethodLottery
		}
	default:
		out[2].part = messages.MethodFirstCome
	}
	// Offer both participation methods: a gift becomes a purchase lottery
	// when no other option is drawn by lot.
	if out[1].part != messages.MethodLottery && out[2].part != messages.MethodLottery {
		out[1].part = messages.MethodLottery
	}
	return out
}

func (p *Planner) insight(req Request, m messages.Mechanic) (MechanicInsight, bool) {
	if req.Insights == nil {
		return MechanicInsight{}, false
	}
	in, ok := req.Insights.Mechanics[m]
	return in, ok && in.Samples > 0
}

// estimate is the quantitative model of one option in both scenarios.
type estimate struct {
	channels       []string
	days           int
	reach          span // people exposed
	effReach       span // reach × channel engagement
	partRate       span
	participants   span // after the coupon cap
	visitors       span
	newCustomers   span
	count          int // couponCount: coupons, winners, rewards or places
	unitBenefit    int64
	benefit        span
	fixed          int64
	revenue        span
	breakdown      map[string]int64
	costMin        int64
	costMax        int64
	revMin, revMax int64
	budgetNote     string
}

func (p *Planner) estimate(s slot, req Request, c *planContext, ia *industryAssumption, channels []string, days int, countOverride int) estimate {
	ma := p.a.Mechanics[s.mech]
	pa := p.a.Purposes[req.Purpose]
	if pa == nil {
		pa = p.a.Purposes[messages.PurposeOther]
	}
	e := estimate{channels: channels, days: days}

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
		e.reach[0] += ca.Reach.lo() * geo * dur
		e.reach[1] += ca.Reach.hi() * geo * dur
		e.effReach[0] += ca.Reach.lo() * geo * dur * ca.Engagement
		e.effReach[1] += ca.Reach.hi() * geo * dur * ca.Engagement
		e.fixed += ca.Cost
	}
	e.fixed += p.a.PosterCost

	pf := ia.ParticipationFactor
	if in, ok := p.insight(req, s.mech); ok {
		// Learned success nudges participation by at most ±20 %.
		pf *= math.Min(1.2, math.Max(0.8, 1+(in.SuccessScore-0.5)*0.4))
	}
	e.partRate = span{ma.ParticipationRate.lo() * pf, ma.ParticipationRate.hi() * pf}
	entrants := span{math.Round(e.effReach.lo() * e.partRate.lo()), math.Round(e.effReach.hi() * e.partRate.hi())}
	mid := math.Sqrt(math.Max(1, entrants.lo()) * math.Max(1, entrants.hi()))

	ticket := float64(ia.AvgTicket)
	switch s.mech {
	case messages.MechanicFirstCome:
		e.count = niceCount(mid, 5, ia.Capacity)
		e.unitBenefit = roundTo(ticket*ia.FirstComeRate, 100)
	case messages.MechanicDiscount:
		e.count = niceCount(mid, 5, ia.Capacity)
		e.unitBenefit = roundTo(ticket*ia.DiscountRate, 100)
	case messages.MechanicLottery:
		e.count = ia.PrizeCount
		e.unitBenefit = ia.PrizeCost
	case messages.MechanicGift:
		if s.part == messages.MethodLottery {
			e.count = niceCount(mid*0.25, 5, ia.Capacity)
		} else {
			e.count = niceCount(mid, 5, ia.Capacity)
		}
		e.unitBenefit = ia.GiftCost
	case messages.MechanicStamp:
		e.count = niceCount(entrants.hi()*ma.CompletionRate.hi(), 5, ia.Capacity)
		e.unitBenefit = ia.StampRewardCost
	case messages.MechanicExperience:
		e.count = niceCount(mid*0.6, 5, min(ia.Capacity, 30))
		e.unitBenefit = ia.ExperienceCost
	}
	if countOverride > 0 {
		e.count = countOverride
	}

	// Who gets the benefit: first-come mechanics are capped by the count.
	e.participants = entrants
	capped := s.mech == messages.MechanicFirstCome || s.mech == messages.MechanicDiscount || s.mech == messages.MechanicExperience ||
		(s.mech == messages.MechanicGift && s.part == messages.MethodFirstCome)
	if capped {
		n := float64(e.count)
		e.participants = span{math.Min(entrants.lo(), n), math.Min(entrants.hi(), n)}
	}
	e.visitors = span{math.Round(e.participants.lo() * ma.VisitRate.lo()), math.Round(e.participants.hi() * ma.VisitRate.hi())}
	e.newCustomers = span{
		math.Round(e.visitors.lo() * pa.NewShare.lo() * ia.Conversion),
		math.Round(e.visitors.hi() * pa.NewShare.hi() * ia.Conversion),
	}

	unit := float64(e.unitBenefit)
	switch s.mech {
	case messages.MechanicLottery:
		e.benefit = span{float64(e.count) * unit, float64(e.count) * unit}
	case messages.MechanicGift:
		if s.part == messages.MethodLottery {
			e.benefit = span{float64(e.count) * unit, float64(e.count) * unit}
		} else {
			e.benefit = span{e.visitors.lo() * unit, e.visitors.hi() * unit}
		}
	case messages.MechanicStamp:
		done := span{
			math.Min(float64(e.count), math.Round(e.visitors.lo()*ma.CompletionRate.lo())),
			math.Min(float64(e.count), math.Round(e.visitors.hi()*ma.CompletionRate.hi())),
		}
		e.benefit = span{done.lo() * unit, done.hi() * unit}
	default:
		e.benefit = span{e.visitors.lo() * unit, e.visitors.hi() * unit}
	}

	spend := ticket * ia.SpendFactor
	e.revenue = span{
		e.visitors.lo()*spend*(1+ma.ExtraVisits.lo())*ma.Incremental + e.newCustomers.lo()*ticket*ia.RepeatVisits.lo(),
		e.visitors.hi()*spend*(1+ma.ExtraVisits.hi())*ma.Incremental + e.newCustomers.hi()*ticket*ia.RepeatVisits.hi(),
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
		e.breakdown[p.benefitLabel(s, e, ia)] = benefitHi
	}
	for _, v := range e.breakdown {
		e.costMax += v
	}
	e.costMin = ceilTo(float64(e.costMax-benefitHi)+e.benefit.lo(), 1000)
	if e.costMin > e.costMax {
		e.costMin = e.costMax
	}
	e.revMin = roundTo(e.revenue.lo(), 1000)
	e.revMax = roundTo(e.revenue.hi(), 1000)
	return e
}

func (p *Planner) benefitLabel(s slot, e estimate, ia *industryAssumption) string {
	switch s.mech {
	case messages.MechanicFirstCome:
		return fmt.Sprintf("선착순 할인 쿠폰 (최대 %d장 × %s원)", e.count, won(e.unitBenefit))
	case messages.MechanicDiscount:
		return fmt.Sprintf("할인 금액 (최대 %d건 × %s원)", e.count, won(e.unitBenefit))
	case messages.MechanicLottery:
		return fmt.Sprintf("경품: %s %d개 (원가 %s원)", ia.Prize, e.count, won(e.unitBenefit))
	case messages.MechanicGift:
		return fmt.Sprintf("사은품: %s (개당 원가 %s원)", ia.Gift, won(e.unitBenefit))
	case messages.MechanicStamp:
		return fmt.Sprintf("스탬프 보상: %s (최대 %d건 × 원가 %s원)", ia.StampReward, e.count, won(e.unitBenefit))
	default:
		return fmt.Sprintf("체험 재료비 (최대 %d명 × %s원)", e.count, won(e.unitBenefit))
	}
}

// fit estimates the option and, when the owner gave a budget, drops paid
// channels (dearest first) and then shrinks the count until it fits.
func (p *Planner) fit(s slot, req Request, c *planContext, ia *industryAssumption, channels []string, days int) estimate {
	e := p.estimate(s, req, c, ia, channels, days, 0)
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
		e = p.estimate(s, req, c, ia, chs, days, 0)
	}
	for i := 0; i < 8 && e.costMax > req.BudgetHint && e.count > 1; i++ {
		ratio := float64(req.BudgetHint) / float64(e.costMax)
		next := niceFloor(float64(e.count) * ratio * 0.95)
		if next >= e.count {
			next = e.count - 1
		}
		e = p.estimate(s, req, c, ia, chs, days, max(1, next))
	}
	if e.costMax > req.BudgetHint {
		e.budgetNote = fmt.Sprintf("최소 구성으로도 예산 %s원을 넘을 수 있습니다.", won(req.BudgetHint))
	} else {
		e.budgetNote = fmt.Sprintf("예산 %s원에 맞춰 채널과 수량을 조정했습니다.", won(req.BudgetHint))
	}
	return e
}

// channelsFor picks the poster, the mechanic's channels, the region's
// preferred channels and, for awareness lotteries, wide-reach TV.
func (p *Planner) channelsFor(s slot, req Request, c *planContext) []string {
	chs := []string{messages.ChannelStorePoster}
	add := func(list ...string) {
		for _, ch := range list {
			if !slices.Contains(chs, ch) && len(chs) < 5 {
				chs = append(chs, ch)
			}
		}
	}
	add(p.a.Mechanics[s.mech].Channels...)
	if req.Purpose == messages.PurposeAwareness && s.mech == messages.MechanicLottery {
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
func (p *Planner) duration(s slot, c *planContext) (days int, start, end time.Time) {
	ma := p.a.Mechanics[s.mech]
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

// periodText says a number of days the way owners do.
func periodText(days int) string {
	switch {
	case days%7 == 0 && days <= 21:
		return fmt.Sprintf("%d주", days/7)
	case days >= 28 && days <= 31:
		return "한 달"
	}
	return fmt.Sprintf("%d일", days)
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
