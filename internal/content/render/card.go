package render

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// Card is one event image to render.
type Card struct {
	Style                                  Style
	Width, Height                          int
	StoreName, Title, Benefit, Period, CTA string
	Colors                                 Colors
	// Background is an optional picture (from an image provider) composed
	// under a scrim of the style's colours so the text stays legible.
	Background image.Image
}

// DefaultCTA is shown when a card has no call to action.
const DefaultCTA = "지금 참여하기"

// Canvas limits: the smallest channel size is 800×400 and the poster 2480
// wide; anything far outside is a caller bug or abuse.
const (
	minSide = 200
	maxSide = 4096
)

// ErrBadCard reports a card that cannot be rendered (size, style, colour).
var ErrBadCard = errors.New("render: bad card")

// RenderCard draws the card. Text is wrapped between words, shrunk to fit
// and ends with an ellipsis when even the smallest size cannot hold it;
// it never leaves its box, and no box leaves the channel's safe area.
func RenderCard(c Card) (*image.RGBA, error) {
	img, _, err := renderCard(c)
	return img, err
}

func renderCard(c Card) (*image.RGBA, *cardLayout, error) {
	l, err := newLayout(c, image.Rect(0, 0, c.Width, c.Height), false)
	if err != nil {
		return nil, nil, err
	}
	dst := image.NewRGBA(image.Rect(0, 0, c.Width, c.Height))
	l.paintBackground(dst, c.Background)
	l.paintText(dst, true)
	return dst, l, nil
}

func checkCard(c Card) (palette, error) {
	if c.Width < minSide || c.Height < minSide || c.Width > maxSide || c.Height > maxSide {
		return palette{}, fmt.Errorf("%w: size %dx%d outside %d..%d", ErrBadCard, c.Width, c.Height, minSide, maxSide)
	}
	if _, ok := palettes[c.Style]; !ok {
		return palette{}, fmt.Errorf("%w: unknown style %q", ErrBadCard, c.Style)
	}
	p, err := paletteFor(c.Style, c.Colors)
	if err != nil {
		return p, fmt.Errorf("%w: %v", ErrBadCard, err)
	}
	return p, loadFonts()
}

// cardLayout is every box a card draws, computed before anything is
// painted so decoration can keep off the text and tests can measure it.
type cardLayout struct {
	style  Style
	pal    palette
	W, H   int
	u      float64         // scale: 1 on a 1080 px short side
	wide   bool            // landscape (text column left or centred narrow)
	area   image.Rectangle // the part of the canvas this layout fills
	photo  image.Image     // optional provider picture under the ground
	safe   image.Rectangle // where text may go
	col    image.Rectangle // the text column
	fs     *faceSet
	seed   uint64
	blocks []*textBlock // every fitted text, in paint order

	store, title, benefit, period, cta *textBlock
	storePill, ctaPill                 image.Rectangle
	rule                               image.Rectangle   // simple: accent line under the title
	avoid                              []image.Rectangle // more areas decoration keeps off (poster)
}

// newLayout lays the card's text out on the page area (the whole canvas
// for a card, the upper part of the poster).
// On a poster (the upper part of an A4 page) the QR panel is the call to
// action, and the type is set for reading from across the counter.
func newLayout(c Card, area image.Rectangle, poster bool) (*cardLayout, error) {
	pal, err := checkCard(c)
	if err != nil {
		return nil, err
	}
	W, H := area.Dx(), area.Dy()
	l := &cardLayout{
		style: c.Style, pal: pal, W: W, H: H,
		// Type scales with the canvas area, not its short side: a story or
		// a TV frame has room for bigger type than a square of the same width.
		u:    math.Min(math.Sqrt(float64(W*H))/1080, float64(min(W, H))/1080*1.6),
		wide: float64(W)/float64(H) >= 1.45,
		safe: SafeArea(W, H).Add(area.Min),
		fs:   newFaceSet(),
		seed: seedOf(c),
	}
	l.area = area
	l.photo = c.Background
	switch {
	case poster:
		c.CTA = ""
	case cleanText(c.CTA) == "":
		c.CTA = DefaultCTA
	}
	if poster {
		l.wide = false
		l.u = float64(W) / 1080 * 1.1
	}
	switch c.Style {
	case StyleSimple:
		l.layoutSimple(c, area)
	case StyleVivid:
		l.layoutVivid(c, area)
	case StyleTrendy:
		l.layoutTrendy(c, area)
	}
	return l, nil
}

