package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

// Shapes are rasterised with x/image/vector (anti-aliased) into a
// rasteriser sized to the shape's bounding box, never the whole canvas, so
// fifty confetti pieces cost what their area costs.

type pathFn func(p *pen)

// pen builds a path in canvas coordinates on a rasteriser whose origin is
// at (ox, oy).
type pen struct {
	r      *vector.Rasterizer
	ox, oy float32
}

func (p *pen) move(x, y float64) { p.r.MoveTo(float32(x)-p.ox, float32(y)-p.oy) }
func (p *pen) line(x, y float64) { p.r.LineTo(float32(x)-p.ox, float32(y)-p.oy) }
func (p *pen) cube(x1, y1, x2, y2, x, y float64) {
	p.r.CubeTo(float32(x1)-p.ox, float32(y1)-p.oy, float32(x2)-p.ox, float32(y2)-p.oy, float32(x)-p.ox, float32(y)-p.oy)
}
func (p *pen) close() { p.r.ClosePath() }

// fillPath paints the path (within bounds) in c, which may be translucent
// (premultiplied).
func fillPath(dst *image.RGBA, bounds image.Rectangle, c color.RGBA, build pathFn) {
	bounds = bounds.Intersect(dst.Bounds())
	if bounds.Empty() {
		return
	}
	// Clipped bounds keep the path's coordinates: the rasteriser clips.
	r := vector.NewRasterizer(bounds.Dx(), bounds.Dy())
	build(&pen{r: r, ox: float32(bounds.Min.X), oy: float32(bounds.Min.Y)})
	r.Draw(dst, bounds, image.NewUniform(c), image.Point{})
}

const kappa = 0.5522847498 // cubic Bézier circle constant

// ellipsePath adds an ellipse; ccw reverses it (a hole inside another).
func ellipsePath(p *pen, cx, cy, rx, ry float64, ccw bool) {
	k := kappa
	if !ccw {
		p.move(cx+rx, cy)
		p.cube(cx+rx, cy+ry*k, cx+rx*k, cy+ry, cx, cy+ry)
		p.cube(cx-rx*k, cy+ry, cx-rx, cy+ry*k, cx-rx, cy)
		p.cube(cx-rx, cy-ry*k, cx-rx*k, cy-ry, cx, cy-ry)
		p.cube(cx+rx*k, cy-ry, cx+rx, cy-ry*k, cx+rx, cy)
	} else {
		p.move(cx+rx, cy)
		p.cube(cx+rx, cy-ry*k, cx+rx*k, cy-ry, cx, cy-ry)
		p.cube(cx-rx*k, cy-ry, cx-rx, cy-ry*k, cx-rx, cy)
		p.cube(cx-rx, cy+ry*k, cx-rx*k, cy+ry, cx, cy+ry)
		p.cube(cx+rx*k, cy+ry, cx+rx, cy+ry*k, cx+rx, cy)
	}
	p.close()
}

func circle(dst *image.RGBA, cx, cy, r float64, c color.RGBA) {
	fillPath(dst, boxAround(cx, cy, r, r), c, func(p *pen) { ellipsePath(p, cx, cy, r, r, false) })
}

func ring(dst *image.RGBA, cx, cy, r, width float64, c color.RGBA) {
	fillPath(dst, boxAround(cx, cy, r, r), c, func(p *pen) {
		ellipsePath(p, cx, cy, r, r, false)
		ellipsePath(p, cx, cy, r-width, r-width, true)
	})
}

func boxAround(cx, cy, rx, ry float64) image.Rectangle {
	return image.Rect(int(math.Floor(cx-rx))-1, int(math.Floor(cy-ry))-1, int(math.Ceil(cx+rx))+1, int(math.Ceil(cy+ry))+1)
}

