package render

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Style is one of the three looks of every card and the poster.
type Style string

const (
	StyleSimple Style = "simple" // 심플: light, calm, left-aligned
	StyleVivid  Style = "vivid"  // 화려한: saturated gradient, big centred title, confetti
	StyleTrendy Style = "trendy" // 트렌디: dark duotone, geometric blocks, asymmetric
)

// Styles lists every style in display order.
var Styles = []Style{StyleSimple, StyleVivid, StyleTrendy}

// Label is the Korean name shown to owners.
func (s Style) Label() string {
	switch s {
	case StyleSimple:
		return "심플"
	case StyleVivid:
		return "화려한"
	case StyleTrendy:
		return "트렌디"
	}
	return string(s)
}

// ParseStyle accepts a style code (any case) or its Korean label.
func ParseStyle(s string) (Style, bool) {
	s = strings.TrimSpace(s)
	for _, st := range Styles {
		if strings.EqualFold(s, string(st)) || s == st.Label() {
			return st, true
		}
	}
	return "", false
}

// Colors overrides a style's palette; each is "#rrggbb", empty keeps the
// style's own colour.
type Colors struct {
	Background string `json:"background,omitempty"`
	Accent     string `json:"accent,omitempty"`
	Text       string `json:"text,omitempty"`
}

// Validate reports a colour that is not "#rrggbb".
func (c Colors) Validate() error {
	for _, v := range []string{c.Background, c.Accent, c.Text} {
		if _, err := parseHex(v, color.RGBA{}); err != nil {
			return err
		}
	}
	return nil
}

func parseHex(s string, def color.RGBA) (color.RGBA, error) {
	if s == "" {
		return def, nil
	}
	if len(s) != 7 || s[0] != '#' {
		return def, fmt.Errorf("render: colour %q is not #rrggbb", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return def, fmt.Errorf("render: colour %q is not #rrggbb", s)
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, nil
}

// palette is what a style paints with; bg2 is the second stop of a
// gradient or the second tone of a duotone.
type palette struct {
	bg, bg2, accent, accent2, text, muted color.RGBA
}

func rgb(v uint32) color.RGBA { return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255} }

var palettes = map[Style]palette{
	StyleSimple: {bg: rgb(0xFAF8F4), bg2: rgb(0xF1EDE5), accent: rgb(0x2F6B5E), accent2: rgb(0xD9E6E1), text: rgb(0x1E2226), muted: rgb(0x6B7075)},
	StyleVivid:  {bg: rgb(0xFF3D6E), bg2: rgb(0x7B2FF7), accent: rgb(0xFFE14D), accent2: rgb(0x35F0D0), text: rgb(0xFFFFFF), muted: rgb(0xFFE9F1)},
	StyleTrendy: {bg: rgb(0x15151F), bg2: rgb(0x23233A), accent: rgb(0xC9B8FF), accent2: rgb(0xB6F0DE), text: rgb(0xF6F4FF), muted: rgb(0xA9A7BD)},
}

// paletteFor applies the owner's colours over the style's; a custom
// background also moves the second tone with it so gradients stay coherent.
func paletteFor(s Style, c Colors) (palette, error) {
	p := palettes[s]
	bg, err := parseHex(c.Background, p.bg)
	if err != nil {
		return p, err
	}
	if c.Background != "" {
		switch s {
		case StyleSimple:
			p.bg2 = mix(bg, rgb(0x000000), 0.05)
		case StyleVivid:
			p.bg2 = hueShift(bg)
		case StyleTrendy:
			p.bg2 = mix(bg, rgb(0xFFFFFF), 0.08)
		}
	}
	p.bg = bg
	if p.accent, err = parseHex(c.Accent, p.accent); err != nil {
		return p, err
	}
	if c.Accent != "" {
		if s == StyleSimple {
			p.accent2 = mix(p.accent, p.bg, 0.75) // a tint on a light ground
		} else {
			p.accent2 = mix(p.accent, rgb(0xFFFFFF), 0.45) // a light second tone on a dark one
		}
	}
	if p.text, err = parseHex(c.Text, p.text); err != nil {
		return p, err
	}
	// Owner colours may clash: text keeps at least 3:1 against the ground
	// (WCAG AA for large text, which all card text is), or turns near-black
	// or white, whichever reads better.
	ground := mix(p.bg, p.bg2, 0.5)
	p.text = readable(p.text, ground)
	if c.Text != "" || c.Background != "" {
		p.muted = readable(mix(p.text, ground, 0.3), ground)
	}
	return p, nil
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.RGBA) float64 {
	la, lb := relLum(a), relLum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func relLum(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// readable returns fg when it has 3:1 against bg, else the better of a
// near-black and white.
func readable(fg, bg color.RGBA) color.RGBA {
	if contrast(fg, bg) >= 3 {
		return fg
	}
	dark, light := rgb(0x16181C), rgb(0xFFFFFF)
	if contrast(dark, bg) > contrast(light, bg) {
		return dark
	}
	return light
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// hueShift rotates the channels, a cheap way to a second saturated colour.
func hueShift(c color.RGBA) color.RGBA { return mix(color.RGBA{c.B, c.R, c.G, 255}, c, 0.35) }

func withAlpha(c color.RGBA, a float64) color.RGBA {
	// premultiplied, as image/color requires
	return color.RGBA{uint8(float64(c.R) * a), uint8(float64(c.G) * a), uint8(float64(c.B) * a), uint8(255 * a)}
}
