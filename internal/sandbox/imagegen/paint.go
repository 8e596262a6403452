package imagegen

import (
	"hash/fnv"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"
)

// Look is the family of backgrounds the simulator paints, read from the
// prompt's style words (the same words imagegen.Prompt writes).
type Look int

// Looks.
const (
	LookSimple Look = iota // pastel gradient, a few large soft blobs, paper grain
	LookVivid              // saturated glow, bokeh lights and confetti
	LookTrendy             // duotone with flat geometric shapes and film grain
)

// LookOf picks the look for a prompt; without style words the seed decides.
func LookOf(prompt string, seed uint64) Look {
	p := strings.ToLower(prompt)
	switch {
	case containsAny(p, "vibrant", "festive", "bokeh", "confetti", "sparkle", "neon"):
		return LookVivid
	case containsAny(p, "geometric", "duotone", "trendy", "memphis", "film grain", "flat graphic"):
		return LookTrendy
	case containsAny(p, "minimal", "pastel", "clean", "negative space"):
		return LookSimple
	}
	return Look(seed % 3)
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// palette is a background gradient (a→b) and accent colours.
type palette struct {
	a, b    color.RGBA
	accents []color.RGBA
}

func hex(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

var palettes = map[Look][]palette{
	LookSimple: {
		{hex(0xf7f1e8), hex(0xe9dccb), []color.RGBA{hex(0xffffff), hex(0xd9c6ad), hex(0xf2e4d3)}},
		{hex(0xeef4f1), hex(0xd5e6df), []color.RGBA{hex(0xffffff), hex(0xb9d4c8), hex(0xe3efe9)}},
		{hex(0xf4eff6), hex(0xe2d8ea), []color.RGBA{hex(0xffffff), hex(0xcdbbe0), hex(0xf0e8f5)}},
		{hex(0xeef2f8), hex(0xd6e0ee), []color.RGBA{hex(0xffffff), hex(0xb8c9e2), hex(0xe6ecf6)}},
	},
	LookVivid: {
		{hex(0x2b0a4a), hex(0xc2185b), []color.RGBA{hex(0xffd54f), hex(0xff8a65), hex(0xf48fb1), hex(0xffffff)}},
		{hex(0x0b1f4d), hex(0x7b1fa2), []color.RGBA{hex(0x4fc3f7), hex(0xffeb3b), hex(0xff80ab), hex(0xffffff)}},
		{hex(0x5a0b0b), hex(0xe65100), []color.RGBA{hex(0xffe082), hex(0xffcc80), hex(0xfff8e1), hex(0xff5252)}},
		{hex(0x062e2a), hex(0x00897b), []color.RGBA{hex(0xffd740), hex(0xb2ff59), hex(0xffffff), hex(0xff6e40)}},
	},
	LookTrendy: {
		{hex(0x1d1b4c), hex(0xff6f61), []color.RGBA{hex(0xffd166), hex(0x06d6a0), hex(0xf8f4e3), hex(0x118ab2)}},
		{hex(0x0f3d3e), hex(0xe8c07d), []color.RGBA{hex(0xf25f5c), hex(0xf8f4e3), hex(0x247ba0), hex(0xffe066)}},
		{hex(0x2d1e2f), hex(0x9d8df1), []color.RGBA{hex(0xb8f2e6), hex(0xffa69e), hex(0xfaf3dd), hex(0x5e6472)}},
		{hex(0x13315c), hex(0x8bd3dd), []color.RGBA{hex(0xf582ae), hex(0xfef6e4), hex(0xf3d2c1), hex(0x001858)}},
	},
}

// motifPalettes steer the colours by the prompt's motif, the way a model
// would paint christmas red or a cafe brown.
var motifPalettes = []struct {
	words []string
	look  map[Look]palette
}{
	{[]string{"christmas"}, map[Look]palette{
		LookSimple: {hex(0xf6f1ea), hex(0xe4d9cc), []color.RGBA{hex(0xffffff), hex(0xc9d8c5), hex(0xe8c9c3)}},
		LookVivid:  {hex(0x0d2b1d), hex(0xa4161a), []color.RGBA{hex(0xffd166), hex(0xfff3b0), hex(0xff595e), hex(0xffffff)}},
		LookTrendy: {hex(0x1b4332), hex(0xd62828), []color.RGBA{hex(0xf1faee), hex(0xfcbf49), hex(0x52b788), hex(0xeae2b7)}},
	}},
	{[]string{"coffee", "cafe"}, map[Look]palette{
		LookSimple: {hex(0xf5efe6), hex(0xe0cfba), []color.RGBA{hex(0xffffff), hex(0xc8ad8d), hex(0xeadccb)}},
		LookVivid:  {hex(0x2b1608), hex(0xb5651d), []color.RGBA{hex(0xffd699), hex(0xffb347), hex(0xfff1d6), hex(0xff8c42)}},
		LookTrendy: {hex(0x3e2723), hex(0xd7a86e), []color.RGBA{hex(0xf8f4e3), hex(0xe76f51), hex(0x2a9d8f), hex(0xf4a261)}},
	}},
	{[]string{"cherry blossom", "flower", "romantic"}, map[Look]palette{
		LookSimple: {hex(0xfbf0f2), hex(0xf1d9df), []color.RGBA{hex(0xffffff), hex(0xe8b4c2), hex(0xf9e3e9)}},
		LookVivid:  {hex(0x4a0e2e), hex(0xe91e63), []color.RGBA{hex(0xffc1e3), hex(0xfff59d), hex(0xffffff), hex(0xff80ab)}},
		LookTrendy: {hex(0x3d1a3f), hex(0xff8fab), []color.RGBA{hex(0xfff0f3), hex(0xffb703), hex(0x8ecae6), hex(0xfb6f92)}},
	}},
	{[]string{"winter", "snow"}, map[Look]palette{
		LookSimple: {hex(0xf0f5fa), hex(0xd9e6f2), []color.RGBA{hex(0xffffff), hex(0xb7cde3), hex(0xe8f0f8)}},
		LookVivid:  {hex(0x061a40), hex(0x0353a4), []color.RGBA{hex(0xb9d6f2), hex(0xffffff), hex(0x7ae7ff), hex(0xffe066)}},
		LookTrendy: {hex(0x14213d), hex(0x89c2d9), []color.RGBA{hex(0xe5e5e5), hex(0xfca311), hex(0xffffff), hex(0x468faf)}},
	}},
}

func choosePalette(prompt string, look Look, seed uint64) palette {
	p := strings.ToLower(prompt)
	for _, m := range motifPalettes {
		if containsAny(p, m.words...) {
			return m.look[look]
		}
	}
	list := palettes[look]
	return list[seed%uint64(len(list))]
}

// PaintSeed mixes the simulator's seed, the request's seed and the prompt,
// so the same request paints the same picture and any change paints
// another.
func PaintSeed(base int64, seed int64, prompt string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(prompt))
	return h.Sum64() ^ uint64(seed)*0x9e3779b97f4a7c15 ^ uint64(base)*0xbf58476d1ce4e5b9
}

// Paint draws a w×h background for the prompt: no text, a calm centre for
// the overlay, colours and shapes by the prompt's style and motif words.
func Paint(w, h int, prompt string, seed uint64) *image.RGBA {
	look := LookOf(prompt, seed)
	pal := choosePalette(prompt, look, seed>>8)
	c := newCanvas(w, h)
	rng := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	angle := rng.Float64() * 2 * math.Pi
	switch look {
	case LookSimple:
		c.gradient(pal.a, pal.b, angle)
		m := float64(min(w, h))
		for i := range 5 {
			cx, cy := edgePoint(rng, w, h)
			r := m * (0.3 + 0.3*rng.Float64())
			col, a := pal.accents[0], 0.6 // light
			if i%2 == 1 {
				col, a = pal.accents[1], 0.55 // mid tone, for depth
			}
			c.softCircle(cx, cy, r, col, a, 0.7)
		}
		// A fine line arc, as print designers put on calm layouts.
		cx, cy := edgePoint(rng, w, h)
		c.ring(cx, cy, m*(0.35+0.2*rng.Float64()), math.Max(1.5, m*0.003), pal.accents[1], 0.9)
		c.grain(seed, 3)
	case LookVivid:
		c.gradient(pal.a, pal.b, angle)
		c.softCircle(float64(w)*rng.Float64(), float64(h)*rng.Float64(), float64(max(w, h))*0.6, pal.accents[0], 0.35, 1)
		m := float64(min(w, h))
		for i := range 70 {
			cx, cy := float64(w)*rng.Float64(), float64(h)*rng.Float64()
			r := m * (0.01 + 0.07*rng.Float64()*rng.Float64())
			if inCentre(cx, cy, w, h) && rng.Float64() < 0.7 {
				continue
			}
			c.bokeh(cx, cy, r, pal.accents[i%len(pal.accents)], 0.15+0.35*rng.Float64())
		}
		for i := range 60 {
			cx, cy := edgePoint(rng, w, h)
			c.confetti(cx, cy, m*(0.006+0.01*rng.Float64()), rng.Float64()*math.Pi, pal.accents[i%len(pal.accents)])
		}
	case LookTrendy:
		c.gradient(pal.a, pal.b, angle)
		m := float64(min(w, h))
		cx, cy := edgePoint(rng, w, h)
		c.softCircle(cx, cy, m*(0.45+0.15*rng.Float64()), pal.accents[0], 0.95, 0.01)
		cx, cy = edgePoint(rng, w, h)
		c.softCircle(cx, cy, m*(0.2+0.1*rng.Float64()), pal.accents[1], 0.9, 0.01)
		c.band(rng.IntN(4), m*0.06, pal.accents[2], 0.9)
		c.dots(rng, pal.accents[len(pal.accents)-1], m)
		for i := range 6 {
			cx, cy = edgePoint(rng, w, h)
			c.triangle(cx, cy, m*(0.03+0.04*rng.Float64()), rng.Float64()*math.Pi, pal.accents[i%len(pal.accents)])
		}
		c.grain(seed, 7)
	}
	return c.img
}

// edgePoint is a random point away from the centre, where the text goes.
func edgePoint(rng *rand.Rand, w, h int) (float64, float64) {
	for {
		x, y := float64(w)*(rng.Float64()*1.2-0.1), float64(h)*(rng.Float64()*1.2-0.1)
		if !inCentre(x, y, w, h) {
			return x, y
		}
	}
}

func inCentre(x, y float64, w, h int) bool {
	return math.Abs(x/float64(w)-0.5) < 0.3 && math.Abs(y/float64(h)-0.5) < 0.25
}

type canvas struct {
	img  *image.RGBA
	w, h int
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), w: w, h: h}
}

