// Package nts is the client of the National Tax Service business status API
// (국세청 사업자등록정보 상태조회, data.go.kr dataset 15081808, served by
// api.odcloud.kr):
//
//	POST {base}/api/nts-businessman/v1/status?serviceKey=KEY
//	Content-Type: application/json
//	{"b_no": ["1248100998", …]}            (at most 100 numbers)
//
// The client is deliberately plain: one HTTP request per call, no retries,
// no logging. Timeouts, retries and the circuit breaker are applied where it
// is wired (platform/resilience), and request and response bodies are never
// logged because they identify businesses.
package nts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// DefaultBaseURL is the production host.
const DefaultBaseURL = "https://api.odcloud.kr"

// StatusPath is the status endpoint's path.
const StatusPath = "/api/nts-businessman/v1/status"

// MaxBatch is the most numbers one call may carry; the API answers "Too Large
// Request" above it.
const MaxBatch = 100

// System is the system name used in errors and resilience metrics.
const System = "nts"

// maxResponseBytes bounds what we read; 100 entries are about 40 KB.
const maxResponseBytes = 1 << 20

// UnregisteredText is the tax_type the API returns for a number it does not
// know (the API sometimes ends it with a full stop).
const UnregisteredText = "국세청에 등록되지 않은 사업자등록번호입니다"

// Errors.
var (
	// ErrInvalidNumber: a number is not 10 ASCII digits (pass bizno.Normalize
	// output). Returned before any request is made.
	ErrInvalidNumber = errors.New("nts: business number must be 10 digits")
	// ErrTooManyNumbers: more than MaxBatch numbers, or none.
	ErrTooManyNumbers = errors.New("nts: between 1 and 100 numbers per call")
	// ErrServiceKey: the API refused the service key (HTTP 401, or odcloud's
	// code -4 "등록되지 않은 인증키"). Usually the URL-encoded key was configured
	// instead of the decoded one, or the key is not approved for this API.
	// The *resilience.StatusError stays reachable with errors.As.
	ErrServiceKey = errors.New("nts: service key rejected")
	// ErrBadResponse: a 2xx answer we cannot use (not JSON, status_code not
	// "OK", a requested number missing, an unknown status code). It is not a
	// *resilience.StatusError, so it is not retried, but it counts as a
	// failure of the dependency.
	ErrBadResponse = errors.New("nts: unexpected response")
)

// State is a business's registration state.
type State string

// States. Only ACTIVE may sign up; the user service decides.
const (
	StateActive       State = "ACTIVE"       // b_stt_cd 01 계속사업자
	StateSuspended    State = "SUSPENDED"    // b_stt_cd 02 휴업자
	StateClosed       State = "CLOSED"       // b_stt_cd 03 폐업자
	StateUnregistered State = "UNREGISTERED" // empty b_stt_cd: unknown to the NTS
)

// Status is the answer for one number.
type Status struct {
	Number      string    // 10 digits, as queried
	State       State     //
	Text        string    // b_stt, e.g. "계속사업자"; empty when unregistered
	TaxType     string    // tax_type, e.g. "부가가치세 일반과세자"
	TaxTypeCode string    // tax_type_cd, "01"–"07"; empty when unregistered
	ClosedOn    time.Time // end_dt (폐업일) as midnight KST; zero when not closed
}

// Config configures a Client.
type Config struct {
	// BaseURL is scheme://host[:port] (default DefaultBaseURL); the sandbox
	// or an httptest server in tests.
	BaseURL string
	// ServiceKey is the data.go.kr "일반 인증키 (Decoding)". The client
	// URL-encodes it exactly once; the "Encoding" variant would be encoded
	// twice and rejected with 401, so a key containing '%' is refused here.
	ServiceKey string
	// HTTPClient defaults to a client with a 30 s safety timeout (the
	// resilience policy sets the real, shorter one through the context).
	HTTPClient *http.Client
}

// Client calls the status API. It is safe for concurrent use.
type Client struct {
	endpoint string // full URL including the encoded service key
	http     *http.Client
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.ServiceKey == "" {
		return nil, errors.New("nts: service key is required")
	}
	if strings.Contains(cfg.ServiceKey, "%") {
		return nil, errors.New(`nts: service key looks URL-encoded; configure the "Decoding" key from data.go.kr`)
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("nts: base URL %q must be http(s)://host[:port][/prefix]", base)
	}
	u.Path += StatusPath
	u.RawQuery = url.Values{"serviceKey": {cfg.ServiceKey}}.Encode()
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{endpoint: u.String(), http: hc}, nil
}

// Lookup returns the status of one number (10 digits).
func (c *Client) Lookup(ctx context.Context, number string) (Status, error) {
	st, err := c.Status(ctx, []string{number})
	if err != nil {
		return Status{}, err
	}
	return st[0], nil
}

