package ai

import (
	"fmt"
	"math"
	"slices"

	"github.com/autoevent/autoevent/internal/messages"
)

// benefitKind is what the customer gets; the three options of a plan give
// three different kinds, so they differ in idea and not only in wording.
type benefitKind string

const (
	benefitDiscount   benefitKind = "discount"   // a percentage off
	benefitBundle     benefitKind = "bundle"     // money off a set
	benefitFree       benefitKind = "free"       // 1+1 for a friend
	benefitTry        benefitKind = "try"        // a free tasting
	benefitExperience benefitKind = "experience" // a class, a trial, a review panel
	benefitPrize      benefitKind = "prize"      // a drawn prize
	benefitGift       benefitKind = "gift"       // a small present
)

// idea is one event the product can actually run: every customer enters
// once per phone, and then either gets a first-come coupon to show at the
// counter or takes part in a draw after the period (an in-store QR entry
// weighs more). A stamp card (several visits per phone) cannot be run, so
// no idea uses MechanicStamp.
type idea struct {
	key     string // stable name, also the regeneration's memory
	hook    string // the idea in a few words (for owners and tests)
	mech    messages.Mechanic
	part    messages.Method
	benefit benefitKind
	// inStore ideas are entered through the in-store QR by people already
	// in the shop (no paid reach; the coupon or prize brings them back).
	inStore bool
	// foodOnly ideas need something to taste.
	foodOnly bool
	// themed ideas may lead their title with the season's theme.
	themed bool
	fit    map[messages.Purpose]float64
	// extraTraits match what the owner asked for (see ownerTraits).
	extraTraits []string
}

// people is how many customers one coupon brings.
func (d *idea) people() float64 {
	if d.key == "friend" {
		return 2
	}
	return 1
}

// spendMult is what one event visitor pays relative to the average ticket:
// more for a set, half for a 1+1 pair (one pays, the free item is a cost)
// and for a tasting (not every taster buys).
func (d *idea) spendMult(ia *industryAssumption) float64 {
	switch {
	case d.benefit == benefitBundle:
		return 1.5
	case d.benefit == benefitFree && ia.Food, d.benefit == benefitTry:
		return 0.5
	}
	return 1
}

// incremental is the share of event visits that would not have happened
// without the event: the mechanic's figure (a draw's for draws), raised
// for offers that fill quiet hours.
func (d *idea) incremental(a assumptions) float64 {
	m := d.mech
	if d.part == messages.MethodLottery {
		m = messages.MechanicLottery
	}
	inc := a.Mechanics[m].Incremental
	if d.key == "weekday" {
		inc *= 1.2
	}
	return math.Min(1, inc)
}

type fits = map[messages.Purpose]float64

const (
	pNew   = messages.PurposeNewCustomers
	pRev   = messages.PurposeRevisit
	pSales = messages.PurposeSales
	pAware = messages.PurposeAwareness
	pProd  = messages.PurposeNewProduct
	pOther = messages.PurposeOther
)

// ideas is the catalogue, in no particular order; fit is how well each
// idea serves each purpose (0–1).
var ideas = []*idea{
	{key: "first-visit", hook: "첫 방문 할인", mech: messages.MechanicFirstCome, part: messages.MethodFirstCome, benefit: benefitDiscount,
		fit: fits{pNew: 1.0, pAware: 0.6, pProd: 0.6, pSales: 0.4, pRev: 0.1, pOther: 0.6}},
	{key: "friend", hook: "친구 동반 1+1", mech: messages.MechanicFirstCome, part: messages.MethodFirstCome, benefit: benefitFree,
		fit: fits{pNew: 0.9, pAware: 0.8, pSales: 0.7, pProd: 0.6, pRev: 0.3, pOther: 0.6}, extraTraits: []string{"friend"}},
	{key: "next-visit", hook: "다음 방문 쿠폰", mech: messages.MechanicDiscount, part: messages.MethodFirstCome, benefit: benefitDiscount, inStore: true,
		fit: fits{pRev: 1.0, pSales: 0.5, pProd: 0.4, pOther: 0.5, pNew: 0.15, pAware: 0.1}, extraTraits: []string{"regular"}},
	{key: "bundle", hook: "세트 할인", mech: messages.MechanicDiscount, part: messages.MethodFirstCome, benefit: benefitBundle,
		fit: fits{pSales: 1.0, pProd: 0.8, pRev: 0.4, pNew: 0.3, pAware: 0.3, pOther: 0.5}, extraTraits: []string{"bundle"}},
	{key: "tasting", hook: "무료 맛보기", mech: messages.MechanicExperience, part: messages.MethodFirstCome, benefit: benefitTry, foodOnly: true,
		fit: fits{pProd: 1.0, pNew: 0.7, pAware: 0.7, pSales: 0.3, pRev: 0.3, pOther: 0.5}},
	{key: "review-panel", hook: "체험단 추첨", mech: messages.MechanicExperience, part: messages.MethodLottery, benefit: benefitExperience,
		fit: fits{pAware: 1.0, pProd: 0.9, pNew: 0.6, pOther: 0.5, pSales: 0.2, pRev: 0.1}},
	{key: "prize-draw", hook: "경품 추첨", mech: messages.MechanicLottery, part: messages.MethodLottery, benefit: benefitPrize, themed: true,
		fit: fits{pAware: 0.9, pNew: 0.7, pProd: 0.6, pOther: 0.7, pSales: 0.4, pRev: 0.4}},
	{key: "regulars-draw", hook: "단골 감사 추첨", mech: messages.MechanicLottery, part: messages.MethodLottery, benefit: benefitPrize, inStore: true,
		fit: fits{pRev: 0.9, pSales: 0.6, pOther: 0.5, pProd: 0.3, pNew: 0.2, pAware: 0.2}, extraTraits: []string{"regular"}},
	{key: "purchase-gift", hook: "구매 사은품", mech: messages.MechanicGift, part: messages.MethodFirstCome, benefit: benefitGift,
		fit: fits{pSales: 0.9, pProd: 0.8, pRev: 0.5, pNew: 0.5, pAware: 0.4, pOther: 0.6}},
	{key: "purchase-draw", hook: "구매 인증 추첨", mech: messages.MechanicGift, part: messages.MethodLottery, benefit: benefitGift, inStore: true,
		fit: fits{pSales: 0.7, pRev: 0.6, pOther: 0.5, pProd: 0.5, pNew: 0.3, pAware: 0.3}},
	{key: "class", hook: "무료 체험 초대", mech: messages.MechanicExperience, part: messages.MethodFirstCome, benefit: benefitExperience,
		fit: fits{pAware: 0.6, pNew: 0.6, pRev: 0.5, pProd: 0.5, pOther: 0.5, pSales: 0.3}},
	{key: "seasonal", hook: "시즌 한정 할인", mech: messages.MechanicDiscount, part: messages.MethodFirstCome, benefit: benefitDiscount, themed: true,
		fit: fits{pSales: 0.8, pRev: 0.6, pProd: 0.6, pNew: 0.5, pAware: 0.5, pOther: 0.6}},
	{key: "weekday", hook: "한가한 시간 할인", mech: messages.MechanicDiscount, part: messages.MethodFirstCome, benefit: benefitDiscount,
		fit: fits{pSales: 0.7, pRev: 0.6, pNew: 0.4, pOther: 0.5, pProd: 0.3, pAware: 0.3}, extraTraits: []string{"discount"}},
}

