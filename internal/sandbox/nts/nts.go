// Package nts simulates the NTS business status API
// (POST /api/nts-businessman/v1/status?serviceKey=KEY) for the embedded mode
// and for tests. It speaks the real wire format, including the error answers
// (BAD_JSON_REQUEST, REQUEST_DATA_MALFORMED, TOO_LARGE_REQUEST, odcloud's
// 401 for a bad key), and can be told to answer suspended, closed, slowly or
// not at all.
//
// Every number with a valid check digit is an active business (계속사업자)
// unless a per-number override or the global mode says otherwise; a number
// with a wrong check digit is unknown to the NTS, as in reality.
package nts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/autoevent/autoevent/internal/user/bizno"
)

// StatusPath is the simulated endpoint. The handler answers any path ending
// in it, so it can be mounted under a prefix (e.g. /sandbox/nts) without
// http.StripPrefix.
const StatusPath = "/api/nts-businessman/v1/status"

// MaxBatch is the API's limit of numbers per call.
const MaxBatch = 100

// Mode is the simulator's global behaviour.
type Mode string

const (
	// ModeActive: valid numbers are active (the default).
	ModeActive Mode = "active"
	// ModeSuspended: valid numbers are suspended (휴업자).
	ModeSuspended Mode = "suspended"
	// ModeClosed: valid numbers are closed (폐업자).
	ModeClosed Mode = "closed"
	// ModeSlow: answers as in ModeActive after Config.Latency (default
	// DefaultSlowLatency, longer than the 5 s NTS timeout).
	ModeSlow Mode = "slow"
	// ModeFailing: every call answers Config.FailStatus (default 503).
	ModeFailing Mode = "failing"
)

// DefaultSlowLatency is ModeSlow's delay when none is configured.
const DefaultSlowLatency = 6 * time.Second

// ParseMode reads a mode from configuration; "" is ModeActive.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeActive, nil
	case ModeActive, ModeSuspended, ModeClosed, ModeSlow, ModeFailing:
		return m, nil
	}
	return "", fmt.Errorf("sandbox/nts: unknown mode %q (active, suspended, closed, slow, failing)", s)
}

// State is the registration state the simulator reports for a number.
type State string

const (
	StateActive       State = "ACTIVE"
	StateSuspended    State = "SUSPENDED"
	StateClosed       State = "CLOSED"
	StateUnregistered State = "UNREGISTERED"
)

// Config configures a Server.
type Config struct {
	// ServiceKey is the key callers must send (decoded). Empty accepts any
	// non-empty key.
	ServiceKey string
	Mode       Mode
	// Latency delays every answer (ModeSlow: DefaultSlowLatency when zero).
	Latency time.Duration
	// FailStatus is ModeFailing's HTTP status (default 503).
	FailStatus int
	// RetryAfter, when positive, is sent as Retry-After in ModeFailing.
	RetryAfter time.Duration
	// Overrides fixes the state of single numbers (10 digits), whatever the
	// mode; they may also name numbers with a wrong check digit.
	Overrides map[string]State
	// Now gives the closing date (yesterday) reported for closed numbers;
	// nil means time.Now.
	Now func() time.Time
}

// Server is the simulator; it is an http.Handler, safe for concurrent use,
// and reconfigurable while serving.
type Server struct {
	mu       sync.RWMutex
	cfg      Config
	requests atomic.Int64
}

// New validates cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeActive
	}
	if _, err := ParseMode(string(cfg.Mode)); err != nil {
		return nil, err
	}
	if cfg.FailStatus == 0 {
		cfg.FailStatus = http.StatusServiceUnavailable
	}
	if cfg.FailStatus < 400 || cfg.FailStatus > 599 {
		return nil, fmt.Errorf("sandbox/nts: fail status %d is not an HTTP error", cfg.FailStatus)
	}
	if cfg.Latency < 0 {
		return nil, errors.New("sandbox/nts: negative latency")
	}
	overrides := make(map[string]State, len(cfg.Overrides))
	for n, st := range cfg.Overrides {
		if err := checkOverride(n, st); err != nil {
			return nil, err
		}
		overrides[n] = st
	}
	cfg.Overrides = overrides
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Server{cfg: cfg}, nil
}

func checkOverride(number string, st State) error {
	if len(number) != 10 || strings.Trim(number, "0123456789") != "" {
		return fmt.Errorf("sandbox/nts: override %q is not 10 digits", number)
	}
	switch st {
	case StateActive, StateSuspended, StateClosed, StateUnregistered:
		return nil
	}
	return fmt.Errorf("sandbox/nts: override state %q unknown", st)
}

// SetMode switches the global mode.
func (s *Server) SetMode(m Mode) error {
	if _, err := ParseMode(string(m)); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Mode = m
	return nil
}

// SetLatency sets the delay added to every answer.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Latency = max(d, 0)
}

