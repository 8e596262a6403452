package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// maxTextRunes caps what is laid out: nothing longer can fit on a card, and
// wrapping cost grows with the square of a line's length.
const maxTextRunes = 300

// cleanText collapses whitespace and drops what the embedded font cannot
// draw (emoji, joiners, variation selectors, control characters), so a
// card never shows a tofu box.
func cleanText(s string) string {
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if !unicode.IsPrint(r) || !hasGlyph(r) {
			continue
		}
		if n >= maxTextRunes {
			break
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		n++
	}
	return b.String()
}

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// textSpec is what a layout asks for: the preferred size, the smallest it
// may shrink to, and how many lines it may take.
type textSpec struct {
	Text     string
	Bold     bool
	Size     float64 // preferred pixel size
	MinSize  float64 // shrink no further; then ellipsis
	MaxLines int
	Leading  float64 // line step as a multiple of the size
	Track    float64 // letter spacing as a fraction of the size
	Color    color.RGBA
	Align    align
	Balance  bool // even out line lengths (titles)
}

// textBlock is fitted text: lines that each fit the width, at one size,
// placed at Rect (the area lines are aligned in; its height is the block's).
type textBlock struct {
	Spec    textSpec
	Size    float64
	Lines   []string
	Widths  []int
	W, H    int // widest line, block height
	Rect    image.Rectangle
	face    font.Face
	track   fixed.Int26_6
	step    float64
	ascent  float64
	descent float64
}

func measure(f font.Face, s string, track fixed.Int26_6) fixed.Int26_6 {
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += f.Kern(prev, r) + track
		}
		a, _ := f.GlyphAdvance(r)
		w += a
		prev = r
	}
	return w
}

