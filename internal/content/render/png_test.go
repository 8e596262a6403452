package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestEncodePNGRoundTrip(t *testing.T) {
	card, err := RenderCard(sampleCard(StyleVivid, Sizes[4]))
	if err != nil {
		t.Fatal(err)
	}
	translucent := image.NewRGBA(image.Rect(0, 0, 31, 17))
	translucent.SetRGBA(3, 4, color.RGBA{10, 20, 30, 40})
	sub := card.SubImage(image.Rect(101, 37, 333, 222)).(*image.RGBA)
	gray := image.NewGray(image.Rect(0, 0, 9, 9))
	gray.SetGray(2, 2, color.Gray{99})
	for name, img := range map[string]image.Image{"card": card, "translucent": translucent, "sub-image": sub, "gray": gray} {
		data, err := EncodePNG(img)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: decode: %v", name, err)
		}
		b := img.Bounds()
		if got.Bounds().Dx() != b.Dx() || got.Bounds().Dy() != b.Dy() {
			t.Fatalf("%s: decoded %v, want %v", name, got.Bounds(), b)
		}
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				want := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y))
				if c := color.NRGBAModel.Convert(got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y)); c != want {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", name, x, y, c, want)
				}
			}
		}
	}
}
