package imagegen

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	content "github.com/autoevent/autoevent/internal/content/imagegen"
)

// stats returns the mean luminance and its standard deviation.
func stats(img *image.RGBA) (mean, sd float64) {
	var sum, sq float64
	n := 0
	for i := 0; i < len(img.Pix); i += 4 * 7 {
		l := 0.299*float64(img.Pix[i]) + 0.587*float64(img.Pix[i+1]) + 0.114*float64(img.Pix[i+2])
		sum += l
		sq += l * l
		n++
	}
	mean = sum / float64(n)
	return mean, math.Sqrt(sq/float64(n) - mean*mean)
}

func TestPaintLooksFollowThePrompt(t *testing.T) {
	out := os.Getenv("AUTOEVENT_IMAGEGEN_OUT") // set to a directory to look at the pictures
	for _, style := range []string{"simple", "vivid", "trendy"} {
		for _, ind := range []string{"CAFE", "FLOWER", "FITNESS"} {
			prompt, _ := content.Prompt(style, ind, "크리스마스 커피 할인", "아메리카노 1+1")
			if ind != "CAFE" {
				prompt, _ = content.Prompt(style, ind, "봄맞이 이벤트", "전 품목 10% 할인")
			}
			want := map[string]Look{"simple": LookSimple, "vivid": LookVivid, "trendy": LookTrendy}[style]
			if got := LookOf(prompt, 0); got != want {
				t.Errorf("LookOf(%s prompt) = %d, want %d", style, got, want)
			}
			img := Paint(768, 1344, prompt, PaintSeed(1, 42, prompt))
			mean, sd := stats(img)
			if sd < 4 {
				t.Errorf("%s/%s: luminance sd %.1f: a flat picture", style, ind, sd)
			}
			if style == "simple" && mean < 170 {
				t.Errorf("simple/%s: mean luminance %.0f, want a light pastel (≥ 170)", ind, mean)
			}
			if out != "" {
				f, err := os.Create(filepath.Join(out, strings.ToLower(style+"-"+ind)+".png"))
				if err != nil {
					t.Fatal(err)
				}
				if err := png.Encode(f, img); err != nil {
					t.Fatal(err)
				}
				_ = f.Close()
			}
		}
	}
}
