package nts

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// A decoding key as data.go.kr issues them: base64 with '+', '/' and '='.
const testKey = "nwPZ/9Z3sVtcxGNXxOZfOXwnivybRXYmyoIDyvU+VDssxywHNMU2tA55Xa8zvHWK0bninVkiuZAA4550BDqIbQ=="

// Encoded once: what must appear on the wire.
const testKeyOnWire = "nwPZ%2F9Z3sVtcxGNXxOZfOXwnivybRXYmyoIDyvU%2BVDssxywHNMU2tA55Xa8zvHWK0bninVkiuZAA4550BDqIbQ%3D%3D"

// Response bodies in the shape the real API returns (data.go.kr 15081808
// examples and observed answers).
const (
	bodyActive = `{
  "request_cnt": 1,
  "match_cnt": 1,
  "status_code": "OK",
  "data": [
    {
      "b_no": "1248100998",
      "b_stt": "계속사업자",
      "b_stt_cd": "01",
      "tax_type": "부가가치세 일반과세자",
      "tax_type_cd": "01",
      "end_dt": "",
      "utcc_yn": "N",
      "tax_type_change_dt": "",
      "invoice_apply_dt": "",
      "rbf_tax_type": "해당없음",
      "rbf_tax_type_cd": "99"
    }
  ]
}`
	bodyMixed = `{"request_cnt":3,"match_cnt":2,"status_code":"OK","data":[
    {"b_no":"2208162517","b_stt":"폐업자","b_stt_cd":"03","tax_type":"부가가치세 간이과세자","tax_type_cd":"02","end_dt":"20231130","utcc_yn":"N","tax_type_change_dt":"20200701","invoice_apply_dt":"","rbf_tax_type":"부가가치세 일반과세자","rbf_tax_type_cd":"01"},
    {"b_no":"1234567891","b_stt":"","b_stt_cd":"","tax_type":"국세청에 등록되지 않은 사업자등록번호입니다.","tax_type_cd":"","end_dt":"","utcc_yn":"","tax_type_change_dt":"","invoice_apply_dt":"","rbf_tax_type":"","rbf_tax_type_cd":""},
    {"b_no":"1208147521","b_stt":"휴업자","b_stt_cd":"02","tax_type":"부가가치세 일반과세자","tax_type_cd":"01","end_dt":"","utcc_yn":"N","tax_type_change_dt":"","invoice_apply_dt":"","rbf_tax_type":"해당없음","rbf_tax_type_cd":"99"}
  ]}`
)

// recorded is what the fake server saw.
type recorded struct {
	method, path, rawQuery, contentType, accept, body string
	serviceKey                                        string
}

