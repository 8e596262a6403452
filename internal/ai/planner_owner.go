package ai

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/messages"
)

// ownerWords is what the local planner reads from the owner's own words
// (Request.PurposeText): the product to feature, a discount rate, and the
// kinds of event the owner asked for. The remote prompts carry the text
// itself; the local planner has to understand enough of it to plan with it.
type ownerWords struct {
	// product is the noun phrase the owner wants promoted ("딸기라떼"),
	// "" when the text names none.
	product string
	// rate is a discount the owner named ("30% 할인" → 0.3), 0 when none.
	rate float64
	// want boosts ideas whose hook the owner asked for, by idea trait.
	want map[string]float64
}

// productSuffixes end words that name something a shop sells; a word
// ending in one of them is taken as the product ("딸기라떼", "소금빵").
var productSuffixes = []string{
	"라떼", "커피", "아메리카노", "에이드", "스무디", "티", "차", "주스", "빙수", "케이크", "쿠키", "빵", "베이글",
	"크로플", "와플", "마카롱", "타르트", "푸딩", "도넛", "디저트", "음료", "브런치", "샌드위치", "토스트",
	"정식", "세트", "국밥", "찌개", "탕", "면", "국수", "파스타", "피자", "치킨", "버거", "덮밥", "김밥", "떡볶이", "돈가스",
	"초밥", "고기", "갈비", "삼겹살", "전골", "메뉴", "요리", "코스", "도시락",
	"펌", "염색", "커트", "클리닉", "스파", "네일", "아트", "젤", "속눈썹", "왁싱", "마사지", "관리",
	"수업", "강좌", "특강", "클래스", "반", "과정", "코칭", "레슨", "PT", "요가", "필라테스", "프로그램",
	"소다", "꽃다발", "부케", "화분", "꽃바구니", "리스", "과일", "반찬", "상품", "제품", "굿즈",
}

// stopWords are words of the request itself, not the product.
var stopWords = map[string]bool{
	"겨울": true, "여름": true, "봄": true, "가을": true, "시즌": true, "계절": true, "연말": true, "새해": true, "이번": true,
	"신메뉴": true, "신상품": true, "신제품": true, "신규": true, "새": true, "새로운": true, "새로": true, "출시": true, "런칭": true,
	"홍보": true, "알리기": true, "알리고": true, "알리려고": true, "알려": true, "이벤트": true, "행사": true, "프로모션": true,
	"손님": true, "고객": true, "주민": true, "많이": true, "더": true, "좀": true, "꼭": true, "우리": true, "저희": true,
	"가게": true, "매장": true, "할인": true, "추첨": true, "경품": true, "무료": true, "체험": true, "증정": true, "선물": true,
	"사은품": true, "메뉴": true, "상품": true, "제품": true, "한정": true, "기간": true, "대표": true, "인기": true,
	"단골": true, "재방문": true, "매출": true, "방문": true, "동네": true, "친구": true, "함께": true, "같이": true,
	"시음": true, "시식": true, "세트": true, "하고": true, "크리스마스": true, "발렌타인": true, "화이트데이": true,
	"추석": true, "설": true, "명절": true, "어린이날": true, "어버이날": true, "핼러윈": true, "빼빼로데이": true, "수능": true,
	"졸업": true, "입학": true, "신학기": true, "오픈": true, "개업": true, "기념": true, "주년": true, "오게": true, "싶어요": true, "싶습니다": true, "싶다": true, "위한": true, "위해": true,
}

// launchMarkers precede the product in "신메뉴 딸기라떼", "새 메뉴 딸기라떼".
var launchMarkers = map[string]bool{"신메뉴": true, "신상품": true, "신제품": true, "신규": true, "새": true, "새로운": true, "메뉴": true, "상품": true}

// josaEndings are particles stripped from the end of a word, longest first.
var josaEndings = []string{"에게", "한테", "께서", "이랑", "에서", "으로", "까지", "부터", "처럼", "만큼", "이라는", "라는", "을", "를", "이", "가", "은", "는",
	"도", "와", "과", "로", "에", "의", "랑", "만", "께"}

// verbEndings mark a word as a verb or adjective form, not a noun.
var verbEndings = []string{"요", "다", "고", "게", "면", "서", "지", "며", "니", "려", "죠", "네", "까", "는데", "한", "할", "된", "될", "운", "은", "는"}

var rateRE = regexp.MustCompile(`(\d{1,2})\s*(%|퍼센트|프로)`)

// ownerTraits maps words of the owner's text to idea traits they ask for.
var ownerTraits = []struct {
	words []string
	trait string
}{
	{[]string{"할인", "%", "퍼센트", "저렴"}, "discount"},
	{[]string{"추첨", "경품", "당첨", "뽑"}, "draw"},
	{[]string{"체험", "시식", "시음", "맛보", "클래스", "체험단", "후기", "리뷰"}, "try"},
	{[]string{"선물", "사은품", "증정", "드리"}, "gift"},
	{[]string{"친구", "커플", "같이", "함께", "동반", "1+1"}, "friend"},
	{[]string{"단골", "재방문", "다시", "또 오", "자주"}, "regular"},
	{[]string{"세트", "객단가", "같이 사", "함께 구매"}, "bundle"},
	{[]string{"선착순"}, "firstcome"},
}

