package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/participation/draw"
)

// published returns a real proof and entry list (the package's golden
// vector: winners 9, 2, 4).
func published(t *testing.T) (proof []byte, list []byte) {
	t.Helper()
	var seed draw.Seed
	for i := range seed {
		seed[i] = byte(i)
	}
	var es []draw.Entry
	for i, w := range []float64{1, 2, 1, 2, 1, 1, 2, 1, 1, 1} {
		es = append(es, draw.Entry{EntryNumber: int64(i + 1), Weight: w})
	}
	p, err := draw.Draw(seed, es, draw.Params{WinnerCount: 3, VisitBonusWeight: 2})
	if err != nil {
		t.Fatal(err)
	}
	proof, _ = json.Marshal(p)
	var buf bytes.Buffer
	if err := draw.WriteEntryList(&buf, es); err != nil {
		t.Fatal(err)
	}
	return proof, buf.Bytes()
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerifyDrawFiles(t *testing.T) {
	proof, list := published(t)
	var out bytes.Buffer
	if err := verifyDraw(context.Background(), []string{writeFile(t, "proof.json", proof), writeFile(t, "entries.txt", list)}, &out); err != nil {
		t.Fatalf("verify-draw: %v\n%s", err, out.String())
	}
	for _, want := range []string{"OK:", "1. 응모번호 9", "2. 응모번호 2", "3. 응모번호 4", "10 entries"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestVerifyDrawURLDerivesEntryList(t *testing.T) {
	proof, list := published(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/public/events/e1/draws/d1/proof", func(w http.ResponseWriter, r *http.Request) { w.Write(proof) })
	mux.HandleFunc("GET /api/v1/public/events/e1/draws/d1/entries.txt", func(w http.ResponseWriter, r *http.Request) { w.Write(list) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var out bytes.Buffer
	if err := verifyDraw(context.Background(), []string{srv.URL + "/api/v1/public/events/e1/draws/d1/proof"}, &out); err != nil {
		t.Fatalf("verify-draw URL: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "OK:") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestVerifyDrawMismatches(t *testing.T) {
	proof, list := published(t)
	var p draw.Proof
	json.Unmarshal(proof, &p)
	p.Winners[0], p.Winners[1] = p.Winners[1], p.Winners[0]
	swapped, _ := json.Marshal(p)
	p.Winners[0], p.Winners[1] = p.Winners[1], p.Winners[0]
	p.Seed = strings.Repeat("00", 32)
	badSeed, _ := json.Marshal(p)

	tests := []struct {
		name         string
		proof, list  []byte
		wantInOutput string
	}{
		{"winners reordered", swapped, list, "MISMATCH: draw: winners do not match"},
		{"seed not committed", badSeed, list, "MISMATCH: draw: seed does not match the commitment"},
		{"entry added", proof, append(append([]byte{}, list...), "11:1\n"...), "MISMATCH: draw: entry list does not match"},
		{"weight changed", proof, bytes.Replace(list, []byte("1:1\n"), []byte("1:2\n"), 1), "MISMATCH: draw: entry list does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := verifyDraw(context.Background(), []string{writeFile(t, "p.json", tc.proof), writeFile(t, "e.txt", tc.list)}, &out)
			if err == nil || !strings.Contains(out.String(), tc.wantInOutput) {
				t.Fatalf("err = %v, output:\n%s\nwant an error and %q", err, out.String(), tc.wantInOutput)
			}
		})
	}
}

func TestVerifyDrawUsage(t *testing.T) {
	proof, _ := published(t)
	for _, args := range [][]string{nil, {"a", "b", "c"}, {writeFile(t, "p.json", proof)}, {"-h"}} {
		if err := verifyDraw(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("verify-draw %v succeeded, want a usage error", args)
		}
	}
}

// TestVerifyDrawRedraw: a redraw's published proof (one winner replacing
// winner 2 of the golden draw, all three earlier winners excluded) is
// recomputed; one whose replaced winner was not excluded is refused.
func TestVerifyDrawRedraw(t *testing.T) {
	_, list := published(t)
	es, err := draw.ReadEntryList(bytes.NewReader(list))
	if err != nil {
		t.Fatal(err)
	}
	var seed draw.Seed
	seed[0] = 7
	p, err := draw.Draw(seed, es, draw.Params{WinnerCount: 1, VisitBonusWeight: 2, Exclusions: []int64{9, 2, 4}})
	if err != nil {
		t.Fatal(err)
	}
	p.Replaces = []int64{2}
	proof, _ := json.Marshal(p)
	var out bytes.Buffer
	if err := verifyDraw(context.Background(), []string{writeFile(t, "proof.json", proof), writeFile(t, "entries.txt", list)}, &out); err != nil {
		t.Fatalf("verify-draw of a redraw: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "OK:") || !strings.Contains(out.String(), "replaces [2]") {
		t.Errorf("output:\n%s", out.String())
	}
	p.Exclusions = []int64{4, 9}
	if p2, err := draw.Draw(seed, es, draw.Params{WinnerCount: 1, VisitBonusWeight: 2, Exclusions: p.Exclusions}); err == nil {
		p.Winners = p2.Winners
	}
	proof, _ = json.Marshal(p)
	if err := verifyDraw(context.Background(), []string{writeFile(t, "p.json", proof), writeFile(t, "e.txt", list)}, &bytes.Buffer{}); err == nil {
		t.Error("verify-draw accepted a redraw in which the replaced winner could win back")
	}
}
