package video

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	defaultTitleBackground = color.RGBA{0x1B, 0x26, 0x45, 0xFF} // deep navy
	defaultTitleText       = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	defaultTitleAccent     = color.RGBA{0xFF, 0xC1, 0x3D, 0xFF} // amber
)

var (
	fontOnce   sync.Once
	parsedFont *sfnt.Font
	fontErr    error
)

func titleFontParsed() (*sfnt.Font, error) {
	fontOnce.Do(func() {
		parsedFont, fontErr = opentype.Parse(titleFont())
		if fontErr != nil {
			fontErr = fmt.Errorf("video: title font: %w", fontErr)
		}
	})
	return parsedFont, fontErr
}

// titleCard draws text centred on a solid background with an accent bar
// under it. The text is wrapped between words (Korean wraps between 어절,
// not syllables), shrunk until it fits, and cut with an ellipsis only when
// even the smallest size overflows.
func titleCard(text string, w, h int, bg, fg, accent color.Color) (*image.RGBA, error) {
	if bg == nil {
		bg = defaultTitleBackground
	}
	if fg == nil {
		fg = defaultTitleText
	}
	if accent == nil {
		accent = defaultTitleAccent
	}
	f, err := titleFontParsed()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)

	text = clean(text, f)
	short := min(w, h)
	maxW := w * 84 / 100
	maxLines := 5
	if w > h {
		maxLines = 3
	}
	maxSize, minSize := float64(short)/7, float64(short)/24
	var face font.Face
	var lines []string
	var size float64
	units := glue(text)
	for size = maxSize; ; size *= 0.92 {
		face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, fmt.Errorf("video: title face: %w", err)
		}
		lines = wrap(face, units, maxW)
		if len(lines) <= maxLines || size*0.92 < minSize {
			break
		}
		face.Close()
	}
	defer face.Close()
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = ellipsize(face, lines[maxLines-1], maxW)
	} else {
		lines = balance(face, units, lines, maxW)
	}

	step := int(size * 1.3)
	barH, gap := max(4, short/90), int(size*0.7)
	blockH := step*len(lines) + gap + barH
	top := (h - blockH) / 2
	d := &font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: face}
	ascent := face.Metrics().Ascent.Ceil()
	for i, ln := range lines {
		lw := d.MeasureString(ln).Ceil()
		d.Dot = fixed.P((w-lw)/2, top+i*step+ascent)
		d.DrawString(ln)
	}
	barW := short / 6
	bar := image.Rect((w-barW)/2, top+step*len(lines)+gap, (w+barW)/2, top+step*len(lines)+gap+barH)
	draw.Draw(img, bar, image.NewUniform(accent), image.Point{}, draw.Src)
	return img, nil
}

// clean collapses whitespace and drops what the font cannot draw (emoji),
// so no tofu boxes appear.
func clean(s string, f *sfnt.Font) string {
	var buf sfnt.Buffer
	var b strings.Builder
	for _, word := range strings.Fields(s) {
		var wb strings.Builder
		for _, r := range word {
			if !unicode.IsPrint(r) {
				continue
			}
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				continue
			}
			wb.WriteRune(r)
		}
		if wb.Len() == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(wb.String())
	}
	return b.String()
}

// glue splits text into the units lines break between: words, with a
// lone punctuation mark ("·", "-", "!") kept on the word before it.
func glue(text string) []string {
	var units []string
	for _, w := range strings.Fields(text) {
		if len(units) > 0 && strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			units[len(units)-1] += " " + w
			continue
		}
		units = append(units, w)
	}
	return units
}

// balance narrows the measure as long as the text keeps the same number of
// lines, so a title breaks into even lines instead of a long one and an
// orphan.
func balance(face font.Face, units, lines []string, maxW int) []string {
	if len(lines) < 2 {
		return lines
	}
	lo, hi := maxW/3, maxW
	for lo < hi {
		mid := (lo + hi) / 2
		if len(wrap(face, units, mid)) == len(lines) && !broken(face, units, mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return wrap(face, units, hi)
}

// broken reports whether some unit alone is wider than maxW (wrap would cut
// it between characters).
func broken(face font.Face, units []string, maxW int) bool {
	for _, u := range units {
		if font.MeasureString(face, u).Ceil() > maxW {
			return true
		}
	}
	return false
}

// wrap fills lines unit by unit; a unit wider than a line on its own is
// broken between characters.
func wrap(face font.Face, units []string, maxW int) []string {
	var lines []string
	cur := ""
	for _, word := range units {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if font.MeasureString(face, try).Ceil() <= maxW {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
		for font.MeasureString(face, word).Ceil() > maxW {
			rs := []rune(word)
			n := len(rs) - 1
			for n > 1 && font.MeasureString(face, string(rs[:n])).Ceil() > maxW {
				n--
			}
			lines = append(lines, string(rs[:n]))
			word = string(rs[n:])
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// ellipsize ends s with "…", dropping characters until it fits.
func ellipsize(face font.Face, s string, maxW int) string {
	rs := []rune(s)
	for len(rs) > 0 && font.MeasureString(face, string(rs)+"…").Ceil() > maxW {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + "…"
}
