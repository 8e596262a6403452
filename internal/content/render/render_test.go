package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/autoevent/autoevent/internal/messages"
	"golang.org/x/image/math/fixed"
)

func sampleCard(st Style, sz Size) Card {
	return Card{
		Style: st, Width: sz.Width, Height: sz.Height,
		StoreName: "카페 소소한 하루", Title: "겨울 딸기라떼 할인",
		Benefit: "딸기라떼 전 메뉴 30% 할인 + 추첨 10명 케이크 증정",
		Period:  "2026.12.01 ~ 12.25", CTA: "지금 참여하기",
	}
}

func TestStylesSizesVocabulary(t *testing.T) {
	labels := map[Style]string{StyleSimple: "심플", StyleVivid: "화려한", StyleTrendy: "트렌디"}
	for st, want := range labels {
		if got := st.Label(); got != want {
			t.Errorf("%s.Label() = %q, want %q", st, got, want)
		}
		for _, in := range []string{string(st), strings.ToUpper(string(st)), want} {
			if got, ok := ParseStyle(in); !ok || got != st {
				t.Errorf("ParseStyle(%q) = %q, %v, want %q", in, got, ok, st)
			}
		}
	}
	if _, ok := ParseStyle("neon"); ok {
		t.Error("ParseStyle(neon) accepted an unknown style")
	}
	required := map[string][2]int{"ig_square": {1080, 1080}, "ig_portrait": {1080, 1350}, "ig_story": {1080, 1920}, "tv": {1920, 1080}}
	for name, wh := range required {
		sz, ok := SizeByName(name)
		if !ok || sz.Width != wh[0] || sz.Height != wh[1] {
			t.Errorf("SizeByName(%q) = %+v, %v, want %dx%d", name, sz, ok, wh[0], wh[1])
		}
	}
	seen := map[string]bool{}
	for _, sz := range Sizes {
		if seen[sz.Name] {
			t.Errorf("size %q listed twice", sz.Name)
		}
		seen[sz.Name] = true
		if len(sz.Channels) == 0 || sz.Label == "" {
			t.Errorf("size %q has no channel or label", sz.Name)
		}
		for _, ch := range sz.Channels {
			if !messages.ValidChannel(ch) {
				t.Errorf("size %q: unknown channel %q", sz.Name, ch)
			}
		}
	}
	for _, ch := range []string{messages.ChannelInstagram, messages.ChannelKakaoChannel, messages.ChannelNaverBlog, messages.ChannelUridongneTV, messages.ChannelGenieTV} {
		if !slices.ContainsFunc(Sizes, func(s Size) bool { return slices.Contains(s.Channels, ch) }) {
			t.Errorf("no size for channel %s", ch)
		}
	}
	if _, ok := SizeByName("poster"); ok {
		t.Error("SizeByName(poster) found a size")
	}
}

// checkLayout asserts every text box and every glyph stays inside the
// channel's safe area, and every line within its box's width.
func checkLayout(t *testing.T, l *cardLayout, name string) {
	t.Helper()
	canvas := image.Rect(0, 0, l.W, l.H)
	if !l.safe.In(canvas) {
		t.Fatalf("%s: safe area %v outside canvas %v", name, l.safe, canvas)
	}
	for _, b := range l.blocks {
		if len(b.Lines) == 0 {
			continue
		}
		if !b.Rect.In(l.safe) {
			t.Errorf("%s: box %v of %q outside safe area %v", name, b.Rect, b.Spec.Text, l.safe)
		}
		if ink := b.inkBounds(); !ink.In(l.safe) {
			t.Errorf("%s: glyphs %v of %q outside safe area %v", name, ink, b.Lines, l.safe)
		}
		for i, w := range b.Widths {
			if w > b.Rect.Dx() {
				t.Errorf("%s: line %q is %d px wide, box %d", name, b.Lines[i], w, b.Rect.Dx())
			}
		}
		if len(b.Lines) > b.Spec.MaxLines {
			t.Errorf("%s: %d lines of %q, at most %d", name, len(b.Lines), b.Spec.Text, b.Spec.MaxLines)
		}
	}
	for _, r := range []image.Rectangle{l.storePill, l.ctaPill} {
		if !r.Empty() && !r.In(l.safe) {
			t.Errorf("%s: pill %v outside safe area %v", name, r, l.safe)
		}
	}
	// no two text boxes overlap
	for i, a := range l.blocks {
		for _, b := range l.blocks[i+1:] {
			if len(a.Lines) > 0 && len(b.Lines) > 0 && a.Rect.Overlaps(b.Rect) {
				t.Errorf("%s: %q %v overlaps %q %v", name, a.Spec.Text, a.Rect, b.Spec.Text, b.Rect)
			}
		}
	}
}

