package content

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func copySource(long bool) Source {
	s := Source{EventID: "e1", StoreName: "행복한 빵집", Title: "가을 신메뉴 시식 이벤트", Benefit: "소금빵 1개 무료",
		Headline: "소금빵 드세요", Body: "선착순 30명에게 드려요", Hashtags: []string{"소금빵", "#마포", "마포 빵집"},
		Method: "FIRST_COME", Coupons: 30, StartDate: "2026-12-01", EndDate: "2026-12-14", EntryURL: "https://ae.example/e/AbCdEfGhJk"}
	if long {
		s.StoreName = strings.Repeat("아주긴가게이름", 20) + " <script>alert(1)</script> & \"quotes\""
		s.Title = strings.Repeat("엄청나게 긴 이벤트 제목 ", 60)
		s.Benefit = strings.Repeat("혜택 ", 300)
		s.Body = strings.Repeat("본문이 길어요 🍞 Latin 123 ", 400)
		for i := range 80 {
			s.Hashtags = append(s.Hashtags, "태그"+strings.Repeat("x", i%5)+string(rune('가'+i)))
		}
	}
	return s
}

// TestCopyLimits: every platform's copy stays within its limits, however
// long the plan's text, and carries its channel's participation link.
func TestCopyLimits(t *testing.T) {
	for _, long := range []bool{false, true} {
		src := copySource(long)
		cp := MakeCopy(src, []BlogImage{{URL: "https://ae.example/media/content/ab/x.png?a=1&b=2", Alt: src.Title}})
		seen := map[string]Copy{}
		for _, c := range cp {
			seen[c.Platform] = c
			if c.Length > c.Limit || c.Limit <= 0 {
				t.Errorf("long=%v %s: length %d over limit %d", long, c.Platform, c.Length, c.Limit)
			}
			if c.Link == "" || !strings.HasPrefix(c.Link, src.EntryURL+"?c=") {
				t.Errorf("long=%v %s: link %q, want the entry URL with ?c=", long, c.Platform, c.Link)
			}
			if u, err := url.Parse(c.Link); err != nil || u.Query().Get("c") != copyChannel[c.Platform] {
				t.Errorf("%s: link %q does not name channel %s", c.Platform, c.Link, copyChannel[c.Platform])
			}
			if !utf8.ValidString(c.Body) {
				t.Errorf("%s: body is not valid UTF-8 after clipping", c.Platform)
			}
		}
		for _, p := range []string{PlatformInstagram, PlatformNaverBlog, PlatformKakao, PlatformRingback, PlatformTV} {
			if _, ok := seen[p]; !ok {
				t.Errorf("no copy for %s", p)
			}
		}
		ig := seen[PlatformInstagram]
		if n := utf8.RuneCountInString(ig.Body); n > InstagramCaptionLimit || n != ig.Length {
			t.Errorf("instagram caption %d characters (Length %d), limit %d", n, ig.Length, InstagramCaptionLimit)
		}
		if n := strings.Count(ig.Body, "#"); n > InstagramHashtagLimit || len(ig.Hashtags) > InstagramHashtagLimit {
			t.Errorf("instagram: %d hashtags in the caption, %d listed; limit %d", n, len(ig.Hashtags), InstagramHashtagLimit)
		}
		if !strings.Contains(ig.Body, ig.Link) {
			t.Errorf("instagram caption lost its link")
		}
		k := seen[PlatformKakao]
		if utf8.RuneCountInString(k.Body) > KakaoTextLimit || k.ButtonLabel == "" || utf8.RuneCountInString(k.ButtonLabel) > KakaoButtonLimit {
			t.Errorf("kakao: %d characters, button %q", utf8.RuneCountInString(k.Body), k.ButtonLabel)
		}
		rb := seen[PlatformRingback]
		if secs := float64(Syllables(rb.Body)) / RingbackSyllablesPerS; secs > 30 || rb.Body == "" {
			t.Errorf("ringback script reads in %.1f s (%q), want ≤ 30 s", secs, rb.Body)
		}
		nb := seen[PlatformNaverBlog]
		if utf8.RuneCountInString(nb.Title) > NaverTitleLimit {
			t.Errorf("naver title %d characters", utf8.RuneCountInString(nb.Title))
		}
		if strings.Contains(nb.Body, "<script>") || !strings.Contains(nb.Body, `<img src="https://ae.example/media/content/ab/x.png?a=1&amp;b=2"`) {
			t.Errorf("naver body not escaped or missing the picture:\n%.400s", nb.Body)
		}
		if !strings.Contains(nb.Body, html.EscapeString(nb.Link)) {
			t.Errorf("naver body lacks its link")
		}
		if tv := seen[PlatformTV]; utf8.RuneCountInString(tv.Body) > TVCaptionLimit {
			t.Errorf("tv caption %d characters", utf8.RuneCountInString(tv.Body))
		}
	}
}

func TestCopyShortPlan(t *testing.T) {
	cp := MakeCopy(copySource(false), nil)
	for _, c := range cp {
		switch c.Platform {
		case PlatformInstagram:
			for _, want := range []string{"소금빵 드세요", "소금빵 1개 무료", "12.1(화) ~ 12.14(월)", "#소금빵", "#마포", "#마포빵집", "선착순 쿠폰 받기"} {
				if !strings.Contains(c.Body, want) {
					t.Errorf("instagram caption lacks %q:\n%s", want, c.Body)
				}
			}
		case PlatformRingback:
			if !strings.Contains(c.Body, "행복한 빵집") || !strings.Contains(c.Body, "12월 1일부터 12월 14일까지") || strings.Contains(c.Body, "이벤트 이벤트") {
				t.Errorf("ringback = %q", c.Body)
			}
		}
	}
}

func TestSyllables(t *testing.T) {
	for in, want := range map[string]int{"안녕하세요": 5, "1+1 이벤트": 5, "Latte": 3, "": 0, "🍞 빵": 1} {
		if got := Syllables(in); got != want {
			t.Errorf("Syllables(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestChannelLink(t *testing.T) {
	if got := ChannelLink("https://x/e/abc", "INSTAGRAM"); got != "https://x/e/abc?c=INSTAGRAM" {
		t.Error(got)
	}
	if got := ChannelLink("https://x/e/abc?v=tok", "RINGO_BIZ"); got != "https://x/e/abc?v=tok&c=RINGO_BIZ" {
		t.Error(got)
	}
}

func TestCopyWithoutBenefit(t *testing.T) {
	src := copySource(false)
	src.Benefit = ""
	for _, c := range MakeCopy(src, nil) {
		if strings.Contains(c.Body, "🎁") || strings.Contains(c.Body, "혜택:") || strings.Contains(c.Body, " · ·") || strings.Contains(c.Body, ". .") {
			t.Errorf("%s shows an empty benefit: %q", c.Platform, c.Body)
		}
	}
}
