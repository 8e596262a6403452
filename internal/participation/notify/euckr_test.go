package notify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"
)

func TestUnencodable(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want []string
	}{
		{"ASCII and Hangul", "Sale 50% 할인! 02-123-4567", nil},
		{"symbols EUC-KR has", "★☆♥※○●◎→·「」㈜℃", nil},
		{"Hanja", "大賞", nil},
		{"CP949 syllables outside KS X 1001", "똠얌꿍 햏", nil},
		{"emoji, each once", "봄 세일 😀 😀 🎉", []string{"😀", "🎉"}},
		{"emoji with variation selector", "사랑해요❤️", []string{"❤", "U+FE0F"}},
		{"joined emoji", "👨‍👩‍👧", []string{"👨", "U+200D", "👩", "👧"}},
		{"won sign", "₩1,000", []string{"₩"}},
		{"invalid UTF-8", "가\xff", []string{"\uFFFD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unencodable(tt.s); !slices.Equal(got, tt.want) {
				t.Errorf("Unencodable(%q) = %q, want %q", tt.s, got, tt.want)
			}
			err := CheckEncodable(tt.s)
			if (err == nil) != (tt.want == nil) || (err != nil && !errors.Is(err, ErrUnencodable)) {
				t.Errorf("CheckEncodable(%q) = %v, want ErrUnencodable: %v", tt.s, err, tt.want != nil)
			}
			if got := StripUnencodable(tt.s); Unencodable(got) != nil {
				t.Errorf("StripUnencodable(%q) = %q, still unencodable", tt.s, got)
			}
		})
	}
}

// TestKoreanBytesIsTheEUCKRLength: for every text SMS can carry, the byte
// count the limits use is the length of the EUC-KR encoding.
func TestKoreanBytesIsTheEUCKRLength(t *testing.T) {
	for _, s := range []string{"abc", "당첨 축하!", "★ 大賞 ★", "똠얌꿍", strings.Repeat("가나다 ", 100)} {
		enc, err := korean.EUCKR.NewEncoder().String(s)
		if err != nil {
			t.Fatalf("encode %q: %v", s, err)
		}
		if got := KoreanBytes(s); got != len(enc) {
			t.Errorf("KoreanBytes(%q) = %d, want the EUC-KR length %d", s, got, len(enc))
		}
	}
}

func TestCheckRefusesUnencodableText(t *testing.T) {
	advert := Message{To: "01012345678", Kind: Advertising, Consent: consent, Ad: shop}
	ad, _ := ComposeAdvertising("봄 세일 🎉", shop)
	var ue *UnencodableError
	if err := Check(advert, ad, ChannelLMS, afternoon); !errors.As(err, &ue) || !slices.Equal(ue.Chars, []string{"🎉"}) {
		t.Errorf("LMS with an emoji: Check = %v, want *UnencodableError naming 🎉", err)
	}
	info := Message{To: "01012345678", Kind: Informational, TemplateCode: "WIN01", Subject: "🎉 당첨"}
	if err := Check(info, "🎉 당첨 축하", ChannelAlimtalk, afternoon); err != nil {
		t.Errorf("알림톡 with an emoji: Check = %v, want nil (UTF-8)", err)
	}
	if err := Check(info, "당첨 축하", ChannelLMS, afternoon); !errors.Is(err, ErrUnencodable) {
		t.Errorf("LMS subject with an emoji: Check = %v, want ErrUnencodable", err)
	}
	if err := Check(info, "당첨 축하", ChannelSMS, afternoon); err != nil {
		t.Errorf("SMS (no subject sent): Check = %v, want nil", err)
	}
}

func TestDispatcherEmoji(t *testing.T) {
	win := Message{
		To: "01012345678", Kind: Informational, TemplateCode: "WIN01",
		Content: "#{event} 이벤트에 당첨되셨습니다.", Variables: map[string]string{"event": "🌸봄맞이🌸"}, Subject: "[당첨 안내] 🌸봄맞이",
	}
	t.Run("알림톡 keeps the emoji, its SMS fallback drops it", func(t *testing.T) {
		at, sms := &fakeProvider{}, &fakeProvider{}
		d, _ := NewDispatcher(at, sms)
		if _, err := d.Send(context.Background(), win); err != nil {
			t.Fatal(err)
		}
		got := at.got[0]
		if got.Content != "🌸봄맞이🌸 이벤트에 당첨되셨습니다." || got.Fallback == nil || got.Fallback.Content != "봄맞이 이벤트에 당첨되셨습니다." {
			t.Errorf("알림톡 %q, fallback %+v", got.Content, got.Fallback)
		}
	})
	t.Run("informational SMS drops the emoji", func(t *testing.T) {
		sms := &fakeProvider{}
		d, _ := NewDispatcher(nil, sms)
		if _, err := d.Send(context.Background(), win); err != nil {
			t.Fatal(err)
		}
		if got := sms.got[0].Content; got != "봄맞이 이벤트에 당첨되셨습니다." {
			t.Errorf("SMS content = %q", got)
		}
	})
	t.Run("advertising with an emoji is refused, nothing sent", func(t *testing.T) {
		sms := &fakeProvider{}
		d, _ := NewDispatcher(nil, sms)
		body, _ := ComposeAdvertising("봄 세일 😀", shop)
		m := Message{To: "01012345678", Kind: Advertising, Content: body, Consent: consent, Ad: shop}
		_, err := d.WithClock(func() time.Time { return afternoon }).Send(context.Background(), m)
		if !errors.Is(err, ErrUnencodable) || len(sms.got) != 0 {
			t.Errorf("Send = %v (sent %d), want ErrUnencodable and nothing sent", err, len(sms.got))
		}
	})
}