func seedOf(c Card) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range []string{string(c.Style), c.StoreName, c.Title, c.Benefit} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	return h ^ uint64(c.Width)<<32 ^ uint64(c.Height)
}

func (l *cardLayout) px(v float64) int { return int(math.Round(v * l.u)) }

func (l *cardLayout) fit(spec textSpec, w, h int) *textBlock {
	spec.Size *= l.u
	spec.MinSize *= l.u
	b := fitText(l.fs, spec, max(w, 1), max(h, 0))
	l.blocks = append(l.blocks, b)
	return b
}

// inset shrinks r by a fraction of the short side, within the safe area.
func (l *cardLayout) inset(r image.Rectangle, v float64) image.Rectangle {
	return r.Inset(l.px(v)).Intersect(l.safe)
}

// stack places blocks top to bottom from y with the given gaps (a gap
// before an empty block is skipped) and returns the bottom.
type stackItem struct {
	b   *textBlock
	h   int // fixed height for non-text items (the rule)
	gap int
	set func(y int) // places the item at y
}

func stackHeight(items []stackItem) int {
	h, first := 0, true
	for _, it := range items {
		ih := it.h
		if it.b != nil {
			ih = it.b.H
		}
		if ih == 0 {
			continue
		}
		if !first {
			h += it.gap
		}
		h += ih
		first = false
	}
	return h
}

func placeStack(items []stackItem, y int) {
	first := true
	for _, it := range items {
		ih := it.h
		if it.b != nil {
			ih = it.b.H
		}
		if ih == 0 {
			continue
		}
		if !first {
			y += it.gap
		}
		it.set(y)
		y += ih
		first = false
	}
}

// ---- 심플: calm editorial layout, left aligned, thin accent rule ----

func (l *cardLayout) layoutSimple(c Card, area image.Rectangle) {
	col := l.inset(area, 96)
	if l.wide {
		col.Max.X = col.Min.X + col.Dx()*60/100
	}
	l.col = col
	p := l.pal
	l.store = l.fit(textSpec{Text: c.StoreName, Bold: true, Size: 32, MinSize: 20, MaxLines: 2, Track: 0.06, Color: readable(p.accent, p.bg)}, col.Dx(), l.px(90))
	l.store.place(col.Min.X, col.Min.Y, col.Dx())

	padX, padY := l.px(34), l.px(20)
	l.cta = l.fit(textSpec{Text: withArrow(c.CTA, " →"), Bold: true, Size: 32, MinSize: 20, MaxLines: 1, Color: readable(p.accent, p.bg)}, col.Dx()-2*padX, l.px(60))
	ch := l.cta.H + 2*padY
	if l.cta.H == 0 {
		ch = 0
	}
	l.ctaPill = image.Rect(col.Min.X, col.Max.Y-ch, col.Min.X+l.cta.W+2*padX, col.Max.Y)
	l.cta.place(l.ctaPill.Min.X+padX, l.ctaPill.Min.Y+padY, l.cta.W)

	top := col.Min.Y + l.store.H + l.px(48)
	bottom := l.ctaPill.Min.Y - l.px(48)
	mid := bottom - top
	gap := l.px(34)
	ruleH := max(2, l.px(5))
	l.benefit = l.fit(textSpec{Text: c.Benefit, Bold: true, Size: 46, MinSize: 24, MaxLines: 3, Leading: 1.3, Color: readable(mix(p.accent, p.text, 0.25), p.bg)}, col.Dx(), mid*26/100)
	l.period = l.fit(textSpec{Text: c.Period, Size: 34, MinSize: 18, MaxLines: 2, Color: p.muted}, col.Dx(), mid*13/100)
	rest := mid - l.benefit.H - l.period.H - 2*gap - ruleH - l.px(18)
	l.title = l.fit(textSpec{Text: c.Title, Bold: true, Size: 104, MinSize: 36, MaxLines: 4, Leading: 1.22, Color: p.text, Balance: true}, col.Dx(), rest)
	x, w := col.Min.X, col.Dx()
	items := []stackItem{
		{b: l.title, set: func(y int) { l.title.place(x, y, w) }},
		{h: ruleH, gap: gap, set: func(y int) { l.rule = image.Rect(x, y, x+l.px(96), y+ruleH) }},
		{b: l.benefit, gap: gap, set: func(y int) { l.benefit.place(x, y, w) }},
		{b: l.period, gap: l.px(18), set: func(y int) { l.period.place(x, y, w) }},
	}
	// slightly above centre reads as calm
	placeStack(items, top+max(0, (mid-stackHeight(items))*45/100))
}

