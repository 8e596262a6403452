// Package sens simulates NCP SENS (Kakao 알림톡 v2 and SMS v2) over HTTP
// with the real wire format, so the embedded mode and the tests send
// genuine signed requests through the production adapter
// (internal/participation/notify/sens) without a network or an account.
//
// It checks what the real gateway checks — the access key, the
// x-ncp-apigw-signature-v2 HMAC over "METHOD URI\nTIMESTAMP\nACCESSKEY" and a
// timestamp within 5 minutes — validates the bodies (recipients 1..100,
// digits-only numbers, SMS/LMS text that EUC-KR can encode, SMS ≤ 90 and
// LMS ≤ 2,000 EUC-KR bytes, subject ≤ 40), keeps the sent messages in
// memory for inspection and answers the result queries. Latency, whole-request failures and 알림톡 delivery failures
// (which trigger the SMS failover when the request asked for it) can be
// injected.
//
// Mount it at the root of its own listener, or under a prefix with
// http.StripPrefix: the signature is checked against the request URI as
// received, prefix included, which is what the client signed.
package sens

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// Config sets the keys and the faults to inject.
type Config struct {
	AccessKey string // required
	SecretKey string // required
	// MaxSkew is the accepted timestamp difference; 5 minutes like NCP.
	MaxSkew time.Duration
	// Latency is added to every request (respecting cancellation).
	Latency time.Duration
	// FailureRate is the fraction of requests answered with FailureStatus
	// (500 when zero) before anything is stored.
	FailureRate   float64
	FailureStatus int
	// AlimtalkFailureRate is the fraction of accepted 알림톡 messages whose
	// delivery fails (e.g. recipient without KakaoTalk); with
	// useSmsFailover the simulator "sends" the failover SMS/LMS.
	AlimtalkFailureRate float64
	// DeliveryDelay keeps results "processing" for this long after the
	// request (0: delivered at once).
	DeliveryDelay time.Duration
	// MaxStored bounds the kept messages (oldest dropped); 10,000 when zero.
	MaxStored int
	// Seed makes the injected faults reproducible; 0 picks a random seed.
	Seed uint64
	Now  func() time.Time
}

// Sent is one simulated message, for inspection by tests and the sandbox UI.
type Sent struct {
	Channel      string // "ALIMTALK", "SMS", "LMS", "MMS"
	ServiceID    string
	RequestID    string
	MessageID    string
	To           string
	Content      string
	Subject      string
	TemplateCode string
	ContentType  string // SMS: "COMM" or "AD"
	From         string
	// Failover marks an SMS/LMS sent because a 알림톡 failed; FailoverOf is
	// that 알림톡's message id.
	Failover   bool
	FailoverOf string
	// Delivered is the simulated outcome.
	Delivered   bool
	RequestTime time.Time
	// useSmsFailover as requested (알림톡).
	UseSmsFailover bool
}

// Server is the simulator; it is an http.Handler.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu   sync.Mutex
	rng  *mrand.Rand
	sent []Sent
	seq  uint64
}

// New returns a simulator.
func New(cfg Config) (*Server, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("sandbox/sens: access key and secret key are required")
	}
	if cfg.FailureRate < 0 || cfg.FailureRate > 1 || cfg.AlimtalkFailureRate < 0 || cfg.AlimtalkFailureRate > 1 {
		return nil, errors.New("sandbox/sens: failure rates must be within [0, 1]")
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = 5 * time.Minute
	}
	if cfg.FailureStatus == 0 {
		cfg.FailureStatus = http.StatusInternalServerError
	}
	if cfg.MaxStored == 0 {
		cfg.MaxStored = 10000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	seed := cfg.Seed
	if seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	s := &Server{cfg: cfg, rng: mrand.New(mrand.NewPCG(seed, seed^0x5e5e5e5e))}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /alimtalk/v2/services/{serviceId}/messages", s.sendAlimtalk)
	s.mux.HandleFunc("GET /alimtalk/v2/services/{serviceId}/messages", s.listAlimtalk)
	s.mux.HandleFunc("GET /alimtalk/v2/services/{serviceId}/messages/{messageId}", s.getAlimtalk)
	s.mux.HandleFunc("POST /sms/v2/services/{serviceId}/messages", s.sendSMS)
	s.mux.HandleFunc("GET /sms/v2/services/{serviceId}/messages", s.listSMS)
	s.mux.HandleFunc("GET /sms/v2/services/{serviceId}/messages/{messageId}", s.getSMS)
	return s, nil
}

