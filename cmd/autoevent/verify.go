package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/participation/draw"
)

// maxFetch bounds what verify-draw reads (an entry list of a few million
// entries is tens of MB).
const maxFetch = 256 << 20

// verifyDraw recomputes a published lottery draw:
//
//	autoevent verify-draw PROOF [ENTRIES]
//
// PROOF and ENTRIES are files or http(s) URLs. When ENTRIES is omitted and
// PROOF is a URL ending in /proof, the entry list is fetched from the
// sibling …/entries.txt. It prints OK with the winners, or the mismatch
// (and returns an error, so the exit status is 1).
func verifyDraw(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 1 || len(args) > 2 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: autoevent verify-draw PROOF.json|URL [ENTRIES.txt|URL]")
	}
	proofSrc := args[0]
	entriesSrc := ""
	if len(args) == 2 {
		entriesSrc = args[1]
	} else if isURL(proofSrc) && strings.HasSuffix(strings.TrimRight(proofSrc, "/"), "/proof") {
		entriesSrc = strings.TrimSuffix(strings.TrimRight(proofSrc, "/"), "/proof") + "/entries.txt"
	} else {
		return errors.New("verify-draw: give the entry list too (file or URL) when the proof is a file")
	}

	pb, err := fetch(ctx, proofSrc)
	if err != nil {
		return fmt.Errorf("verify-draw: proof: %w", err)
	}
	var proof draw.Proof
	dec := json.NewDecoder(bytes.NewReader(pb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&proof); err != nil {
		return fmt.Errorf("verify-draw: proof is not a draw proof: %w", err)
	}
	eb, err := fetch(ctx, entriesSrc)
	if err != nil {
		return fmt.Errorf("verify-draw: entry list: %w", err)
	}
	entries, err := draw.ReadEntryList(bytes.NewReader(eb))
	if err != nil {
		return fmt.Errorf("verify-draw: %w", err)
	}

	fmt.Fprintf(stdout, "algorithm:     %s\n", proof.Algorithm)
	fmt.Fprintf(stdout, "commitment:    %s\n", proof.Commitment)
	fmt.Fprintf(stdout, "seed:          %s\n", proof.Seed)
	fmt.Fprintf(stdout, "entry list:    %d entries, blake2b-256 %s\n", len(entries), draw.EntryListHash(entries))
	fmt.Fprintf(stdout, "parameters:    %d winners, visit bonus ×%g, %d excluded\n", proof.WinnerCount, proof.VisitBonusWeight, len(proof.Exclusions))
	if len(proof.Replaces) > 0 {
		fmt.Fprintf(stdout, "redraw:        replaces %v; every earlier winner is among the excluded\n", proof.Replaces)
	}
	if err := draw.Verify(proof, entries); err != nil {
		fmt.Fprintf(stdout, "MISMATCH: %v\n", err)
		return fmt.Errorf("verify-draw: the draw does not reproduce: %w", err)
	}
	fmt.Fprintf(stdout, "OK: the seed matches the commitment, the entry list matches its hash, and the winners reproduce.\n")
	fmt.Fprintf(stdout, "winners (%d, in draw order):\n", len(proof.Winners))
	for i, n := range proof.Winners {
		fmt.Fprintf(stdout, "  %d. 응모번호 %d\n", i+1, n)
	}
	return nil
}

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

func fetch(ctx context.Context, src string) ([]byte, error) {
	if !isURL(src) {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readLimited(f)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", src, resp.StatusCode)
	}
	return readLimited(resp.Body)
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFetch+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFetch {
		return nil, fmt.Errorf("larger than %d MB", maxFetch>>20)
	}
	return b, nil
}
