package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
)

var (
	shop = AdInfo{SenderName: "행복베이커리", SenderContact: "02-123-4567", OptOut: "080-123-4567"}
	// 14:00 KST and 22:30 KST on the same day.
	afternoon = time.Date(2026, 5, 1, 5, 0, 0, 0, time.UTC)
	night     = time.Date(2026, 5, 1, 13, 30, 0, 0, time.UTC)
	consent   = Consent{Marketing: true, MarketingAt: afternoon.AddDate(-1, 0, 0)}
)

func TestQuietHours(t *testing.T) {
	tests := []struct {
		kst        string // local KST time
		quiet      bool
		nextAllowd string
	}{
		{"2026-05-01 07:59", true, "2026-05-01 08:00"},
		{"2026-05-01 08:00", false, "2026-05-01 08:00"},
		{"2026-05-01 20:59", false, "2026-05-01 20:59"},
		{"2026-05-01 21:00", true, "2026-05-02 08:00"},
		{"2026-05-01 23:59", true, "2026-05-02 08:00"},
		{"2026-05-02 00:00", true, "2026-05-02 08:00"},
		{"2026-12-31 22:00", true, "2027-01-01 08:00"},
	}
	for _, tt := range tests {
		at, err := time.ParseInLocation("2006-01-02 15:04", tt.kst, kst.Location)
		if err != nil {
			t.Fatal(err)
		}
		// The host time zone must not matter: pass the instant in UTC.
		at = at.UTC()
		if got := InQuietHours(at); got != tt.quiet {
			t.Errorf("InQuietHours(%s kst.Location) = %v, want %v", tt.kst, got, tt.quiet)
		}
		if got := NextSendTime(at).In(kst.Location).Format("2006-01-02 15:04"); got != tt.nextAllowd {
			t.Errorf("NextSendTime(%s kst.Location) = %s, want %s", tt.kst, got, tt.nextAllowd)
		}
		err = CheckQuietHours(Advertising, at, false)
		var qe *QuietHoursError
		if tt.quiet {
			if !errors.As(err, &qe) || !errors.Is(err, ErrQuietHours) {
				t.Errorf("CheckQuietHours(%s) = %v, want *QuietHoursError", tt.kst, err)
			} else if got := qe.NextAllowed.In(kst.Location).Format("2006-01-02 15:04"); got != tt.nextAllowd {
				t.Errorf("QuietHoursError.NextAllowed = %s, want %s", got, tt.nextAllowd)
			}
		} else if err != nil {
			t.Errorf("CheckQuietHours(%s) = %v, want nil", tt.kst, err)
		}
		if err := CheckQuietHours(Advertising, at, true); err != nil {
			t.Errorf("with night consent at %s: %v, want nil", tt.kst, err)
		}
		if err := CheckQuietHours(Informational, at, false); err != nil {
			t.Errorf("informational at %s: %v, want nil", tt.kst, err)
		}
	}
}