// ServeHTTP authenticates, injects faults and routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Reading the body first lets net/http notice a client that gives up
	// during the injected latency (it watches the connection only once the
	// body is consumed), so r.Context() is cancelled as with a real server.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		badRequest(w, "body too large or unreadable")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if s.cfg.Latency > 0 {
		t := time.NewTimer(s.cfg.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if code, msg := s.authenticate(r); code != "" {
		gatewayError(w, http.StatusUnauthorized, code, msg)
		return
	}
	if s.cfg.FailureRate > 0 && s.chance(s.cfg.FailureRate) {
		if s.cfg.FailureStatus == http.StatusTooManyRequests || s.cfg.FailureStatus == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		gatewayError(w, s.cfg.FailureStatus, strconv.Itoa(s.cfg.FailureStatus), "Injected failure")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Messages returns a copy of the stored messages, oldest first.
func (s *Server) Messages() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Reset forgets every stored message.
func (s *Server) Reset() {
	s.mu.Lock()
	s.sent = nil
	s.mu.Unlock()
}

// authenticate returns an NCP gateway error code, or "" when the request is
// signed correctly.
func (s *Server) authenticate(r *http.Request) (code, msg string) {
	ts := r.Header.Get("x-ncp-apigw-timestamp")
	key := r.Header.Get("x-ncp-iam-access-key")
	sig := r.Header.Get("x-ncp-apigw-signature-v2")
	if ts == "" || key == "" || sig == "" {
		return "200", "Authentication Failed"
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "200", "Authentication Failed"
	}
	if d := s.cfg.Now().Sub(time.UnixMilli(ms)); d > s.cfg.MaxSkew || d < -s.cfg.MaxSkew {
		return "200", "Authentication Failed"
	}
	if !hmac.Equal([]byte(key), []byte(s.cfg.AccessKey)) {
		return "200", "Authentication Failed"
	}
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	m := hmac.New(sha256.New, []byte(s.cfg.SecretKey))
	m.Write([]byte(r.Method + " " + uri + "\n" + ts + "\n" + key))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "200", "Authentication Failed"
	}
	return "", ""
}

func (s *Server) chance(p float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < p
}

func (s *Server) nextID(prefix string) string {
	s.seq++
	var b [6]byte
	binary.BigEndian.PutUint16(b[:], uint16(s.rng.Uint32()))
	binary.BigEndian.PutUint32(b[2:], uint32(s.seq))
	return fmt.Sprintf("%s-%x", prefix, b)
}

func (s *Server) store(m Sent) {
	s.sent = append(s.sent, m)
	if over := len(s.sent) - s.cfg.MaxStored; over > 0 {
		s.sent = append(s.sent[:0:0], s.sent[over:]...)
	}
}

// --- 알림톡 ---

type alimtalkRequest struct {
	PlusFriendID string `json:"plusFriendId"`
	TemplateCode string `json:"templateCode"`
	Messages     []struct {
		CountryCode    string          `json:"countryCode"`
		To             string          `json:"to"`
		Content        string          `json:"content"`
		Buttons        json.RawMessage `json:"buttons"`
		UseSmsFailover bool            `json:"useSmsFailover"`
		FailoverConfig *struct {
			Type    string `json:"type"`
			From    string `json:"from"`
			Subject string `json:"subject"`
			Content string `json:"content"`
		} `json:"failoverConfig"`
	} `json:"messages"`
}

func (s *Server) sendAlimtalk(w http.ResponseWriter, r *http.Request) {
	var req alimtalkRequest
	if !decode(w, r, &req) {
		return
	}
	switch {
	case req.PlusFriendID == "" || req.TemplateCode == "":
		badRequest(w, "plusFriendId and templateCode are required")
		return
	case len(req.Messages) == 0 || len(req.Messages) > 100:
		badRequest(w, "messages must hold 1 to 100 entries")
		return
	}
	for _, m := range req.Messages {
		if !digits(m.To) || m.Content == "" || utf8.RuneCountInString(m.Content) > 1000 {
			badRequest(w, "each message needs a digits-only 'to' and a content of at most 1,000 characters")
			return
		}
		if fc := m.FailoverConfig; m.UseSmsFailover && fc != nil && fc.Type != "" && fc.Type != "SMS" && fc.Type != "LMS" {
			badRequest(w, "failoverConfig.type must be SMS or LMS")
			return
		}
	}
	now := s.cfg.Now()
	s.mu.Lock()
	reqID := s.nextID("RAT")
	type result struct {
		MessageID         string `json:"messageId"`
		CountryCode       string `json:"countryCode"`
		To                string `json:"to"`
		Content           string `json:"content"`
		RequestStatusCode string `json:"requestStatusCode"`
		RequestStatusName string `json:"requestStatusName"`
		RequestStatusDesc string `json:"requestStatusDesc"`
		UseSmsFailover    bool   `json:"useSmsFailover"`
	}
	var out []result
	for _, m := range req.Messages {
		id := s.nextID("AT")
		delivered := s.rng.Float64() >= s.cfg.AlimtalkFailureRate
		s.store(Sent{
			Channel: "ALIMTALK", ServiceID: r.PathValue("serviceId"), RequestID: reqID, MessageID: id,
			To: m.To, Content: m.Content, TemplateCode: req.TemplateCode, Delivered: delivered,
			RequestTime: now, UseSmsFailover: m.UseSmsFailover,
		})
		if !delivered && m.UseSmsFailover {
			fb := Sent{Channel: "SMS", ServiceID: r.PathValue("serviceId"), RequestID: reqID, MessageID: s.nextID("FO"),
				To: m.To, Content: m.Content, Failover: true, FailoverOf: id, Delivered: true, RequestTime: now, ContentType: "COMM"}
			if fc := m.FailoverConfig; fc != nil {
				if fc.Type != "" {
					fb.Channel = fc.Type
				}
				if fc.Content != "" {
					fb.Content = fc.Content
				}
				fb.Subject, fb.From = fc.Subject, fc.From
			}
			s.store(fb)
		}
		out = append(out, result{id, orDefault(m.CountryCode, "82"), m.To, m.Content, "A000", "success", "성공", m.UseSmsFailover})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{
		"requestId": reqID, "requestTime": now.In(kst).Format("2006-01-02T15:04:05.000"),
		"statusCode": "202", "statusName": "success", "messages": out,
	})
}

// alimtalkResult renders a stored 알림톡 in the result-query shape.
func (s *Server) alimtalkResult(m Sent) map[string]any {
	res := map[string]any{
		"requestId": m.RequestID, "messageId": m.MessageID,
		"requestTime":  m.RequestTime.In(kst).Format("2006-01-02T15:04:05.000"),
		"plusFriendId": "", "templateCode": m.TemplateCode, "countryCode": "82",
		"to": m.To, "content": m.Content,
		"requestStatusCode": "A000", "requestStatusName": "success", "requestStatusDesc": "성공",
		"useSmsFailover": m.UseSmsFailover,
	}
	switch {
	case s.cfg.Now().Before(m.RequestTime.Add(s.cfg.DeliveryDelay)):
		res["messageStatusName"] = "processing"
	case m.Delivered:
		res["messageStatusCode"], res["messageStatusName"], res["messageStatusDesc"] = "0000", "success", "정상 발송"
		res["completeTime"] = m.RequestTime.Add(s.cfg.DeliveryDelay).In(kst).Format("2006-01-02T15:04:05")
	default:
		res["messageStatusCode"], res["messageStatusName"], res["messageStatusDesc"] = "3018", "fail", "메시지를 전송할 수 없음"
		res["completeTime"] = m.RequestTime.Add(s.cfg.DeliveryDelay).In(kst).Format("2006-01-02T15:04:05")
	}
	return res
}

func (s *Server) listAlimtalk(w http.ResponseWriter, r *http.Request) {
	reqID := r.URL.Query().Get("requestId")
	if reqID == "" {
		badRequest(w, "requestId is required")
		return
	}
	var out []map[string]any
	s.mu.Lock()
	for _, m := range s.sent {
		if m.Channel == "ALIMTALK" && m.RequestID == reqID && m.ServiceID == r.PathValue("serviceId") {
			out = append(out, s.alimtalkResult(m))
		}
	}
	s.mu.Unlock()
	if out == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"requestId": reqID, "statusCode": "202", "statusName": "success", "messages": out,
		"pageIndex": 0, "pageSize": len(out), "itemCount": len(out), "hasMore": false,
	})
}

