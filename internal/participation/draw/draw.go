// Package draw is the verifiable weighted lottery of the participation
// service: a commit-reveal scheme around weighted sampling without
// replacement (Efraimidis–Spirakis), deterministic from a secret seed and the
// ordered entry list so that anyone holding the published proof and entry
// list can recompute the winners.
//
// # Protocol
//
//  1. Before the draw the service creates a Seed (32 bytes from crypto/rand),
//     keeps it secret and publishes Commitment = lowercase hex of
//     SHA-256(seed bytes).
//  2. The draw runs Draw(seed, entries, params) and stores the Proof.
//  3. Afterwards the service publishes the Proof (with the seed in hex) and
//     the entry list in its canonical text form (WriteEntryList). Verify
//     recomputes everything from those two.
//
// # Algorithm "ES-ChaCha8-v1"
//
// A third party reimplements it as follows.
//
// Entry list. Entries are (entryNumber, weight) pairs, entryNumber a positive
// integer, strictly ascending (the canonical order; entry numbers are unique),
// weight a binary64 in [1, MaxWeight]: 1 for an ordinary entry and the visit
// bonus weight for a store-visit entry. (The proof records the bonus weight
// for readers; the weights that count are those in the hashed list.) The canonical encoding is one line per entry, in list
// order: the entry number in decimal, ':', the weight in the shortest decimal
// form that round-trips an IEEE-754 binary64 (Go strconv.FormatFloat(w, 'g',
// -1, 64): "1", "2", "1.5", "2.25"), then '\n'. EntryListHash = lowercase hex
// of BLAKE2b-256 (RFC 7693, unkeyed, 32-byte digest) over the concatenated
// lines — what `b2sum -l 256 entries.txt` prints. (BLAKE2b rather than
// SHA-256 because it is ≈ 3.5× faster on CPUs without SHA instructions,
// which keeps a million-entry draw inside its 50 ms budget.)
//
// Random stream. The 32-byte seed keys a ChaCha8Rand generator as specified
// by C2SP (https://c2sp.org/chacha8rand), which is exactly Go's
// math/rand/v2 NewChaCha8(seed).Uint64. The i-th entry of the list (0-based)
// takes the i-th 64-bit output x_i. Every entry consumes one output, whether
// or not it is excluded, so an exclusion never changes another entry's value.
//
// Keys. u_i = (⌊x_i / 2^11⌋ + 1) / 2^53, a binary64 value in (0, 1] computed
// exactly; key_i = ln(u_i) / w_i in binary64 (ln is the natural logarithm;
// key_i ≤ 0). This is the Efraimidis–Spirakis key u^(1/w) on a log scale:
// taking the largest keys one at a time is the same as drawing entries one
// by one with probability proportional to their weights, without
// replacement.
//
// Winners. Drop the excluded entry numbers. The winners are the WinnerCount
// remaining entries with the largest keys, listed by key descending; equal
// keys are ordered by the smaller entry number first. (Implementations whose
// ln differs from Go's by an ulp can only disagree when two keys lie within
// an ulp of each other, which has probability far below 1e-9 for a million
// entries.)
//
// Test vector (see TestGoldenVector): seed = bytes 0x00, 0x01, …, 0x1f;
// entries 1:1, 2:2, 3:1, 4:2, 5:1, 6:1, 7:2, 8:1, 9:1, 10:1 (bonus weight 2);
// no exclusions; 3 winners → winners 9, 2, 4.
package draw

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// Algorithm names the procedure in the package documentation. A change in
// any detail of it gets a new name.
const Algorithm = "ES-ChaCha8-v1"

// MaxWeight bounds the visit bonus weight; a larger factor would make the
// lottery a formality.
const MaxWeight = 100

// Errors returned by Draw and Verify. They are wrapped with details.
var (
	ErrNoEntries        = errors.New("draw: no eligible entries")
	ErrEntryOrder       = errors.New("draw: entry numbers must be positive and strictly ascending")
	ErrWeight           = errors.New("draw: invalid weight")
	ErrWinnerCount      = errors.New("draw: winner count must be at least 1")
	ErrNotEnoughEntries = errors.New("draw: more winners requested than eligible entries")
	ErrUnknownExclusion = errors.New("draw: excluded entry number is not in the entry list")
	ErrSeed             = errors.New("draw: invalid seed")

	ErrAlgorithm          = errors.New("draw: unknown algorithm")
	ErrCommitmentMismatch = errors.New("draw: seed does not match the commitment")
	ErrEntryListMismatch  = errors.New("draw: entry list does not match the proof")
	ErrWinnersMismatch    = errors.New("draw: winners do not match the recomputed draw")
)