// parseOwner reads the owner's text. It never fails: unknown text only
// gives fewer hints.
func parseOwner(text string) ownerWords {
	w := ownerWords{want: map[string]float64{}}
	text = strings.TrimSpace(text)
	if text == "" {
		return w
	}
	if m := rateRE.FindStringSubmatch(text); m != nil {
		if v, err := strconv.Atoi(m[1]); err == nil && v >= 5 && v <= 50 {
			w.rate = float64(v) / 100
		}
	}
	for _, t := range ownerTraits {
		for _, word := range t.words {
			if strings.Contains(text, word) {
				w.want[t.trait] = 0.6
				break
			}
		}
	}
	w.product = ownerProduct(text)
	return w
}

// ownerProduct picks the product noun phrase: the word after a launch
// marker ("신메뉴 딸기라떼"), else a word ending in a product suffix, else
// the first plain noun that is not part of the request itself.
func ownerProduct(text string) string {
	raw := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",.!?~·…\"'()[]/:;", r)
	})
	type word struct{ s, bare string }
	var ws []word
	for _, r := range raw {
		ws = append(ws, word{r, stripJosa(r)})
	}
	ok := func(s string) bool {
		n := utf8.RuneCountInString(s)
		return n >= 2 && n <= 12 && !stopWords[s] && !isVerb(s) && !isNumberish(s)
	}
	// Two words where the second is a bare suffix: "딸기 라떼".
	phrase := func(i int) string {
		if i > 0 && isSuffixWord(ws[i].bare) && ok(ws[i-1].bare) && ws[i-1].s == ws[i-1].bare {
			return ws[i-1].bare + " " + ws[i].bare
		}
		return ws[i].bare
	}
	for i := 0; i+1 < len(ws); i++ {
		if next := ws[i+1].bare; launchMarkers[ws[i].bare] && utf8.RuneCountInString(next) >= 2 && !stopWords[next] && !isNumberish(next) {
			// "신메뉴 딸기 라떼": take the suffix word after it too.
			if i+2 < len(ws) && isSuffixWord(ws[i+2].bare) && ws[i+1].s == ws[i+1].bare {
				return ws[i+1].bare + " " + ws[i+2].bare
			}
			return ws[i+1].bare
		}
	}
	for i, x := range ws {
		if ok(x.bare) && hasProductSuffix(x.bare) {
			return phrase(i)
		}
	}
	// A plain noun is taken only when the owner is launching something
	// ("흑임자 출시"); otherwise it is more likely part of the request.
	launch := false
	for _, m := range []string{"출시", "런칭", "신메뉴", "신상품", "신제품", "새로 나온", "새 메뉴"} {
		launch = launch || strings.Contains(text, m)
	}
	for _, x := range ws {
		if launch && ok(x.bare) && isHangul(x.bare) && x.s == x.bare {
			return x.bare
		}
	}
	return ""
}

func stripJosa(s string) string {
	for _, j := range josaEndings {
		if strings.HasSuffix(s, j) && utf8.RuneCountInString(s)-utf8.RuneCountInString(j) >= 2 {
			bare := strings.TrimSuffix(s, j)
			// Keep words whose ending only looks like a particle
			// ("라떼" does not end in one; "케이크를" → "케이크").
			if hasProductSuffix(s) && !hasProductSuffix(bare) {
				return s
			}
			return bare
		}
	}
	return s
}

func hasProductSuffix(s string) bool {
	for _, suf := range productSuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

func isSuffixWord(s string) bool {
	for _, suf := range productSuffixes {
		if s == suf {
			return true
		}
	}
	return false
}

func isVerb(s string) bool {
	if hasProductSuffix(s) {
		return false
	}
	for _, e := range verbEndings {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

func isNumberish(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) || r == '%' {
			return true
		}
	}
	return false
}

func isHangul(s string) bool {
	for _, r := range s {
		if r < 0xAC00 || r > 0xD7A3 {
			return false
		}
	}
	return s != ""
}

// traitsOf are the traits an idea offers, for matching the owner's asks.
func (d *idea) traits() []string {
	var t []string
	switch d.benefit {
	case benefitDiscount, benefitBundle:
		t = append(t, "discount")
	case benefitPrize:
		t = append(t, "draw")
	case benefitGift:
		t = append(t, "gift")
	case benefitTry, benefitExperience:
		t = append(t, "try")
	}
	if d.part == messages.MethodLottery {
		t = append(t, "draw")
	} else {
		t = append(t, "firstcome")
	}
	t = append(t, d.extraTraits...)
	return t
}
