package imagegen

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg" // providers may answer JPEG
	_ "image/png"
	"io"
	"math"
	"strings"

	"golang.org/x/image/draw"
)

// MaxAnswerBytes bounds what an adapter reads from a provider: a 2048²
// PNG is about 6 MB, base64 in JSON a third more.
const MaxAnswerBytes = 32 << 20

// maxPixels guards against a decompression bomb: no provider paints more
// than about 4 megapixels.
const maxPixels = 40 << 20

// ReadAll reads at most MaxAnswerBytes of r and fails beyond that.
func ReadAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxAnswerBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxAnswerBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", MaxAnswerBytes)
	}
	return b, nil
}

// Decode decodes PNG or JPEG bytes, refusing absurd dimensions before
// allocating them.
func Decode(data []byte) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("decode image: %s of %dx%d refused", format, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", format, err)
	}
	return img, nil
}

// DecodeBase64 decodes a base64 (standard alphabet) PNG or JPEG, as OpenAI
// and AUTOMATIC1111 return them; a "data:image/png;base64," prefix is
// accepted.
func DecodeBase64(s string) (image.Image, error) {
	if strings.HasPrefix(s, "data:") {
		if _, after, ok := strings.Cut(s, ","); ok {
			s = after
		}
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return Decode(data)
}

// Cover scales img so that it covers w×h and crops the overflow evenly on
// both sides (CSS object-fit: cover), returning exactly w×h pixels.
func Cover(img image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 || w <= 0 || h <= 0 {
		return dst
	}
	scale := math.Max(float64(w)/float64(sw), float64(h)/float64(sh))
	// The source rectangle that maps onto dst, centred.
	cw := min(sw, max(1, int(math.Round(float64(w)/scale))))
	ch := min(sh, max(1, int(math.Round(float64(h)/scale))))
	x0 := b.Min.X + (sw-cw)/2
	y0 := b.Min.Y + (sh-ch)/2
	src := image.Rect(x0, y0, x0+cw, y0+ch)
	if cw == w && ch == h {
		draw.Draw(dst, dst.Bounds(), img, src.Min, draw.Src)
		return dst
	}
	// Provider pictures (~1 MP) are mostly enlarged to our sizes: there
	// ApproxBiLinear is true bilinear interpolation at a third of the cost
	// of the BiLinear kernel (measured 1024×1536 → 1080×1920). Shrinking
	// needs the kernel's wider support or it aliases.
	scaler := draw.Interpolator(draw.ApproxBiLinear)
	if scale < 1 {
		scaler = draw.BiLinear
	}
	scaler.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	return dst
}

// AspectDistance measures how far the aspect ratio a:b is from w:h
// (0 = equal), symmetric for landscape and portrait.
func AspectDistance(a, b, w, h int) float64 {
	return math.Abs(math.Log(float64(a)/float64(b)) - math.Log(float64(w)/float64(h)))
}
