package render

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// Nanum Gothic (SIL OFL 1.1, fonts/OFL.txt) is embedded so Hangul renders on
// a machine with no fonts installed; it is TrueType (glyf), which both
// x/image and fpdf need (neither reads CFF/OTF outlines).
var (
	//go:embed fonts/NanumGothic.ttf
	nanumRegular []byte
	//go:embed fonts/NanumGothicBold.ttf
	nanumBold []byte
)

// FontRegular returns the embedded Nanum Gothic Regular TTF.
func FontRegular() []byte { return nanumRegular }

// FontBold returns the embedded Nanum Gothic Bold TTF.
func FontBold() []byte { return nanumBold }

// Parsed fonts are immutable and shared; faces (which hold a scratch
// buffer) are made per render and never shared between goroutines.
var (
	fontsOnce        sync.Once
	fontReg, fontBld *sfnt.Font
	fontsErr         error
	coverageMu       sync.RWMutex
	coverage         = map[rune]bool{}
	ellipsis         = "…"
)

func loadFonts() error {
	fontsOnce.Do(func() {
		fontReg, fontsErr = opentype.Parse(nanumRegular)
		if fontsErr != nil {
			fontsErr = fmt.Errorf("render: parse regular font: %w", fontsErr)
			return
		}
		fontBld, fontsErr = opentype.Parse(nanumBold)
		if fontsErr != nil {
			fontsErr = fmt.Errorf("render: parse bold font: %w", fontsErr)
			return
		}
		if !hasGlyph('…') {
			ellipsis = "..."
		}
	})
	return fontsErr
}

// hasGlyph reports whether both weights draw r (a missing glyph would show
// as a tofu box, so such runes are dropped from the text).
func hasGlyph(r rune) bool {
	coverageMu.RLock()
	ok, seen := coverage[r]
	coverageMu.RUnlock()
	if seen {
		return ok
	}
	var buf sfnt.Buffer
	ok = true
	for _, f := range []*sfnt.Font{fontReg, fontBld} {
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			ok = false
		}
	}
	coverageMu.Lock()
	if len(coverage) < 1<<16 { // bounded: input text is attacker-chosen
		coverage[r] = ok
	}
	coverageMu.Unlock()
	return ok
}

// faceSet makes faces by weight and pixel size for one render.
type faceSet struct {
	faces map[faceKey]font.Face
}

type faceKey struct {
	bold bool
	size float64
}

func newFaceSet() *faceSet { return &faceSet{faces: map[faceKey]font.Face{}} }

func (fs *faceSet) face(bold bool, size float64) font.Face {
	k := faceKey{bold, size}
	if f, ok := fs.faces[k]; ok {
		return f
	}
	src := fontReg
	if bold {
		src = fontBld
	}
	// DPI 72: Size is in pixels. No hinting: large display type looks
	// better unhinted and measurement stays linear in size.
	if size < 1 {
		size = 1
	}
	// NewFace fails only for a non-positive size, excluded above.
	f, _ := opentype.NewFace(src, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	fs.faces[k] = f
	return f
}