// wrap breaks text into lines no wider than maxW, between words only
// (Korean breaks between 어절, which are space separated). A single word
// wider than the line is the one case broken inside; broke reports it.
func wrap(f font.Face, text string, maxW fixed.Int26_6, track fixed.Int26_6) (lines []string, broke bool) {
	cur := ""
	for _, w := range strings.Split(text, " ") {
		if w == "" {
			continue
		}
		cand := w
		if cur != "" {
			cand = cur + " " + w
		}
		if measure(f, cand, track) <= maxW {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
		if measure(f, w, track) <= maxW {
			cur = w
			continue
		}
		broke = true
		chunk := ""
		for _, r := range w {
			c := chunk + string(r)
			if chunk != "" && measure(f, c, track) > maxW {
				lines = append(lines, chunk)
				chunk = string(r)
			} else {
				chunk = c
			}
		}
		cur = chunk
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines, broke
}

// fitText shrinks the text until it fits maxW×maxH within MaxLines without
// breaking a word; at MinSize it keeps what fits and ends with an ellipsis.
func fitText(fs *faceSet, spec textSpec, maxW, maxH int) *textBlock {
	spec.Text = cleanText(spec.Text)
	if spec.MaxLines <= 0 {
		spec.MaxLines = 1
	}
	if spec.Leading == 0 {
		spec.Leading = 1.25
	}
	if spec.MinSize <= 0 || spec.MinSize > spec.Size {
		spec.MinSize = spec.Size
	}
	size := spec.Size
	for {
		b := layoutAt(fs, spec, size, maxW)
		fits := len(b.Lines) <= spec.MaxLines && b.H <= maxH && !b.broke
		if fits || size <= spec.MinSize {
			if !fits {
				b.truncate(spec.MaxLines, maxW, maxH)
			}
			if spec.Balance && len(b.Lines) > 1 && !b.truncated {
				b.balance(maxW)
			}
			b.measureLines()
			return &b.textBlock
		}
		size = math.Max(size*0.93, spec.MinSize)
	}
}

type fitting struct {
	textBlock
	broke     bool
	truncated bool
}

func layoutAt(fs *faceSet, spec textSpec, size float64, maxW int) fitting {
	f := fs.face(spec.Bold, size)
	m := f.Metrics()
	b := fitting{textBlock: textBlock{
		Spec: spec, Size: size, face: f,
		track:   fixed.Int26_6(math.Round(spec.Track * size * 64)),
		step:    math.Round(size * spec.Leading),
		ascent:  float64(m.Ascent.Ceil()),
		descent: float64(m.Descent.Ceil()),
	}}
	b.Lines, b.broke = wrap(f, spec.Text, fixed.I(maxW), b.track)
	b.measureLines()
	return b
}

func (b *textBlock) measureLines() {
	b.Widths = b.Widths[:0]
	b.W = 0
	for _, l := range b.Lines {
		w := measure(b.face, l, b.track).Ceil()
		b.Widths = append(b.Widths, w)
		b.W = max(b.W, w)
	}
	b.H = 0
	if n := len(b.Lines); n > 0 {
		b.H = int(b.ascent + b.descent + float64(n-1)*b.step)
	}
}

// truncate keeps the lines that fit and ends the last with an ellipsis.
func (b *fitting) truncate(maxLines, maxW, maxH int) {
	keep := min(len(b.Lines), maxLines)
	for keep > 0 && int(b.ascent+b.descent+float64(keep-1)*b.step) > maxH {
		keep--
	}
	if keep == len(b.Lines) {
		b.measureLines()
		return
	}
	b.truncated = true
	b.Lines = b.Lines[:keep]
	if keep == 0 {
		b.measureLines()
		return
	}
	last := []rune(b.Lines[keep-1])
	for len(last) > 0 && measure(b.face, string(last)+ellipsis, b.track) > fixed.I(maxW) {
		last = last[:len(last)-1]
	}
	b.Lines[keep-1] = strings.TrimRight(string(last), " ") + ellipsis
	b.measureLines()
}

// balance narrows the wrap width as far as the line count allows, so a
// title does not end with one orphaned word.
func (b *fitting) balance(maxW int) {
	n := len(b.Lines)
	lo, hi := maxW/3, maxW
	best := b.Lines
	for lo < hi {
		mid := (lo + hi) / 2
		lines, broke := wrap(b.face, b.Spec.Text, fixed.I(mid), b.track)
		if len(lines) <= n && !broke {
			best, hi = lines, mid
		} else {
			lo = mid + 1
		}
	}
	// Greedy filling leaves the short line last ("겨울 딸기라떼 / 할인");
	// filling from the end at the same width puts it first, which reads
	// better when it is at least as even (a short first line leads in).
	if hi < maxW || len(best) == n {
		if rev := wrapFromEnd(b.face, b.Spec.Text, fixed.I(hi), b.track); len(rev) == len(best) && shortest(b, rev) >= shortest(b, best) {
			best = rev
		}
	}
	b.Lines = best
}

// wrapFromEnd wraps whole words filling lines from the last one up.
func wrapFromEnd(f font.Face, text string, maxW, track fixed.Int26_6) []string {
	words := strings.Fields(text)
	var lines []string
	cur := ""
	for i := len(words) - 1; i >= 0; i-- {
		cand := words[i]
		if cur != "" {
			cand = words[i] + " " + cur
		}
		if cur == "" || measure(f, cand, track) <= maxW {
			cur = cand
			continue
		}
		lines = append(lines, cur)
		cur = words[i]
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	slices.Reverse(lines)
	return lines
}

func shortest(b *fitting, lines []string) fixed.Int26_6 {
	m := fixed.Int26_6(math.MaxInt32)
	for _, l := range lines {
		m = min(m, measure(b.face, l, b.track))
	}
	return m
}

// place puts the block at (x, y), aligning lines within width w.
func (b *textBlock) place(x, y, w int) {
	b.Rect = image.Rect(x, y, x+w, y+b.H)
}

// lineOrigin is the dot (left end of the baseline) of line i.
func (b *textBlock) lineOrigin(i int) (x, y float64) {
	x = float64(b.Rect.Min.X)
	switch b.Spec.Align {
	case alignCenter:
		x += float64(b.Rect.Dx()-b.Widths[i]) / 2
	case alignRight:
		x += float64(b.Rect.Dx() - b.Widths[i])
	}
	y = float64(b.Rect.Min.Y) + b.ascent + float64(i)*b.step
	return math.Round(x), math.Round(y)
}

// inkBounds is the union of the glyph boxes of every line, for tests and
// for keeping decoration off the text.
func (b *textBlock) inkBounds() image.Rectangle {
	var r image.Rectangle
	for i, l := range b.Lines {
		x, y := b.lineOrigin(i)
		bb, _ := font.BoundString(b.face, l)
		lr := image.Rect(bb.Min.X.Floor(), bb.Min.Y.Floor(), bb.Max.X.Ceil(), bb.Max.Y.Ceil())
		// BoundString ignores tracking: widen by the tracking added.
		lr.Max.X += (b.track * fixed.Int26_6(max(0, len([]rune(l))-1))).Ceil()
		r = r.Union(lr.Add(image.Pt(int(x), int(y))))
	}
	return r
}

// draw paints the lines onto dst.
func (b *textBlock) draw(dst draw.Image, col color.Color) {
	src := image.NewUniform(col)
	for i, l := range b.Lines {
		x, y := b.lineOrigin(i)
		drawString(dst, b.face, l, x, y, b.track, src)
	}
}

func drawString(dst draw.Image, f font.Face, s string, x, y float64, track fixed.Int26_6, src image.Image) {
	dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			dot.X += f.Kern(prev, r) + track
		}
		dr, mask, mp, adv, ok := f.Glyph(dot, r)
		if ok {
			draw.DrawMask(dst, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += adv
		prev = r
	}
}
