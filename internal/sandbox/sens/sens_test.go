package sens_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/participation/notify"
	sensclient "github.com/autoevent/autoevent/internal/participation/notify/sens"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	sandbox "github.com/autoevent/autoevent/internal/sandbox/sens"
)

const (
	ak = "sandbox-access"
	sk = "sandbox-secret-key-0123456789abcdef"
)

// clock is a settable time source shared by simulator and client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// 15:00 KST.
var start = time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)

type env struct {
	sim   *sandbox.Server
	cl    *sensclient.Client
	disp  *notify.Dispatcher
	clock *clock
}

func setup(t *testing.T, cfg sandbox.Config, mutate ...func(*sensclient.Config)) env {
	t.Helper()
	clk := &clock{t: start}
	cfg.AccessKey, cfg.SecretKey, cfg.Seed = ak, sk, 42
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	sim, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	ccfg := sensclient.Config{
		BaseURL: srv.URL, AccessKey: ak, SecretKey: sk,
		AlimtalkServiceID: "ncp:kkobizmsg:kr:1:ae", SMSServiceID: "ncp:sms:kr:2:ae",
		PlusFriendID: "@autoevent", SMSFrom: "0212345678", Now: clk.Now,
	}
	for _, m := range mutate {
		m(&ccfg)
	}
	cl, err := sensclient.New(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := notify.NewDispatcher(cl.Alimtalk(), cl.SMS())
	if err != nil {
		t.Fatal(err)
	}
	return env{sim, cl, d.WithClock(clk.Now), clk}
}

var win = notify.Message{
	To: "010-1234-5678", Kind: notify.Informational, TemplateCode: "WIN01",
	Content: "#{name}님, 봄맞이 이벤트에 당첨되셨습니다! 쿠폰: #{code}", Variables: map[string]string{"name": "김*수", "code": "AB12CD"},
}

func TestAlimtalkDelivered(t *testing.T) {
	e := setup(t, sandbox.Config{})
	r, err := e.disp.Send(context.Background(), win)
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.sim.Messages()
	if len(msgs) != 1 {
		t.Fatalf("stored %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Channel != "ALIMTALK" || m.To != "01012345678" || m.TemplateCode != "WIN01" || m.Content != "김*수님, 봄맞이 이벤트에 당첨되셨습니다! 쿠폰: AB12CD" || !m.UseSmsFailover {
		t.Fatalf("stored %+v", m)
	}
	if r.MessageID != m.MessageID || r.RequestID != m.RequestID {
		t.Fatalf("receipt %+v does not match stored ids %s/%s", r, m.RequestID, m.MessageID)
	}
	st, err := e.disp.Track(context.Background(), r)
	if err != nil || st.Status != notify.StatusDelivered {
		t.Fatalf("Track = %+v, %v; want DELIVERED", st, err)
	}
}

func TestAlimtalkFailureTriggersSMSFailover(t *testing.T) {
	e := setup(t, sandbox.Config{AlimtalkFailureRate: 1})
	r, err := e.disp.Send(context.Background(), win)
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.sim.Messages()
	if len(msgs) != 2 || msgs[0].Delivered || !msgs[1].Failover || msgs[1].FailoverOf != msgs[0].MessageID {
		t.Fatalf("stored %+v; want a failed 알림톡 and its SMS failover", msgs)
	}
	if msgs[1].Channel != "SMS" || msgs[1].From != "0212345678" || msgs[1].Content != msgs[0].Content {
		t.Fatalf("failover SMS = %+v", msgs[1])
	}
	st, err := e.disp.Track(context.Background(), r)
	if err != nil || st.Status != notify.StatusFailedOver {
		t.Fatalf("Track = %+v, %v; want FAILED_OVER", st, err)
	}
}

func TestAdvertisingLMSAndTracking(t *testing.T) {
	e := setup(t, sandbox.Config{DeliveryDelay: 3 * time.Second})
	shop := notify.AdInfo{SenderName: "행복베이커리", SenderContact: "02-123-4567", OptOut: "080-123-4567"}
	body, err := notify.ComposeAdvertising("새 이벤트가 시작됐어요! 지난 이벤트에 참여해 주신 분께 먼저 알려드려요. 이번 주말까지 음료 1잔 무료.", shop)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.disp.Send(context.Background(), notify.Message{
		To: "01098765432", Kind: notify.Advertising, Content: body, Subject: "새 이벤트 안내", Ad: shop,
		Consent: notify.Consent{Marketing: true, MarketingAt: start.AddDate(0, -3, 0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := e.sim.Messages()[0]
	if m.Channel != "LMS" || m.ContentType != "AD" || m.Subject != "새 이벤트 안내" || !strings.HasPrefix(m.Content, "(광고)") {
		t.Fatalf("stored %+v", m)
	}
	st, err := e.disp.Track(context.Background(), r)
	if err != nil || st.Status != notify.StatusPending {
		t.Fatalf("Track before delivery = %+v, %v; want PENDING", st, err)
	}
	e.clock.Add(4 * time.Second)
	st, err = e.disp.Track(context.Background(), r)
	if err != nil || st.Status != notify.StatusDelivered {
		t.Fatalf("Track after delivery = %+v, %v; want DELIVERED", st, err)
	}
}

func TestAuthentication(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*sensclient.Config)
		skew   time.Duration
	}{
		{"wrong secret", func(c *sensclient.Config) { c.SecretKey = "other" }, 0},
		{"wrong access key", func(c *sensclient.Config) { c.AccessKey = "other" }, 0},
		{"clock 6 minutes behind", nil, -6 * time.Minute},
		{"clock 6 minutes ahead", nil, 6 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			simClock := &clock{t: start}
			cfg := sandbox.Config{Now: simClock.Now}
			muts := []func(*sensclient.Config){}
			if tt.mutate != nil {
				muts = append(muts, tt.mutate)
			}
			e := setup(t, cfg, muts...)
			e.clock.Add(tt.skew)
			_, err := e.cl.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "x"})
			var se *resilience.StatusError
			if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized || se.Code != "200" {
				t.Fatalf("error = %v, want 401 with gateway code 200", err)
			}
			if len(e.sim.Messages()) != 0 {
				t.Fatal("an unauthenticated request was stored")
			}
		})
	}
	t.Run("4 minutes skew is accepted", func(t *testing.T) {
		simClock := &clock{t: start}
		e := setup(t, sandbox.Config{Now: simClock.Now})
		e.clock.Add(4 * time.Minute)
		if _, err := e.cl.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "x"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInjectedFailuresAndLatency(t *testing.T) {
	t.Run("503 with Retry-After, nothing stored", func(t *testing.T) {
		e := setup(t, sandbox.Config{FailureRate: 1, FailureStatus: 503})
		_, err := e.disp.Send(context.Background(), win)
		var se *resilience.StatusError
		if !errors.As(err, &se) || se.StatusCode != 503 || se.RetryAfter != time.Second || !resilience.IsRetryable(err) {
			t.Fatalf("error = %v, want retryable 503 with Retry-After 1s", err)
		}
		if errors.Is(err, notify.ErrRejected) {
			t.Fatal("a 503 must not count as a refusal (no SMS fallback on ambiguous failures)")
		}
		if n := len(e.sim.Messages()); n != 0 {
			t.Fatalf("stored %d messages", n)
		}
	})
	t.Run("about half of requests fail at rate 0.5", func(t *testing.T) {
		e := setup(t, sandbox.Config{FailureRate: 0.5})
		fails := 0
		for range 200 {
			if _, err := e.cl.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "x"}); err != nil {
				fails++
			}
		}
		if fails < 70 || fails > 130 {
			t.Fatalf("%d of 200 failed at rate 0.5", fails)
		}
	})
	t.Run("latency honours the caller's deadline", func(t *testing.T) {
		e := setup(t, sandbox.Config{Latency: 2 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		// Without the deadline the call would succeed after 2 s: the error
		// alone proves it, whatever the machine's speed.
		_, err := e.cl.SMS().Deliver(ctx, notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "x"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want deadline exceeded", err)
		}
	})
}

// TestEUCKR: SMS/LMS travel as EUC-KR and SENS refuses text it cannot
// encode with a 400 (nothing stored); 알림톡 is UTF-8 and takes emoji. The
// adapter reports the refusal as not retryable, naming the cause.
func TestEUCKR(t *testing.T) {
	e := setup(t, sandbox.Config{})
	for _, d := range []notify.Delivery{
		{Channel: notify.ChannelSMS, To: "01012345678", Content: "봄 세일 😀"},
		{Channel: notify.ChannelLMS, To: "01012345678", Content: strings.Repeat("가", 50) + "🎉"},
		{Channel: notify.ChannelLMS, To: "01012345678", Content: "봄 세일", Subject: "❤️ 안내"},
	} {
		_, err := e.cl.SMS().Deliver(context.Background(), d)
		var se *resilience.StatusError
		if !errors.As(err, &se) || se.StatusCode != 400 || !errors.Is(err, notify.ErrUnencodable) || resilience.IsRetryable(err) {
			t.Errorf("%s %q/%q: error = %v, want a 400 matching ErrUnencodable, not retryable", d.Channel, d.Subject, d.Content, err)
		}
	}
	if n := len(e.sim.Messages()); n != 0 {
		t.Fatalf("stored %d messages, want none", n)
	}
	// What EUC-KR holds passes: Hangul, Hanja, its symbols, and the
	// Code Page 949 syllables (똠).
	if _, err := e.cl.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "★대박★ 똠얌꿍 大賞 ♥"}); err != nil {
		t.Errorf("encodable SMS: %v", err)
	}
	if _, err := e.cl.Alimtalk().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelAlimtalk, To: "01012345678", TemplateCode: "WIN01", Content: "🎉 당첨을 축하합니다!"}); err != nil {
		t.Errorf("알림톡 with an emoji: %v", err)
	}
	if n := len(e.sim.Messages()); n != 2 {
		t.Errorf("stored %d messages, want 2", n)
	}
}

