// Package sens is the NAVER Cloud Platform SENS adapter: Kakao 알림톡
// (alimtalk/v2) and SMS/LMS (sms/v2), signed with the NCP API Gateway
// signature v2.
//
// Every request carries
//
//	x-ncp-apigw-timestamp:    Unix time in milliseconds (rejected beyond 5 min skew)
//	x-ncp-iam-access-key:     the access key id
//	x-ncp-apigw-signature-v2: base64(HMAC-SHA256(secretKey, METHOD + " " + URI + "\n" + timestamp + "\n" + accessKey))
//
// where URI is the request path plus "?query" when there is one, exactly as
// sent. The client is plain: one HTTP request per call, errors as
// *resilience.StatusError (non-2xx) so the resilience policy wired around it
// can decide on retries. Sends are not idempotent: wire them with
// resilience.NonIdempotent. Neither message bodies nor phone numbers are
// logged or put into errors.
package sens

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/participation/notify"
	"github.com/autoevent/autoevent/internal/platform/resilience"
)

// DefaultBaseURL is the public SENS gateway.
const DefaultBaseURL = "https://sens.apigw.ntruss.com"

// System names used in StatusError (and so in resilience policies).
const (
	SystemAlimtalk = "sens-alimtalk"
	SystemSMS      = "sens-sms"
)

// Header names of the NCP API Gateway.
const (
	HeaderTimestamp = "x-ncp-apigw-timestamp"
	HeaderAccessKey = "x-ncp-iam-access-key"
	HeaderSignature = "x-ncp-apigw-signature-v2"
)

// Config holds the credentials and identities from configuration.
type Config struct {
	BaseURL           string // DefaultBaseURL when empty; the sandbox URL in embedded mode
	AccessKey         string
	SecretKey         string
	AlimtalkServiceID string // "ncp:kkobizmsg:kr:…:…"
	SMSServiceID      string // "ncp:sms:kr:…:…"
	PlusFriendID      string // Kakao channel id, "@…"
	SMSFrom           string // registered caller number (발신번호)
	CountryCode       string // "82" when empty
	HTTPClient        *http.Client
	Now               func() time.Time
}

// Client calls SENS.
type Client struct {
	cfg  Config
	base *url.URL
	hc   *http.Client
	now  func() time.Time
}

