package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// A panic in a handler is answered 500 problem+json carrying the request
// id, logged with that id, and counted as a 500 by the access log.
func TestRecoverCarriesRequestID(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	reg := prometheus.NewRegistry()
	metrics := NewMetrics(reg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) {
		var m map[string]int
		m["nil map"]++ // a real runtime panic
	})
	h := Chain(mux, RequestIDs(logger), AccessLog(metrics), Recover())

	for _, sent := range []string{"", "client-chosen-id"} {
		req := httptest.NewRequest("GET", "/boom", nil)
		if sent != "" {
			req.Header.Set("X-Request-Id", sent)
		}
		logs.Reset()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("status = %d, want 500", rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("Content-Type = %q, want application/problem+json", ct)
		}
		id := rec.Header().Get("X-Request-Id")
		if id == "" || (sent != "" && id != sent) {
			t.Fatalf("X-Request-Id = %q (sent %q)", id, sent)
		}
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("body %q: %v", rec.Body, err)
		}
		if p.RequestID != id || p.Code != "internal" || p.Status != 500 {
			t.Errorf("problem = %+v, want requestId %q, code internal, status 500", p, id)
		}
		if strings.Contains(rec.Body.String(), "nil map") {
			t.Errorf("the panic value leaked to the client: %s", rec.Body)
		}
		var panicLine map[string]any
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if m["msg"] == "panic" {
				panicLine = m
			}
		}
		if panicLine == nil {
			t.Fatalf("no panic log line in %s", logs.String())
		}
		if panicLine["requestId"] != id {
			t.Errorf("panic log requestId = %v, want %q", panicLine["requestId"], id)
		}
		if s, _ := panicLine["stack"].(string); !strings.Contains(s, "middleware_test.go") {
			t.Errorf("panic log has no stack pointing at the handler: %v", panicLine["stack"])
		}
	}
	var counted float64
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "autoevent_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == "GET /boom" && labels["status"] == "500" {
				counted += m.GetCounter().GetValue()
			}
		}
	}
	if counted != 2 {
		t.Errorf("500s counted by the access log = %v, want 2", counted)
	}
}
