package render

import (
	"runtime"
	"sync"
	"testing"
)

// BenchmarkAllCards is one event's whole local image set: every style at
// every size, encoded as PNG, plus the poster as PNG and PDF. The issue's
// target is ≤ 3 s per op on the 2-core machine. "sequential" is the CPU
// cost; "parallel" renders on GOMAXPROCS workers, as a content job can.
func BenchmarkAllCards(b *testing.B) {
	if err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	type task func() error
	var tasks []task
	for _, st := range Styles {
		for _, sz := range Sizes {
			tasks = append(tasks, func() error {
				img, err := RenderCard(sampleCard(st, sz))
				if err == nil {
					_, err = EncodePNG(img)
				}
				return err
			})
		}
	}
	p := samplePoster(StyleVivid)
	tasks = append(tasks,
		func() error { _, err := PosterPNG(p); return err },
		func() error { _, err := PosterPDF(p); return err })
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			for _, t := range tasks {
				if err := t(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		for b.Loop() {
			next := make(chan task)
			errs := make(chan error, len(tasks))
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Go(func() {
					for t := range next {
						if err := t(); err != nil {
							errs <- err
						}
					}
				})
			}
			for _, t := range tasks {
				next <- t
			}
			close(next)
			wg.Wait()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCard is one 1080×1080 card per style, rendered and encoded.
func BenchmarkCard(b *testing.B) {
	for _, st := range Styles {
		b.Run(string(st), func(b *testing.B) {
			for b.Loop() {
				img, err := RenderCard(sampleCard(st, Sizes[0]))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := EncodePNG(img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPosterPDF(b *testing.B) {
	for b.Loop() {
		if _, err := PosterPDF(samplePoster(StyleSimple)); err != nil {
			b.Fatal(err)
		}
	}
}