func newServer(t *testing.T, status int, header map[string]string, body string) (*httptest.Server, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*rec = recorded{
			method: r.Method, path: r.URL.Path, rawQuery: r.URL.RawQuery,
			contentType: r.Header.Get("Content-Type"), accept: r.Header.Get("Accept"),
			body: string(b), serviceKey: r.URL.Query().Get("serviceKey"),
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func newClient(t *testing.T, base string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: base, ServiceKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestLookupRequestContract(t *testing.T) {
	srv, rec := newServer(t, 200, nil, bodyActive)
	c := newClient(t, srv.URL+"/") // a trailing slash must not double up

	st, err := c.Lookup(context.Background(), "1248100998")
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"method", rec.method, "POST"},
		{"path", rec.path, "/api/nts-businessman/v1/status"},
		{"raw query (key encoded exactly once)", rec.rawQuery, "serviceKey=" + testKeyOnWire},
		{"decoded key", rec.serviceKey, testKey},
		{"content-type", rec.contentType, "application/json"},
		{"accept", rec.accept, "application/json"},
		{"body", rec.body, `{"b_no":["1248100998"]}`},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	want := Status{Number: "1248100998", State: StateActive, Text: "계속사업자", TaxType: "부가가치세 일반과세자", TaxTypeCode: "01"}
	if st != want {
		t.Errorf("Lookup = %+v, want %+v", st, want)
	}
}

func TestStatusBatch(t *testing.T) {
	srv, rec := newServer(t, 200, nil, bodyMixed)
	c := newClient(t, srv.URL)
	numbers := []string{"1208147521", "2208162517", "1234567891", "2208162517"} // order differs from the answer; one duplicate
	got, err := c.Status(context.Background(), numbers)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if rec.body != `{"b_no":["1208147521","2208162517","1234567891"]}` {
		t.Errorf("body = %s, want duplicates removed, order kept", rec.body)
	}
	closedOn := time.Date(2023, 11, 30, 0, 0, 0, 0, time.FixedZone("KST", 9*3600))
	want := []Status{
		{Number: "1208147521", State: StateSuspended, Text: "휴업자", TaxType: "부가가치세 일반과세자", TaxTypeCode: "01"},
		{Number: "2208162517", State: StateClosed, Text: "폐업자", TaxType: "부가가치세 간이과세자", TaxTypeCode: "02", ClosedOn: closedOn},
		{Number: "1234567891", State: StateUnregistered, TaxType: "국세청에 등록되지 않은 사업자등록번호입니다."},
		{Number: "2208162517", State: StateClosed, Text: "폐업자", TaxType: "부가가치세 간이과세자", TaxTypeCode: "02", ClosedOn: closedOn},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statuses, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ClosedOn.Equal(want[i].ClosedOn) {
			got[i].ClosedOn = want[i].ClosedOn // compare instants, not zones
		}
		if got[i] != want[i] {
			t.Errorf("status[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if !strings.HasPrefix(got[2].TaxType, UnregisteredText) {
		t.Errorf("unregistered tax_type %q does not start with UnregisteredText", got[2].TaxType)
	}
}

func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		wantCode   string
		wantRetry  time.Duration
		retryable  bool
		serviceKey bool
	}{
		{"bad json", 400, nil, `{"status_code":"BAD_JSON_REQUEST"}`, "BAD_JSON_REQUEST", 0, false, false},
		{"malformed", 411, nil, `{"status_code":"REQUEST_DATA_MALFORMED"}`, "REQUEST_DATA_MALFORMED", 0, false, false},
		{"too large", 413, nil, `{"status_code":"TOO_LARGE_REQUEST"}`, "TOO_LARGE_REQUEST", 0, false, false},
		{"odcloud 401", 401, nil, `{"code":-4,"msg":"등록되지 않은 인증키 입니다."}`, "-4", 0, false, true},
		{"rate limited", 429, map[string]string{"Retry-After": "7"}, `{"code":-10,"msg":"트래픽 허용 횟수를 초과하였습니다."}`, "-10", 7 * time.Second, true, false},
		{"internal", 500, nil, `{"status_code":"INTERNAL_ERROR"}`, "INTERNAL_ERROR", 0, true, false},
		{"gateway html", 502, map[string]string{"Retry-After": "2"}, `<html><body>Bad Gateway</body></html>`, "", 2 * time.Second, true, false},
		{"unavailable, empty", 503, nil, ``, "", 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, tc.status, tc.header, tc.body)
			_, err := newClient(t, srv.URL).Lookup(context.Background(), "1248100998")
			var se *resilience.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *resilience.StatusError", err, err)
			}
			if se.System != "nts" || se.StatusCode != tc.status || se.Code != tc.wantCode || se.RetryAfter != tc.wantRetry {
				t.Errorf("StatusError = %+v, want status %d code %q retry-after %v", *se, tc.status, tc.wantCode, tc.wantRetry)
			}
			if got := resilience.IsRetryable(err); got != tc.retryable {
				t.Errorf("IsRetryable = %v, want %v", got, tc.retryable)
			}
			if got := errors.Is(err, ErrServiceKey); got != tc.serviceKey {
				t.Errorf("errors.Is(err, ErrServiceKey) = %v, want %v", got, tc.serviceKey)
			}
			if strings.Contains(err.Error(), "1248100998") || strings.Contains(err.Error(), testKey) {
				t.Errorf("error text leaks the number or key: %q", err)
			}
		})
	}
}

