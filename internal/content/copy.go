package content

import (
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/platform/kst"

	"github.com/autoevent/autoevent/internal/messages"
)

// Platforms of the per-platform copy.
const (
	PlatformInstagram = "instagram"
	PlatformNaverBlog = "naver_blog"
	PlatformKakao     = "kakao_channel"
	PlatformRingback  = "ringback"
	PlatformTV        = "tv"
)

// Limits of each platform (external-apis.md; Kakao: 알림톡/브랜드 메시지
// text ≤ 1,000 characters, button names ≤ 14). The ringback limit is in
// syllables: 30 s read at about 6 syllables a second.
const (
	InstagramCaptionLimit = 2200
	InstagramHashtagLimit = 30
	NaverTitleLimit       = 100
	NaverBodyLimit        = 50000
	KakaoTextLimit        = 1000
	KakaoButtonLimit      = 14
	RingbackSyllableLimit = 180
	RingbackSyllablesPerS = 6
	TVCaptionLimit        = 60
)

// copyChannel is the channel code each platform's link carries (the
// participation page reads ?c= as the channel that brought the entry).
var copyChannel = map[string]string{
	PlatformInstagram: messages.ChannelInstagram,
	PlatformNaverBlog: messages.ChannelNaverBlog,
	PlatformKakao:     messages.ChannelKakaoChannel,
	PlatformRingback:  messages.ChannelRingoBiz,
	PlatformTV:        messages.ChannelUridongneTV,
}

// ChannelLink is the participation link of one channel.
func ChannelLink(entryURL, channel string) string {
	if entryURL == "" {
		return ""
	}
	sep := "?"
	if strings.Contains(entryURL, "?") {
		sep = "&"
	}
	return entryURL + sep + "c=" + channel
}

// BlogImage is one picture of the Naver Blog post.
type BlogImage struct {
	URL, Alt string
}

// period is the written form of the event's dates, as every page and the
// poster write it: "12.1(화) ~ 12.14(월)".
func period(s Source) string {
	if s.EndDate == "" {
		return kst.Dates(s.StartDate, s.StartDate)
	}
	return kst.Dates(s.StartDate, s.EndDate) // the same words as every page and the poster
}

func (s Source) Period() string { return period(s) }

// spokenPeriod is the period as a voice reads it ("12월 1일부터 12월
// 14일까지"): the written form's dots and weekday brackets read badly.
func spokenPeriod(s Source) string {
	say := func(d string) string {
		t, err := kst.ParseDate(d)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%d월 %d일", t.Month(), t.Day())
	}
	first, last := say(s.StartDate), say(s.EndDate)
	switch {
	case first == "":
		return ""
	case last == "" || last == first:
		return first + " 하루"
	}
	return first + "부터 " + last + "까지"
}

// cta is the call to action matching the participation method.
func cta(s Source) string {
	if s.Method == string(messages.MethodFirstCome) {
		return "선착순 쿠폰 받기"
	}
	return "지금 응모하기"
}

// CTA is the call to action printed on the images.
func (s Source) CTA() string { return cta(s) }

// hashtags normalises the plan's hashtags (#, no spaces, unique) and adds
// the store's, at most limit.
func hashtags(s Source, limit int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		t = strings.TrimLeft(strings.TrimSpace(t), "#")
		t = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '#' || unicode.IsPunct(r) && r != '_' {
				return -1
			}
			return r
		}, t)
		if t == "" || seen[strings.ToLower(t)] || len(out) >= limit {
			return
		}
		seen[strings.ToLower(t)] = true
		out = append(out, "#"+t)
	}
	for _, t := range s.Hashtags {
		add(t)
	}
	add(s.StoreName)
	add("이벤트")
	return out
}

// runes counts characters as the platforms do (code points).
func runes(s string) int { return utf8.RuneCountInString(s) }

// clip shortens s to at most n characters, at a word boundary when one is
// near, with an ellipsis.
func clip(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	if n <= 1 {
		return string([]rune(s)[:max(n, 0)])
	}
	r := []rune(s)[:n-1]
	cut := len(r)
	for i := len(r) - 1; i > len(r)*2/3; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace) + "…"
}

// Syllables counts what a narrator reads: each Hangul syllable, digit and
// Latin letter group (a word of Latin letters reads as about one syllable
// per two letters).
func Syllables(s string) int {
	n, latin := 0, 0
	flush := func() {
		n += (latin + 1) / 2
		latin = 0
	}
	for _, r := range s {
		switch {
		case r >= 0xAC00 && r <= 0xD7A3:
			flush()
			n++
		case unicode.IsDigit(r):
			flush()
			n++
		case r < 128 && unicode.IsLetter(r):
			latin++
		default:
			flush()
		}
	}
	flush()
	return n
}

// clipSyllables shortens s at a sentence or word boundary to at most n
// syllables.
func clipSyllables(s string, n int) string {
	if Syllables(s) <= n {
		return s
	}
	words := strings.Fields(s)
	out := ""
	for _, w := range words {
		next := strings.TrimSpace(out + " " + w)
		if Syllables(next) > n {
			break
		}
		out = next
	}
	return out
}