// Seed is the secret of one draw. It deliberately has no String method so
// that it is not printed by accident before the draw; use Hex to publish it.
type Seed [32]byte

// NewSeed returns a fresh seed from the operating system's CSPRNG.
func NewSeed() (Seed, error) {
	var s Seed
	if _, err := rand.Read(s[:]); err != nil {
		return Seed{}, fmt.Errorf("draw: reading random seed: %w", err)
	}
	return s, nil
}

// ParseSeed decodes the 64-character hex form published in a Proof.
func ParseSeed(h string) (Seed, error) {
	var s Seed
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(s) {
		return Seed{}, fmt.Errorf("%w: want %d hex-encoded bytes", ErrSeed, len(s))
	}
	copy(s[:], b)
	return s, nil
}

// Hex is the published form of the seed (only after the draw).
func (s Seed) Hex() string { return hex.EncodeToString(s[:]) }

// Commitment is hex(SHA-256(seed)), published before the draw.
func (s Seed) Commitment() string {
	sum := sha256.Sum256(s[:])
	return hex.EncodeToString(sum[:])
}

// Entry is one participant's ticket in the draw.
type Entry struct {
	EntryNumber int64   `json:"entryNumber"`
	Weight      float64 `json:"weight"` // 1, or the visit bonus weight for a store-visit entry
}

// Params are the owner's choices for one draw.
type Params struct {
	WinnerCount      int
	VisitBonusWeight float64 // ≥ 1; 1 means no bonus
	Exclusions       []int64 // entry numbers that cannot win (e.g. staff)
}

// Proof is everything needed to recompute a draw besides the entry list.
type Proof struct {
	Algorithm        string  `json:"algorithm"`
	Commitment       string  `json:"commitment"`
	Seed             string  `json:"seed"`
	EntryListHash    string  `json:"entryListHash"`
	EntryCount       int     `json:"entryCount"`
	WinnerCount      int     `json:"winnerCount"`
	VisitBonusWeight float64 `json:"visitBonusWeight"`
	Exclusions       []int64 `json:"exclusions"`
	Winners          []int64 `json:"winners"`
	// Replaces is set on a redraw: the earlier winners this draw replaces
	// (WinnerCount = len(Replaces)). Its Exclusions then hold every winner
	// drawn before, kept or replaced, so the others keep their prize and no
	// one wins twice; Verify checks that the replaced ones are excluded.
	Replaces []int64 `json:"replaces,omitempty"`
	// ExclusionRule names the published rule that chose some of the
	// exclusions (e.g. every entry flagged for review); informative: the
	// exclusions themselves are listed and verified.
	ExclusionRule string `json:"exclusionRule,omitempty"`
}

// ErrRedraw reports a redraw proof whose replaced winners could win again.
var ErrRedraw = errors.New("draw: a replaced winner is not excluded from the redraw")

// Draw selects p.WinnerCount winners from entries and returns the proof. The
// entries must be in canonical order (ascending entry number) with weights in
// [1, MaxWeight]; the caller gives store-visit entries p.VisitBonusWeight.
func Draw(seed Seed, entries []Entry, p Params) (Proof, error) {
	excl, err := prepare(entries, p)
	if err != nil {
		return Proof{}, err
	}
	// Hashing the list (≈ 10 MB of text for a million entries) costs about
	// as much as the sampling, so the two run side by side.
	var (
		listHash string
		wg       sync.WaitGroup
	)
	wg.Go(func() { listHash = hashEntries(entries) })
	winners := sample(seed, entries, excl, p.WinnerCount)
	wg.Wait()

	return Proof{
		Algorithm:        Algorithm,
		Commitment:       seed.Commitment(),
		Seed:             seed.Hex(),
		EntryListHash:    listHash,
		EntryCount:       len(entries),
		WinnerCount:      p.WinnerCount,
		VisitBonusWeight: p.VisitBonusWeight,
		Exclusions:       excl,
		Winners:          winners,
	}, nil
}

