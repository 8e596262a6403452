package render

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"

	"github.com/go-pdf/fpdf"
)

// PosterPDF renders the poster as one A4 page: the style's ground as a
// 150 dpi picture, the text as real text in the embedded Nanum Gothic
// (sharp at any print size, selectable) and the QR codes as vector
// squares, so they print crisp on any printer.
func PosterPDF(p Poster) ([]byte, error) {
	pl, err := newPosterLayout(p)
	if err != nil {
		return nil, err
	}
	ground := image.NewRGBA(image.Rect(0, 0, PosterWidth, PosterHeight))
	pl.paint(ground, false)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, ground, &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("render: poster ground: %w", err)
	}

	const mmPerPx = a4W / PosterWidth
	const ptPerMM = 72 / 25.4
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetTitle(cleanText(p.Title), true)
	pdf.SetSubject(cleanText(p.StoreName), true)
	pdf.SetCreator("AutoEvent", true)
	pdf.AddUTF8FontFromBytes("NanumGothic", "", nanumRegular)
	pdf.AddUTF8FontFromBytes("NanumGothic", "B", nanumBold)
	pdf.AddPage()
	pdf.RegisterImageOptionsReader("ground", fpdf.ImageOptions{ImageType: "JPG"}, &jpg)
	pdf.ImageOptions("ground", 0, 0, a4W, a4H, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")

	for _, b := range pl.blocks {
		style := ""
		if b.Spec.Bold {
			style = "B"
		}
		pdf.SetFont("NanumGothic", style, b.Size*mmPerPx*ptPerMM)
		c := b.Spec.Color
		pdf.SetTextColor(int(c.R), int(c.G), int(c.B))
		for i, line := range b.Lines {
			x, y := b.lineOrigin(i)
			// Align on the PDF's own measure of the line (no tracking in
			// fpdf), so centred text stays centred.
			w := pdf.GetStringWidth(line) / mmPerPx
			switch b.Spec.Align {
			case alignCenter:
				x = float64(b.Rect.Min.X) + (float64(b.Rect.Dx())-w)/2
			case alignRight:
				x = float64(b.Rect.Max.X) - w
			}
			pdf.Text(x*mmPerPx, y*mmPerPx, line)
		}
	}

	pdf.SetFillColor(0, 0, 0)
	for _, q := range pl.qrs {
		m := float64(q.module) * mmPerPx
		x0 := float64(q.rect.Min.X)*mmPerPx + qrQuiet*m
		y0 := float64(q.rect.Min.Y)*mmPerPx + qrQuiet*m
		for y, row := range q.bits {
			// one rectangle per horizontal run of dark modules
			for x := 0; x < len(row); {
				if !row[x] {
					x++
					continue
				}
				end := x
				for end < len(row) && row[end] {
					end++
				}
				pdf.Rect(x0+float64(x)*m, y0+float64(y)*m, float64(end-x)*m, m, "F")
				x = end
			}
		}
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("render: poster pdf: %w", err)
	}
	return out.Bytes(), nil
}
