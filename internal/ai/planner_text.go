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
// from the idea's templates below.
func (p *Planner) option(n int, d *idea, req Request, c *planContext, ia *industryAssumption, ow ownerWords, themeLead bool) Option {
	days, start, end := p.duration(d, c)
	e := p.fit(d, req, c, ia, ow, p.channelsFor(d, req, c), days)
	names := make([]string, len(e.channels))
	for i, ch := range e.channels {
		names[i] = p.ChannelName(ch)
	}
	w := words{
		store:     strings.TrimSpace(req.StoreName),
		theme:     themeOf(c),
		themeLead: themeLead && hasMoment(c),
		place:     placeOf(req, c),
		item:      featured(req, ia, ow),
		owner:     ow.product != "",
		purpose:   req.Purpose,
		count:     e.count,
		pct:       pctOf(e.rate),
		unit:      won(e.unit),
		dates:     fmt.Sprintf("%d월 %d일~%d월 %d일", start.Month(), start.Day(), end.Month(), end.Day()),
		endDate:   fmt.Sprintf("%d월 %d일", end.Month(), end.Day()),
		ia:        ia,
	}
	if w.store == "" {
		w.store = "우리 가게"
	}
	t := ideaTexts(d, w)
	assume := p.assumptionLines(d, req, c, ia, e, w)

	o := Option{
		OptionNumber:   n,
		Concept:        t.concept,
		Title:          t.title,
		Benefit:        t.benefit,
		Description:    p.description(d, req, c, e, names, w, assume),
		TargetAudience: audienceOf(req, c, ia, w),
		Duration: Duration{
			RecommendedDays:   days,
			RecommendedPeriod: periodText(days),
			StartDate:         start.Format(time.DateOnly),
			EndDate:           end.Format(time.DateOnly),
		},
		Mechanics:         Mechanics{Type: d.mech, Details: t.details},
		PromotionChannels: names,
		EstimatedCost:     EstimatedCost{Min: e.costMin, Max: e.costMax, Breakdown: e.breakdown},
		ExpectedMetrics: ExpectedMetrics{
			NewCustomers:    IntRange{Min: int64(e.newCust.lo()), Max: int64(e.newCust.hi())},
			RevenueIncrease: IntRange{Min: e.revMin, Max: e.revMax},
			ProfitIncrease:  IntRange{Min: e.profMin, Max: e.profMax},
			Goal:            goalOf(req.Purpose, w, e),
		},
		Assumptions:         assume,
		Differentiator:      t.differentiator + insightNote(p, req, d.mech),
		ParticipationMethod: ParticipationMethod{Type: d.part, CouponCount: e.count},
		Copy:                Copy{Headline: t.headline, Body: t.body, Hashtags: hashtags(w, c, t.tags)},
	}
	o.RecomputeROI()
	if r := o.ExpectedMetrics.ROI; r.Min < 0 {
		// Say it is a loss, in the text owners read first.
		o.Differentiator += " " + lossNote(e, r)
	}
	return o
}

// featured is what the plan promotes: the owner's own product when the
// text names one, otherwise what suits the purpose.
func featured(req Request, ia *industryAssumption, ow ownerWords) string {
	if ow.product != "" {
		return ow.product
	}
	switch req.Purpose {
	case messages.PurposeNewProduct:
		return ia.NewItem
	case messages.PurposeSales:
		return ia.Signature
	}
	return ia.Product
}

// words are the pieces the templates are filled with.
type words struct {
	store, theme, place string
	themeLead           bool // this option's title may lead with the theme
	item                string
	owner               bool // item is the owner's own product
	purpose             messages.Purpose
	count, pct          int
	unit                string // benefit per unit, formatted
	dates, endDate      string
	ia                  *industryAssumption
}

type texts struct {
	title, concept, details, differentiator string
	headline, body, benefit                 string
	tags                                    []string
}