func TestEveryStyleEverySize(t *testing.T) {
	for _, st := range Styles {
		for _, sz := range Sizes {
			name := string(st) + "/" + sz.Name
			c := sampleCard(st, sz)
			img, err := RenderCard(c)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			data, err := EncodePNG(img)
			if err != nil {
				t.Fatalf("%s: encode: %v", name, err)
			}
			dec, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: not a valid PNG: %v", name, err)
			}
			if b := dec.Bounds(); b.Dx() != sz.Width || b.Dy() != sz.Height {
				t.Errorf("%s: PNG is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), sz.Width, sz.Height)
			}
			l, err := newLayout(c, image.Rect(0, 0, sz.Width, sz.Height), false)
			if err != nil {
				t.Fatal(err)
			}
			checkLayout(t, l, name)
			for _, b := range []*textBlock{l.store, l.title, l.benefit, l.period, l.cta} {
				if len(b.Lines) == 0 {
					t.Errorf("%s: %q not shown", name, b.Spec.Text)
				} else if strings.HasSuffix(b.Lines[len(b.Lines)-1], ellipsis) {
					t.Errorf("%s: sample text %q cut to %q", name, b.Spec.Text, b.Lines)
				}
			}
			if got := strings.Join(l.title.Lines, " "); got != c.Title {
				t.Errorf("%s: title lines %q, want %q", name, l.title.Lines, c.Title)
			}
		}
	}
}

func TestOddText(t *testing.T) {
	long := strings.Repeat("겨울 한정 딸기라떼 대축제 ", 40)
	cases := map[string]Card{
		"very long title":      {Title: long, StoreName: "가게", Benefit: "할인", Period: "12월", CTA: "참여"},
		"long store name":      {StoreName: strings.Repeat("아주아주긴이름의 동네 빵집 ", 12), Title: "오픈 이벤트", Benefit: "전 품목 10%", Period: "이번 주", CTA: "참여하기"},
		"one endless word":     {Title: strings.Repeat("딸기", 120), StoreName: strings.Repeat("가", 90), Benefit: strings.Repeat("A", 300), Period: strings.Repeat("9", 200), CTA: strings.Repeat("참여", 60)},
		"latin and digits":     {Title: "Winter Strawberry Latte Festival 2026 — Buy 1 Get 1 Free", StoreName: "Cafe SOSO 1st Avenue", Benefit: "30% OFF all drinks, 10 winners get a cake (₩35,000)", Period: "2026-12-01 10:00 ~ 2026-12-25 22:00", CTA: "Join now"},
		"emoji":                {Title: "🎉 겨울 🍓딸기라떼🍓 할인 🎉", StoreName: "카페 ☕ 소소", Benefit: "👨‍👩‍👧 가족 모두 30% 할인 ❤️", Period: "🗓 12.01 ~ 12.25", CTA: "👉 참여하기"},
		"only emoji":           {Title: "🎉🎉🎉", StoreName: "🍓", Benefit: "👍", Period: "🗓", CTA: "👉"},
		"empty":                {},
		"whitespace, controls": {Title: "  겨울\n\n딸기라떼\t할인 \u200b\u0007 ", StoreName: "\t", Benefit: "\r\n", Period: " ", CTA: " "},
		"max length fields":    {Title: strings.Repeat("가나다라마바사 ", 500), StoreName: strings.Repeat("x", 5000), Benefit: strings.Repeat("혜택 ", 2000), Period: strings.Repeat("1", 5000), CTA: strings.Repeat("go ", 1000)},
	}
	for name, c := range cases {
		for _, st := range Styles {
			for _, sz := range Sizes {
				c.Style, c.Width, c.Height = st, sz.Width, sz.Height
				label := name + "/" + string(st) + "/" + sz.Name
				img, l, err := renderCard(c)
				if err != nil {
					t.Fatalf("%s: %v", label, err)
				}
				if img.Bounds().Dx() != sz.Width || img.Bounds().Dy() != sz.Height {
					t.Fatalf("%s: %v", label, img.Bounds())
				}
				checkLayout(t, l, label)
				for _, b := range l.blocks {
					checkWords(t, label, b)
					for _, line := range b.Lines {
						for _, r := range line {
							if !hasGlyph(r) {
								t.Errorf("%s: %q has %U, which the font lacks (tofu)", label, line, r)
							}
						}
					}
				}
			}
		}
	}
}