// SetFailure sets ModeFailing's status and Retry-After (0: no header).
func (s *Server) SetFailure(status int, retryAfter time.Duration) error {
	if status < 400 || status > 599 {
		return fmt.Errorf("sandbox/nts: fail status %d is not an HTTP error", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.FailStatus, s.cfg.RetryAfter = status, retryAfter
	return nil
}

// SetOverride fixes the state of one number (10 digits).
func (s *Server) SetOverride(number string, st State) error {
	if err := checkOverride(number, st); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Overrides[number] = st
	return nil
}

// ClearOverrides removes all per-number overrides.
func (s *Server) ClearOverrides() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.cfg.Overrides)
}

// Requests is the number of requests received so far (any outcome), so tests
// can check that a cache spared a call.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Wire format.
type (
	statusRequest struct {
		BNo *[]string `json:"b_no"`
	}
	statusResponse struct {
		RequestCnt int         `json:"request_cnt"`
		MatchCnt   int         `json:"match_cnt"`
		StatusCode string      `json:"status_code"`
		Data       []statusRow `json:"data"`
	}
	statusRow struct {
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
	ntsError struct {
		StatusCode string `json:"status_code"`
	}
	gatewayError struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	}
)

const maxRequestBytes = 64 << 10

// ServeHTTP implements the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.RLock()
	cfg := s.cfg
	overrides := make(map[string]State, len(s.cfg.Overrides))
	for k, v := range s.cfg.Overrides {
		overrides[k] = v
	}
	s.mu.RUnlock()

	if !strings.HasSuffix(r.URL.Path, StatusPath) {
		writeJSON(w, http.StatusNotFound, gatewayError{Code: -3, Msg: "등록되지 않은 서비스 입니다."})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, ntsError{StatusCode: "HTTP_ERROR"})
		return
	}
	// The gateway checks the key before anything else. A key sent
	// URL-encoded twice arrives here still containing "%2B"/"%3D" and fails.
	key := r.URL.Query().Get("serviceKey")
	if key == "" || (cfg.ServiceKey != "" && key != cfg.ServiceKey) {
		writeJSON(w, http.StatusUnauthorized, gatewayError{Code: -4, Msg: "등록되지 않은 인증키 입니다."})
		return
	}

	// Read the whole request first, as a real server does; it also lets
	// net/http notice a caller that hangs up during the latency below.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil || len(body) > maxRequestBytes {
		writeJSON(w, http.StatusRequestEntityTooLarge, ntsError{StatusCode: "TOO_LARGE_REQUEST"})
		return
	}

	latency := cfg.Latency
	if cfg.Mode == ModeSlow && latency == 0 {
		latency = DefaultSlowLatency
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done(): // the caller gave up; nobody reads the answer
			t.Stop()
			return
		}
	}

	if cfg.Mode == ModeFailing {
		if cfg.RetryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(int((cfg.RetryAfter+time.Second-1)/time.Second)))
		}
		writeJSON(w, cfg.FailStatus, ntsError{StatusCode: "INTERNAL_ERROR"})
		return
	}

	var req statusRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, ntsError{StatusCode: "BAD_JSON_REQUEST"})
		return
	}
	if req.BNo == nil || len(*req.BNo) == 0 {
		writeJSON(w, http.StatusLengthRequired, ntsError{StatusCode: "REQUEST_DATA_MALFORMED"})
		return
	}
	if len(*req.BNo) > MaxBatch {
		writeJSON(w, http.StatusRequestEntityTooLarge, ntsError{StatusCode: "TOO_LARGE_REQUEST"})
		return
	}

	resp := statusResponse{RequestCnt: len(*req.BNo), StatusCode: "OK", Data: make([]statusRow, 0, len(*req.BNo))}
	closedOn := cfg.Now().In(kst).AddDate(0, 0, -1).Format("20060102")
	for _, n := range *req.BNo {
		st := stateFor(n, cfg.Mode, overrides)
		if st != StateUnregistered {
			resp.MatchCnt++
		}
		resp.Data = append(resp.Data, row(n, st, closedOn))
	}
	writeJSON(w, http.StatusOK, resp)
}

var kst = time.FixedZone("KST", 9*60*60)

func stateFor(number string, mode Mode, overrides map[string]State) State {
	if st, ok := overrides[number]; ok {
		return st
	}
	// The real API knows only plain 10-digit numbers that were issued; a
	// number with dashes or a wrong check digit is unknown.
	if n, err := bizno.Normalize(number); err != nil || n != number {
		return StateUnregistered
	}
	switch mode {
	case ModeSuspended:
		return StateSuspended
	case ModeClosed:
		return StateClosed
	}
	return StateActive
}

func row(number string, st State, closedOn string) statusRow {
	r := statusRow{
		BNo:          number,
		TaxType:      "부가가치세 일반과세자",
		TaxTypeCd:    "01",
		UtccYn:       "N",
		RbfTaxType:   "해당없음",
		RbfTaxTypeCd: "99",
	}
	switch st {
	case StateActive:
		r.BStt, r.BSttCd = "계속사업자", "01"
	case StateSuspended:
		r.BStt, r.BSttCd = "휴업자", "02"
	case StateClosed:
		r.BStt, r.BSttCd, r.EndDt = "폐업자", "03", closedOn
	default:
		return statusRow{BNo: number, TaxType: "국세청에 등록되지 않은 사업자등록번호입니다."}
	}
	return r
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
