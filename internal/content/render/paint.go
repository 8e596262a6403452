package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
)

// paintBackground paints the style's ground and decoration over the whole
// of dst, keeping decoration that could hurt legibility off the text.
func (l *cardLayout) paintBackground(dst *image.RGBA, photo image.Image) {
	switch l.style {
	case StyleSimple:
		l.groundSimple(dst, photo)
	case StyleVivid:
		l.groundVivid(dst, photo)
	case StyleTrendy:
		l.groundTrendy(dst, photo)
	}
}

// paintText paints the text furniture (pills, rule, shadows) and, when
// glyphs is set, the glyphs themselves (the PDF draws those as real text).
func (l *cardLayout) paintText(dst *image.RGBA, glyphs bool) {
	p := l.pal
	switch l.style {
	case StyleSimple:
		if !l.rule.Empty() {
			fillRect(dst, l.rule, p.accent)
		}
		if !l.ctaPill.Empty() {
			roundRectOutline(dst, l.ctaPill, float64(l.px(6)), math.Max(2, 3*l.u), p.accent)
		}
	case StyleVivid:
		if !l.storePill.Empty() {
			roundRect(dst, l.storePill, float64(l.storePill.Dy())/2, color.RGBA{255, 255, 255, 255})
		}
		if !l.ctaPill.Empty() {
			sh := l.ctaPill.Add(image.Pt(0, l.px(10)))
			roundRect(dst, sh, float64(sh.Dy())/2, withAlpha(color.RGBA{40, 0, 60, 255}, 0.28))
			roundRect(dst, l.ctaPill, float64(l.ctaPill.Dy())/2, color.RGBA{255, 255, 255, 255})
		}
		softShadow(dst, []*textBlock{l.title, l.benefit, l.period}, withAlpha(color.RGBA{50, 0, 70, 255}, 0.45), 0, l.px(6), max(2, l.px(9)))
	case StyleTrendy:
		if !l.storePill.Empty() {
			roundRectOutline(dst, l.storePill, float64(l.storePill.Dy())/2, math.Max(2, 2.5*l.u), p.accent)
		}
		if !l.ctaPill.Empty() {
			roundRect(dst, l.ctaPill, float64(l.ctaPill.Dy())/2, p.accent)
		}
	}
	if glyphs {
		for _, b := range l.blocks {
			b.draw(dst, b.Spec.Color)
		}
	}
}

// photoUnder draws the provider's picture under a scrim of the style's
// ground colour at opacity a.
func photoUnder(dst *image.RGBA, photo image.Image, scrim color.RGBA, a float64) {
	coverImage(dst, photo)
	fillRect(dst, dst.Bounds(), withAlpha(scrim, a))
}

func (l *cardLayout) groundSimple(dst *image.RGBA, photo image.Image) {
	p, b := l.pal, dst.Bounds()
	fillRect(dst, b, p.bg)
	if photo != nil {
		photoUnder(dst, photo, p.bg, 0.86)
	}
	// geometry follows the layout's area (the upper part of a poster)
	W, H := float64(l.area.Dx()), float64(l.area.Dy())
	m := math.Min(W, H)
	if l.wide {
		panel := image.Rect(l.col.Max.X+l.px(80), 0, b.Max.X, b.Max.Y)
		fillRect(dst, panel, withAlpha(p.accent2, 0.55))
		cx, cy := float64(panel.Min.X)+float64(panel.Dx())*0.55, H*0.5
		circle(dst, cx, cy, m*0.30, withAlpha(p.accent2, 0.9))
		ring(dst, cx, cy, m*0.38, math.Max(1.5, 2*l.u), withAlpha(p.accent, 0.55))
		circle(dst, cx+m*0.27, cy-m*0.27, math.Max(4, 10*l.u), p.accent)
	} else {
		// the corner disc shrinks until it clears the text
		cx, cy, r := W*0.96, H*0.93, m*0.36
		avoid := l.textAreas(l.px(24))
		for r > m*0.1 && circleHits(cx, cy, r*1.25, avoid) {
			r *= 0.9
		}
		if !circleHits(cx, cy, r*1.25, avoid) {
			circle(dst, cx, cy, r, withAlpha(p.accent2, 0.75))
			ring(dst, cx, cy, r*1.22, math.Max(1.5, 2*l.u), withAlpha(p.accent, 0.35))
			circle(dst, cx-r*0.86, cy-r*0.86, math.Max(4, 9*l.u), p.accent)
		}
	}
	// hairline frame: the quiet border of printed stationery
	f := b.Inset(l.px(36))
	t := max(1, l.px(2))
	c := withAlpha(p.accent, 0.35)
	fillRect(dst, image.Rect(f.Min.X, f.Min.Y, f.Max.X, f.Min.Y+t), c)
	fillRect(dst, image.Rect(f.Min.X, f.Max.Y-t, f.Max.X, f.Max.Y), c)
	fillRect(dst, image.Rect(f.Min.X, f.Min.Y+t, f.Min.X+t, f.Max.Y-t), c)
	fillRect(dst, image.Rect(f.Max.X-t, f.Min.Y+t, f.Max.X, f.Max.Y-t), c)
}

