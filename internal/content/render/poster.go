package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Poster is the printable in-store QR poster in the event's style.
type Poster struct {
	Card            // Width/Height ignored: the page is A4
	EntryURL string // QR to the participation page (short URL)
	VisitURL string // optional second QR: the store-visit variant
	Lines    []string
}

// Poster page in pixels: A4 at 150 dpi. The PNG is this size; the PDF is
// A4 in millimetres with the same layout (raster ground, vector text and
// QR modules).
const (
	PosterWidth  = 1240
	PosterHeight = 1754
	a4W, a4H     = 210.0, 297.0 // mm
)

// Labels printed under the QR codes.
const (
	EntryQRLabel = "QR 찍고 이벤트 참여"
	VisitQRLabel = "매장 방문 인증"
)

// qrQuiet is the quiet zone in modules the QR specification asks for.
const qrQuiet = 4

type qrBox struct {
	url    string
	bits   [][]bool
	rect   image.Rectangle // symbol plus quiet zone, white
	module int             // pixels per module
	label  *textBlock
	link   *textBlock
}

type posterLayout struct {
	card    *cardLayout
	lines   *textBlock
	panel   image.Rectangle
	heading *textBlock
	qrs     []*qrBox
	blocks  []*textBlock // every text on the page, for the PDF
}

func newPosterLayout(p Poster) (*posterLayout, error) {
	if strings.TrimSpace(p.EntryURL) == "" {
		return nil, fmt.Errorf("%w: poster needs an entry URL", ErrBadCard)
	}
	W, H := PosterWidth, PosterHeight
	c := p.Card
	c.Width, c.Height = W, H
	top := image.Rect(0, 0, W, H*45/100)
	cl, err := newLayout(c, top, true)
	if err != nil {
		return nil, err
	}
	pl := &posterLayout{card: cl}
	u := float64(W) / 1080
	margin := int(70 * u)
	fs := cl.fs
	fit := func(s textSpec, w, h int) *textBlock {
		s.Size *= u
		s.MinSize *= u
		b := fitText(fs, s, w, h)
		pl.blocks = append(pl.blocks, b)
		return b
	}
	pal := cl.pal
	lineAlign := alignLeft
	if cl.style == StyleVivid {
		lineAlign = alignCenter
	}
	colX, colW := margin, W-2*margin
	if cl.style != StyleVivid {
		colX, colW = cl.col.Min.X, cl.col.Dx()
		colW = max(colW, W-margin-colX)
	}
	var kept []string
	for _, s := range p.Lines {
		if s = cleanText(s); s != "" {
			kept = append(kept, s)
		}
	}
	pl.lines = fit(textSpec{Text: strings.Join(kept, "  ·  "), Size: 30, MinSize: 18, MaxLines: 3, Leading: 1.4, Color: pal.text, Align: lineAlign}, colW, H*5/100)
	pl.lines.place(colX, H*455/1000, colW)

	pl.panel = image.Rect(margin, H*515/1000, W-margin, H-margin)
	cl.avoid = append(cl.avoid, pl.lines.inkBounds().Inset(-int(20*u)), pl.panel)
	pad := int(40 * u)
	inner := pl.panel.Inset(pad)
	ink := rgb(0x111418)
	heading := cleanText(p.CTA)
	if heading == "" {
		heading = "휴대폰 카메라로 QR을 찍어 참여하세요"
	}
	pl.heading = fit(textSpec{Text: heading, Bold: true, Size: 40, MinSize: 24, MaxLines: 1, Color: ink, Align: alignCenter}, inner.Dx(), int(60*u))
	pl.heading.place(inner.Min.X, inner.Min.Y, inner.Dx())

	urls := []string{p.EntryURL}
	labels := []string{EntryQRLabel}
	if strings.TrimSpace(p.VisitURL) != "" {
		urls = append(urls, p.VisitURL)
		labels = append(labels, VisitQRLabel)
	}
	n := len(urls)
	gap := int(50 * u)
	slotW := (inner.Dx() - (n-1)*gap) / n
	qrTop := pl.heading.Rect.Max.Y + int(24*u)
	labelH, linkH := int(50*u), int(34*u)
	side := min(slotW, inner.Max.Y-qrTop-labelH-linkH-int(16*u))
	for i, url := range urls {
		q, err := qrcode.New(url, qrcode.Medium)
		if err != nil {
			return nil, fmt.Errorf("%w: qr: %v", ErrBadCard, err)
		}
		q.DisableBorder = true
		bits := q.Bitmap()
		mod := side / (len(bits) + 2*qrQuiet)
		if mod < 2 {
			return nil, fmt.Errorf("%w: URL too long for a scannable QR code", ErrBadCard)
		}
		sz := mod * (len(bits) + 2*qrQuiet)
		x0 := inner.Min.X + i*(slotW+gap) + (slotW-sz)/2
		box := &qrBox{url: url, bits: bits, module: mod, rect: image.Rect(x0, qrTop, x0+sz, qrTop+sz)}
		sx := inner.Min.X + i*(slotW+gap)
		box.label = fit(textSpec{Text: labels[i], Bold: true, Size: 32, MinSize: 20, MaxLines: 1, Color: ink, Align: alignCenter}, slotW, labelH)
		box.label.place(sx, box.rect.Max.Y+int(4*u), slotW)
		box.link = fit(textSpec{Text: url, Size: 22, MinSize: 12, MaxLines: 1, Color: rgb(0x555B61), Align: alignCenter}, slotW, linkH)
		box.link.place(sx, box.label.Rect.Max.Y+int(8*u), slotW)
		pl.qrs = append(pl.qrs, box)
	}
	pl.blocks = append(append([]*textBlock{}, cl.blocks...), pl.blocks...)
	return pl, nil
}

