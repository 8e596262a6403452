package render

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPreview writes every card to RENDER_PREVIEW_DIR for a human to look at.
func TestPreview(t *testing.T) {
	dir := os.Getenv("RENDER_PREVIEW_DIR")
	if dir == "" {
		t.Skip("RENDER_PREVIEW_DIR not set")
	}
	for _, st := range Styles {
		for _, sz := range Sizes {
			img, err := RenderCard(Card{Style: st, Width: sz.Width, Height: sz.Height, StoreName: "카페 소소한 하루", Title: "겨울 딸기라떼 할인", Benefit: "딸기라떼 전 메뉴 30% 할인 + 추첨 10명 케이크 증정", Period: "2026.12.01 ~ 12.25", CTA: "지금 참여하기"})
			if err != nil {
				t.Fatal(err)
			}
			b, err := EncodePNG(img)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, string(st)+"_"+sz.Name+".png"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestPreviewPoster(t *testing.T) {
	dir := os.Getenv("RENDER_PREVIEW_DIR")
	if dir == "" {
		t.Skip("RENDER_PREVIEW_DIR not set")
	}
	for i, st := range Styles {
		p := Poster{Card: Card{Style: st, StoreName: "카페 소소한 하루", Title: "겨울 딸기라떼 할인", Benefit: "딸기라떼 전 메뉴 30% 할인 + 추첨 10명 케이크 증정", Period: "2026.12.01 ~ 12.25", CTA: "QR 찍고 참여하세요"},
			EntryURL: "https://ae.example/e/Ab3xK9", Lines: []string{"당첨 10명 · 12.26(금) 추첨", "서울 마포구 연남로 12", "02-123-4567"}}
		if i != 1 {
			p.VisitURL = "https://ae.example/v/Ab3xK9.q7Tz"
		}
		b, err := PosterPNG(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "poster_"+string(st)+".png"), b, 0o644)
		b, err = PosterPDF(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "poster_"+string(st)+".pdf"), b, 0o644)
	}
}

func TestPreviewOdd(t *testing.T) {
	dir := os.Getenv("RENDER_PREVIEW_DIR")
	if dir == "" {
		t.Skip("RENDER_PREVIEW_DIR not set")
	}
	long := "겨울 한정 딸기라떼 대축제 오픈 기념 모든 음료 사이즈 업그레이드와 케이크 무료 증정까지 놓치지 마세요 선착순 백 명"
	cards := map[string]Card{
		"long":  {StoreName: "아주아주 긴 이름의 연남동 골목 끝 작은 동네 빵집과 커피 로스터리", Title: long, Benefit: "딸기라떼 전 메뉴 30% 할인 + 추첨 10명 케이크 증정 + 스탬프 두 배 적립 + 포장 시 쿠키 하나 더", Period: "2026년 12월 1일(월) 오전 10시 ~ 2026년 12월 25일(목) 오후 10시", CTA: "지금 바로 QR 찍고 참여하기"},
		"emoji": {StoreName: "Cafe SOSO ☕", Title: "🎉 Winter 딸기라떼 Festival 2026 🍓", Benefit: "👨‍👩‍👧 Buy 1 Get 1 FREE", Period: "12.01 ~ 12.25", CTA: "👉 참여"},
		"photo": {StoreName: "카페 소소한 하루", Title: "겨울 딸기라떼 할인", Benefit: "전 메뉴 30% 할인", Period: "2026.12.01 ~ 12.25", CTA: "지금 참여하기", Background: stripes(900, 700)},
	}
	for name, c := range cards {
		for _, st := range Styles {
			for _, szn := range []string{"ig_portrait", "kakao_wide"} {
				sz, _ := SizeByName(szn)
				c.Style, c.Width, c.Height = st, sz.Width, sz.Height
				img, err := RenderCard(c)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := EncodePNG(img)
				os.WriteFile(filepath.Join(dir, "odd_"+name+"_"+string(st)+"_"+szn+".png"), b, 0o644)
			}
		}
	}
}