func (l *cardLayout) groundVivid(dst *image.RGBA, photo image.Image) {
	p, b := l.pal, dst.Bounds()
	linearGradient(dst, p.bg, p.bg2, 0.8, 1)
	if photo != nil {
		grad := image.NewRGBA(b)
		linearGradient(grad, p.bg, p.bg2, 0.8, 1)
		coverImage(dst, photo)
		draw.DrawMask(dst, b, grad, b.Min, image.NewUniform(color.Alpha{205}), image.Point{}, draw.Over)
	}
	W, H := float64(b.Dx()), float64(b.Dy())
	m := float64(min(b.Dx(), b.Dy()))
	cx := float64(l.col.Min.X+l.col.Max.X) / 2
	cy := H * 0.45
	if len(l.title.Lines) > 0 {
		cy = float64(l.title.Rect.Min.Y+l.title.Rect.Max.Y) / 2
	}
	// sunburst: one path of alternate wedges
	reach := math.Hypot(W, H)
	rays := 28
	fillPath(dst, b, withAlpha(color.RGBA{255, 255, 255, 255}, 0.07), func(pn *pen) {
		for i := 0; i < rays; i += 2 {
			a0 := float64(i) * 2 * math.Pi / float64(rays)
			a1 := float64(i+1) * 2 * math.Pi / float64(rays)
			pn.move(cx, cy)
			pn.line(cx+reach*math.Cos(a0), cy+reach*math.Sin(a0))
			pn.line(cx+reach*math.Cos(a1), cy+reach*math.Sin(a1))
			pn.close()
		}
	})
	radialGlow(dst, cx, cy, m*0.75, color.RGBA{255, 240, 250, 255}, 0.35)
	// big soft discs and bursts bleeding off the corners
	circle(dst, 0, H, m*0.42, withAlpha(p.bg2, 0.55))
	ring(dst, 0, H, m*0.52, math.Max(2, 4*l.u), withAlpha(color.RGBA{255, 255, 255, 255}, 0.22))
	circle(dst, W, 0, m*0.34, withAlpha(color.RGBA{255, 255, 255, 255}, 0.12))
	star(dst, W-m*0.02, H-m*0.02, m*0.2, m*0.15, 14, 0.1, withAlpha(p.accent, 0.9))
	star(dst, m*0.03, m*0.03, m*0.14, m*0.105, 12, 0.3, withAlpha(p.accent2, 0.85))
	l.confetti(dst)
}

// confetti scatters deterministic pieces (seeded by the card) that keep
// clear of the text and the pills.
func (l *cardLayout) confetti(dst *image.RGBA) {
	p, b := l.pal, dst.Bounds()
	rng := rand.New(rand.NewPCG(l.seed, 0x5eed))
	avoid := l.textAreas(l.px(28))
	cols := []color.RGBA{p.accent, p.accent2, {255, 255, 255, 255}, {255, 184, 208, 255}, p.accent}
	n := int(60 * float64(b.Dx()*b.Dy()) / (1080 * 1080))
	n = max(n, 24)
	placed := 0
	for try := 0; try < n*6 && placed < n; try++ {
		x := rng.Float64() * float64(b.Dx())
		y := rng.Float64() * float64(b.Dy())
		s := (8 + rng.Float64()*14) * l.u
		box := boxAround(x, y, 2.2*s, 2.2*s)
		clear := true
		for _, a := range avoid {
			if box.Overlaps(a) {
				clear = false
				break
			}
		}
		if !clear {
			continue
		}
		c := cols[rng.IntN(len(cols))]
		rot := rng.Float64() * math.Pi
		switch rng.IntN(4) {
		case 0:
			rotRect(dst, x, y, s*0.9, s*2.2, rot, c)
		case 1:
			circle(dst, x, y, s*0.6, c)
		case 2:
			polygon(dst, c, x+s*math.Cos(rot), y+s*math.Sin(rot),
				x+s*math.Cos(rot+2.1), y+s*math.Sin(rot+2.1),
				x+s*math.Cos(rot+4.2), y+s*math.Sin(rot+4.2))
		default:
			star(dst, x, y, s, s*0.45, 5, rot, c)
		}
		placed++
	}
}

