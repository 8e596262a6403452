package ui_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

// cameraFrame is a JPEG like a phone's camera sends: the coupon QR small
// and off-centre on a grey counter, slightly lossy.
func cameraFrame(t *testing.T, text string) []byte {
	t.Helper()
	png, err := qrcode.Encode(text, qrcode.Medium, 240)
	if err != nil {
		t.Fatal(err)
	}
	qr, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, 960, 720))
	draw.Draw(frame, frame.Bounds(), &image.Uniform{color.RGBA{150, 140, 130, 255}}, image.Point{}, draw.Src)
	draw.Draw(frame, qr.Bounds().Add(image.Pt(500, 300)), qr, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, frame, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func scanRequest(t *testing.T, b *uitest.Browser, csrf string, frame []byte) *uitest.Page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("frame", "frame.jpg")
	_, _ = fw.Write(frame)
	_ = mw.Close()
	req, err := http.NewRequest("POST", b.URL("/app/events/ev1/participants/scan"), &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.Do(req)
}

// The owner's phone camera reads a customer's coupon QR: the page offers
// the camera (and only this page may use it), the frame's code comes back
// for the redeem form, and nothing is redeemed until the owner confirms.
func TestCouponScan(t *testing.T) {
	api := participantsAPI(t, "FIRST_COME")
	b := signedIn(t, api)
	p := b.Get("/app/events/ev1/participants").WantHTML(http.StatusOK).WantText(`id="scan-start"`, "카메라로 QR 읽기")
	if pp := p.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") {
		t.Errorf("Permissions-Policy = %q, want the camera allowed on this page", pp)
	}
	res := scanRequest(t, b, p.CSRF(), cameraFrame(t, "EHQ1-PQQ0-ATBX"))
	var got struct{ Code, Error string }
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil || res.Status != http.StatusOK || got.Code != "EHQ1-PQQ0-ATBX" {
		t.Errorf("scan = %d %s, want the coupon code", res.Status, res.Body)
	}
	if api.Called("POST", "/api/v1/events/ev1/coupons/EHQ1-PQQ0-ATBX/redeem") {
		t.Error("a scan redeemed the coupon; the owner confirms first")
	}

	// A frame without a QR code, a forged request, not an image.
	blank := cameraFrame(t, "x")[:200]
	if res := scanRequest(t, b, p.CSRF(), blank); res.Status != http.StatusBadRequest {
		t.Errorf("broken frame = %d %s, want 400", res.Status, res.Body)
	}
	var plain bytes.Buffer
	_ = jpeg.Encode(&plain, image.NewGray(image.Rect(0, 0, 640, 480)), nil)
	if res := scanRequest(t, b, p.CSRF(), plain.Bytes()); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "QR 코드를 찾지 못했어요") {
		t.Errorf("frame without a QR = %d %s, want 422 with a hint", res.Status, res.Body)
	}
	if res := scanRequest(t, b, "forged", cameraFrame(t, "EHQ1-PQQ0-ATBX")); res.Status != http.StatusForbidden {
		t.Errorf("no CSRF = %d, want 403", res.Status)
	}
}

// Another owner's event: the scanner answers 404 and decodes nothing.
func TestCouponScanOtherOwner(t *testing.T) {
	api := participantsAPI(t, "FIRST_COME")
	b := signedIn(t, api)
	p := b.Get("/app/events/ev1/participants")
	api.Problem("GET /api/v1/events/{id}/participation", apperr.NotFound, "event_not_found", "없음")
	if res := scanRequest(t, b, p.CSRF(), cameraFrame(t, "EHQ1-PQQ0-ATBX")); res.Status != http.StatusNotFound || strings.Contains(res.Body, "EHQ1") {
		t.Errorf("other owner's event = %d %s, want 404 without the code", res.Status, res.Body)
	}
}