func (s *Server) getAlimtalk(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.sent {
		if m.Channel == "ALIMTALK" && m.MessageID == r.PathValue("messageId") && m.ServiceID == r.PathValue("serviceId") {
			writeJSON(w, http.StatusOK, s.alimtalkResult(m))
			return
		}
	}
	notFound(w)
}

// --- SMS ---

type smsRequest struct {
	Type        string `json:"type"`
	ContentType string `json:"contentType"`
	CountryCode string `json:"countryCode"`
	From        string `json:"from"`
	Subject     string `json:"subject"`
	Content     string `json:"content"`
	Messages    []struct {
		To      string `json:"to"`
		Subject string `json:"subject"`
		Content string `json:"content"`
	} `json:"messages"`
}

func (s *Server) sendSMS(w http.ResponseWriter, r *http.Request) {
	var req smsRequest
	if !decode(w, r, &req) {
		return
	}
	typ := strings.ToUpper(req.Type)
	ct := orDefault(strings.ToUpper(req.ContentType), "COMM")
	limit := 2000
	switch {
	case typ != "SMS" && typ != "LMS" && typ != "MMS":
		badRequest(w, "type must be SMS, LMS or MMS")
		return
	case ct != "COMM" && ct != "AD":
		badRequest(w, "contentType must be COMM or AD")
		return
	case !digits(req.From):
		badRequest(w, "from must be a registered caller number")
		return
	case len(req.Messages) == 0 || len(req.Messages) > 100:
		badRequest(w, "messages must hold 1 to 100 entries")
		return
	}
	if typ == "SMS" {
		limit = 90
	}
	for _, m := range req.Messages {
		content, subject := orDefault(m.Content, req.Content), orDefault(m.Subject, req.Subject)
		// SMS/LMS travel as EUC-KR: SENS refuses what it cannot encode
		// (emoji among them); 알림톡 is UTF-8 and takes them.
		if !encodable(content) || !encodable(subject) {
			badRequest(w, "content and subject must be encodable in EUC-KR")
			return
		}
		if !digits(m.To) || content == "" || eucKRBytes(content) > limit || eucKRBytes(subject) > 40 {
			badRequest(w, fmt.Sprintf("each message needs a digits-only 'to' and content of at most %d bytes (subject 40)", limit))
			return
		}
	}
	now := s.cfg.Now()
	s.mu.Lock()
	reqID := s.nextID("RSMS")
	for _, m := range req.Messages {
		s.store(Sent{
			Channel: typ, ServiceID: r.PathValue("serviceId"), RequestID: reqID, MessageID: s.nextID("SM"),
			To: m.To, Content: orDefault(m.Content, req.Content), Subject: orDefault(m.Subject, req.Subject),
			ContentType: ct, From: req.From, Delivered: true, RequestTime: now,
		})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{
		"requestId": reqID, "requestTime": now.In(kst).Format("2006-01-02T15:04:05.000"),
		"statusCode": "202", "statusName": "success",
	})
}