// chooseIdeas picks the three ideas of the request. Variant 0 is the best
// fit; each later variant (a regeneration) leaves out the ideas of the
// variant before it, so the owner who asked again sees new ideas, and the
// same Variant always gives the same ideas.
func (p *Planner) chooseIdeas(req Request, ia *industryAssumption, ow ownerWords) [3]*idea {
	var chosen [3]*idea
	var prev []*idea
	for v := 0; v <= req.Variant; v++ {
		chosen = p.pickIdeas(req, ia, ow, v, prev)
		prev = chosen[:]
	}
	return chosen
}

func (p *Planner) pickIdeas(req Request, ia *industryAssumption, ow ownerWords, variant int, prev []*idea) [3]*idea {
	purpose := req.Purpose
	if !purpose.Valid() {
		purpose = messages.PurposeOther
	}
	var cands []*idea
	score := map[*idea]float64{}
	for _, d := range ideas {
		if d.foodOnly && !ia.Food {
			continue
		}
		s := d.fit[purpose] + 0.3*ia.Affinity[d.mech]
		if in, ok := p.insight(req, d.mech); ok {
			s += (in.SuccessScore - 0.5) * 1.2
		}
		boost := 0.0
		for _, t := range d.traits() {
			boost += ow.want[t]
		}
		s += min(boost, 0.9)
		if variant > 0 {
			s += float64(hash(req.EventID, req.StoreName, fmt.Sprint(variant), d.key)%50) / 100
		}
		if slices.Contains(prev, d) {
			s -= 5 // the owner has just seen it
		}
		score[d] = s
		cands = append(cands, d)
	}
	// The best triple: three mechanics, three kinds of benefit, at least
	// one draw and one first-come offer (both participation methods).
	var best [3]*idea
	bestScore := -1e9
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				a, b, c := cands[i], cands[j], cands[k]
				if a.mech == b.mech || a.mech == c.mech || b.mech == c.mech ||
					a.benefit == b.benefit || a.benefit == c.benefit || b.benefit == c.benefit {
					continue
				}
				lot, inStoreLot := 0, 0
				for _, d := range []*idea{a, b, c} {
					if d.part == messages.MethodLottery {
						lot++
						if d.inStore {
							inStoreLot++
						}
					}
				}
				if lot == 0 || lot == 3 || inStoreLot > 1 {
					continue
				}
				if s := score[a] + score[b] + score[c]; s > bestScore+1e-9 {
					best, bestScore = [3]*idea{a, b, c}, s
				}
			}
		}
	}
	// Order: the strongest first-come offer, then the draw, then the other.
	out := best[:]
	slices.SortStableFunc(out, func(x, y *idea) int {
		switch {
		case score[x] > score[y]:
			return -1
		case score[x] < score[y]:
			return 1
		}
		return 0
	})
	if out[0].part == messages.MethodLottery {
		for i := 1; i < 3; i++ {
			if out[i].part == messages.MethodFirstCome {
				out[0], out[i] = out[i], out[0]
				break
			}
		}
	}
	if out[1].part != messages.MethodLottery && out[2].part == messages.MethodLottery {
		out[1], out[2] = out[2], out[1]
	}
	return best
}