// ---- 화려한: centred, huge bold title, pills, confetti ----

func (l *cardLayout) layoutVivid(c Card, area image.Rectangle) {
	col := l.inset(area, 80)
	if l.wide {
		cx, w := col.Min.X+col.Dx()/2, col.Dx()*80/100
		col.Min.X, col.Max.X = cx-w/2, cx+w/2
	}
	l.col = col
	p := l.pal
	cx := col.Min.X + col.Dx()/2
	padX, padY := l.px(34), l.px(14)
	l.store = l.fit(textSpec{Text: c.StoreName, Bold: true, Size: 30, MinSize: 18, MaxLines: 1, Track: 0.04, Color: readable(p.bg, rgb(0xFFFFFF)), Align: alignCenter}, col.Dx()-2*padX, l.px(60))
	if l.store.H > 0 {
		sw := l.store.W + 2*padX
		l.storePill = image.Rect(cx-sw/2, col.Min.Y, cx-sw/2+sw, col.Min.Y+l.store.H+2*padY)
		l.store.place(l.storePill.Min.X+padX, col.Min.Y+padY, l.store.W)
	}
	padX, padY = l.px(60), l.px(26)
	l.cta = l.fit(textSpec{Text: c.CTA, Bold: true, Size: 40, MinSize: 22, MaxLines: 1, Color: readable(p.bg, rgb(0xFFFFFF)), Align: alignCenter}, col.Dx()-2*padX, l.px(70))
	cw, ch := l.cta.W+2*padX, l.cta.H+2*padY
	if l.cta.H == 0 {
		ch = 0
	}
	l.ctaPill = image.Rect(cx-cw/2, col.Max.Y-ch, cx-cw/2+cw, col.Max.Y)
	l.cta.place(l.ctaPill.Min.X+padX, l.ctaPill.Min.Y+padY, l.cta.W)

	top := col.Min.Y
	if l.store.H > 0 {
		top = l.storePill.Max.Y
	}
	top += l.px(44)
	bottom := l.ctaPill.Min.Y - l.px(44)
	mid := bottom - top
	l.benefit = l.fit(textSpec{Text: c.Benefit, Bold: true, Size: 58, MinSize: 26, MaxLines: 2, Leading: 1.2, Color: readable(p.accent, mix(p.bg, p.bg2, 0.5)), Align: alignCenter, Balance: true}, col.Dx(), mid*26/100)
	l.period = l.fit(textSpec{Text: c.Period, Size: 34, MinSize: 18, MaxLines: 2, Color: p.text, Align: alignCenter}, col.Dx(), mid*12/100)
	gap := l.px(36)
	rest := mid - l.benefit.H - l.period.H - 2*gap
	l.title = l.fit(textSpec{Text: c.Title, Bold: true, Size: 132, MinSize: 40, MaxLines: 4, Leading: 1.14, Color: p.text, Align: alignCenter, Balance: true}, col.Dx(), rest)
	x, w := col.Min.X, col.Dx()
	items := []stackItem{
		{b: l.title, set: func(y int) { l.title.place(x, y, w) }},
		{b: l.benefit, gap: gap, set: func(y int) { l.benefit.place(x, y, w) }},
		{b: l.period, gap: l.px(20), set: func(y int) { l.period.place(x, y, w) }},
	}
	placeStack(items, top+max(0, (mid-stackHeight(items))/2))
}