// blend mixes c into pixel (x,y) with alpha a in [0,1].
func (c *canvas) blend(x, y int, col color.RGBA, a float64) {
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+4 : i+4]
	p[0] = uint8(float64(p[0]) + (float64(col.R)-float64(p[0]))*a)
	p[1] = uint8(float64(p[1]) + (float64(col.G)-float64(p[1]))*a)
	p[2] = uint8(float64(p[2]) + (float64(col.B)-float64(p[2]))*a)
	p[3] = 255
}

// add brightens pixel (x,y) towards col (light: bokeh).
func (c *canvas) add(x, y int, col color.RGBA, a float64) {
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+4 : i+4]
	p[0] = uint8(math.Min(255, float64(p[0])+float64(col.R)*a))
	p[1] = uint8(math.Min(255, float64(p[1])+float64(col.G)*a))
	p[2] = uint8(math.Min(255, float64(p[2])+float64(col.B)*a))
}

// gradient fills with a linear gradient from a to b along angle, eased so
// the middle stays even.
func (c *canvas) gradient(a, b color.RGBA, angle float64) {
	dx, dy := math.Cos(angle), math.Sin(angle)
	half := (math.Abs(dx)*float64(c.w) + math.Abs(dy)*float64(c.h)) / 2
	for y := range c.h {
		row := c.img.Pix[y*c.img.Stride:]
		for x := range c.w {
			t := ((float64(x)-float64(c.w)/2)*dx + (float64(y)-float64(c.h)/2)*dy) / half
			t = smooth((t + 1) / 2)
			row[4*x] = lerp8(a.R, b.R, t)
			row[4*x+1] = lerp8(a.G, b.G, t)
			row[4*x+2] = lerp8(a.B, b.B, t)
			row[4*x+3] = 255
		}
	}
}

