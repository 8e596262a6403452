package sens

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

const (
	accessKey   = "AKIDEXAMPLE0000"
	secretKey   = "secretEXAMPLEkey0000000000000000"
	alimService = "ncp:kkobizmsg:kr:2706001:autoevent"
	smsService  = "ncp:sms:kr:2706002:autoevent"
)

var fixedNow = time.UnixMilli(1767225600123) // 2026-01-01 00:00:00.123 UTC

// recorded is what the fake SENS saw.
type recorded struct {
	method, requestURI string
	header             http.Header
	body               []byte
}

// fakeSENS checks every request's signature exactly as the NCP docs define
// it (computed here independently of Sign) and answers with answer.
func fakeSENS(t *testing.T, status int, answer string, hdr map[string]string) (*httptest.Server, *[]recorded) {
	t.Helper()
	var got []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = append(got, recorded{r.Method, r.RequestURI, r.Header.Clone(), body})
		ts := r.Header.Get("x-ncp-apigw-timestamp")
		msg := r.Method + " " + r.RequestURI + "\n" + ts + "\n" + accessKey
		m := hmac.New(sha256.New, []byte(secretKey))
		m.Write([]byte(msg))
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		if r.Header.Get("x-ncp-apigw-signature-v2") != want || r.Header.Get("x-ncp-iam-access-key") != accessKey {
			t.Errorf("bad signature for %q", msg)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func newClient(t *testing.T, base string) *Client {
	t.Helper()
	c, err := New(Config{
		BaseURL: base, AccessKey: accessKey, SecretKey: secretKey,
		AlimtalkServiceID: alimService, SMSServiceID: smsService,
		PlusFriendID: "@autoevent", SMSFrom: "0212345678",
		Now: func() time.Time { return fixedNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignKnownVector(t *testing.T) {
	// Computed with the documented string-to-sign; pins the separators
	// (one space after the method, newlines before timestamp and key).
	msg := "POST /sms/v2/services/ncp:sms:kr:1:x/messages\n1767225600123\nAK"
	m := hmac.New(sha256.New, []byte("SK"))
	m.Write([]byte(msg))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := Sign("SK", "POST", "/sms/v2/services/ncp:sms:kr:1:x/messages", "1767225600123", "AK"); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestAlimtalkContract(t *testing.T) {
	answer := `{"requestId":"RAT-1","requestTime":"2026-01-01T09:00:00.123","statusCode":"202","statusName":"success",
		"messages":[{"messageId":"m-1","countryCode":"82","to":"01012345678","content":"x","requestStatusCode":"A000","requestStatusName":"success","requestStatusDesc":"성공","useSmsFailover":true}]}`
	srv, got := fakeSENS(t, http.StatusAccepted, answer, nil)
	c := newClient(t, srv.URL)

	r, err := c.Alimtalk().Deliver(context.Background(), notify.Delivery{
		Channel: notify.ChannelAlimtalk, To: "01012345678", TemplateCode: "WIN01",
		Content:  "김*수님 당첨을 축하합니다!",
		Buttons:  []notify.Button{{Type: "WL", Name: "쿠폰 보기", LinkMobile: "https://ae.example/c/1", LinkPC: "https://ae.example/c/1"}},
		Fallback: &notify.Fallback{Channel: notify.ChannelSMS, Content: "김*수님 당첨을 축하합니다!"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.RequestID != "RAT-1" || r.MessageID != "m-1" || !r.Fallback || r.Channel != notify.ChannelAlimtalk {
		t.Fatalf("receipt = %+v", r)
	}
	req := (*got)[0]
	if req.method != "POST" || req.requestURI != "/alimtalk/v2/services/ncp:kkobizmsg:kr:2706001:autoevent/messages" {
		t.Fatalf("request line = %s %s", req.method, req.requestURI)
	}
	if ct := req.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type = %q", ct)
	}
	if ts := req.header.Get("x-ncp-apigw-timestamp"); ts != "1767225600123" {
		t.Fatalf("timestamp = %q, want milliseconds 1767225600123", ts)
	}
	wantBody := `{"plusFriendId":"@autoevent","templateCode":"WIN01","messages":[{"countryCode":"82","to":"01012345678",` +
		`"content":"김*수님 당첨을 축하합니다!","buttons":[{"type":"WL","name":"쿠폰 보기","linkMobile":"https://ae.example/c/1","linkPc":"https://ae.example/c/1"}],` +
		`"useSmsFailover":true,"failoverConfig":{"type":"SMS","from":"0212345678","content":"김*수님 당첨을 축하합니다!"}}]}`
	assertJSON(t, req.body, wantBody)
}

func TestSMSContract(t *testing.T) {
	srv, got := fakeSENS(t, http.StatusAccepted, `{"requestId":"RSMS-1","requestTime":"2026-01-01T09:00:00.123","statusCode":"202","statusName":"success"}`, nil)
	c := newClient(t, srv.URL)
	r, err := c.SMS().Deliver(context.Background(), notify.Delivery{
		Channel: notify.ChannelLMS, To: "01012345678", Subject: "새 이벤트", Content: "(광고) 행복베이커리\n…\n무료수신거부 080-123-4567", Advertising: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.RequestID != "RSMS-1" || r.Channel != notify.ChannelLMS {
		t.Fatalf("receipt = %+v", r)
	}
	req := (*got)[0]
	if req.method != "POST" || req.requestURI != "/sms/v2/services/ncp:sms:kr:2706002:autoevent/messages" {
		t.Fatalf("request line = %s %s", req.method, req.requestURI)
	}
	assertJSON(t, req.body, `{"type":"LMS","contentType":"AD","countryCode":"82","from":"0212345678","subject":"새 이벤트",`+
		`"content":"(광고) 행복베이커리\n…\n무료수신거부 080-123-4567","messages":[{"to":"01012345678"}]}`)
}

func TestResultQueries(t *testing.T) {
	t.Run("sms by request id then message id", func(t *testing.T) {
		var calls []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls = append(calls, r.RequestURI)
			m := hmac.New(sha256.New, []byte(secretKey))
			m.Write([]byte("GET " + r.RequestURI + "\n" + r.Header.Get(HeaderTimestamp) + "\n" + accessKey))
			if r.Header.Get(HeaderSignature) != base64.StdEncoding.EncodeToString(m.Sum(nil)) {
				t.Errorf("bad signature on %s", r.RequestURI)
			}
			if strings.Contains(r.RequestURI, "?requestId=") {
				io.WriteString(w, `{"requestId":"RSMS-1","statusCode":"202","statusName":"success","messages":[{"messageId":"sm-9","requestTime":"2026-01-01 09:00:00","contentType":"COMM","countryCode":"82","from":"0212345678","to":"01012345678"}]}`)
				return
			}
			io.WriteString(w, `{"statusCode":"202","statusName":"success","messages":[{"requestTime":"2026-01-01 09:00:00","contentType":"COMM","content":"x","countryCode":"82","from":"0212345678","to":"01012345678","status":"COMPLETED","statusCode":"0","statusName":"success","statusMessage":"성공","completeTime":"2026-01-01 09:00:05","telcoCode":"SKT"}]}`)
		}))
		defer srv.Close()
		c := newClient(t, srv.URL)
		st, err := c.SMS().Track(context.Background(), notify.Receipt{Channel: notify.ChannelSMS, RequestID: "RSMS-1"})
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != notify.StatusDelivered || st.CompletedAt.IsZero() {
			t.Fatalf("status = %+v, want DELIVERED with a completion time", st)
		}
		want := []string{
			"/sms/v2/services/ncp:sms:kr:2706002:autoevent/messages?requestId=RSMS-1",
			"/sms/v2/services/ncp:sms:kr:2706002:autoevent/messages/sm-9",
		}
		if strings.Join(calls, " ") != strings.Join(want, " ") {
			t.Fatalf("calls = %v, want %v", calls, want)
		}
	})
	t.Run("alimtalk states", func(t *testing.T) {
		tests := []struct {
			answer string
			want   notify.Status
		}{
			{`{"messageId":"m-1","to":"x","requestStatusCode":"A000","messageStatusCode":"0000","messageStatusName":"success","completeTime":"2026-01-01T09:00:05"}`, notify.StatusDelivered},
			{`{"messageId":"m-1","to":"x","requestStatusCode":"A000","messageStatusName":"processing"}`, notify.StatusPending},
			{`{"messageId":"m-1","to":"x","requestStatusCode":"A000","messageStatusCode":"3018","messageStatusName":"fail","useSmsFailover":true}`, notify.StatusFailedOver},
			{`{"messageId":"m-1","to":"x","requestStatusCode":"A000","messageStatusCode":"3018","messageStatusName":"fail","useSmsFailover":false}`, notify.StatusFailed},
			{`{"messageId":"m-1","to":"x","requestStatusCode":"E100","requestStatusName":"fail"}`, notify.StatusFailed},
		}
		for _, tt := range tests {
			srv, got := fakeSENS(t, http.StatusOK, tt.answer, nil)
			c := newClient(t, srv.URL)
			st, err := c.Alimtalk().Track(context.Background(), notify.Receipt{Channel: notify.ChannelAlimtalk, RequestID: "R", MessageID: "m-1"})
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != tt.want {
				t.Errorf("answer %s → %s, want %s", tt.answer, st.Status, tt.want)
			}
			if uri := (*got)[0].requestURI; uri != "/alimtalk/v2/services/ncp:kkobizmsg:kr:2706001:autoevent/messages/m-1" {
				t.Errorf("request URI = %s", uri)
			}
		}
	})
}

func TestErrors(t *testing.T) {
	delivery := notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "당첨"}
	tests := []struct {
		name       string
		status     int
		answer     string
		hdr        map[string]string
		wantCode   string
		retryAfter time.Duration
		rejected   bool
		retryable  bool
	}{
		{"gateway auth", 401, `{"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid authentication information."}}`, nil, "200", 0, true, false},
		{"bad request", 400, `{"status":400,"errorCode":"S001","errorMessage":"to 01012345678 invalid"}`, nil, "S001", 0, true, false},
		{"throttled", 429, `{"error":{"errorCode":"300"}}`, map[string]string{"Retry-After": "7"}, "300", 7 * time.Second, true, true},
		{"server", 503, `oops`, map[string]string{"Retry-After": "2"}, "", 2 * time.Second, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeSENS(t, tt.status, tt.answer, tt.hdr)
			c := newClient(t, srv.URL)
			_, err := c.SMS().Deliver(context.Background(), delivery)
			var se *resilience.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *resilience.StatusError", err)
			}
			if se.StatusCode != tt.status || se.Code != tt.wantCode || se.RetryAfter != tt.retryAfter || se.System != SystemSMS {
				t.Fatalf("StatusError = %+v, want status %d code %q retry-after %v", se, tt.status, tt.wantCode, tt.retryAfter)
			}
			if got := errors.Is(err, notify.ErrRejected); got != tt.rejected {
				t.Fatalf("errors.Is(ErrRejected) = %v, want %v", got, tt.rejected)
			}
			if got := resilience.IsRetryable(err); got != tt.retryable {
				t.Fatalf("IsRetryable = %v, want %v", got, tt.retryable)
			}
			if strings.Contains(err.Error(), "01012345678") || strings.Contains(err.Error(), "invalid") {
				t.Fatalf("error %q leaks provider text", err)
			}
		})
	}
	t.Run("per-message refusal", func(t *testing.T) {
		srv, _ := fakeSENS(t, 202, `{"requestId":"R","statusCode":"202","statusName":"success","messages":[{"messageId":"m","to":"01012345678","requestStatusCode":"E106","requestStatusName":"fail"}]}`, nil)
		c := newClient(t, srv.URL)
		_, err := c.Alimtalk().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelAlimtalk, To: "01012345678", TemplateCode: "T", Content: "x"})
		var me *MessageError
		if !errors.As(err, &me) || me.Code != "E106" || !errors.Is(err, notify.ErrRejected) {
			t.Fatalf("error = %v, want a rejected MessageError E106", err)
		}
	})
	t.Run("text EUC-KR cannot encode", func(t *testing.T) {
		srv, _ := fakeSENS(t, 400, `{"status":400,"errorCode":"400","errorMessage":"content and subject must be encodable in EUC-KR"}`, nil)
		c := newClient(t, srv.URL)
		_, err := c.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelLMS, To: "01012345678", Content: "봄 세일 😀", Subject: "안내"})
		var ue *notify.UnencodableError
		if !errors.As(err, &ue) || len(ue.Chars) != 1 || ue.Chars[0] != "😀" || !errors.Is(err, notify.ErrRejected) {
			t.Fatalf("error = %v, want rejected and *notify.UnencodableError naming 😀", err)
		}
		if resilience.IsRetryable(err) {
			t.Fatal("IsRetryable = true: the same text cannot succeed later")
		}
		if strings.Contains(err.Error(), "😀") {
			t.Fatalf("error %q leaks message text", err)
		}
		// Another 400 on an encodable text stays a plain rejection.
		_, err = c.SMS().Deliver(context.Background(), notify.Delivery{Channel: notify.ChannelSMS, To: "01012345678", Content: "봄 세일"})
		if errors.Is(err, notify.ErrUnencodable) || !errors.Is(err, notify.ErrRejected) {
			t.Fatalf("encodable text: error = %v, want rejected only", err)
		}
	})
	t.Run("too many recipients", func(t *testing.T) {
		c := newClient(t, "http://127.0.0.1:1")
		_, err := c.SendSMS(context.Background(), SMSRequest{Type: "SMS", Content: "x", Messages: make([]SMSMessage, MaxMessages+1)})
		if err == nil {
			t.Fatal("101 recipients accepted")
		}
	})
}

func TestNewValidates(t *testing.T) {
	base := Config{AccessKey: "a", SecretKey: "s", SMSServiceID: "x", SMSFrom: "0212345678"}
	if _, err := New(base); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for name, mut := range map[string]func(*Config){
		"no keys":          func(c *Config) { c.SecretKey = "" },
		"no service":       func(c *Config) { c.SMSServiceID = "" },
		"no plus friend":   func(c *Config) { c.AlimtalkServiceID = "y" },
		"no caller number": func(c *Config) { c.SMSFrom = "" },
		"bad url":          func(c *Config) { c.BaseURL = "ftp://x" },
	} {
		c := base
		mut(&c)
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New error = %v, want ErrConfig", name, err)
		}
	}
}

func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Fatalf("body\n got %s\nwant %s", gb, wb)
	}
}
