package participation

import (
	"bytes"
	"fmt"
	"os"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// QRPNG encodes content as a PNG QR code of size pixels (medium error
// correction: survives a smudged or partly covered print).
func QRPNG(content string, size int) ([]byte, error) {
	return qrcode.Encode(content, qrcode.Medium, size)
}

// fontPaths are where a Korean TTF is looked for (Debian's fonts-nanum and
// fonts-noto-cjk); AUTOEVENT_KOREAN_FONT overrides.
var fontPaths = []string{
	"/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
	"/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/noto/NotoSansKR-Regular.ttf",
}

func koreanFont() []byte {
	paths := fontPaths
	if p := os.Getenv("AUTOEVENT_KOREAN_FONT"); p != "" {
		paths = append([]string{p}, paths...)
	}
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
			return b
		}
	}
	return nil
}

// PosterPDF renders a printable A4 page with the event's in-store QR code
// (visitURL, with its signed token); the printed URL is the plain publicURL.
// Without a Korean font on the machine it still renders the QR code and
// the URL, with the Korean lines left out (fpdf's core fonts have no
// Hangul).
func PosterPDF(e Event, publicURL, visitURL string) ([]byte, error) {
	png, err := QRPNG(visitURL, 1024)
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(e.Title, true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	korean := false
	if font := koreanFont(); font != nil {
		pdf.AddUTF8FontFromBytes("ko", "", font)
		korean = !pdf.Err()
		if !korean {
			pdf.ClearError()
		}
	}
	text := func(size float64, y float64, s string) {
		if korean {
			pdf.SetFont("ko", "", size)
		} else {
			pdf.SetFont("Helvetica", "", size)
		}
		pdf.SetXY(15, y)
		pdf.CellFormat(180, size*0.5, s, "", 0, "C", false, 0, "")
	}
	if korean {
		text(26, 22, e.StoreName)
		text(20, 38, e.Title)
		if e.Benefit != "" && e.Benefit != e.Title {
			text(14, 52, e.Benefit)
		}
		if p := kst.Period(e.StartsAt, e.EndsAt); p != "" {
			text(16, 196, "기간 "+p)
		}
		switch {
		case e.Method == messages.MethodLottery && e.WinnerCount > 0 && !e.EndsAt.IsZero():
			text(14, 208, fmt.Sprintf("당첨 %d명 · %s 마감 후 추첨", e.WinnerCount, kst.Day(kst.LastDay(e.EndsAt))))
		case e.Method == messages.MethodLottery && e.WinnerCount > 0:
			text(14, 208, fmt.Sprintf("당첨 %d명 · 마감 후 추첨", e.WinnerCount))
		case e.Method == messages.MethodFirstCome && e.CouponCount > 0:
			text(14, 208, fmt.Sprintf("선착순 %d명", e.CouponCount))
		}
		text(16, 232, "휴대폰 카메라로 QR 코드를 찍어 참여하세요")
		if e.Method == messages.MethodLottery {
			text(11, 244, "매장에서 QR로 참여하시면 추첨 가산점이 적용됩니다.")
		} else {
			text(11, 244, "준비한 쿠폰이 모두 나가면 이벤트가 마감됩니다.")
		}
	} else {
		text(20, 30, "Scan to enter")
	}
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	pdf.ImageOptions("qr", 45, 65, 120, 120, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetFont("Helvetica", "", 8)
	pdf.SetXY(15, 270)
	pdf.CellFormat(180, 4, publicURL, "", 0, "C", false, 0, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("participation: poster pdf: %w", err)
	}
	return buf.Bytes(), nil
}