// softCircle paints a disc of radius r whose edge fades over soft×r.
func (c *canvas) softCircle(cx, cy, r float64, col color.RGBA, alpha, soft float64) {
	soft = math.Max(soft, 1.5/r)
	x0, x1 := max(0, int(cx-r)), min(c.w, int(cx+r)+1)
	y0, y1 := max(0, int(cy-r)), min(c.h, int(cy+r)+1)
	r2, inner2 := r*r, (r*(1-soft))*(r*(1-soft))
	for y := y0; y < y1; y++ {
		dy := float64(y) + 0.5 - cy
		for x := x0; x < x1; x++ {
			dx := float64(x) + 0.5 - cx
			q := dx*dx + dy*dy
			if q >= r2 {
				continue
			}
			a := alpha
			if q > inner2 {
				a *= smooth((1 - math.Sqrt(q)/r) / soft)
			}
			c.blend(x, y, col, a)
		}
	}
}

// bokeh is an out-of-focus light: a bright disc with a brighter rim.
func (c *canvas) bokeh(cx, cy, r float64, col color.RGBA, alpha float64) {
	x0, x1 := max(0, int(cx-r)), min(c.w, int(cx+r)+1)
	y0, y1 := max(0, int(cy-r)), min(c.h, int(cy+r)+1)
	for y := y0; y < y1; y++ {
		dy := float64(y) + 0.5 - cy
		for x := x0; x < x1; x++ {
			dx := float64(x) + 0.5 - cx
			q := (dx*dx + dy*dy) / (r * r)
			if q >= 1 {
				continue
			}
			d := math.Sqrt(q)
			a := alpha * (0.75 + 0.25*q) * smooth(math.Min(1, (1-d)*6))
			c.add(x, y, col, a)
		}
	}
}