// ---- 트렌디: dark duotone, blocks top-right, text bottom-left ----

func (l *cardLayout) layoutTrendy(c Card, area image.Rectangle) {
	col := l.inset(area, 84)
	if l.wide {
		col.Max.X = col.Min.X + col.Dx()*58/100
	}
	l.col = col
	p := l.pal
	padX, padY := l.px(26), l.px(12)
	storeW := col.Dx() - 2*padX
	if !l.wide { // keep the pill left of the colour block
		storeW = min(storeW, area.Min.X+area.Dx()*52/100-col.Min.X-2*padX)
	}
	l.store = l.fit(textSpec{Text: c.StoreName, Bold: true, Size: 28, MinSize: 18, MaxLines: 1, Track: 0.05, Color: readable(p.accent, p.bg)}, storeW, l.px(56))
	if l.store.H > 0 {
		l.storePill = image.Rect(col.Min.X, col.Min.Y, col.Min.X+l.store.W+2*padX, col.Min.Y+l.store.H+2*padY)
		l.store.place(col.Min.X+padX, col.Min.Y+padY, l.store.W)
	}
	padX, padY = l.px(44), l.px(22)
	l.cta = l.fit(textSpec{Text: withArrow(c.CTA, "  →"), Bold: true, Size: 34, MinSize: 20, MaxLines: 1, Color: readable(p.bg, p.accent)}, col.Dx()-2*padX, l.px(64))
	ch := l.cta.H + 2*padY
	if l.cta.H == 0 {
		ch = 0
	}
	l.ctaPill = image.Rect(col.Min.X, col.Max.Y-ch, col.Min.X+l.cta.W+2*padX, col.Max.Y)
	l.cta.place(l.ctaPill.Min.X+padX, l.ctaPill.Min.Y+padY, l.cta.W)

	// The blocks own the top right of a portrait card; text starts below
	// them. Landscape keeps the blocks to the right of the column.
	top := col.Min.Y + l.storePill.Dy() + l.px(40)
	if !l.wide {
		top = max(top, area.Min.Y+area.Dy()*40/100)
	}
	bottom := l.ctaPill.Min.Y - l.px(52)
	mid := bottom - top
	l.benefit = l.fit(textSpec{Text: c.Benefit, Bold: true, Size: 46, MinSize: 22, MaxLines: 3, Leading: 1.25, Color: readable(p.accent2, p.bg)}, col.Dx(), mid*26/100)
	l.period = l.fit(textSpec{Text: c.Period, Size: 32, MinSize: 18, MaxLines: 2, Track: 0.02, Color: p.muted}, col.Dx(), mid*12/100)
	gap := l.px(30)
	rest := mid - l.benefit.H - l.period.H - 2*gap
	l.title = l.fit(textSpec{Text: c.Title, Bold: true, Size: 112, MinSize: 36, MaxLines: 4, Leading: 1.16, Track: -0.02, Color: p.text, Balance: true}, col.Dx(), rest)
	x, w := col.Min.X, col.Dx()
	items := []stackItem{
		{b: l.title, set: func(y int) { l.title.place(x, y, w) }},
		{b: l.benefit, gap: gap, set: func(y int) { l.benefit.place(x, y, w) }},
		{b: l.period, gap: gap * 2 / 3, set: func(y int) { l.period.place(x, y, w) }},
	}
	y := bottom - stackHeight(items) // bottom aligned: asymmetric weight
	if l.wide {
		y = top + max(0, (mid-stackHeight(items))/2)
	}
	placeStack(items, y)
}

// textAreas are the rectangles decoration must keep clear of.
func (l *cardLayout) textAreas(pad int) []image.Rectangle {
	var rs []image.Rectangle
	for _, b := range l.blocks {
		if len(b.Lines) > 0 {
			rs = append(rs, b.inkBounds().Inset(-pad))
		}
	}
	for _, r := range append([]image.Rectangle{l.storePill, l.ctaPill}, l.avoid...) {
		if !r.Empty() {
			rs = append(rs, r.Inset(-pad))
		}
	}
	return rs
}

func withArrow(s, arrow string) string {
	if cleanText(s) == "" {
		return ""
	}
	return s + arrow
}