// checkWords asserts lines break only between words: each line is a run
// of the text's words, except the pieces of a word too long for any line
// and an ellipsis cut at the end.
func checkWords(t *testing.T, label string, b *textBlock) {
	t.Helper()
	words := map[string]bool{}
	for _, w := range strings.Fields(b.Spec.Text) {
		words[w] = true
	}
	for i, line := range b.Lines {
		if i == len(b.Lines)-1 && strings.HasSuffix(line, ellipsis) {
			continue
		}
		for _, w := range strings.Fields(line) {
			if words[w] {
				continue
			}
			// a fragment is allowed only of a word wider than the box
			broken := false
			for word := range words {
				if strings.Contains(word, w) && measure(b.face, word, b.track) > fixed.I(b.Rect.Dx()) {
					broken = true
				}
			}
			if !broken {
				t.Errorf("%s: line %q splits a word (%q) that fits a line", label, line, w)
			}
		}
	}
}

func TestWrapBetweenWords(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet()
	f := fs.face(true, 40)
	text := "겨울 딸기라떼 할인"
	w := measure(f, "겨울 딸기라떼", 0)
	lines, broke := wrap(f, text, w+fixed.I(2), 0)
	if want := []string{"겨울 딸기라떼", "할인"}; !slices.Equal(lines, want) || broke {
		t.Errorf("wrap = %q broke=%v, want %q", lines, broke, want)
	}
	// narrower than "딸기라떼": still not split while the word fits alone
	w2 := measure(f, "딸기라떼", 0)
	lines, broke = wrap(f, text, w2, 0)
	if want := []string{"겨울", "딸기라떼", "할인"}; !slices.Equal(lines, want) || broke {
		t.Errorf("wrap = %q broke=%v, want %q", lines, broke, want)
	}
	// narrower than the word itself: the only case broken inside
	lines, broke = wrap(f, "딸기라떼", w2-fixed.I(5), 0)
	if !broke || len(lines) != 2 || strings.Join(lines, "") != "딸기라떼" {
		t.Errorf("wrap of an over-long word = %q broke=%v", lines, broke)
	}
}

func TestFitShrinksThenEllipsis(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet()
	spec := textSpec{Text: "겨울 딸기라떼 할인", Bold: true, Size: 100, MinSize: 30, MaxLines: 1}
	b := fitText(fs, spec, 500, 200)
	if len(b.Lines) != 1 || b.Lines[0] != spec.Text || b.Size >= 100 || b.W > 500 {
		t.Errorf("shrink: lines %q size %.1f width %d, want one whole line under 500 px at a smaller size", b.Lines, b.Size, b.W)
	}
	spec.Text = strings.Repeat("겨울 딸기라떼 할인 ", 30)
	spec.MaxLines = 2
	b = fitText(fs, spec, 500, 1000)
	if len(b.Lines) != 2 || !strings.HasSuffix(b.Lines[1], ellipsis) || b.Size != 30 || b.W > 500 {
		t.Errorf("ellipsis: lines %q size %.1f width %d", b.Lines, b.Size, b.W)
	}
	// a box lower than one line at the smallest size shows nothing rather than clip
	b = fitText(fs, spec, 500, 10)
	if len(b.Lines) != 0 {
		t.Errorf("tiny box: lines %q, want none", b.Lines)
	}
}

