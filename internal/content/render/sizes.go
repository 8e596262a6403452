package render

import (
	"image"

	"github.com/autoevent/autoevent/internal/messages"
)

// Size is one canvas a channel needs; docs/content.md explains each choice.
type Size struct {
	Name     string   `json:"name"`
	Width    int      `json:"width"`
	Height   int      `json:"height"`
	Label    string   `json:"label"`
	Channels []string `json:"channels"` // messages.Channel* codes
}

// Sizes is every card size rendered for an event.
var Sizes = []Size{
	{Name: "ig_square", Width: 1080, Height: 1080, Label: "인스타그램 피드 1:1", Channels: []string{messages.ChannelInstagram}},
	{Name: "ig_portrait", Width: 1080, Height: 1350, Label: "인스타그램 피드 4:5", Channels: []string{messages.ChannelInstagram}},
	{Name: "ig_story", Width: 1080, Height: 1920, Label: "인스타그램 스토리·릴스 9:16", Channels: []string{messages.ChannelInstagram}},
	{Name: "tv", Width: 1920, Height: 1080, Label: "우리동네TV·지니TV 16:9", Channels: []string{messages.ChannelUridongneTV, messages.ChannelGenieTV}},
	{Name: "kakao_wide", Width: 800, Height: 400, Label: "카카오톡 채널 2:1", Channels: []string{messages.ChannelKakaoChannel}},
	{Name: "kakao_square", Width: 800, Height: 800, Label: "카카오톡 채널 1:1", Channels: []string{messages.ChannelKakaoChannel}},
	{Name: "kakao_brand", Width: 800, Height: 600, Label: "카카오 브랜드 메시지 와이드 4:3", Channels: []string{messages.ChannelKakaoChannel}},
	{Name: "naver_blog", Width: 966, Height: 966, Label: "네이버 블로그 본문·대표 1:1", Channels: []string{messages.ChannelNaverBlog}},
}

// SizeByName finds a size by its name.
func SizeByName(name string) (Size, bool) {
	for _, s := range Sizes {
		if s.Name == name {
			return s, true
		}
	}
	return Size{}, false
}

// SafeArea is where text may go on a w×h canvas. Vertical 9:16 is a story:
// Instagram covers the top and bottom ≈14 % with the profile bar and the
// reply field. 16:9 landscape is television: text inside the 90 % title-safe
// area (SMPTE ST 2046-1). Elsewhere a 4 % margin.
func SafeArea(w, h int) image.Rectangle {
	ratio := float64(h) / float64(w)
	switch {
	case ratio >= 1.7:
		return image.Rect(w*6/100, h*14/100, w-w*6/100, h-h*14/100)
	case float64(w)/float64(h) >= 1.7:
		return image.Rect(w*5/100, h*5/100, w-w*5/100, h-h*5/100)
	}
	m := min(w, h) * 4 / 100
	return image.Rect(m, m, w-m, h-m)
}