func TestValidation(t *testing.T) {
	e := setup(t, sandbox.Config{})
	long := strings.Repeat("가", 46) // 92 bytes: too long for SMS
	tests := []struct {
		name string
		req  sensclient.SMSRequest
	}{
		{"SMS over 90 bytes", sensclient.SMSRequest{Type: "SMS", Content: long, Messages: []sensclient.SMSMessage{{To: "01012345678"}}}},
		{"hyphenated recipient", sensclient.SMSRequest{Type: "SMS", Content: "x", Messages: []sensclient.SMSMessage{{To: "010-1234-5678"}}}},
		{"unknown type", sensclient.SMSRequest{Type: "FAX", Content: "x", Messages: []sensclient.SMSMessage{{To: "01012345678"}}}},
		{"subject over 40 bytes", sensclient.SMSRequest{Type: "LMS", Subject: strings.Repeat("가", 21), Content: "x", Messages: []sensclient.SMSMessage{{To: "01012345678"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.cl.SendSMS(context.Background(), tt.req)
			var se *resilience.StatusError
			if !errors.As(err, &se) || se.StatusCode != 400 || !errors.Is(err, notify.ErrRejected) {
				t.Fatalf("error = %v, want a rejected 400", err)
			}
		})
	}
	if _, err := e.cl.SendSMS(context.Background(), sensclient.SMSRequest{Type: "LMS", Content: long, Messages: []sensclient.SMSMessage{{To: "01012345678"}}}); err != nil {
		t.Fatalf("92-byte LMS refused: %v", err)
	}
	// Many recipients in one request are all stored.
	msgs := make([]sensclient.SMSMessage, 100)
	for i := range msgs {
		msgs[i].To = "01012345678"
	}
	if _, err := e.cl.SendSMS(context.Background(), sensclient.SMSRequest{Type: "SMS", Content: "x", Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.sim.Messages()); n != 101 {
		t.Fatalf("stored %d messages, want 101", n)
	}
	e.sim.Reset()
	if n := len(e.sim.Messages()); n != 0 {
		t.Fatalf("after Reset %d messages", n)
	}
}

func TestMountedUnderPrefix(t *testing.T) {
	sim, err := sandbox.New(sandbox.Config{AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/sandbox/sens/", http.StripPrefix("/sandbox/sens", sim))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cl, err := sensclient.New(sensclient.Config{BaseURL: srv.URL + "/sandbox/sens", AccessKey: ak, SecretKey: sk, SMSServiceID: "ncp:sms:kr:2:ae", SMSFrom: "0212345678"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := cl.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "당첨"})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := cl.SMS().Track(context.Background(), r); err != nil || st.Status != notify.StatusDelivered {
		t.Fatalf("Track = %+v, %v", st, err)
	}
}

func TestMaxStored(t *testing.T) {
	e := setup(t, sandbox.Config{MaxStored: 3})
	for i := range 5 {
		content := strings.Repeat("x", i+1)
		if _, err := e.cl.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: content}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := e.sim.Messages()
	if len(msgs) != 3 || msgs[0].Content != "xxx" {
		t.Fatalf("kept %d messages starting with %q, want the newest 3", len(msgs), msgs[0].Content)
	}
}

func TestRejectsBadConfig(t *testing.T) {
	if _, err := sandbox.New(sandbox.Config{}); err == nil {
		t.Fatal("New without keys succeeded")
	}
	if _, err := sandbox.New(sandbox.Config{AccessKey: "a", SecretKey: "b", FailureRate: 2}); err == nil {
		t.Fatal("New with failure rate 2 succeeded")
	}
}