// Verify recomputes a published draw: the seed matches the commitment, the
// entry list matches the hash and count, and the winners match. A nil error
// means the draw is reproduced exactly.
func Verify(proof Proof, entries []Entry) error {
	if proof.Algorithm != Algorithm {
		return fmt.Errorf("%w: %q", ErrAlgorithm, proof.Algorithm)
	}
	seed, err := ParseSeed(proof.Seed)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(seed.Commitment()), []byte(proof.Commitment)) != 1 {
		return ErrCommitmentMismatch
	}
	if len(entries) != proof.EntryCount {
		return fmt.Errorf("%w: %d entries, proof says %d", ErrEntryListMismatch, len(entries), proof.EntryCount)
	}
	got, err := Draw(seed, entries, Params{
		WinnerCount:      proof.WinnerCount,
		VisitBonusWeight: proof.VisitBonusWeight,
		Exclusions:       proof.Exclusions,
	})
	if err != nil {
		return err
	}
	if got.EntryListHash != proof.EntryListHash {
		return fmt.Errorf("%w: hash differs", ErrEntryListMismatch)
	}
	if !slices.Equal(got.Winners, proof.Winners) {
		return ErrWinnersMismatch
	}
	for _, n := range proof.Replaces {
		if _, ok := slices.BinarySearch(got.Exclusions, n); !ok {
			return fmt.Errorf("%w: %d", ErrRedraw, n)
		}
	}
	return nil
}

// EntryListHash returns hex(SHA-256(canonical encoding)) of entries.
func EntryListHash(entries []Entry) string { return hashEntries(entries) }

// prepare validates the input and returns the sorted, de-duplicated
// exclusions (all present in the list).
func prepare(entries []Entry, p Params) ([]int64, error) {
	b := p.VisitBonusWeight
	if !(b >= 1 && b <= MaxWeight) {
		return nil, fmt.Errorf("%w: visit bonus weight %v not in [1, %d]", ErrWeight, b, MaxWeight)
	}
	if p.WinnerCount < 1 {
		return nil, ErrWinnerCount
	}
	if len(entries) == 0 {
		return nil, ErrNoEntries
	}
	var prev int64
	for i, e := range entries {
		if e.EntryNumber <= prev {
			return nil, fmt.Errorf("%w: at index %d", ErrEntryOrder, i)
		}
		prev = e.EntryNumber
		// The negated test also rejects NaN.
		if !(e.Weight >= 1 && e.Weight <= MaxWeight) {
			return nil, fmt.Errorf("%w: entry %d has weight %v, want [1, %d]", ErrWeight, e.EntryNumber, e.Weight, MaxWeight)
		}
	}
	excl := slices.Clone(p.Exclusions)
	slices.Sort(excl)
	excl = slices.Compact(excl)
	for _, n := range excl {
		if _, ok := slices.BinarySearchFunc(entries, n, func(e Entry, n int64) int {
			switch {
			case e.EntryNumber < n:
				return -1
			case e.EntryNumber > n:
				return 1
			}
			return 0
		}); !ok {
			return nil, fmt.Errorf("%w: %d", ErrUnknownExclusion, n)
		}
	}
	if eligible := len(entries) - len(excl); p.WinnerCount > eligible {
		if eligible == 0 {
			return nil, ErrNoEntries
		}
		return nil, fmt.Errorf("%w: %d winners, %d eligible", ErrNotEnoughEntries, p.WinnerCount, eligible)
	}
	if excl == nil {
		excl = []int64{}
	}
	return excl, nil
}

// candidate is one entry in the running top-k.
type candidate struct {
	key float64
	num int64
}

// worse reports whether a ranks below b: smaller key, or equal key and larger
// entry number.
func worse(a, b candidate) bool {
	return a.key < b.key || (a.key == b.key && a.num > b.num)
}

// prefilterMargin keeps the cheap u-threshold test conservative: it only
// skips entries whose key is below the threshold by far more than any
// rounding error of ln, exp or the division could account for.
const prefilterMargin = 1e-6

