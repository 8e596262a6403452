package participation

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// posterText renders the poster and reads its text back with pdftotext.
func posterText(t *testing.T, e Event) string {
	t.Helper()
	if koreanFont() == nil || exec.Command("pdftotext", "-v").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("poster test needs fonts-nanum and poppler-utils")
		}
		t.Skip("no Korean font or pdftotext")
	}
	pdf, err := PosterPDF(e, "https://autoevent.example/e/ABC", "https://autoevent.example/e/ABC?v=x&c=qr")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "poster.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The poster shows the event's days as people read them: the last day is
// the 25th, although the end is stored as midnight after it.
func TestPosterShowsInclusivePeriodAndLotteryFacts(t *testing.T) {
	start := time.Date(2026, 12, 19, 0, 0, 0, 0, kst.Location)
	e := Event{Title: "겨울 경품 추첨", StoreName: "하루카페", Benefit: "딸기 케이크", Method: messages.MethodLottery,
		WinnerCount: 3, StartsAt: start.UTC(), EndsAt: start.AddDate(0, 0, 7).UTC()}
	txt := posterText(t, e)
	for _, want := range []string{"12.19(토) ~ 12.25(금)", "당첨 3명", "12.25(금) 마감 후 추첨", "딸기 케이크"} {
		if !strings.Contains(txt, want) {
			t.Errorf("poster lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "12.26") || strings.Contains(txt, "12/26") {
		t.Errorf("poster shows the exclusive end day:\n%s", txt)
	}
}

func TestPosterFirstComeAndTitleOnce(t *testing.T) {
	start := time.Date(2026, 12, 29, 0, 0, 0, 0, kst.Location)
	e := Event{Title: "새해 선착순 쿠폰", StoreName: "하루카페", Benefit: "새해 선착순 쿠폰", Method: messages.MethodFirstCome,
		CouponCount: 50, StartsAt: start, EndsAt: start.AddDate(0, 0, 7)}
	txt := posterText(t, e)
	if !strings.Contains(txt, "2026.12.29(화) ~ 2027.1.4(월)") || !strings.Contains(txt, "선착순 50명") {
		t.Errorf("poster:\n%s", txt)
	}
	if n := strings.Count(txt, "새해 선착순 쿠폰"); n != 1 {
		t.Errorf("title shown %d times:\n%s", n, txt)
	}
}
