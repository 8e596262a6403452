package ui

import (
	"encoding/json"
	"image"
	_ "image/jpeg" // camera frames arrive as JPEG
	_ "image/png"
	"net/http"
	"net/url"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// maxScanFrame bounds one camera frame (the page sends ≤ 960 px JPEGs of
// about 100 KB).
const maxScanFrame = 2 << 20

// handleCouponScan reads a coupon's QR code from one camera frame of the
// owner's phone and answers {"code": …} for the redeem form. The frame is
// decoded here rather than in the browser because the browsers' own
// BarcodeDetector is missing on most desktops and iPhones, and a decoder
// script would be third-party code served to every owner. Nothing is
// redeemed: the owner confirms with the form's button. Only the event's
// owner may scan (the participation API says whose event it is).
func (s *Site) handleCouponScan(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxScanFrame+4096)
	if !s.sessions.CheckCSRF(r) {
		scanAnswer(w, http.StatusForbidden, "", "페이지가 만료되었어요. 새로고침 후 다시 시도해 주세요.")
		return
	}
	var ov struct {
		Method string `json:"method"`
	}
	if err := s.api.Call(w, r, "GET", "/api/v1/events/"+url.PathEscape(r.PathValue("id"))+"/participation", nil, &ov); err != nil {
		if apiclient.NeedLogin(err) {
			scanAnswer(w, http.StatusUnauthorized, "", "다시 로그인해 주세요.")
			return
		}
		scanAnswer(w, http.StatusNotFound, "", "이벤트를 찾을 수 없어요.")
		return
	}
	f, _, err := r.FormFile("frame")
	if err != nil {
		scanAnswer(w, http.StatusBadRequest, "", "카메라 화면을 받지 못했어요.")
		return
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		scanAnswer(w, http.StatusBadRequest, "", "카메라 화면을 읽지 못했어요.")
		return
	}
	code, ok := decodeQR(img)
	if !ok {
		scanAnswer(w, http.StatusUnprocessableEntity, "", "QR 코드를 찾지 못했어요. 쿠폰 QR을 화면 가운데에 맞춰 주세요.")
		return
	}
	scanAnswer(w, http.StatusOK, code, "")
}

// decodeQR returns the text of the QR code in img.
func decodeQR(img image.Image) (string, bool) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", false
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil || len(res.GetText()) > 64 { // a coupon code, not a page of text
		return "", false
	}
	return res.GetText(), true
}

func scanAnswer(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "error": msg})
}