// obj attaches 을/를 to a word.
func obj(w string) string { return w + josa(w, "을", "를") }

// and attaches 과/와 to a word.
func and(w string) string { return w + josa(w, "과", "와") }

func ideaTexts(d *idea, w words) texts {
	ia, item, n, pct := w.ia, w.item, w.count, w.pct
	order := ia.Verb
	taste := "시식"
	if strings.Contains(ia.Product, "아메리카노") || strings.HasSuffix(item, "라떼") || strings.HasSuffix(item, "커피") {
		taste = "시음"
	}
	var t texts
	switch d.key {
	case "first-visit":
		t.title = fmt.Sprintf("처음 오시는 분 %s %d%% 할인 · 선착순 %d명", item, pct, n)
		t.concept = fmt.Sprintf("첫 방문 손님에게 %s %d%% 할인 쿠폰을 선착순으로 드려 '언젠가 가 볼 곳'을 '지금 가 볼 곳'으로 바꿉니다.", item, pct)
		t.details = fmt.Sprintf("이벤트 페이지나 매장 QR에서 쿠폰을 받은 선착순 %d명에게 %s %d%% 할인(최대 %s원)을 드려요. 1인 1매, %s까지 매장에서 쿠폰을 보여 주세요.", n, item, pct, w.unit, w.endDate)
		t.differentiator = fmt.Sprintf("쿠폰이 %d장 나가면 자동 마감되어 비용이 정해진 만큼만 들고, 쿠폰 사용으로 실제 방문을 셀 수 있습니다.", n)
		t.headline = fmt.Sprintf("처음이라면 %s %d%% 할인", item, pct)
		t.body = fmt.Sprintf("%s에 처음 오시나요? %s 선착순 %d명에게 %s %d%% 할인 쿠폰을 드려요. 쿠폰이 모두 나가면 마감됩니다.", w.store, w.dates, n, item, pct)
		t.benefit = fmt.Sprintf("첫 방문 %s %d%% 할인 쿠폰", item, pct)
		t.tags = []string{"첫방문할인", "선착순쿠폰"}
	case "friend":
		if ia.Food {
			t.title = fmt.Sprintf("친구랑 오면 %s 1+1 · 선착순 %d팀", item, n)
			t.details = fmt.Sprintf("쿠폰을 받은 선착순 %d팀이 두 분 이상 함께 오시면 %s 하나를 더 드려요. 한 팀 한 번, %s까지 쓸 수 있어요.", n, item, w.endDate)
			t.headline = fmt.Sprintf("친구랑 오면 %s 1+1", item)
			t.body = fmt.Sprintf("%s, %s에 친구와 함께 오세요! 선착순 %d팀에게 %s 1+1 쿠폰을 드려요.", w.dates, w.store, n, item)
			t.benefit = item + " 1+1 쿠폰 (2인 방문)"
		} else {
			t.title = fmt.Sprintf("친구와 오면 두 분 모두 %s %d%% 할인", item, pct)
			t.details = fmt.Sprintf("쿠폰을 받은 선착순 %d팀이 두 분 함께 %s하시면 두 분 모두 %s %d%% 할인을 드려요(%s까지).", n, order, item, pct, w.endDate)
			t.headline = fmt.Sprintf("친구와 함께라면 둘 다 %s %d%% 할인", item, pct)
			t.body = fmt.Sprintf("%s, %s에 친구와 함께 오세요! 선착순 %d팀은 두 분 모두 %s %d%% 할인을 받아요.", w.dates, w.store, n, item, pct)
			t.benefit = fmt.Sprintf("2인 동반 %s %d%% 할인 쿠폰", item, pct)
		}
		t.concept = fmt.Sprintf("%s 혜택을 둘이 올 때 드려, 손님이 친구를 데려오게 하는 동반 방문 이벤트. 한 번에 새 손님 두 명이 가게를 알게 됩니다.", item)
		t.differentiator = "할인보다 '같이 갈 이유'를 주는 혜택이라 입소문이 붙고, 새로 오는 친구가 곧 신규 손님입니다."
		t.tags = []string{"친구랑", "동반할인"}
	case "next-visit":
		t.title = fmt.Sprintf("오늘 QR 찍고 다음 방문 %s %d%% 할인", item, pct)
		t.concept = fmt.Sprintf("오늘 온 손님에게 다음 방문 때 쓰는 %s 할인 쿠폰을 드려 두 번째 방문을 약속받는 재방문 쿠폰입니다.", item)
		t.details = fmt.Sprintf("매장 QR로 참여한 선착순 %d명에게 다음 방문 때 쓰는 %s %d%% 할인 쿠폰(최대 %s원)을 드려요. 받은 다음 날부터 %s까지 쓸 수 있어요.", n, item, pct, w.unit, w.endDate)
		t.differentiator = "매장에 온 손님만 받을 수 있어 광고비가 들지 않고, 쿠폰 사용 수가 곧 재방문 수라 효과를 그대로 셀 수 있습니다."
		t.headline = fmt.Sprintf("또 오시면 %s %d%% 할인", item, pct)
		t.body = fmt.Sprintf("오늘 %s에서 QR을 찍어 주세요. 다음 방문 때 쓰는 %s %d%% 할인 쿠폰을 선착순 %d명에게 드려요(%s).", w.store, item, pct, n, w.dates)
		t.benefit = fmt.Sprintf("다음 방문 %s %d%% 할인 쿠폰", item, pct)
		t.tags = []string{"재방문쿠폰", "단골혜택"}
	case "bundle":
		t.title = fmt.Sprintf("%s+%s 세트 %s원 할인", item, ia.Pairing, w.unit)
		t.concept = fmt.Sprintf("%s에 %s 곁들이는 세트 할인으로, 한 번 올 때 조금 더 담게 하는 객단가 올리기입니다.", item, obj(ia.Pairing))
		t.details = fmt.Sprintf("%s %s 함께 %s하시면 %s원을 할인해 드려요. 쿠폰을 받은 선착순 %d명, %s까지 쓸 수 있어요.", and(item), obj(ia.Pairing), order, w.unit, n, w.endDate)
		t.differentiator = "할인이 세트에만 걸려 평소보다 큰 주문에서만 비용이 나가고, 함께 사 본 경험이 다음 주문으로 이어집니다."
		t.headline = fmt.Sprintf("%s %s, 함께라면 %s원 할인", and(item), ia.Pairing, w.unit)
		t.body = fmt.Sprintf("%s %s에서 %s %s 함께 %s하시면 %s원 할인! 쿠폰은 선착순 %d명에게 드려요.", w.dates, w.store, and(item), obj(ia.Pairing), order, w.unit, n)
		t.benefit = fmt.Sprintf("%s+%s 세트 %s원 할인 쿠폰", item, ia.Pairing, w.unit)
		t.tags = []string{"세트할인", "함께하면더좋아"}
	case "tasting":
		t.title = fmt.Sprintf("%s 무료 %s · 선착순 %d명", item, taste, n)
		t.concept = fmt.Sprintf("%s 먼저 맛보게 해 '다음엔 사 먹을' 이유를 만드는 무료 %s입니다.", obj(item), taste)
		t.details = fmt.Sprintf("쿠폰을 받은 선착순 %d명에게 맛보기 %s 무료로 드려요. 1인 1회, %s까지 매장에서 쿠폰을 보여 주세요.", n, obj(item), w.endDate)
		t.differentiator = "값을 깎기보다 맛을 먼저 알리는 방식이라 기억에 남고, 맛본 손님의 첫 구매가 곧 성과입니다."
		t.headline = fmt.Sprintf("%s, 먼저 맛보세요", item)
		t.body = fmt.Sprintf("%s의 %s 무료로 맛보세요. %s 선착순 %d명에게 드려요!", w.store, obj(item), w.dates, n)
		t.benefit = fmt.Sprintf("%s 무료 %s", item, taste)
		t.tags = []string{"무료" + taste, "맛보기"}
	case "review-panel":
		t.title = fmt.Sprintf("%s 체험단 %d명 모집", item, n)
		t.concept = fmt.Sprintf("%s 먼저 경험한 손님의 후기로 동네에 알리는 체험단입니다.", obj(item))
		t.details = fmt.Sprintf("이벤트 페이지에서 신청하신 분 중 %d명을 기간이 끝난 뒤 추첨해 %s 무료로 경험하실 수 있게 초대해요. 체험 후 솔직한 후기를 부탁드려요.", n, obj(item))
		t.differentiator = fmt.Sprintf("체험단 후기가 블로그와 인스타그램에 남아 이벤트가 끝난 뒤에도 홍보가 이어지고, 인원(%d명)으로 비용이 정해집니다.", n)
		t.headline = fmt.Sprintf("%s 체험단 %d명을 찾아요", item, n)
		t.body = fmt.Sprintf("%s에서 %s 체험단을 모집해요. %s 신청하신 분 중 %d명을 추첨해 무료로 초대합니다.", w.store, item, w.dates, n)
		t.benefit = fmt.Sprintf("%s 무료 체험 (체험단 %d명)", item, n)
		t.tags = []string{"체험단모집", "무료체험"}
	case "prize-draw":
		switch {
		case w.purpose == messages.PurposeNewProduct:
			t.title = fmt.Sprintf("%s 출시 기념 추첨 · %s %d명", item, ia.Prize, n)
		case w.themeLead:
			t.title = fmt.Sprintf("%s %s 경품 추첨 · %s %d명", w.theme, item, ia.Prize, n)
		default:
			t.title = fmt.Sprintf("%s 경품 추첨 · %s %d명", item, ia.Prize, n)
		}
		t.concept = fmt.Sprintf("응모는 쉽게, 경품은 확실하게: %s 알리면서 손님 연락처가 쌓이는 경품 추첨입니다.", obj(item))
		t.details = fmt.Sprintf("이벤트 페이지에서 응모하시면 기간이 끝난 뒤 추첨으로 %d명에게 %s 드려요. 매장에서 QR로 응모하시면 당첨 확률이 올라가요.", n, obj(ia.Prize))
		t.differentiator = fmt.Sprintf("경품이 %d개로 정해져 있어 참여자가 늘어도 비용은 그대로이고, 추첨은 누구나 다시 계산해 볼 수 있게 기록됩니다.", n)
		t.headline = fmt.Sprintf("응모하고 %s 받아 가세요", ia.Prize)
		t.body = fmt.Sprintf("%s의 %s 만나고 응모하세요! %s 응모하신 분 중 %d명을 추첨해 %s 드려요. 매장에서 QR로 응모하면 당첨 확률이 올라가요.", w.store, obj(item), w.dates, n, obj(ia.Prize))
		t.benefit = fmt.Sprintf("추첨 %d명 %s", n, ia.Prize)
		t.tags = []string{"경품추첨", "응모이벤트"}
	case "regulars-draw":
		t.title = fmt.Sprintf("%s 단골 감사 추첨 · %s %d명", item, ia.Prize, n)
		t.concept = fmt.Sprintf("%s 찾아 주신 손님께 감사를 전하는 매장 QR 추첨입니다. 경품은 다음 방문 때 드려 한 번 더 오게 합니다.", obj(item))
		t.details = fmt.Sprintf("매장 QR로 응모하신 분 중 %d명을 기간이 끝난 뒤 추첨해 %s 드려요. 경품은 다음 방문 때 매장에서 받아 가세요.", n, obj(ia.Prize))
		t.differentiator = "매장에 온 손님만 응모해 광고비가 들지 않고, 경품을 받으러 오는 방문이 곧 재방문입니다."
		t.headline = "늘 찾아 주셔서 고마워요, 추첨 선물 받아 가세요"
		t.body = fmt.Sprintf("%s, %s에서 %s %s하실 때 QR로 응모하세요. %d명을 추첨해 %s 드려요.", w.dates, w.store, obj(item), order, n, obj(ia.Prize))
		t.benefit = fmt.Sprintf("단골 추첨 %d명 %s", n, ia.Prize)
		t.tags = []string{"단골감사", "추첨이벤트"}
	case "purchase-gift":
		t.title = fmt.Sprintf("%s %s하면 %s 증정 · 선착순 %d명", item, order, ia.Gift, n)
		t.concept = fmt.Sprintf("%s 고른 손님께 %s 얹어 드려 오래 기억되게 하는 구매 사은품입니다.", obj(item), obj(ia.Gift))
		t.details = fmt.Sprintf("쿠폰을 받고 기간 중 %s %s하신 선착순 %d명에게 %s 드려요. 1인 1개, %s까지예요.", obj(item), order, n, obj(ia.Gift), w.endDate)
		t.differentiator = fmt.Sprintf("%s 같은 실물 선물은 할인보다 오래 기억되고, 사진으로 남아 SNS 인증으로 이어집니다.", ia.Gift)
		t.headline = fmt.Sprintf("%s %s하면 %s 선물", item, order, ia.Gift)
		t.body = fmt.Sprintf("%s %s에서 %s %s하시면 %s 드려요. 선착순 %d명, 모두 나가면 마감!", w.dates, w.store, obj(item), order, obj(ia.Gift), n)
		t.benefit = fmt.Sprintf("%s %s 시 %s 증정", item, order, ia.Gift)
		t.tags = []string{"사은품증정", "구매이벤트"}
	case "purchase-draw":
		t.title = fmt.Sprintf("%s %s 인증 추첨 · %d명에게 %s", item, order, n, ia.Gift)
		t.concept = fmt.Sprintf("%s %s하고 매장 QR로 응모하면 추첨으로 %s 드리는 %s 인증 추첨입니다.", obj(item), order, obj(ia.Gift), order)
		t.details = fmt.Sprintf("기간 중 %s %s하고 매장 QR로 응모하시면 기간이 끝난 뒤 추첨으로 %d명에게 %s 드려요. 선물은 다음 방문 때 받아 가세요.", obj(item), order, n, obj(ia.Gift))
		t.differentiator = fmt.Sprintf("응모가 구매와 함께 일어나 매출로 바로 이어지고, 선물 수(%d개)가 정해져 비용이 늘지 않습니다.", n)
		t.headline = fmt.Sprintf("%s %s하고 응모하면 %s 기회", item, order, ia.Gift)
		t.body = fmt.Sprintf("%s %s에서 %s %s하고 QR로 응모하세요. %d명을 추첨해 %s 드려요!", w.dates, w.store, obj(item), order, n, obj(ia.Gift))
		t.benefit = fmt.Sprintf("%s 인증 추첨 %d명 %s", order, n, ia.Gift)
		t.tags = []string{"구매인증", "추첨이벤트"}
	case "class":
		t.title = fmt.Sprintf("%s에서 만나는 %s · 선착순 %d명 무료", ia.Experience, item, n)
		t.concept = fmt.Sprintf("%s에서 %s 직접 경험하게 해 믿음을 쌓는 무료 체험입니다.", ia.Experience, obj(item))
		t.details = fmt.Sprintf("신청하신 선착순 %d명을 %s에 무료로 초대해요. 이벤트 페이지에서 신청하고 방문하실 때 쿠폰을 보여 주세요(%s까지).", n, ia.Experience, w.endDate)
		t.differentiator = fmt.Sprintf("직접 해 본 손님은 망설임 없이 다시 찾고, 인원이 %d명으로 정해져 준비와 비용을 미리 알 수 있습니다.", n)
		t.headline = fmt.Sprintf("%s, 무료로 초대해요", ia.Experience)
		t.body = fmt.Sprintf("%s의 %s에 무료로 초대합니다. %s 이야기도 들려 드려요. %s 선착순 %d명!", w.store, ia.Experience, item, w.dates, n)
		t.benefit = ia.Experience + " 무료 초대"
		t.tags = []string{"무료체험", "원데이클래스"}
	case "seasonal":
		lead := "기간 한정"
		if w.themeLead {
			lead = w.theme + " 기간 한정"
		}
		t.title = fmt.Sprintf("%s %s %d%% 할인", lead, item, pct)
		t.concept = fmt.Sprintf("%s 기간에만 %s 할인해 지금 와야 할 이유를 만드는 한정 할인입니다.", seasonWord(w), obj(item))
		t.details = fmt.Sprintf("%s 쿠폰을 받은 선착순 %d명에게 %s %d%% 할인(최대 %s원)을 드려요.", w.dates, n, item, pct, w.unit)
		t.differentiator = "기간과 수량을 함께 한정해 마진을 지키면서, 카카오톡 채널로 기존 손님에게 바로 알립니다."
		t.headline = fmt.Sprintf("%s 기간에만, %s %d%% 할인", seasonWord(w), item, pct)
		t.body = fmt.Sprintf("%s의 %s 선물! %s %s %d%% 할인 쿠폰을 선착순 %d명에게 드려요.", w.store, seasonWord(w), w.dates, item, pct, n)
		t.benefit = fmt.Sprintf("기간 한정 %s %d%% 할인 쿠폰", item, pct)
		t.tags = []string{"기간한정", "할인쿠폰"}
	case "weekday":
		t.title = fmt.Sprintf("평일 오후엔 %s %d%% 할인 · 선착순 %d명", item, pct, n)
		t.concept = fmt.Sprintf("손님이 적은 평일 오후에 %s 할인해 빈 시간을 채우는 시간대 할인입니다.", obj(item))
		t.details = fmt.Sprintf("쿠폰을 받은 선착순 %d명이 평일 오후 2시~5시에 오시면 %s %d%% 할인(최대 %s원)을 드려요(%s까지).", n, item, pct, w.unit, w.endDate)
		t.differentiator = "한가한 시간의 빈자리를 채우는 할인이라 바쁜 시간 매출을 깎지 않고, 늘어난 방문이 대부분 순수한 증가분입니다."
		t.headline = fmt.Sprintf("평일 오후엔 %s %d%% 할인", item, pct)
		t.body = fmt.Sprintf("%s 평일 오후 2시~5시, %s에서 %s %d%% 할인! 쿠폰은 선착순 %d명에게 드려요.", w.dates, w.store, item, pct, n)
		t.benefit = fmt.Sprintf("평일 오후 %s %d%% 할인 쿠폰", item, pct)
		t.tags = []string{"평일할인", "타임세일"}
	}
	return t
}

