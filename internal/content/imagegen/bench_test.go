package imagegen

import (
	"image"
	"testing"
)

// BenchmarkCover scales a portrait provider answer (1024×1536) to the
// Instagram story size, the most common adapter step after decoding.
func BenchmarkCover(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 1024, 1536))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
	}
	for b.Loop() {
		Cover(src, 1080, 1920)
	}
}