// paint draws the page; without glyphs and modules it is the raster ground
// the PDF lays its vector text and QR codes on.
func (pl *posterLayout) paint(dst *image.RGBA, vectors bool) {
	cl := pl.card
	cl.paintBackground(dst, cl.photo)
	cl.paintText(dst, vectors)
	u := float64(dst.Bounds().Dx()) / 1080
	white := color.RGBA{255, 255, 255, 255}
	rad := 28 * u
	switch cl.style {
	case StyleVivid:
		roundRect(dst, pl.panel.Add(image.Pt(0, int(12*u))), rad, withAlpha(color.RGBA{40, 0, 60, 255}, 0.25))
	case StyleSimple:
		rad = 6 * u
	}
	roundRect(dst, pl.panel, rad, white)
	if cl.style == StyleSimple {
		roundRectOutline(dst, pl.panel, rad, math.Max(2, 3*u), cl.pal.accent)
	}
	if cl.style == StyleTrendy {
		// the accent tab on the panel's top edge
		tab := image.Rect(pl.panel.Min.X+int(rad), pl.panel.Min.Y, pl.panel.Min.X+int(rad)+int(160*u), pl.panel.Min.Y+int(10*u))
		fillRect(dst, tab, cl.pal.accent)
	}
	for _, q := range pl.qrs {
		fillRect(dst, q.rect, white)
		if vectors {
			for y, row := range q.bits {
				for x, on := range row {
					if on {
						r := image.Rect(0, 0, q.module, q.module).Add(q.rect.Min).Add(image.Pt((x+qrQuiet)*q.module, (y+qrQuiet)*q.module))
						fillRect(dst, r, color.RGBA{0, 0, 0, 255})
					}
				}
			}
		}
	}
	if vectors {
		for _, b := range []*textBlock{pl.lines, pl.heading} {
			b.draw(dst, b.Spec.Color)
		}
		for _, q := range pl.qrs {
			q.label.draw(dst, q.label.Spec.Color)
			q.link.draw(dst, q.link.Spec.Color)
		}
	}
}

// PosterPNG renders the poster as a PNG of PosterWidth×PosterHeight.
func PosterPNG(p Poster) ([]byte, error) {
	pl, err := newPosterLayout(p)
	if err != nil {
		return nil, err
	}
	dst := image.NewRGBA(image.Rect(0, 0, PosterWidth, PosterHeight))
	pl.paint(dst, true)
	return EncodePNG(dst)
}
