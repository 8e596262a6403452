package imagegen

import (
	"testing"

	content "github.com/autoevent/autoevent/internal/content/imagegen"
)

// BenchmarkPaint measures one 1024×1536 background per look (the size of a
// portrait answer), PNG encoding excluded.
func BenchmarkPaint(b *testing.B) {
	for _, style := range []string{"simple", "vivid", "trendy"} {
		prompt, _ := content.Prompt(style, "CAFE", "이벤트", "")
		b.Run(style, func(b *testing.B) {
			for b.Loop() {
				Paint(1024, 1536, prompt, 7)
			}
		})
	}
}

// BenchmarkPicture includes the PNG encoding the answers carry.
func BenchmarkPicture(b *testing.B) {
	s := New(Config{})
	prompt, _ := content.Prompt("trendy", "CAFE", "이벤트", "")
	for b.Loop() {
		if _, err := s.picture(1024, 1536, prompt, 7, "png"); err != nil {
			b.Fatal(err)
		}
	}
}
