package render

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// needTool skips when a Debian tool is missing, except under CI=true,
// where .ci/run installs it and a missing tool is a failure.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not on PATH under CI", name)
		}
		t.Skipf("%s not installed", name)
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ocr reads a PNG back with tesseract's Korean model.
func ocr(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("tesseract", path, "stdout", "-l", "kor+eng").Output()
	if err != nil {
		t.Fatalf("tesseract %s: %v", path, err)
	}
	return string(out)
}

// wordsFound counts the title's words present in the OCR text (spaces
// dropped: tesseract sometimes splits or joins Hangul words).
func wordsFound(title, text string) (found int, words []string) {
	flat := strings.Join(strings.Fields(text), "")
	words = strings.Fields(title)
	for _, w := range words {
		if strings.Contains(flat, w) {
			found++
		}
	}
	return found, words
}

func TestOCRReadsTitleInEveryStyle(t *testing.T) {
	needTool(t, "tesseract")
	if out, _ := exec.Command("tesseract", "--list-langs").CombinedOutput(); !slices.Contains(strings.Fields(string(out)), "kor") {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract has no kor model under CI")
		}
		t.Skip("tesseract-ocr-kor not installed")
	}
	sz, _ := SizeByName("ig_square")
	for _, st := range Styles {
		for _, photo := range []bool{false, true} {
			c := sampleCard(st, sz)
			name := string(st)
			if photo {
				c.Background = stripes(800, 800)
				name += "+picture"
			}
			img, err := RenderCard(c)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := EncodePNG(img)
			text := ocr(t, writeTemp(t, "card.png", data))
			found, words := wordsFound(c.Title, text)
			// allow one word of OCR noise out of three
			if found < len(words)-1 {
				t.Errorf("%s: OCR found %d of %q in %q", name, found, words, text)
			}
		}
	}
}

// zbar decodes every QR code in a PNG.
func zbar(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v (%s)", path, err, out)
	}
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	slices.Sort(codes)
	return codes
}

func samplePoster(st Style) Poster {
	return Poster{
		Card:     sampleCard(st, Size{}),
		EntryURL: "https://ae.example/e/Ab3xK9",
		VisitURL: "https://ae.example/v/Ab3xK9.q7TzW2",
		Lines:    []string{"당첨 10명 · 12.26(금) 추첨", "서울 마포구 연남로 12", "02-123-4567"},
	}
}

func TestPosterPNGQRDecodes(t *testing.T) {
	needTool(t, "zbarimg")
	long := "https://autoevent.example.com/participate/0193f7a2-5b7c-7d11-9a3e-4c2b8f1e6a90?channel=STORE_POSTER&visit=eyJhbGciOiJIUzI1NiJ9.eyJ2IjoxfQ.c2lnbmF0dXJl"
	for _, st := range Styles {
		for name, p := range map[string]Poster{
			"both":    samplePoster(st),
			"entry":   {Card: sampleCard(st, Size{}), EntryURL: "https://ae.example/e/Zz9"},
			"long":    {Card: sampleCard(st, Size{}), EntryURL: long, VisitURL: long + "&v=2"},
			"no text": {Card: Card{Style: st}, EntryURL: "https://ae.example/e/1", VisitURL: "https://ae.example/v/1"},
		} {
			data, err := PosterPNG(p)
			if err != nil {
				t.Fatalf("%s/%s: %v", st, name, err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s/%s: not a PNG: %v", st, name, err)
			}
			if b := img.Bounds(); b.Dx() != PosterWidth || b.Dy() != PosterHeight {
				t.Errorf("%s/%s: %v, want %dx%d", st, name, b, PosterWidth, PosterHeight)
			}
			want := []string{p.EntryURL}
			if p.VisitURL != "" {
				want = append(want, p.VisitURL)
			}
			slices.Sort(want)
			if got := zbar(t, writeTemp(t, "poster.png", data)); !slices.Equal(got, want) {
				t.Errorf("%s/%s: QR codes decode to %q, want %q", st, name, got, want)
			}
			pl, _ := newPosterLayout(p)
			checkPosterLayout(t, pl, string(st)+"/"+name)
		}
	}
}

// checkPosterLayout: text inside the page margins and off the QR codes,
// each QR with its full quiet zone inside the white panel.
func checkPosterLayout(t *testing.T, pl *posterLayout, name string) {
	t.Helper()
	page := image.Rect(0, 0, PosterWidth, PosterHeight).Inset(PosterWidth * 3 / 100)
	for _, b := range pl.blocks {
		if len(b.Lines) == 0 {
			continue
		}
		ink := b.inkBounds()
		if !ink.In(page) {
			t.Errorf("%s: %q at %v outside the printable page %v", name, b.Lines, ink, page)
		}
		for _, q := range pl.qrs {
			if ink.Overlaps(q.rect) {
				t.Errorf("%s: %q overlaps a QR code", name, b.Lines)
			}
		}
	}
	for _, q := range pl.qrs {
		if !q.rect.In(pl.panel) {
			t.Errorf("%s: QR %v outside its panel %v", name, q.rect, pl.panel)
		}
		// a QR smaller than ~6 cm at A4 does not scan from across a counter
		if cm := float64(q.rect.Dx()) / PosterWidth * 21; cm < 6 {
			t.Errorf("%s: QR only %.1f cm wide", name, cm)
		}
	}
}

func TestPosterPDF(t *testing.T) {
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	for _, st := range Styles {
		p := samplePoster(st)
		data, err := PosterPDF(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF", st)
		}
		pdf := writeTemp(t, "poster.pdf", data)
		base := filepath.Join(filepath.Dir(pdf), "page")
		if out, err := exec.Command("pdftoppm", "-r", "100", "-png", "-singlefile", pdf, base).CombinedOutput(); err != nil {
			t.Fatalf("%s: pdftoppm: %v %s", st, err, out)
		}
		raw, err := os.ReadFile(base + ".png")
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: pdftoppm output: %v", st, err)
		}
		// A4 at 100 dpi: 826.8×1169.3 px, rounded either way
		if b := img.Bounds(); b.Dx() < 826 || b.Dx() > 828 || b.Dy() < 1169 || b.Dy() > 1170 {
			t.Errorf("%s: page renders %v, want A4 (827x1169 at 100 dpi)", st, b)
		}
		want := []string{p.EntryURL, p.VisitURL}
		slices.Sort(want)
		if got := zbar(t, base+".png"); !slices.Equal(got, want) {
			t.Errorf("%s: PDF QR codes decode to %q, want %q", st, got, want)
		}
		// the text is real text in the embedded font
		if _, err := exec.LookPath("pdftotext"); err == nil {
			out, err := exec.Command("pdftotext", pdf, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, s := range []string{p.Title, p.StoreName, VisitQRLabel, "02-123-4567"} {
				if !strings.Contains(text, s) {
					t.Errorf("%s: PDF text lacks %q: %q", st, s, text)
				}
			}
		}
		if out, _ := exec.Command("pdffonts", pdf).Output(); len(out) > 0 && !strings.Contains(strings.ToLower(string(out)), "nanumgothic") {
			t.Errorf("%s: PDF does not embed Nanum Gothic:\n%s", st, out)
		}
	}
}