func TestAdvertisingRules(t *testing.T) {
	composed, err := ComposeAdvertising("신메뉴 출시 기념 20% 할인!", shop)
	if err != nil {
		t.Fatal(err)
	}
	want := "(광고) 행복베이커리\n신메뉴 출시 기념 20% 할인!\n\n문의 02-123-4567\n무료수신거부 080-123-4567"
	if composed != want {
		t.Fatalf("ComposeAdvertising = %q, want %q", composed, want)
	}
	if again, _ := ComposeAdvertising("(광고) 신메뉴", shop); strings.Count(again, AdPrefix) != 1 {
		t.Fatalf("prefix doubled: %q", again)
	}
	tests := []struct {
		name    string
		content string
		ad      AdInfo
		want    error
	}{
		{"composed", composed, shop, nil},
		{"opt-out with space", "(광고) 행복베이커리\n할인\n문의 02-123-4567\n무료 수신거부 080-123-4567\n", shop, nil},
		{"no prefix", strings.TrimPrefix(composed, "(광고) "), shop, ErrAdPrefix},
		{"prefix not first", "신메뉴 (광고) 행복베이커리 02-123-4567\n무료수신거부 080-123-4567", shop, ErrAdPrefix},
		{"no sender name", "(광고)\n할인\n문의 02-123-4567\n무료수신거부 080-123-4567", shop, ErrAdSender},
		{"no contact", "(광고) 행복베이커리\n할인\n무료수신거부 080-123-4567", shop, ErrAdSender},
		{"no opt-out", "(광고) 행복베이커리\n할인\n문의 02-123-4567", shop, ErrAdOptOut},
		{"opt-out not last", "(광고) 행복베이커리\n무료수신거부 080-123-4567\n문의 02-123-4567", shop, ErrAdOptOut},
		{"opt-out not free", "(광고) 행복베이커리\n문의 02-123-4567\n수신거부 080-123-4567", shop, ErrAdOptOut},
		{"wrong opt-out number", "(광고) 행복베이커리\n문의 02-123-4567\n무료수신거부 080-999-9999", shop, ErrAdOptOut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckAdvertising(tt.content, tt.ad); !errors.Is(err, tt.want) {
				t.Fatalf("CheckAdvertising = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := ComposeAdvertising("x", AdInfo{SenderName: "a", SenderContact: "b"}); !errors.Is(err, ErrAdOptOut) {
		t.Fatalf("compose without opt-out = %v, want ErrAdOptOut", err)
	}
}

func TestCheck(t *testing.T) {
	ad, _ := ComposeAdvertising("주말 특가", shop)
	info := Message{To: "010-1234-5678", Kind: Informational, TemplateCode: "WIN01"}
	advert := Message{To: "01012345678", Kind: Advertising, Consent: consent, Ad: shop}
	old := advert
	old.Consent.MarketingAt = afternoon.AddDate(-2, 0, -1)
	noConsent := advert
	noConsent.Consent = Consent{}
	nightOK := advert
	nightOK.Consent.Night = true
	badPhone := info
	badPhone.To = "02-123-4567"
	noTemplate := info
	noTemplate.TemplateCode = ""
	unknown := info
	unknown.Kind = "PROMO"

	tests := []struct {
		name    string
		m       Message
		content string
		ch      Channel
		now     time.Time
		want    error
	}{
		{"winner 알림톡", info, "축하합니다! 당첨되셨어요.", ChannelAlimtalk, night, nil},
		{"winner SMS at night", info, "당첨 안내", ChannelSMS, night, nil},
		{"ad as 알림톡", advert, ad, ChannelAlimtalk, afternoon, ErrAlimtalkAdvertise},
		{"알림톡 without template", noTemplate, "당첨", ChannelAlimtalk, afternoon, ErrNoTemplate},
		{"ad SMS afternoon", advert, ad, ChannelLMS, afternoon, nil},
		{"ad at night", advert, ad, ChannelLMS, night, ErrQuietHours},
		{"ad at night with night consent", nightOK, ad, ChannelLMS, night, nil},
		{"ad without consent", noConsent, ad, ChannelLMS, afternoon, ErrNoMarketingConsent},
		{"ad with consent over two years old", old, ad, ChannelLMS, afternoon, ErrConsentExpired},
		{"ad without prefix", advert, "주말 특가", ChannelSMS, afternoon, ErrAdPrefix},
		{"landline recipient", badPhone, "당첨", ChannelSMS, afternoon, ErrRecipient},
		{"empty", info, "  ", ChannelSMS, afternoon, ErrEmpty},
		{"too long", info, strings.Repeat("가", 1001), ChannelLMS, afternoon, ErrTooLong},
		{"unknown kind", unknown, "x", ChannelSMS, afternoon, ErrKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Check(tt.m, tt.content, tt.ch, tt.now); !errors.Is(err, tt.want) {
				t.Fatalf("Check = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRenderAndBytes(t *testing.T) {
	got, err := Render("#{name}님, #{event} 당첨! 쿠폰 #{code}", map[string]string{"name": "김*수", "event": "봄맞이", "code": "AB12"})
	if err != nil || got != "김*수님, 봄맞이 당첨! 쿠폰 AB12" {
		t.Fatalf("Render = %q, %v", got, err)
	}
	if _, err := Render("#{name}님", nil); !errors.Is(err, ErrMissingVariable) {
		t.Fatalf("Render without value = %v, want ErrMissingVariable", err)
	}
	if got, _ := Render("no {vars} #{ here", nil); got != "no {vars} #{ here" {
		t.Fatalf("Render left text = %q", got)
	}
	tests := []struct {
		s     string
		bytes int
		ch    Channel
	}{
		{"abc", 3, ChannelSMS},
		{"당첨", 4, ChannelSMS},
		{strings.Repeat("가", 45), 90, ChannelSMS},
		{strings.Repeat("가", 45) + "a", 91, ChannelLMS},
		{strings.Repeat("가", 1000), 2000, ChannelLMS},
	}
	for _, tt := range tests {
		if got := KoreanBytes(tt.s); got != tt.bytes {
			t.Errorf("KoreanBytes(%d runes) = %d, want %d", len([]rune(tt.s)), got, tt.bytes)
		}
		if got, _ := TextChannel(tt.s); got != tt.ch {
			t.Errorf("TextChannel(%d bytes) = %s, want %s", tt.bytes, got, tt.ch)
		}
	}
	if _, err := TextChannel(strings.Repeat("가", 1001)); !errors.Is(err, ErrTooLong) {
		t.Errorf("TextChannel(2002 bytes) error = %v, want ErrTooLong", err)
	}
}

// fakeProvider records deliveries and answers with a fixed error.
type fakeProvider struct {
	got []Delivery
	err error
}

func (f *fakeProvider) Deliver(_ context.Context, d Delivery) (Receipt, error) {
	f.got = append(f.got, d)
	if f.err != nil {
		return Receipt{}, f.err
	}
	return Receipt{Channel: d.Channel, RequestID: "req-1", Fallback: d.Fallback != nil}, nil
}

type rejected struct{}

func (rejected) Error() string        { return "rejected" }
func (rejected) Is(target error) bool { return target == ErrRejected }

func TestDispatcher(t *testing.T) {
	win := Message{
		To: "+82 10 1234 5678", Kind: Informational, TemplateCode: "WIN01",
		Content: "#{name}님 당첨을 축하합니다!", Variables: map[string]string{"name": "김*수"}, Subject: "당첨 안내",
	}
	t.Run("informational goes as 알림톡 with SMS fallback", func(t *testing.T) {
		at, sms := &fakeProvider{}, &fakeProvider{}
		d, _ := NewDispatcher(at, sms)
		r, err := d.WithClock(func() time.Time { return night }).Send(context.Background(), win)
		if err != nil {
			t.Fatal(err)
		}
		if r.Channel != ChannelAlimtalk || len(at.got) != 1 || len(sms.got) != 0 {
			t.Fatalf("receipt %+v, 알림톡 %d, sms %d; want one 알림톡", r, len(at.got), len(sms.got))
		}
		got := at.got[0]
		if got.To != "01012345678" || got.Content != "김*수님 당첨을 축하합니다!" || got.TemplateCode != "WIN01" {
			t.Fatalf("delivery = %+v", got)
		}
		if got.Fallback == nil || got.Fallback.Channel != ChannelSMS || got.Fallback.Content != got.Content {
			t.Fatalf("fallback = %+v, want SMS with the same text", got.Fallback)
		}
	})
	t.Run("rejected 알림톡 falls back to SMS", func(t *testing.T) {
		at, sms := &fakeProvider{err: rejected{}}, &fakeProvider{}
		d, _ := NewDispatcher(at, sms)
		r, err := d.Send(context.Background(), win)
		if err != nil || r.Channel != ChannelSMS || len(sms.got) != 1 {
			t.Fatalf("Send = %+v, %v; sms deliveries %d; want one SMS", r, err, len(sms.got))
		}
	})
	t.Run("ambiguous 알림톡 failure is not duplicated by SMS", func(t *testing.T) {
		boom := errors.New("timeout")
		at, sms := &fakeProvider{err: boom}, &fakeProvider{}
		d, _ := NewDispatcher(at, sms)
		if _, err := d.Send(context.Background(), win); !errors.Is(err, boom) || len(sms.got) != 0 {
			t.Fatalf("Send error = %v, sms deliveries %d; want the error and no SMS", err, len(sms.got))
		}
	})
	t.Run("advertising goes as LMS with AD flag, never 알림톡", func(t *testing.T) {
		at, sms := &fakeProvider{}, &fakeProvider{}
		d, _ := NewDispatcher(at, sms)
		body, _ := ComposeAdvertising("다음 이벤트가 시작됐어요! 지금 참여하면 음료 1잔 무료.", shop)
		m := Message{To: "01012345678", Kind: Advertising, TemplateCode: "IGNORED", Content: body, Consent: consent, Ad: shop, Subject: "행복베이커리 새 이벤트 안내입니다 꼭 확인하세요"}
		r, err := d.WithClock(func() time.Time { return afternoon }).Send(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		if len(at.got) != 0 || r.Channel != ChannelLMS || !sms.got[0].Advertising {
			t.Fatalf("receipt %+v, 알림톡 %d, delivery %+v", r, len(at.got), sms.got[0])
		}
		if n := KoreanBytes(sms.got[0].Subject); n > LMSSubjectMaxBytes {
			t.Fatalf("subject is %d bytes, limit %d", n, LMSSubjectMaxBytes)
		}
		_, err = d.WithClock(func() time.Time { return night }).Send(context.Background(), m)
		var qe *QuietHoursError
		if !errors.As(err, &qe) || len(sms.got) != 1 {
			t.Fatalf("night Send = %v (sent %d), want *QuietHoursError and nothing sent", err, len(sms.got))
		}
	})
	t.Run("bad input sends nothing", func(t *testing.T) {
		at, sms := &fakeProvider{}, &fakeProvider{}
		d, _ := NewDispatcher(at, sms)
		bad := win
		bad.Variables = nil
		if _, err := d.Send(context.Background(), bad); !errors.Is(err, ErrMissingVariable) {
			t.Fatalf("Send = %v, want ErrMissingVariable", err)
		}
		bad = win
		bad.To = "031-123-4567"
		if _, err := d.Send(context.Background(), bad); !errors.Is(err, ErrRecipient) {
			t.Fatalf("Send = %v, want ErrRecipient", err)
		}
		if len(at.got)+len(sms.got) != 0 {
			t.Fatal("something was sent")
		}
	})
	if _, err := NewDispatcher(nil, nil); !errors.Is(err, ErrNoProvider) {
		t.Fatalf("NewDispatcher without SMS = %v, want ErrNoProvider", err)
	}
}