// sample runs the Efraimidis–Spirakis selection with a bounded min-heap of
// size k (the root is the worst selected entry) and no per-entry allocation.
// Once the heap is full, an entry can only enter if ln(u)/w > T, the root's
// key, i.e. u > exp(T·w); that bound is cached per distinct weight so that
// most entries cost one generator step and one comparison, not a logarithm.
func sample(seed Seed, entries []Entry, excl []int64, k int) []int64 {
	rng := mrand.NewChaCha8(seed)
	heap := make([]candidate, 0, k)

	// Bound cache: weights are 1 or the bonus, so two slots suffice; others
	// fall through to the exact computation.
	var (
		bw    [2]float64
		bb    [2]float64
		valid [2]bool
	)
	bound := func(w float64) (float64, bool) {
		for i := range bw {
			if valid[i] && bw[i] == w {
				return bb[i], true
			}
		}
		for i := range bw {
			if !valid[i] {
				bw[i], bb[i], valid[i] = w, math.Exp(heap[0].key*w)*(1-prefilterMargin), true
				return bb[i], true
			}
		}
		return 0, false
	}

	xi := 0 // next exclusion to match; both lists are ascending
	for _, e := range entries {
		x := rng.Uint64()
		if xi < len(excl) && excl[xi] == e.EntryNumber {
			xi++
			continue
		}
		u := float64(x>>11+1) * 0x1p-53
		if len(heap) == k {
			if b, ok := bound(e.Weight); ok && u <= b {
				continue
			}
		}
		c := candidate{key: math.Log(u) / e.Weight, num: e.EntryNumber}
		if len(heap) < k {
			heap = append(heap, c)
			siftUp(heap, len(heap)-1)
			if len(heap) == k {
				valid = [2]bool{}
			}
			continue
		}
		// Entries arrive in ascending number, so an equal key never beats
		// the root (the root has the smaller number).
		if c.key > heap[0].key {
			heap[0] = c
			siftDown(heap, 0)
			valid = [2]bool{}
		}
	}

	slices.SortFunc(heap, func(a, b candidate) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	winners := make([]int64, len(heap))
	for i, c := range heap {
		winners[i] = c.num
	}
	return winners
}

func siftUp(h []candidate, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []candidate, i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && worse(h[r], h[l]) {
			m = r
		}
		if !worse(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// hashEntries returns hex(BLAKE2b-256) of the canonical encoding. For large
// lists formatting and hashing run as a two-stage pipeline (hashing the
// ≈ 10 MB of a million entries takes ≈ 12 ms on this machine class, and
// formatting adds about as much again).
func hashEntries(entries []Entry) string {
	h, _ := blake2b.New256(nil) // cannot fail without a key
	if len(entries) < 1<<16 {
		var f formatter
		buf := make([]byte, 0, 16<<10)
		for i := 0; i < len(entries); {
			buf, i = f.fill(buf[:0], entries, i)
			h.Write(buf)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	const chunks, chunkSize = 4, 128 << 10
	free := make(chan []byte, chunks)
	full := make(chan []byte, chunks)
	for range chunks {
		free <- make([]byte, 0, chunkSize)
	}
	go func() { // ends when the list is formatted; the loop below drains it
		defer close(full)
		var f formatter
		for i := 0; i < len(entries); {
			var buf []byte
			buf, i = f.fill((<-free)[:0], entries, i)
			full <- buf
		}
	}()
	for buf := range full {
		h.Write(buf)
		free <- buf
	}
	return hex.EncodeToString(h.Sum(nil))
}

// formatter writes canonical lines cheaply: weight strings are cached
// (there are only a few distinct weights) and a number that follows its
// predecessor by one (the usual case: entry numbers are issued in sequence)
// is formatted by incrementing the previous digits instead of dividing.
type formatter struct {
	cw      [2]float64
	cs      [2][]byte
	next    int
	digits  []byte
	prevNum int64
	started bool
}

// fill appends lines from entries[i:] until buf is nearly full and returns
// the buffer and the index of the first entry not written.
func (f *formatter) fill(buf []byte, entries []Entry, i int) ([]byte, int) {
	if !f.started {
		f.started = true
		f.cw = [2]float64{math.NaN(), math.NaN()} // NaN never matches
		f.prevNum = -1
		f.digits = make([]byte, 0, 20)
	}
	for ; i < len(entries) && len(buf) <= cap(buf)-64; i++ {
		e := entries[i]
		var wstr []byte
		switch e.Weight {
		case f.cw[0]:
			wstr = f.cs[0]
		case f.cw[1]:
			wstr = f.cs[1]
		default:
			f.cw[f.next] = e.Weight
			f.cs[f.next] = strconv.AppendFloat(f.cs[f.next][:0], e.Weight, 'g', -1, 64)
			wstr = f.cs[f.next]
			f.next ^= 1
		}
		if e.EntryNumber == f.prevNum+1 && f.prevNum >= 0 {
			d := f.digits
			j := len(d) - 1
			for j >= 0 && d[j] == '9' {
				d[j] = '0'
				j--
			}
			if j < 0 {
				d = append(d, 0)
				copy(d[1:], d)
				d[0] = '1'
			} else {
				d[j]++
			}
			f.digits = d
		} else {
			f.digits = strconv.AppendInt(f.digits[:0], e.EntryNumber, 10)
		}
		f.prevNum = e.EntryNumber
		// Byte loops beat append's memmove call for these few bytes.
		for _, c := range f.digits {
			buf = append(buf, c)
		}
		buf = append(buf, ':')
		for _, c := range wstr {
			buf = append(buf, c)
		}
		buf = append(buf, '\n')
	}
	return buf, i
}