// confetti is a small rotated rectangle.
func (c *canvas) confetti(cx, cy, s, rot float64, col color.RGBA) {
	cos, sin := math.Cos(rot), math.Sin(rot)
	r := s * 2
	for y := max(0, int(cy-r)); y < min(c.h, int(cy+r)+1); y++ {
		for x := max(0, int(cx-r)); x < min(c.w, int(cx+r)+1); x++ {
			u := (float64(x)-cx)*cos + (float64(y)-cy)*sin
			v := -(float64(x)-cx)*sin + (float64(y)-cy)*cos
			if math.Abs(u) <= s*1.6 && math.Abs(v) <= s*0.6 {
				c.blend(x, y, col, 0.9)
			}
		}
	}
}

// band is a stripe cutting across one corner (0..3), square to the line
// from that corner to the centre, so it never crosses the text area.
func (c *canvas) band(corner int, width float64, col color.RGBA, alpha float64) {
	kx, ky := float64(corner%2)*float64(c.w), float64(corner/2)*float64(c.h)
	nx, ny := float64(c.w)/2-kx, float64(c.h)/2-ky
	l := math.Hypot(nx, ny)
	nx, ny = nx/l, ny/l
	px, py := kx+nx*l*0.45, ky+ny*l*0.45
	for y := range c.h {
		for x := range c.w {
			d := (float64(x)-px)*nx + (float64(y)-py)*ny
			if d > -width/2 && d < width/2 {
				c.blend(x, y, col, alpha*smooth((width/2-math.Abs(d))*1.5))
			}
		}
	}
}

// ring is a circle outline of the given line width.
func (c *canvas) ring(cx, cy, r, lw float64, col color.RGBA, alpha float64) {
	x0, x1 := max(0, int(cx-r-lw)), min(c.w, int(cx+r+lw)+1)
	y0, y1 := max(0, int(cy-r-lw)), min(c.h, int(cy+r+lw)+1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			q := dx*dx + dy*dy
			if q < (r-lw)*(r-lw) || q > (r+lw)*(r+lw) {
				continue
			}
			d := math.Abs(math.Sqrt(q) - r)
			if d < lw {
				c.blend(x, y, col, alpha*smooth(lw-d))
			}
		}
	}
}

// dots is a halftone dot grid in one corner.
func (c *canvas) dots(rng *rand.Rand, col color.RGBA, m float64) {
	step := m * 0.035
	r := step * 0.22
	cols, rows := 6, 5
	ox := step
	if rng.IntN(2) == 0 {
		ox = float64(c.w) - step*float64(cols+1)
	}
	oy := step
	if rng.IntN(2) == 0 {
		oy = float64(c.h) - step*float64(rows+1)
	}
	for i := range cols {
		for j := range rows {
			c.softCircle(ox+float64(i)*step, oy+float64(j)*step, r, col, 0.9, 0.2)
		}
	}
}

// triangle is a flat equilateral triangle of circumradius s.
func (c *canvas) triangle(cx, cy, s, rot float64, col color.RGBA) {
	var px, py [3]float64
	for k := range 3 {
		a := rot + float64(k)*2*math.Pi/3
		px[k], py[k] = cx+s*math.Cos(a), cy+s*math.Sin(a)
	}
	for y := max(0, int(cy-s)); y < min(c.h, int(cy+s)+1); y++ {
		for x := max(0, int(cx-s)); x < min(c.w, int(cx+s)+1); x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			in := true
			for k := range 3 {
				j := (k + 1) % 3
				if (px[j]-px[k])*(fy-py[k])-(py[j]-py[k])*(fx-px[k]) < 0 {
					in = false
					break
				}
			}
			if in {
				c.blend(x, y, col, 0.92)
			}
		}
	}
}

// grain adds deterministic luminance noise of ±amp.
func (c *canvas) grain(seed uint64, amp int) {
	s := seed | 1
	for i := 0; i < len(c.img.Pix); i += 4 {
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		n := int(s%uint64(2*amp+1)) - amp
		for k := range 3 {
			c.img.Pix[i+k] = clamp8(int(c.img.Pix[i+k]) + n)
		}
	}
}

func smooth(t float64) float64 {
	// Plain comparisons: math.Max/Min handle NaN and cost a third of a paint.
	if t <= 0 {
		return 0
	}
	if t >= 1 {
		return 1
	}
	return t * t * (3 - 2*t)
}

func lerp8(a, b uint8, t float64) uint8 {
	return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5)
}

func clamp8(v int) uint8 {
	return uint8(max(0, min(255, v)))
}