// MakeCopy writes the copy of every platform from the plan, each within its
// limits and carrying its channel's participation link.
func MakeCopy(s Source, images []BlogImage) []Copy {
	p := period(s)
	var out []Copy

	// Instagram: headline, body, benefit, period, link, hashtags.
	tags := hashtags(s, InstagramHashtagLimit)
	link := ChannelLink(s.EntryURL, copyChannel[PlatformInstagram])
	tagLine := strings.Join(tags, " ")
	head := strings.TrimSpace(firstNonEmpty(s.Headline, s.Title))
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", head)
	if s.Body != "" {
		fmt.Fprintf(&b, "%s\n\n", s.Body)
	}
	if s.Benefit != "" {
		fmt.Fprintf(&b, "🎁 %s\n", s.Benefit)
	}
	if p != "" {
		fmt.Fprintf(&b, "📅 %s\n", p)
	}
	fmt.Fprintf(&b, "📍 %s\n", s.StoreName)
	// The link and tags must survive: the free text gives way first.
	tail := "\n👉 " + cta(s) + ": 프로필 링크 또는 " + link + "\n\n" + tagLine
	text := clip(b.String(), InstagramCaptionLimit-runes(tail)) + tail
	out = append(out, Copy{Platform: PlatformInstagram, Body: text, Hashtags: tags, Link: link,
		Limit: InstagramCaptionLimit, Length: runes(text)})

	// Naver Blog: title + escaped HTML body with the pictures.
	link = ChannelLink(s.EntryURL, copyChannel[PlatformNaverBlog])
	title := clip(fmt.Sprintf("[%s] %s", s.StoreName, s.Title), NaverTitleLimit)
	esc := html.EscapeString
	var h strings.Builder
	fmt.Fprintf(&h, "<h2>%s</h2>\n", esc(s.Title))
	for _, im := range images {
		fmt.Fprintf(&h, "<p><img src=\"%s\" alt=\"%s\"></p>\n", esc(im.URL), esc(im.Alt))
	}
	if s.Body != "" {
		fmt.Fprintf(&h, "<p>%s</p>\n", strings.ReplaceAll(esc(s.Body), "\n", "<br>"))
	}
	fmt.Fprint(&h, "<ul>\n")
	if s.Benefit != "" {
		fmt.Fprintf(&h, "<li>혜택: %s</li>\n", esc(s.Benefit))
	}
	if p != "" {
		fmt.Fprintf(&h, "<li>기간: %s</li>\n", esc(p))
	}
	fmt.Fprintf(&h, "<li>매장: %s</li>\n</ul>\n", esc(s.StoreName))
	if link != "" {
		fmt.Fprintf(&h, "<p><a href=\"%s\">%s</a></p>\n", esc(link), esc(cta(s)))
	}
	fmt.Fprintf(&h, "<p>%s</p>\n", esc(strings.Join(hashtags(s, 10), " ")))
	body := h.String()
	out = append(out, Copy{Platform: PlatformNaverBlog, Title: title, Body: body, Hashtags: hashtags(s, 10), Link: link,
		Limit: NaverBodyLimit, Length: runes(body)})

	// Kakao Channel: short text and a button to the page.
	link = ChannelLink(s.EntryURL, copyChannel[PlatformKakao])
	var k strings.Builder
	fmt.Fprintf(&k, "[%s] %s\n\n", s.StoreName, s.Title)
	if s.Benefit != "" {
		fmt.Fprintf(&k, "혜택: %s\n", s.Benefit)
	}
	if p != "" {
		fmt.Fprintf(&k, "기간: %s\n", p)
	}
	if s.Body != "" {
		fmt.Fprintf(&k, "\n%s\n", s.Body)
	}
	kt := clip(strings.TrimSpace(k.String()), KakaoTextLimit)
	out = append(out, Copy{Platform: PlatformKakao, Body: kt, ButtonLabel: clip(cta(s), KakaoButtonLimit), Link: link,
		Limit: KakaoTextLimit, Length: runes(kt)})

	// Ringback: read aloud in ≤ 30 s; the link goes by SMS, not by voice.
	link = ChannelLink(s.EntryURL, copyChannel[PlatformRingback])
	ev := strings.TrimSpace(s.Title)
	if !strings.HasSuffix(ev, "이벤트") {
		ev += " 이벤트"
	}
	rb := fmt.Sprintf("안녕하세요, %s입니다. 지금 %s를 진행하고 있어요.", s.StoreName, ev)
	if s.Benefit != "" {
		rb += " " + strings.TrimRight(s.Benefit, ".") + "."
	}
	if sp := spokenPeriod(s); sp != "" {
		rb += " 기간은 " + sp + "입니다."
	}
	rb += " 많은 참여 부탁드려요."
	rb = clipSyllables(rb, RingbackSyllableLimit)
	out = append(out, Copy{Platform: PlatformRingback, Body: rb, Link: link, Limit: RingbackSyllableLimit, Length: Syllables(rb)})

	// TV: one caption line.
	link = ChannelLink(s.EntryURL, copyChannel[PlatformTV])
	tv := s.Title
	if s.Benefit != "" {
		tv += " · " + s.Benefit
	}
	if p != "" {
		tv += " · " + p
	}
	tv = clip(tv, TVCaptionLimit)
	out = append(out, Copy{Platform: PlatformTV, Title: clip(s.StoreName, TVCaptionLimit), Body: tv, Link: link,
		Limit: TVCaptionLimit, Length: runes(tv)})
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}