func TestCleanText(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"🎉 겨울 🍓딸기라떼🍓 할인 🎉": "겨울 딸기라떼 할인",
		" a\n\tb  c ":    "a b c",
		"👨‍👩‍👧":          "",
		"30% ₩1,000 · ~": "30% ₩1,000 · ~",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBadCards(t *testing.T) {
	good := sampleCard(StyleSimple, Sizes[0])
	for name, mut := range map[string]func(*Card){
		"unknown style": func(c *Card) { c.Style = "neon" },
		"zero size":     func(c *Card) { c.Width, c.Height = 0, 0 },
		"huge":          func(c *Card) { c.Width = 100000 },
		"bad colour":    func(c *Card) { c.Colors.Accent = "red" },
		"short hex":     func(c *Card) { c.Colors.Background = "#fff" },
	} {
		c := good
		mut(&c)
		if _, err := RenderCard(c); !errors.Is(err, ErrBadCard) {
			t.Errorf("%s: err = %v, want ErrBadCard", name, err)
		}
	}
	if _, err := PosterPNG(Poster{Card: good}); !errors.Is(err, ErrBadCard) {
		t.Errorf("poster without URL: err = %v, want ErrBadCard", err)
	}
}

func TestCustomColours(t *testing.T) {
	for _, st := range Styles {
		c := sampleCard(st, Sizes[0])
		c.Colors = Colors{Background: "#123456", Accent: "#ff8800", Text: "#fefefe"}
		if st == StyleSimple {
			c.Colors.Text = "#101010"
		}
		img, err := RenderCard(c)
		if err != nil {
			t.Fatal(err)
		}
		def, _ := RenderCard(sampleCard(st, Sizes[0]))
		if bytes.Equal(img.Pix, def.Pix) {
			t.Errorf("%s: custom colours changed nothing", st)
		}
		if st == StyleSimple {
			// the simple ground is the background colour, flat
			if got := img.RGBAAt(5, 5); got != (color.RGBA{0x12, 0x34, 0x56, 255}) {
				t.Errorf("simple: corner %v, want #123456", got)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	// content addressing relies on the same input giving the same bytes
	for _, st := range Styles {
		c := sampleCard(st, Sizes[0])
		a, _ := RenderCard(c)
		b, _ := RenderCard(c)
		if !bytes.Equal(a.Pix, b.Pix) {
			t.Errorf("%s: two renders differ", st)
		}
	}
}

func TestConcurrentRenders(t *testing.T) {
	kw, _ := SizeByName("kakao_wide")
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(st Style) {
			defer wg.Done()
			if _, err := RenderCard(sampleCard(st, kw)); err != nil {
				errs <- err
			}
		}(Styles[i%3])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// stripes is a busy stand-in for a provider's picture.
func stripes(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(0)
			if (x/23+y/17)%2 == 0 {
				v = 255
			}
			img.SetRGBA(x, y, color.RGBA{v, 255 - v/2, v / 3, 255})
		}
	}
	return img
}

func TestBackgroundPicture(t *testing.T) {
	for _, st := range Styles {
		c := sampleCard(st, Sizes[0])
		plain, _ := RenderCard(c)
		c.Background = stripes(640, 480)
		img, err := RenderCard(c)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(img.Pix, plain.Pix) {
			t.Errorf("%s: background picture not composed", st)
		}
	}
}

func TestFontsEmbedded(t *testing.T) {
	for name, b := range map[string][]byte{"regular": FontRegular(), "bold": FontBold()} {
		// TrueType outlines (sfnt version 0x00010000), what fpdf and x/image need
		if len(b) < 1<<20 || !bytes.HasPrefix(b, []byte{0, 1, 0, 0}) {
			t.Errorf("%s font: %d bytes, header % x: not an embedded TrueType font", name, len(b), b[:min(4, len(b))])
		}
	}
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	for _, r := range "가힣딸기라떼0A%₩…→" {
		if !hasGlyph(r) {
			t.Errorf("font lacks %q", r)
		}
	}
}

func TestExtremeCanvases(t *testing.T) {
	for _, wh := range [][2]int{{minSide, minSide}, {minSide, 2400}, {2400, minSide}, {1234, 567}, {601, 1999}} {
		for _, st := range Styles {
			c := sampleCard(st, Size{Width: wh[0], Height: wh[1]})
			img, l, err := renderCard(c)
			if err != nil {
				t.Fatalf("%v %s: %v", wh, st, err)
			}
			if img.Bounds().Dx() != wh[0] || img.Bounds().Dy() != wh[1] {
				t.Errorf("%v %s: image %v", wh, st, img.Bounds())
			}
			checkLayout(t, l, fmt.Sprintf("%dx%d/%s", wh[0], wh[1], st))
			if len(l.title.Lines) == 0 {
				t.Errorf("%v %s: no room for the title", wh, st)
			}
		}
	}
}

func TestClashingColoursStayReadable(t *testing.T) {
	for _, st := range Styles {
		c := sampleCard(st, Sizes[0])
		// text the colour of the ground, accent too
		c.Colors = Colors{Background: "#336699", Accent: "#336699", Text: "#336699"}
		l, err := newLayout(c, image.Rect(0, 0, c.Width, c.Height), false)
		if err != nil {
			t.Fatal(err)
		}
		ground := mix(l.pal.bg, l.pal.bg2, 0.5)
		for _, b := range []*textBlock{l.title, l.period} {
			if r := contrast(b.Spec.Color, ground); r < 3 {
				t.Errorf("%s: %q colour %v has contrast %.2f on %v, want ≥ 3", st, b.Spec.Text, b.Spec.Color, r, ground)
			}
		}
	}
	// the defaults are not touched
	for st, p := range palettes {
		got, _ := paletteFor(st, Colors{})
		if got != p {
			t.Errorf("%s: default palette changed to %+v", st, got)
		}
	}
}