func (l *cardLayout) groundTrendy(dst *image.RGBA, photo image.Image) {
	p, b := l.pal, dst.Bounds()
	linearGradient(dst, p.bg, p.bg2, 0.2, 1)
	if photo != nil {
		coverImage(dst, photo)
		fillRect(dst, b, withAlpha(p.bg, 0.82))
	}
	// geometry follows the layout's area (the upper part of a poster)
	W, H := float64(l.area.Dx()), float64(l.area.Dy())
	m := math.Min(W, H)
	var block image.Rectangle
	if l.wide {
		block = image.Rect(int(W*0.66), 0, int(W), int(H*0.62))
	} else {
		block = image.Rect(int(W*0.56), 0, int(W), int(H*0.34))
	}
	fillRect(dst, block, p.accent)
	// a dot grid on the block: the duotone's second texture
	step := m * 0.045
	for i := 0; i < 5; i++ {
		for j := 0; j < 4; j++ {
			circle(dst, float64(block.Max.X)-step*(1.2+float64(i)), float64(block.Min.Y)+step*(1.6+float64(j)), math.Max(2, 4*l.u), withAlpha(p.bg, 0.55))
		}
	}
	// a half disc hanging from the block (Bauhaus), and a small full dot
	r := m * 0.13
	cx, cy := float64(block.Min.X)+r, float64(block.Max.Y)
	half := image.Rect(block.Min.X-1, block.Max.Y, block.Min.X+int(2*r)+2, block.Max.Y+int(r)+2)
	fillPath(dst, half, p.accent2, func(pn *pen) { ellipsePath(pn, cx, cy, r, r, false) })
	circle(dst, float64(block.Min.X)-r*0.55, float64(block.Max.Y)+r*0.55, r*0.22, p.accent2)
	ring(dst, W*0.98, H*0.98, m*0.3, math.Max(1.5, 2.5*l.u), withAlpha(p.accent, 0.35))
	// small plus marks, the grid-paper detail of the style
	for _, pt := range [][2]float64{{W * 0.9, H * 0.5}, {W * 0.52, H * 0.06}} {
		if l.wide {
			pt = [2]float64{pt[0], H * 0.82}
		}
		arm, th := m*0.022, math.Max(2, 4*l.u)
		r1 := image.Rect(int(pt[0]-arm), int(pt[1]-th/2), int(pt[0]+arm), int(pt[1]+th/2))
		r2 := image.Rect(int(pt[0]-th/2), int(pt[1]-arm), int(pt[0]+th/2), int(pt[1]+arm))
		if !overlapsAny(r1.Union(r2), l.textAreas(l.px(150))) {
			fillRect(dst, r1, p.accent2)
			fillRect(dst, r2, p.accent2)
		}
	}
}

func overlapsAny(r image.Rectangle, rs []image.Rectangle) bool {
	for _, a := range rs {
		if r.Overlaps(a) {
			return true
		}
	}
	return false
}

// circleHits reports whether the disc (cx, cy, r) touches any rectangle.
func circleHits(cx, cy, r float64, rs []image.Rectangle) bool {
	for _, a := range rs {
		nx := math.Max(float64(a.Min.X), math.Min(cx, float64(a.Max.X)))
		ny := math.Max(float64(a.Min.Y), math.Min(cy, float64(a.Max.Y)))
		if math.Hypot(cx-nx, cy-ny) < r {
			return true
		}
	}
	return false
}