// ErrConfig reports missing or invalid configuration.
var ErrConfig = errors.New("sens: invalid configuration")

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("%w: base URL must be http(s)://host", ErrConfig)
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("%w: access key and secret key are required", ErrConfig)
	}
	if cfg.AlimtalkServiceID == "" && cfg.SMSServiceID == "" {
		return nil, fmt.Errorf("%w: no service id", ErrConfig)
	}
	if cfg.AlimtalkServiceID != "" && cfg.PlusFriendID == "" {
		return nil, fmt.Errorf("%w: 알림톡 needs the Kakao channel id (plusFriendId)", ErrConfig)
	}
	if cfg.SMSServiceID != "" && cfg.SMSFrom == "" {
		return nil, fmt.Errorf("%w: SMS needs the registered caller number", ErrConfig)
	}
	if cfg.CountryCode == "" {
		cfg.CountryCode = "82"
	}
	c := &Client{cfg: cfg, base: base, hc: cfg.HTTPClient, now: cfg.Now}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 10 * time.Second}
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Sign returns the API Gateway signature v2 of one request. uri is the path
// plus "?query" when present.
func Sign(secretKey, method, uri, timestamp, accessKey string) string {
	m := hmac.New(sha256.New, []byte(secretKey))
	m.Write([]byte(method + " " + uri + "\n" + timestamp + "\n" + accessKey))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SendAlimtalk posts a 알림톡 request (1 to MaxMessages recipients).
func (c *Client) SendAlimtalk(ctx context.Context, req AlimtalkRequest) (AlimtalkResponse, error) {
	var out AlimtalkResponse
	if c.cfg.AlimtalkServiceID == "" {
		return out, fmt.Errorf("%w: 알림톡 service id not set", ErrConfig)
	}
	if n := len(req.Messages); n == 0 || n > MaxMessages {
		return out, fmt.Errorf("sens: %d messages in one request, want 1..%d", n, MaxMessages)
	}
	if req.PlusFriendID == "" {
		req.PlusFriendID = c.cfg.PlusFriendID
	}
	err := c.do(ctx, SystemAlimtalk, http.MethodPost, c.path("alimtalk", c.cfg.AlimtalkServiceID, "messages"), nil, req, &out)
	return out, err
}

// SendSMS posts an SMS/LMS request (1 to MaxMessages recipients).
func (c *Client) SendSMS(ctx context.Context, req SMSRequest) (SMSResponse, error) {
	var out SMSResponse
	if c.cfg.SMSServiceID == "" {
		return out, fmt.Errorf("%w: SMS service id not set", ErrConfig)
	}
	if n := len(req.Messages); n == 0 || n > MaxMessages {
		return out, fmt.Errorf("sens: %d messages in one request, want 1..%d", n, MaxMessages)
	}
	if req.From == "" {
		req.From = c.cfg.SMSFrom
	}
	err := c.do(ctx, SystemSMS, http.MethodPost, c.path("sms", c.cfg.SMSServiceID, "messages"), nil, req, &out)
	return out, err
}

// AlimtalkResults lists the messages of a 알림톡 request.
func (c *Client) AlimtalkResults(ctx context.Context, requestID string) (AlimtalkList, error) {
	var out AlimtalkList
	err := c.do(ctx, SystemAlimtalk, http.MethodGet, c.path("alimtalk", c.cfg.AlimtalkServiceID, "messages"),
		url.Values{"requestId": {requestID}}, nil, &out)
	return out, err
}

// AlimtalkResult returns the delivery result of one 알림톡 message.
func (c *Client) AlimtalkResult(ctx context.Context, messageID string) (AlimtalkMessageResult, error) {
	var out AlimtalkMessageResult
	err := c.do(ctx, SystemAlimtalk, http.MethodGet, c.path("alimtalk", c.cfg.AlimtalkServiceID, "messages", messageID), nil, nil, &out)
	return out, err
}

// SMSResults lists the messages of an SMS request.
func (c *Client) SMSResults(ctx context.Context, requestID string) (SMSList, error) {
	var out SMSList
	err := c.do(ctx, SystemSMS, http.MethodGet, c.path("sms", c.cfg.SMSServiceID, "messages"),
		url.Values{"requestId": {requestID}}, nil, &out)
	return out, err
}

// SMSResult returns the delivery result of one SMS.
func (c *Client) SMSResult(ctx context.Context, messageID string) (SMSResult, error) {
	var out SMSResult
	err := c.do(ctx, SystemSMS, http.MethodGet, c.path("sms", c.cfg.SMSServiceID, "messages", messageID), nil, nil, &out)
	return out, err
}

// path builds "/{product}/v2/services/{serviceId}/…" with each segment
// escaped; service ids contain ':' which stays as is (as in NCP's examples).
func (c *Client) path(product string, segs ...string) string {
	var b strings.Builder
	b.WriteString(c.base.Path)
	b.WriteString("/" + product + "/v2/services")
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// maxBody bounds what is read from SENS.
const maxBody = 1 << 20

func (c *Client) do(ctx context.Context, system, method, path string, q url.Values, in, out any) error {
	u := *c.base
	u.RawPath = path
	u.Path, _ = url.PathUnescape(path)
	if q != nil {
		u.RawQuery = q.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s: encoding request: %w", system, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("%s: %w", system, err)
	}
	ts := strconv.FormatInt(c.now().UnixMilli(), 10)
	if in != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderAccessKey, c.cfg.AccessKey)
	req.Header.Set(HeaderSignature, Sign(c.cfg.SecretKey, method, req.URL.RequestURI(), ts, c.cfg.AccessKey))

	resp, err := c.hc.Do(req)
	if err != nil {
		// The URL holds no personal data, but keep errors short anyway.
		return fmt.Errorf("%s: %s request: %w", system, method, unwrapURLError(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("%s: reading answer: %w", system, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := resilience.NewStatusError(system, resp)
		se.Code = errorCode(raw)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 {
			// Refused before processing: nothing was sent.
			return &rejectedError{err: se}
		}
		return se
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: decoding answer: %w", system, err)
	}
	return nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// errorCode extracts the provider's code from the two error shapes seen on
// NCP: the API Gateway's {"error":{"errorCode":"200",…}} and SENS's
// {"status":400,"errorCode":…}. Messages are not kept: they may echo input.
func errorCode(raw []byte) string {
	var e struct {
		Error struct {
			ErrorCode string `json:"errorCode"`
		} `json:"error"`
		ErrorCode json.RawMessage `json:"errorCode"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	if e.Error.ErrorCode != "" {
		return e.Error.ErrorCode
	}
	code := strings.Trim(string(e.ErrorCode), `"`)
	if len(code) > 32 {
		return ""
	}
	return code
}

// rejectedError marks an answer that proves nothing was sent (HTTP 4xx, or
// a per-message refusal); notify falls back to SMS on it.
type rejectedError struct{ err error }

func (e *rejectedError) Error() string { return e.err.Error() }
func (e *rejectedError) Unwrap() error { return e.err }

// Is makes errors.Is(err, notify.ErrRejected) true.
func (e *rejectedError) Is(target error) bool { return target == notify.ErrRejected }

// MessageError is a per-message refusal inside an accepted (202) request,
// e.g. a template mismatch; Code is SENS's requestStatusCode.
type MessageError struct {
	System string
	Code   string
}

func (e *MessageError) Error() string {
	return e.System + ": message refused (" + e.Code + ")"
}