// roundRectPath adds a rectangle with corner radius rad (a pill when rad
// is half the height).
func roundRectPath(p *pen, x0, y0, x1, y1, rad float64, ccw bool) {
	rad = math.Min(rad, math.Min(x1-x0, y1-y0)/2)
	k := rad * (1 - kappa)
	if !ccw {
		p.move(x0+rad, y0)
		p.line(x1-rad, y0)
		p.cube(x1-k, y0, x1, y0+k, x1, y0+rad)
		p.line(x1, y1-rad)
		p.cube(x1, y1-k, x1-k, y1, x1-rad, y1)
		p.line(x0+rad, y1)
		p.cube(x0+k, y1, x0, y1-k, x0, y1-rad)
		p.line(x0, y0+rad)
		p.cube(x0, y0+k, x0+k, y0, x0+rad, y0)
	} else {
		p.move(x0+rad, y0)
		p.cube(x0+k, y0, x0, y0+k, x0, y0+rad)
		p.line(x0, y1-rad)
		p.cube(x0, y1-k, x0+k, y1, x0+rad, y1)
		p.line(x1-rad, y1)
		p.cube(x1-k, y1, x1, y1-k, x1, y1-rad)
		p.line(x1, y0+rad)
		p.cube(x1, y0+k, x1-k, y0, x1-rad, y0)
	}
	p.close()
}

func roundRect(dst *image.RGBA, r image.Rectangle, rad float64, c color.RGBA) {
	fillPath(dst, r.Inset(-1), c, func(p *pen) {
		roundRectPath(p, float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y), rad, false)
	})
}

func roundRectOutline(dst *image.RGBA, r image.Rectangle, rad, width float64, c color.RGBA) {
	fillPath(dst, r.Inset(-1), c, func(p *pen) {
		x0, y0, x1, y1 := float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)
		roundRectPath(p, x0, y0, x1, y1, rad, false)
		roundRectPath(p, x0+width, y0+width, x1-width, y1-width, math.Max(0, rad-width), true)
	})
}

// polygon fills the closed polygon through pts (x, y pairs).
func polygon(dst *image.RGBA, c color.RGBA, pts ...float64) {
	if len(pts) < 6 {
		return
	}
	minX, minY, maxX, maxY := pts[0], pts[1], pts[0], pts[1]
	for i := 0; i < len(pts); i += 2 {
		minX, maxX = math.Min(minX, pts[i]), math.Max(maxX, pts[i])
		minY, maxY = math.Min(minY, pts[i+1]), math.Max(maxY, pts[i+1])
	}
	b := image.Rect(int(minX)-1, int(minY)-1, int(maxX)+2, int(maxY)+2)
	fillPath(dst, b, c, func(p *pen) {
		p.move(pts[0], pts[1])
		for i := 2; i < len(pts); i += 2 {
			p.line(pts[i], pts[i+1])
		}
		p.close()
	})
}

// rotRect fills a w×h rectangle centred on (cx, cy) rotated by a radians.
func rotRect(dst *image.RGBA, cx, cy, w, h, a float64, c color.RGBA) {
	s, co := math.Sincos(a)
	pt := func(dx, dy float64) (float64, float64) { return cx + dx*co - dy*s, cy + dx*s + dy*co }
	x0, y0 := pt(-w/2, -h/2)
	x1, y1 := pt(w/2, -h/2)
	x2, y2 := pt(w/2, h/2)
	x3, y3 := pt(-w/2, h/2)
	polygon(dst, c, x0, y0, x1, y1, x2, y2, x3, y3)
}

// star fills an n-pointed star (a burst badge when n is large).
func star(dst *image.RGBA, cx, cy, outer, inner float64, n int, rot float64, c color.RGBA) {
	pts := make([]float64, 0, 4*n)
	for i := 0; i < 2*n; i++ {
		r := outer
		if i%2 == 1 {
			r = inner
		}
		a := rot + float64(i)*math.Pi/float64(n)
		pts = append(pts, cx+r*math.Cos(a), cy+r*math.Sin(a))
	}
	polygon(dst, c, pts...)
}

func fillRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Over)
}

// linearGradient fills dst from c0 to c1 along the direction (dx, dy),
// through a 1024-step table (no visible banding: a channel moves at most
// one level per step).
func linearGradient(dst *image.RGBA, c0, c1 color.RGBA, dx, dy float64) {
	const steps = 1024
	var lut [steps][4]uint8
	for i := range lut {
		t := float64(i) / (steps - 1)
		l := func(a, b uint8) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }
		lut[i] = [4]uint8{l(c0.R, c1.R), l(c0.G, c1.G), l(c0.B, c1.B), 255}
	}
	b := dst.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	n := math.Hypot(dx, dy)
	dx, dy = dx/n, dy/n
	// projection range over the corners
	lo := math.Min(0, dx*w) + math.Min(0, dy*h)
	hi := math.Max(0, dx*w) + math.Max(0, dy*h)
	k := (steps - 1) / (hi - lo)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(b.Min.X, y):]
		t := (float64(y-b.Min.Y)*dy - lo) * k
		dt := dx * k
		for x := 0; x < b.Dx(); x++ {
			i := min(max(int(t), 0), steps-1)
			copy(row[x*4:x*4+4], lut[i][:])
			t += dt
		}
	}
}