func TestBadSuccessAnswers(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		serviceKey bool
	}{
		{"not json", `<OpenAPI_ServiceResponse>SERVICE ERROR</OpenAPI_ServiceResponse>`, false},
		{"status not OK", `{"status_code":"INTERNAL_ERROR"}`, false},
		{"odcloud key error with 200", `{"code":-4,"msg":"등록되지 않은 인증키 입니다."}`, true},
		{"number missing", `{"status_code":"OK","request_cnt":1,"match_cnt":0,"data":[]}`, false},
		{"unknown state code", `{"status_code":"OK","data":[{"b_no":"1248100998","b_stt":"?","b_stt_cd":"09"}]}`, false},
		{"bad end_dt", `{"status_code":"OK","data":[{"b_no":"1248100998","b_stt":"폐업자","b_stt_cd":"03","end_dt":"2023-11-30"}]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, 200, nil, tc.body)
			st, err := newClient(t, srv.URL).Lookup(context.Background(), "1248100998")
			if err == nil {
				t.Fatalf("Lookup = %+v, nil; want an error", st)
			}
			if tc.serviceKey {
				if !errors.Is(err, ErrServiceKey) {
					t.Errorf("err = %v, want ErrServiceKey", err)
				}
			} else if !errors.Is(err, ErrBadResponse) {
				t.Errorf("err = %v, want ErrBadResponse", err)
			}
			if resilience.IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = true; a bad answer is not retried", err)
			}
		})
	}
}

func TestArgumentChecksMakeNoRequest(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	defer srv.Close()
	c := newClient(t, srv.URL)
	ctx := context.Background()

	hundredOne := make([]string, MaxBatch+1)
	for i := range hundredOne {
		hundredOne[i] = "1248100998"
	}
	tests := []struct {
		name    string
		numbers []string
		want    error
	}{
		{"none", nil, ErrTooManyNumbers},
		{"101", hundredOne, ErrTooManyNumbers},
		{"dashes", []string{"124-81-00998"}, ErrInvalidNumber},
		{"nine digits", []string{"124810099"}, ErrInvalidNumber},
		{"letters", []string{"12481009x8"}, ErrInvalidNumber},
	}
	for _, tc := range tests {
		if _, err := c.Status(ctx, tc.numbers); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if calls != 0 {
		t.Errorf("server called %d times, want 0", calls)
	}
}

func TestHundredNumbersAllowed(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"status_code":"OK","data":[`)
	numbers := make([]string, MaxBatch)
	for i := range numbers {
		numbers[i] = "10000000" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"b_no":"` + numbers[i] + `","b_stt":"계속사업자","b_stt_cd":"01"}`)
	}
	b.WriteString("]}")
	srv, _ := newServer(t, 200, nil, b.String())
	got, err := newClient(t, srv.URL).Status(context.Background(), numbers)
	if err != nil || len(got) != MaxBatch {
		t.Fatalf("Status(100) = %d results, %v", len(got), err)
	}
}

func TestNewValidation(t *testing.T) {
	bad := []Config{
		{},
		{ServiceKey: testKeyOnWire}, // the "Encoding" key
		{ServiceKey: testKey, BaseURL: "ftp://api.odcloud.kr"},
		{ServiceKey: testKey, BaseURL: "api.odcloud.kr"},
		{ServiceKey: testKey, BaseURL: "https://api.odcloud.kr?x=1"},
	}
	for i, cfg := range bad {
		if _, err := New(cfg); err == nil {
			t.Errorf("config %d accepted: %+v", i, cfg)
		}
	}
	c, err := New(Config{ServiceKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://api.odcloud.kr/api/nts-businessman/v1/status?serviceKey=" + testKeyOnWire; c.endpoint != want {
		t.Errorf("endpoint = %s, want %s", c.endpoint, want)
	}
}

func TestTransportErrorsHideKeyAndStayRetryable(t *testing.T) {
	// A closed port: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = newClient(t, "http://"+addr).Lookup(context.Background(), "1248100998")
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if strings.Contains(err.Error(), "serviceKey") || strings.Contains(err.Error(), "nwPZ") {
		t.Errorf("transport error leaks the key: %q", err)
	}
	if !resilience.IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = false, want true", err)
	}

	// The caller's deadline ends the call.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release) // runs before slow.Close, which waits for handlers
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = newClient(t, slow.URL).Lookup(ctx, "1248100998")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %v, want DeadlineExceeded promptly", err, time.Since(start))
	}
}