func isText(ch string) bool { return ch == "SMS" || ch == "LMS" || ch == "MMS" }

func (s *Server) listSMS(w http.ResponseWriter, r *http.Request) {
	reqID := r.URL.Query().Get("requestId")
	if reqID == "" {
		badRequest(w, "requestId is required")
		return
	}
	var out []map[string]any
	pending := false
	s.mu.Lock()
	for _, m := range s.sent {
		if isText(m.Channel) && !m.Failover && m.RequestID == reqID && m.ServiceID == r.PathValue("serviceId") {
			pending = pending || s.cfg.Now().Before(m.RequestTime.Add(s.cfg.DeliveryDelay))
			out = append(out, map[string]any{
				"messageId": m.MessageID, "requestTime": m.RequestTime.In(kst).Format("2006-01-02 15:04:05"),
				"contentType": m.ContentType, "countryCode": "82", "from": m.From, "to": m.To,
			})
		}
	}
	s.mu.Unlock()
	if out == nil {
		notFound(w)
		return
	}
	status := "success"
	if pending {
		status = "processing"
	}
	writeJSON(w, http.StatusOK, map[string]any{"requestId": reqID, "statusCode": "202", "statusName": status, "messages": out})
}

func (s *Server) getSMS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.sent {
		if !isText(m.Channel) || m.MessageID != r.PathValue("messageId") || m.ServiceID != r.PathValue("serviceId") {
			continue
		}
		res := map[string]any{
			"requestTime": m.RequestTime.In(kst).Format("2006-01-02 15:04:05"), "contentType": m.ContentType,
			"content": m.Content, "countryCode": "82", "from": m.From, "to": m.To, "telcoCode": "SKT",
		}
		if s.cfg.Now().Before(m.RequestTime.Add(s.cfg.DeliveryDelay)) {
			res["status"] = "PROCESSING"
		} else {
			res["status"], res["statusCode"], res["statusName"], res["statusMessage"] = "COMPLETED", "0", "success", "성공"
			res["completeTime"] = m.RequestTime.Add(s.cfg.DeliveryDelay).In(kst).Format("2006-01-02 15:04:05")
		}
		writeJSON(w, http.StatusOK, map[string]any{"statusCode": "202", "statusName": "success", "messages": []any{res}})
		return
	}
	notFound(w)
}

// --- helpers ---

var kst = time.FixedZone("KST", 9*60*60)

const maxBody = 1 << 20

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		badRequest(w, "body is not valid JSON")
		return false
	}
	return true
}

func digits(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// eucKRBytes is the length of s in EUC-KR (ASCII 1 byte, Hangul 2), as
// the carriers count; call it on encodable text.
func eucKRBytes(s string) int {
	b, _ := korean.EUCKR.NewEncoder().Bytes([]byte(s))
	return len(b)
}

// encodable reports whether EUC-KR (Code Page 949, as golang.org/x/text
// implements it) holds every character of s.
func encodable(s string) bool {
	_, err := korean.EUCKR.NewEncoder().String(s)
	return err == nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// gatewayError writes the NCP API Gateway error shape.
func gatewayError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"errorCode": code, "message": msg}})
}

func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"status": 400, "errorCode": "400", "errorMessage": msg})
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"status": 404, "errorCode": "404", "errorMessage": "not found"})
}