// Status returns the statuses of 1–100 numbers, in the order given
// (duplicates are sent once). Errors: ErrInvalidNumber, ErrTooManyNumbers
// before any request; *resilience.StatusError for a non-2xx answer (also
// ErrServiceKey for 401); ErrBadResponse; or the transport error.
func (c *Client) Status(ctx context.Context, numbers []string) ([]Status, error) {
	if len(numbers) == 0 || len(numbers) > MaxBatch {
		return nil, ErrTooManyNumbers
	}
	unique := make([]string, 0, len(numbers))
	seen := make(map[string]bool, len(numbers))
	for _, n := range numbers {
		if !isTenDigits(n) {
			return nil, ErrInvalidNumber
		}
		if !seen[n] {
			seen[n] = true
			unique = append(unique, n)
		}
	}

	body, err := json.Marshal(statusRequest{BNo: unique})
	if err != nil {
		return nil, fmt.Errorf("nts: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("nts: build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		// *url.Error carries the URL, and with it the service key: keep only
		// the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("nts: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("nts: read response: %w", err)
	}
	if len(raw) > maxResponseBytes {
		return nil, fmt.Errorf("%w: body over %d bytes", ErrBadResponse, maxResponseBytes)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusError(resp, raw)
	}

	var sr statusResponse
	if err := json.Unmarshal(raw, &sr); err != nil {
		return nil, fmt.Errorf("%w: not JSON", ErrBadResponse)
	}
	if sr.StatusCode != "OK" {
		// odcloud has been seen answering a refused key with 200 and
		// {"code":-4,...}; treat it like the 401 it means.
		if sr.Code != nil && *sr.Code == -4 {
			se := &resilience.StatusError{System: System, StatusCode: http.StatusUnauthorized, Code: "-4", Message: truncate(sr.Msg)}
			return nil, fmt.Errorf("%w: %w", ErrServiceKey, se)
		}
		return nil, fmt.Errorf("%w: status_code %q", ErrBadResponse, truncate(sr.StatusCode))
	}

	byNumber := make(map[string]Status, len(sr.Data))
	for _, d := range sr.Data {
		st, err := d.toStatus()
		if err != nil {
			return nil, err
		}
		byNumber[d.BNo] = st
	}
	out := make([]Status, len(numbers))
	for i, n := range numbers {
		st, ok := byNumber[n]
		if !ok {
			return nil, fmt.Errorf("%w: a requested number is missing from the answer", ErrBadResponse)
		}
		out[i] = st
	}
	return out, nil
}

type statusRequest struct {
	BNo []string `json:"b_no"`
}

// statusResponse covers the NTS answer and odcloud's gateway error shape
// ({"code":-4,"msg":"등록되지 않은 인증키 입니다."}).
type statusResponse struct {
	StatusCode string      `json:"status_code"`
	MatchCnt   int         `json:"match_cnt"`
	RequestCnt int         `json:"request_cnt"`
	Data       []statusRow `json:"data"`
	Code       *int        `json:"code"`
	Msg        string      `json:"msg"`
}

type statusRow struct {
	BNo             string `json:"b_no"`
	BStt            string `json:"b_stt"`
	BSttCd          string `json:"b_stt_cd"`
	TaxType         string `json:"tax_type"`
	TaxTypeCd       string `json:"tax_type_cd"`
	EndDt           string `json:"end_dt"`
	UtccYn          string `json:"utcc_yn"`
	TaxTypeChangeDt string `json:"tax_type_change_dt"`
	InvoiceApplyDt  string `json:"invoice_apply_dt"`
	RbfTaxType      string `json:"rbf_tax_type"`
	RbfTaxTypeCd    string `json:"rbf_tax_type_cd"`
}

func (d statusRow) toStatus() (Status, error) {
	st := Status{Number: d.BNo, Text: d.BStt, TaxType: d.TaxType, TaxTypeCode: d.TaxTypeCd}
	switch d.BSttCd {
	case "01":
		st.State = StateActive
	case "02":
		st.State = StateSuspended
	case "03":
		st.State = StateClosed
	case "":
		st.State = StateUnregistered
	default:
		// A code we do not know must not be read as "active" or "closed":
		// let the caller fall back to manual verification.
		return Status{}, fmt.Errorf("%w: unknown b_stt_cd %q", ErrBadResponse, truncate(d.BSttCd))
	}
	if d.EndDt != "" {
		t, err := time.ParseInLocation("20060102", d.EndDt, kst.Location)
		if err != nil {
			return Status{}, fmt.Errorf("%w: end_dt not YYYYMMDD", ErrBadResponse)
		}
		st.ClosedOn = t
	}
	return st, nil
}

// statusError turns a non-2xx answer into a *resilience.StatusError with the
// provider's code: NTS answers {"status_code":"BAD_JSON_REQUEST"} and the
// like, odcloud's gateway {"code":-4,"msg":"…"}.
func statusError(resp *http.Response, raw []byte) error {
	se := resilience.NewStatusError(System, resp)
	var body statusResponse
	if json.Unmarshal(raw, &body) == nil {
		switch {
		case body.StatusCode != "":
			se.Code = truncate(body.StatusCode)
		case body.Code != nil:
			se.Code = strconv.Itoa(*body.Code)
			se.Message = truncate(body.Msg)
		}
	}
	if resp.StatusCode == http.StatusUnauthorized || se.Code == "-4" {
		return fmt.Errorf("%w: %w", ErrServiceKey, se)
	}
	return se
}

func isTenDigits(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncate keeps provider strings short enough for an error message.
func truncate(s string) string {
	const maxLen = 100
	if len(s) <= maxLen {
		return s
	}
	// Cut on a rune boundary.
	for i := maxLen; i > 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return s[:i]
		}
	}
	return ""
}
