package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/skip2/go-qrcode"
)

// The owner holds the phone's camera to a customer's coupon QR on the
// participants page: the code fills the redeem form, and 사용 처리 uses
// the coupon once. Chromium's fake camera plays a video of the QR.
func TestCouponScanWithCameraBrowser(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffmpeg not installed and CI=true")
		}
		t.Skip("ffmpeg not installed (it makes the fake camera's video)")
	}
	e := Start(t, noLimits)
	ev := activeEvent(t, e, "FIRST_COME", 5)
	res := e.Do("POST", entryPath(ev.ID), "", map[string]any{"name": "김민수", "phone": "010-3141-0001"})
	var a entryAnswer
	res.JSON(t, &a)
	if res.Status != http.StatusCreated || a.Coupon == nil {
		t.Fatalf("entry: %d %s", res.Status, res.Body)
	}
	// The coupon as the customer's phone shows it, filmed: a QR on a
	// white screen inside a darker frame.
	dir := t.TempDir()
	png := filepath.Join(dir, "coupon.png")
	if err := qrcode.WriteFile(a.Coupon.Code, qrcode.Medium, 360, png); err != nil {
		t.Fatal(err)
	}
	video := filepath.Join(dir, "camera.y4m")
	cmd := exec.Command("ffmpeg", "-loglevel", "error", "-y", "-loop", "1", "-i", png, "-t", "3", "-r", "10",
		"-vf", "pad=640:480:140:60:gray", "-pix_fmt", "yuv420p", video)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	ctx := Browser(t, 500, 900,
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", video))
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	var code, note string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/login?next=/app/events/"+ev.ID+"/participants"),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.SendKeys(`#email`, ev.Owner.Email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, ev.Owner.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#scan-start`, chromedp.ByQuery),
		chromedp.Click(`#scan-start`, chromedp.ByQuery),
		chromedp.WaitVisible(`#scan-read`, chromedp.ByQuery),
		chromedp.Value(`#code`, &code, chromedp.ByQuery),
		chromedp.Text(`#scan-read`, &note, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "owner-coupon-scan-phone")
	if code != a.Coupon.Code || !strings.Contains(note, "사용 처리를 눌러 주세요") {
		t.Fatalf("after the scan: code %q, note %q; want %q and the hint", code, note, a.Coupon.Code)
	}
	var flash string
	err = chromedp.Run(ctx,
		chromedp.Click(`form.part-redeem button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "쿠폰 사용 처리했어요") {
		t.Errorf("after 사용 처리: %s", flash)
	}
	waitFor(t, "coupon redeemed", func() bool { return overview(t, e, ev).CouponsRedeemed == 1 })
}
