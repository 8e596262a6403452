package render

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestPosterQRGoDecoder decodes each printed QR code of the PNG poster with
// a pure-Go decoder (ZXing port), so the check runs even without zbarimg.
func TestPosterQRGoDecoder(t *testing.T) {
	for _, st := range Styles {
		p := samplePoster(st)
		data, err := PosterPNG(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		pl, err := newPosterLayout(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(pl.qrs) != 2 {
			t.Fatalf("%s: %d QR codes, want 2", st, len(pl.qrs))
		}
		for _, q := range pl.qrs {
			crop := img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(q.rect)
			bmp, err := gozxing.NewBinaryBitmapFromImage(crop)
			if err != nil {
				t.Fatal(err)
			}
			res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
			if err != nil {
				t.Fatalf("%s: QR for %s does not decode: %v", st, q.url, err)
			}
			if res.GetText() != q.url {
				t.Errorf("%s: QR decodes to %q, want %q", st, res.GetText(), q.url)
			}
		}
	}
}
