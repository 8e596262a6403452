package imagegen

import (
	"strings"
)

// styleWords describe each card style to an image model. The sandbox
// simulator reads the same words to pick its palette, so keep them in step
// with internal/sandbox/imagegen's style detection.
var styleWords = map[string]string{
	"simple": "minimal clean background, soft pastel tones, generous negative space, gentle light, subtle paper texture, calm and elegant",
	"vivid":  "vibrant festive background, saturated warm colors, glowing bokeh lights, sparkles and confetti, celebratory mood",
	"trendy": "modern trendy background, bold geometric shapes, duotone gradient, fine film grain, flat graphic design, contemporary",
}

// industryScenes turn an industry (code or Korean name) into an English
// motif, blurred so it stays a backdrop.
var industryScenes = []struct {
	keys  []string
	scene string
}{
	{[]string{"CAFE", "카페"}, "a cozy cafe with coffee cups and warm wood, softly out of focus"},
	{[]string{"RESTAURANT", "음식점", "식당"}, "a welcoming restaurant table with delicious dishes, softly out of focus"},
	{[]string{"BAKERY", "베이커리", "빵"}, "fresh bread and pastries in a bakery, softly out of focus"},
	{[]string{"HAIR", "미용"}, "a bright modern hair salon interior, softly out of focus"},
	{[]string{"NAIL", "네일"}, "elegant manicure tools and nail polish bottles, softly out of focus"},
	{[]string{"ACADEMY", "학원"}, "a bright study room with books and notebooks, softly out of focus"},
	{[]string{"FITNESS", "헬스", "PT"}, "a clean modern gym with dumbbells, softly out of focus"},
	{[]string{"FLOWER", "꽃"}, "fresh flower bouquets in a flower shop, softly out of focus"},
	{[]string{"MART", "편의점", "마트"}, "neatly arranged shelves of a neighbourhood store, softly out of focus"},
}

// themeWords map Korean words of the event title and benefit to motifs. The
// Korean text itself is never sent: a model asked about words draws
// letters, and it cannot spell Hangul.
var themeWords = []struct {
	keys  []string
	motif string
}{
	{[]string{"크리스마스", "성탄"}, "christmas ornaments and warm fairy lights"},
	{[]string{"연말", "송년", "새해", "신년"}, "year-end celebration lights"},
	{[]string{"설날", "설 ", "명절", "추석", "한가위"}, "korean traditional holiday patterns"},
	{[]string{"봄", "벚꽃"}, "spring cherry blossoms"},
	{[]string{"여름", "바캉스"}, "summer sunlight and blue sky"},
	{[]string{"가을", "단풍"}, "autumn leaves"},
	{[]string{"겨울", "눈"}, "winter snowflakes"},
	{[]string{"발렌타인", "화이트데이", "커플"}, "hearts and romantic pink light"},
	{[]string{"오픈", "개업", "오픈기념", "그랜드"}, "grand opening balloons and ribbons"},
	{[]string{"생일", "기념일", "주년"}, "anniversary balloons"},
	{[]string{"할인", "세일", "%"}, "shopping sale atmosphere"},
	{[]string{"커피", "라떼", "아메리카노"}, "coffee beans"},
	{[]string{"케이크", "디저트"}, "desserts and cake"},
	{[]string{"경품", "추첨", "이벤트", "당첨"}, "gift boxes"},
	{[]string{"쿠폰", "증정", "무료", "1+1"}, "wrapped presents"},
}

// negative is what no background may contain: text (our renderer writes
// the Korean text; a model's letters would clash with it), logos and people
// whose likeness we have no right to use.
const negative = "text, letters, words, typography, captions, writing, watermark, signature, logo, brand names, " +
	"numbers, signs, labels, QR code, people, faces, hands, nsfw, low quality, blurry, jpeg artifacts, deformed"

// Prompt builds the English prompt and negative prompt for a background
// picture of a store event card in one style. Industry is the store's
// industry code (CAFE, …) or Korean name; title and benefit only steer the
// motif and are not quoted.
func Prompt(style, industry, title, benefit string) (prompt, negativePrompt string) {
	words, ok := styleWords[strings.ToLower(strings.TrimSpace(style))]
	if !ok {
		words = styleWords["simple"]
	}
	scene := "an inviting small local shop, softly out of focus"
	ind := strings.TrimSpace(industry)
	for _, s := range industryScenes {
		if matchAny(ind, s.keys) {
			scene = s.scene
			break
		}
	}
	var motifs []string
	text := title + " " + benefit + " "
	for _, t := range themeWords {
		if matchAny(text, t.keys) && len(motifs) < 3 {
			motifs = append(motifs, t.motif)
		}
	}
	var b strings.Builder
	b.WriteString("Background image for a promotional event poster of ")
	b.WriteString(scene)
	if len(motifs) > 0 {
		b.WriteString(", with ")
		b.WriteString(strings.Join(motifs, ", "))
	}
	b.WriteString(". ")
	b.WriteString(words)
	b.WriteString(". Leave a calm, uncluttered area in the center for a text overlay that will be added later. " +
		"Absolutely no text, letters, numbers or logos anywhere in the image.")
	return b.String(), negative
}

func matchAny(s string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(strings.ToUpper(s), strings.ToUpper(k)) {
			return true
		}
	}
	return false
}