// seasonWord names the period for the seasonal offer: the theme when this
// option leads with it, else plainly "이번".
func seasonWord(w words) string {
	if w.themeLead {
		return w.theme
	}
	return "이번"
}

func (p *Planner) description(d *idea, req Request, c *planContext, e estimate, channels []string, w words, assume []string) string {
	var b strings.Builder
	goal := req.Purpose.Label()
	if t := strings.TrimSpace(req.PurposeText); t != "" {
		goal = fmt.Sprintf("사장님이 말씀하신 '%s'", clip(t, 60))
	}
	fmt.Fprintf(&b, "%s 위한 %s 이벤트입니다. ", obj(goal), d.hook)
	var hooks []string
	if len(c.analysis.IndustryTrends) > 0 {
		hooks = append(hooks, "'"+c.analysis.IndustryTrends[0].Keyword+"'")
	}
	if len(c.analysis.RegionalTrends) > 0 {
		hooks = append(hooks, "'"+c.analysis.RegionalTrends[0].Keyword+"'")
	}
	last := channels[len(channels)-1]
	fmt.Fprintf(&b, "%s 흐름에 맞췄고, %s%s 알립니다. ", strings.Join(hooks, ", "), strings.Join(channels, ", "), josaRo(last))
	if e.budget != "" {
		b.WriteString(e.budget + " ")
	}
	b.WriteString("산정 근거: " + strings.Join(assume, "; ") + ".")
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// assumptionLines state every figure the numbers come from, in words an
// owner can check against the shop.
func (p *Planner) assumptionLines(d *idea, req Request, c *planContext, ia *industryAssumption, e estimate, w words) []string {
	var out []string
	ticket := fmt.Sprintf("객단가 %s원, 마진율 %s%%(%s 평균으로 가정)", won(ia.AvgTicket), pctText(ia.Margin), c.industryLabel)
	switch m := d.spendMult(ia); {
	case d.benefit == benefitBundle:
		ticket += fmt.Sprintf(", 세트 주문은 객단가의 %s배", num(m))
	case d.benefit == benefitTry:
		ticket += fmt.Sprintf(", 맛본 손님의 %s%%가 구매", pctText(m))
	case m != 1:
		ticket += ", 1+1은 두 명 중 한 명만 결제"
	}
	out = append(out, ticket)
	var parts []string
	for _, ch := range e.channels {
		parts = append(parts, fmt.Sprintf("%s 약 %s명", p.ChannelName(ch), won(int64(math.Round(e.chReach[ch])))))
	}
	out = append(out, fmt.Sprintf("반응할 만한 노출: %s, 모두 약 %s명", strings.Join(parts, ", "), won(int64(math.Round(e.reach)))))
	entry := fmt.Sprintf("참여율 %s%% → 참여 %s명", rangeText(e.partRate, pctText), rangeText(e.entries, won))
	if d.inStore {
		entry = fmt.Sprintf("매장에 온 손님 중 QR 참여 %s%% → 참여 %s명", rangeText(e.partRate, pctText), rangeText(e.entries, won))
	}
	out = append(out, entry)
	if d.part == messages.MethodFirstCome {
		line := fmt.Sprintf("쿠폰 %d장 한정, 받은 쿠폰의 %s%% 사용 → 사용 %s건", e.count, pctText(e.visitRate), rangeText(e.claimed, won))
		if d.people() != 1 {
			line += fmt.Sprintf(", 쿠폰 1장에 %s명 방문 → 방문 %s명", num(d.people()), rangeText(e.visits, won))
		}
		out = append(out, line)
	} else if d.inStore {
		out = append(out, fmt.Sprintf("매장에서 응모한 손님 중 %s%%가 기간 중 한 번 더 방문, 당첨 %d명은 다음 방문 때 경품 수령 → 추가 방문 %s명", pctText(e.visitRate), e.count, rangeText(e.visits, won)))
	} else {
		out = append(out, fmt.Sprintf("응모자 중 %s%%가 가산점을 위해 매장 방문, 당첨 %d명 경품 수령 → 방문 %s명", pctText(e.visitRate), e.count, rangeText(e.visits, won)))
	}
	nc := fmt.Sprintf("방문 중 처음 온 손님 %s%%", pctText(e.newShare))
	if ia.Conversion != 1 {
		nc += fmt.Sprintf("(그중 실제 등록 %s%%)", pctText(ia.Conversion))
	}
	out = append(out, fmt.Sprintf("%s → 신규 %s명, 신규 손님은 다음 한 달에 %s번 더 방문", nc, rangeText(e.newCust, won), num(e.repeat)))
	out = append(out, fmt.Sprintf("추가 매출 = 방문 × 객단가 × 이벤트가 없었으면 없었을 방문 %s%% + 신규 손님 재방문 → %s원, 이익 = 추가 매출 × 마진율 → %s원",
		pctText(d.incremental(p.a)), rangeText(span{float64(e.revMin), float64(e.revMax)}, won), rangeText(span{float64(e.profMin), float64(e.profMax)}, won)))
	out = append(out, fmt.Sprintf("비용 = 혜택 원가·광고비·인쇄비 %s원, ROI = (이익 − 비용) ÷ 비용", rangeText(span{float64(e.costMin), float64(e.costMax)}, won)))
	return out
}

// lossNote says plainly that an option can lose money, and what the
// money buys instead.
func lossNote(e estimate, r IntRange) string {
	lossHi := e.costMin - e.profMin
	perEntry := won(roundTo(float64(e.costMax)/math.Max(1, e.entries.hi()), 100))
	if r.Max < 0 {
		lossLo := e.costMax - e.profMax
		return fmt.Sprintf("이익보다 비용이 커서 %s~%s원 손실이 예상됩니다. 홍보비로 보면 참여자 한 명에 약 %s원입니다.", won(min(lossLo, lossHi)), won(max(lossLo, lossHi)), perEntry)
	}
	return fmt.Sprintf("참여가 적으면 최대 %s원 손실이 날 수 있습니다(참여자 한 명에 약 %s원).", won(lossHi), perEntry)
}

// goalOf is the result the purpose asks for, measured in its own unit.
func goalOf(p messages.Purpose, w words, e estimate) GoalMetric {
	g := GoalMetric{Min: int64(e.goal.lo()), Max: int64(e.goal.hi())}
	switch p {
	case messages.PurposeNewCustomers:
		g.Metric, g.Label, g.Unit = GoalNewCustomers, "신규 손님", "명"
	case messages.PurposeRevisit:
		g.Metric, g.Label, g.Unit = GoalRevisits, "재방문", "회"
	case messages.PurposeSales:
		g.Metric, g.Label, g.Unit = GoalPurchases, "이벤트 구매", "건"
	case messages.PurposeNewProduct:
		g.Metric, g.Label, g.Unit = GoalTrials, w.item+" 첫 구매·맛보기", "명"
	default:
		g.Metric, g.Label, g.Unit = GoalEntries, "이벤트 참여", "명"
	}
	return g
}

// audienceOf is one audience phrase: who, where. The purpose decides who;
// the industry's usual customers fill in when the purpose says nothing
// about them.
func audienceOf(req Request, c *planContext, ia *industryAssumption, w words) string {
	place := "매장 주변"
	switch {
	case c.district != nil:
		place = c.district.Name
	case c.region != nil:
		place = c.region.Aliases[0]
	}
	switch req.Purpose {
	case messages.PurposeNewCustomers:
		return fmt.Sprintf("아직 우리 가게에 와 보지 않은 %s %s", place, ia.People)
	case messages.PurposeRevisit:
		return "한 번 이상 다녀간 손님과 단골"
	case messages.PurposeAwareness:
		return fmt.Sprintf("%s에서 우리 가게를 아직 모르는 %s", place, ia.People)
	case messages.PurposeNewProduct:
		try := "먼저 맛보고"
		if !ia.Food {
			try = "먼저 경험해 보고"
		}
		return fmt.Sprintf("%s %s 싶어 할 %s %s", obj(w.item), try, place, ia.People)
	}
	return fmt.Sprintf("%s의 %s", place, ia.Audience)
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

// hasMoment reports whether the theme is a seasonal moment (not just the
// season), which is worth leading a title with.
func hasMoment(c *planContext) bool {
	h := c.top()
	return h != nil && h.relevance >= 0.4
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
	if w.owner {
		add(w.item)
	}
	if w.place != "" {
		add(w.place + c.industryLabel)
	}
	if w.themeLead {
		add(w.theme + "이벤트")
	}
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