// radialGlow lightens a disc around (cx, cy) with c, fading to nothing at
// radius r (quadratic falloff).
func radialGlow(dst *image.RGBA, cx, cy, r float64, c color.RGBA, strength float64) {
	b := boxAround(cx, cy, r, r).Intersect(dst.Bounds())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy) / r
			if d >= 1 {
				continue
			}
			a := strength * (1 - d) * (1 - d)
			i := dst.PixOffset(x, y)
			px := dst.Pix[i : i+3 : i+3]
			px[0] = uint8(float64(px[0])*(1-a) + float64(c.R)*a)
			px[1] = uint8(float64(px[1])*(1-a) + float64(c.G)*a)
			px[2] = uint8(float64(px[2])*(1-a) + float64(c.B)*a)
		}
	}
}

// coverImage scales src to cover dst's bounds (centre crop).
func coverImage(dst *image.RGBA, src image.Image) {
	sb := src.Bounds()
	if sb.Empty() {
		return
	}
	db := dst.Bounds()
	scale := math.Max(float64(db.Dx())/float64(sb.Dx()), float64(db.Dy())/float64(sb.Dy()))
	cw, ch := int(float64(db.Dx())/scale), int(float64(db.Dy())/scale)
	cx, cy := sb.Min.X+(sb.Dx()-cw)/2, sb.Min.Y+(sb.Dy()-ch)/2
	xdraw.ApproxBiLinear.Scale(dst, db, src, image.Rect(cx, cy, cx+cw, cy+ch), draw.Src, nil)
}

// softShadow draws the blurred silhouette of the text blocks in c, offset
// by (dx, dy): it lifts light type off a busy background.
func softShadow(dst *image.RGBA, blocks []*textBlock, c color.RGBA, dx, dy, radius int) {
	var area image.Rectangle
	for _, b := range blocks {
		area = area.Union(b.inkBounds())
	}
	if area.Empty() {
		return
	}
	area = area.Inset(-3 * radius).Add(image.Pt(dx, dy)).Intersect(dst.Bounds())
	if area.Empty() {
		return
	}
	mask := image.NewAlpha(area)
	white := image.NewUniform(color.Alpha{255})
	for _, b := range blocks {
		for i, l := range b.Lines {
			x, y := b.lineOrigin(i)
			drawString(mask, b.face, l, x+float64(dx), y+float64(dy), b.track, white)
		}
	}
	boxBlur(mask, radius)
	boxBlur(mask, radius)
	draw.DrawMask(dst, area, image.NewUniform(c), image.Point{}, mask, area.Min, draw.Over)
}

// boxBlur blurs an alpha mask in place, horizontally then vertically.
func boxBlur(m *image.Alpha, r int) {
	if r < 1 {
		return
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	tmp := make([]uint8, max(w, h))
	div := 2*r + 1
	// pass blurs n values starting at pix[off], stride apart
	pass := func(pix []uint8, off, stride, n int) {
		sum := 0
		for i := 0; i <= r && i < n; i++ {
			sum += int(pix[off+i*stride])
		}
		for i := 0; i < n; i++ {
			tmp[i] = uint8(sum / div)
			if j := i - r; j >= 0 {
				sum -= int(pix[off+j*stride])
			}
			if j := i + r + 1; j < n {
				sum += int(pix[off+j*stride])
			}
		}
		for i := 0; i < n; i++ {
			pix[off+i*stride] = tmp[i]
		}
	}
	for y := 0; y < h; y++ {
		pass(m.Pix, y*m.Stride, 1, w)
	}
	for x := 0; x < w; x++ {
		pass(m.Pix, x, m.Stride, h)
	}
}
