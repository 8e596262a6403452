package draw

import (
	"bytes"
	"crypto/sha256"

	"encoding/hex"
	"errors"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
)

func testSeed() Seed {
	var s Seed
	for i := range s {
		s[i] = byte(i)
	}
	return s
}

func smallEntries() []Entry {
	return []Entry{{1, 1}, {2, 2}, {3, 1}, {4, 2}, {5, 1}, {6, 1}, {7, 2}, {8, 1}, {9, 1}, {10, 1}}
}

// bigEntries builds n entries numbered 1..n where every tenth carries the
// bonus weight, the shape of the benchmark.
func bigEntries(n int, bonus float64) []Entry {
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{EntryNumber: int64(i + 1), Weight: 1}
		if i%10 == 0 {
			es[i].Weight = bonus
		}
	}
	return es
}

func TestCommitment(t *testing.T) {
	s := testSeed()
	sum := sha256.Sum256(s[:])
	if got, want := s.Commitment(), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("Commitment() = %s, want %s", got, want)
	}
	back, err := ParseSeed(s.Hex())
	if err != nil || back != s {
		t.Fatalf("ParseSeed(Hex()) = %x, %v; want round trip", back, err)
	}
	for _, bad := range []string{"", "zz", strings.Repeat("ab", 31), strings.Repeat("ab", 33)} {
		if _, err := ParseSeed(bad); !errors.Is(err, ErrSeed) {
			t.Errorf("ParseSeed(%q) error = %v, want ErrSeed", bad, err)
		}
	}
	a, err := NewSeed()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSeed()
	if a == b || a == (Seed{}) {
		t.Fatalf("NewSeed returned repeated or zero seeds")
	}
}

// TestGoldenVector pins the algorithm: if Go's ChaCha8, math.Log or our code
// changed behaviour, published proofs would stop verifying.
func TestGoldenVector(t *testing.T) {
	p, err := Draw(testSeed(), smallEntries(), Params{WinnerCount: 3, VisitBonusWeight: 2})
	if err != nil {
		t.Fatal(err)
	}
	var list bytes.Buffer
	if err := WriteEntryList(&list, smallEntries()); err != nil {
		t.Fatal(err)
	}
	wantList := "1:1\n2:2\n3:1\n4:2\n5:1\n6:1\n7:2\n8:1\n9:1\n10:1\n"
	if list.String() != wantList {
		t.Fatalf("entry list = %q, want %q", list.String(), wantList)
	}
	sum := blake2b.Sum256([]byte(wantList))
	if got, want := p.EntryListHash, hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("EntryListHash = %s, want %s", got, want)
	}
	// Independent recomputation of the keys straight from the spec.
	rng := mrand.NewChaCha8(testSeed())
	type kv struct {
		key float64
		num int64
	}
	var keys []kv
	for _, e := range smallEntries() {
		u := float64(rng.Uint64()>>11+1) / (1 << 53)
		keys = append(keys, kv{math.Log(u) / e.Weight, e.EntryNumber})
	}
	slices.SortFunc(keys, func(a, b kv) int {
		if a.key != b.key {
			if a.key > b.key {
				return -1
			}
			return 1
		}
		return int(a.num - b.num)
	})
	want := []int64{keys[0].num, keys[1].num, keys[2].num}
	if !slices.Equal(p.Winners, want) {
		t.Fatalf("winners = %v, want %v (spec recomputation)", p.Winners, want)
	}
	// Pinned values: update only together with a new Algorithm name.
	if got, want := p.Winners, []int64{9, 2, 4}; !slices.Equal(got, want) {
		t.Fatalf("golden winners = %v, want %v", got, want)
	}
}

func TestDeterminism(t *testing.T) {
	es := bigEntries(20000, 2)
	params := Params{WinnerCount: 50, VisitBonusWeight: 2, Exclusions: []int64{7, 3}}
	a, err := Draw(testSeed(), es, params)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Draw(testSeed(), es, params)
	if !slices.Equal(a.Winners, b.Winners) || a.EntryListHash != b.EntryListHash {
		t.Fatalf("same seed and list gave different draws: %v vs %v", a.Winners, b.Winners)
	}
	if len(a.Winners) != 50 {
		t.Fatalf("got %d winners, want 50", len(a.Winners))
	}
	seen := map[int64]bool{}
	for _, w := range a.Winners {
		if seen[w] {
			t.Fatalf("winner %d drawn twice", w)
		}
		seen[w] = true
	}
	other := testSeed()
	other[0] ^= 1
	c, _ := Draw(other, es, params)
	if slices.Equal(a.Winners, c.Winners) {
		t.Fatalf("different seeds gave identical winners %v", a.Winners)
	}
	if !slices.Equal(a.Exclusions, []int64{3, 7}) {
		t.Fatalf("exclusions = %v, want sorted [3 7]", a.Exclusions)
	}
}

// TestPrefilterMatchesExact checks the optimised sampler against a naive
// full sort of every key.
func TestPrefilterMatchesExact(t *testing.T) {
	es := bigEntries(30000, 3)
	for trial := range 5 {
		var seed Seed
		seed[0] = byte(trial)
		p, err := Draw(seed, es, Params{WinnerCount: 200, VisitBonusWeight: 3})
		if err != nil {
			t.Fatal(err)
		}
		rng := mrand.NewChaCha8(seed)
		all := make([]candidate, len(es))
		for i, e := range es {
			u := float64(rng.Uint64()>>11+1) * 0x1p-53
			all[i] = candidate{math.Log(u) / e.Weight, e.EntryNumber}
		}
		slices.SortFunc(all, func(a, b candidate) int {
			if worse(b, a) {
				return -1
			}
			if worse(a, b) {
				return 1
			}
			return 0
		})
		for i, w := range p.Winners {
			if all[i].num != w {
				t.Fatalf("trial %d: winner %d = %d, naive sort says %d", trial, i, w, all[i].num)
			}
		}
	}
}

func TestExclusions(t *testing.T) {
	es := bigEntries(1000, 2)
	base, err := Draw(testSeed(), es, Params{WinnerCount: 10, VisitBonusWeight: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Excluding the first two winners promotes the next ones and leaves the
	// rest in order, because exclusions do not shift the random stream.
	excl := base.Winners[:2]
	p, err := Draw(testSeed(), es, Params{WinnerCount: 8, VisitBonusWeight: 2, Exclusions: excl})
	if err != nil {
		t.Fatal(err)
	}
	if want := base.Winners[2:]; !slices.Equal(p.Winners, want) {
		t.Fatalf("winners with exclusions = %v, want %v", p.Winners, want)
	}
	if err := Verify(p, es); err != nil {
		t.Fatalf("Verify with exclusions: %v", err)
	}
	if _, err := Draw(testSeed(), es, Params{WinnerCount: 1, VisitBonusWeight: 2, Exclusions: []int64{5000}}); !errors.Is(err, ErrUnknownExclusion) {
		t.Fatalf("unknown exclusion error = %v, want ErrUnknownExclusion", err)
	}
	all := make([]int64, 0, 3)
	for _, e := range es[:3] {
		all = append(all, e.EntryNumber)
	}
	if _, err := Draw(testSeed(), es[:3], Params{WinnerCount: 1, VisitBonusWeight: 2, Exclusions: all}); !errors.Is(err, ErrNoEntries) {
		t.Fatalf("everyone excluded error = %v, want ErrNoEntries", err)
	}
}

func TestValidation(t *testing.T) {
	es := smallEntries()
	tests := []struct {
		name    string
		entries []Entry
		params  Params
		want    error
	}{
		{"winners > entries", es, Params{WinnerCount: 11, VisitBonusWeight: 2}, ErrNotEnoughEntries},
		{"winners > eligible", es, Params{WinnerCount: 10, VisitBonusWeight: 2, Exclusions: []int64{1}}, ErrNotEnoughEntries},
		{"zero winners", es, Params{WinnerCount: 0, VisitBonusWeight: 2}, ErrWinnerCount},
		{"no entries", nil, Params{WinnerCount: 1, VisitBonusWeight: 1}, ErrNoEntries},
		{"bonus below 1", es, Params{WinnerCount: 1, VisitBonusWeight: 0.5}, ErrWeight},
		{"bonus NaN", es, Params{WinnerCount: 1, VisitBonusWeight: math.NaN()}, ErrWeight},
		{"bonus too large", es, Params{WinnerCount: 1, VisitBonusWeight: MaxWeight + 1}, ErrWeight},
		{"weight below 1", []Entry{{1, 1}, {2, 0.5}}, Params{WinnerCount: 1, VisitBonusWeight: 1}, ErrWeight},
		{"weight too large", []Entry{{1, 1}, {2, MaxWeight + 1}}, Params{WinnerCount: 1, VisitBonusWeight: 2}, ErrWeight},
		{"weight NaN", []Entry{{1, math.NaN()}}, Params{WinnerCount: 1, VisitBonusWeight: 2}, ErrWeight},
		{"weight infinite", []Entry{{1, math.Inf(1)}}, Params{WinnerCount: 1, VisitBonusWeight: 2}, ErrWeight},
		{"unsorted", []Entry{{2, 1}, {1, 1}}, Params{WinnerCount: 1, VisitBonusWeight: 1}, ErrEntryOrder},
		{"duplicate", []Entry{{1, 1}, {1, 1}}, Params{WinnerCount: 1, VisitBonusWeight: 1}, ErrEntryOrder},
		{"non-positive number", []Entry{{0, 1}}, Params{WinnerCount: 1, VisitBonusWeight: 1}, ErrEntryOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Draw(testSeed(), tt.entries, tt.params)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Draw error = %v, want %v", err, tt.want)
			}
		})
	}
	// Every entry can win: winnerCount == entries returns all of them.
	p, err := Draw(testSeed(), es, Params{WinnerCount: len(es), VisitBonusWeight: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(p.Winners)
	slices.Sort(got)
	if len(got) != len(es) || got[0] != 1 || got[len(got)-1] != 10 {
		t.Fatalf("all-win draw = %v, want every entry once", p.Winners)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	es := bigEntries(5000, 2)
	proof, err := Draw(testSeed(), es, Params{WinnerCount: 20, VisitBonusWeight: 2, Exclusions: []int64{11}})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(proof, es); err != nil {
		t.Fatalf("Verify(genuine) = %v, want nil", err)
	}

	otherSeed := testSeed()
	otherSeed[31] ^= 0x80

	tests := []struct {
		name    string
		mutate  func(p *Proof) []Entry
		wantErr error
	}{
		{"other seed, same commitment", func(p *Proof) []Entry { p.Seed = otherSeed.Hex(); return es }, ErrCommitmentMismatch},
		{"other seed and its commitment", func(p *Proof) []Entry {
			p.Seed, p.Commitment = otherSeed.Hex(), otherSeed.Commitment()
			return es
		}, ErrWinnersMismatch},
		{"garbage seed", func(p *Proof) []Entry { p.Seed = "xyz"; return es }, ErrSeed},
		{"algorithm", func(p *Proof) []Entry { p.Algorithm = "FY-v0"; return es }, ErrAlgorithm},
		{"entry removed", func(p *Proof) []Entry { return es[1:] }, ErrEntryListMismatch},
		{"weight changed", func(p *Proof) []Entry {
			c := slices.Clone(es)
			c[1].Weight = 2
			return c
		}, ErrEntryListMismatch},
		{"entry renumbered", func(p *Proof) []Entry {
			c := slices.Clone(es)
			c[len(c)-1].EntryNumber++
			return c
		}, ErrEntryListMismatch},
		{"winner replaced", func(p *Proof) []Entry { p.Winners[3] = 4999; return es }, ErrWinnersMismatch},
		{"winners reordered", func(p *Proof) []Entry { p.Winners[0], p.Winners[1] = p.Winners[1], p.Winners[0]; return es }, ErrWinnersMismatch},
		{"winner dropped", func(p *Proof) []Entry { p.Winners = p.Winners[:19]; return es }, ErrWinnersMismatch},
		{"exclusion dropped", func(p *Proof) []Entry { p.Exclusions = nil; return es }, nil}, // checked below
		{"entry count changed", func(p *Proof) []Entry { p.EntryCount++; return es }, ErrEntryListMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := proof
			p.Winners = slices.Clone(proof.Winners)
			p.Exclusions = slices.Clone(proof.Exclusions)
			entries := tt.mutate(&p)
			err := Verify(p, entries)
			if tt.wantErr == nil {
				// Dropping an exclusion either still reproduces (the
				// excluded entry would not have won) or is caught.
				if err != nil && !errors.Is(err, ErrWinnersMismatch) {
					t.Fatalf("Verify error = %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestEntryListRoundTrip(t *testing.T) {
	es := []Entry{{1, 1}, {2, 1.5}, {40, 2}, {1234567, 1}}
	var buf bytes.Buffer
	if err := WriteEntryList(&buf, es); err != nil {
		t.Fatal(err)
	}
	sum := blake2b.Sum256(buf.Bytes())
	if got, want := EntryListHash(es), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("EntryListHash = %s, want BLAKE2b-256 of the written list %s", got, want)
	}
	back, err := ReadEntryList(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back, es) {
		t.Fatalf("ReadEntryList = %v, want %v", back, es)
	}
	for _, bad := range []string{"1\n", "01:1\n", "1:1.0\n", "1:x\n", "+1:1\n", "1:2e0\n"} {
		if _, err := ReadEntryList(strings.NewReader(bad)); !errors.Is(err, ErrEntryListFormat) {
			t.Errorf("ReadEntryList(%q) error = %v, want ErrEntryListFormat", bad, err)
		}
	}
}

// TestFairnessSingleWinner draws one winner from weights 1,1,2,2,4 many
// times and checks the frequencies against w/Σw with a chi-square test.
// Seeds are fresh per draw but derived from a fixed master so the test is
// reproducible; a 1 % significance level is used.
func TestFairnessSingleWinner(t *testing.T) {
	es := []Entry{{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 4}}
	total := 10.0
	const n = 20000
	counts := drawCounts(t, es, n, 1, 4, func(w []int64) int { return int(w[0] - 1) })
	expected := make([]float64, len(es))
	for i, e := range es {
		expected[i] = n * e.Weight / total
	}
	stat, p := chiSquare(counts, expected)
	t.Logf("counts %v, expected %v, chi2 = %.2f (df 4), p = %.3f", counts, expected, stat, p)
	if p <= 0.01 {
		t.Fatalf("selection frequencies do not match the weights: chi2 = %.2f, p = %.4f", stat, p)
	}
	// The test has power: the same counts are far from an unweighted draw.
	uniform := []float64{n / 5, n / 5, n / 5, n / 5, n / 5}
	if _, pu := chiSquare(counts, uniform); pu > 1e-6 {
		t.Fatalf("counts look unweighted (p = %g): weights are ignored", pu)
	}
}

// TestFairnessWithoutReplacement checks the ordered pair (first, second)
// against successive weighted sampling without replacement:
// P(i, j) = w_i/W · w_j/(W − w_i).
func TestFairnessWithoutReplacement(t *testing.T) {
	es := []Entry{{1, 1}, {2, 1}, {3, 4}, {4, 4}}
	const W = 10.0
	const n = 20000
	k := len(es)
	counts := drawCounts(t, es, n, 2, 4, func(w []int64) int { return int(w[0]-1)*k + int(w[1]-1) })
	var obs, exp []float64
	for i := range k {
		for j := range k {
			if i == j {
				continue
			}
			wi, wj := es[i].Weight, es[j].Weight
			obs = append(obs, counts[i*k+j])
			exp = append(exp, n*wi/W*wj/(W-wi))
		}
	}
	stat, p := chiSquare(obs, exp)
	t.Logf("chi2 = %.2f (df %d), p = %.3f", stat, len(obs)-1, p)
	if p <= 0.01 {
		t.Fatalf("ordered pairs do not match sampling without replacement: chi2 = %.2f, p = %.4f", stat, p)
	}
}

func drawCounts(t *testing.T, es []Entry, n, winners int, bonus float64, cell func([]int64) int) []float64 {
	t.Helper()
	master := mrand.NewChaCha8([32]byte([]byte("autoevent draw fairness test 001")))
	counts := make([]float64, len(es)*len(es))
	for range n {
		var seed Seed
		master.Read(seed[:])
		p, err := Draw(seed, es, Params{WinnerCount: winners, VisitBonusWeight: bonus})
		if err != nil {
			t.Fatal(err)
		}
		counts[cell(p.Winners)]++
	}
	if winners == 1 {
		counts = counts[:len(es)]
	}
	return counts
}

// chiSquare returns Pearson's statistic and its p-value with len(obs)−1
// degrees of freedom.
func chiSquare(obs, exp []float64) (stat, p float64) {
	for i := range obs {
		d := obs[i] - exp[i]
		stat += d * d / exp[i]
	}
	return stat, gammaQ(float64(len(obs)-1)/2, stat/2)
}

// gammaQ is the regularized upper incomplete gamma function Q(a, x), the
// chi-square survival function at 2x with 2a degrees of freedom (series for
// x < a+1, continued fraction otherwise; Numerical Recipes §6.2).
func gammaQ(a, x float64) float64 {
	if x <= 0 {
		return 1
	}
	lg, _ := math.Lgamma(a)
	if x < a+1 {
		sum, del, ap := 1/a, 1/a, a
		for range 1000 {
			ap++
			del *= x / ap
			sum += del
			if math.Abs(del) < math.Abs(sum)*1e-15 {
				break
			}
		}
		return 1 - sum*math.Exp(-x+a*math.Log(x)-lg)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return math.Exp(-x+a*math.Log(x)-lg) * h
}

func TestGammaQ(t *testing.T) {
	// Reference values of the chi-square survival function.
	tests := []struct{ df, x, want float64 }{
		{4, 13.2767, 0.01},                   // 1 % critical value, df 4
		{4, 9.4877, 0.05},                    // 5 % critical value, df 4
		{11, 24.725, 0.01},                   // 1 % critical value, df 11
		{19, 36.1909, 0.01},                  // 1 % critical value, df 19
		{19, 30.1435, 0.05},                  // 5 % critical value, df 19
		{1, 6.6349, 0.01},                    // 1 % critical value, df 1 (odd, series branch)
		{1, 3.8415, 0.05},                    // 5 % critical value, df 1
		{100, 135.807, 0.01},                 // 1 % critical value, df 100
		{2, 3, math.Exp(-1.5)},               // closed form for df 2
		{4, 5, math.Exp(-2.5) * (1 + 2.5)},   // closed form for df 4
		{6, 2, math.Exp(-1) * (1 + 1 + 0.5)}, // closed form for df 6
		{4, 0, 1},                            // no deviation at all
	}
	for _, tt := range tests {
		got := gammaQ(tt.df/2, tt.x/2)
		if math.Abs(got-tt.want) > 2e-4 {
			t.Errorf("chi-square survival(df %v, x %v) = %.5f, want %.5f", tt.df, tt.x, got, tt.want)
		}
	}
}

// TestEntryListHashFastPaths checks the pipelined, digit-incrementing
// formatter against the plain writer: rollovers (9→10, 999999→1000000),
// gaps, more than two distinct weights, and both the small and the large
// (pipelined) code path.
func TestEntryListHashFastPaths(t *testing.T) {
	weights := []float64{1, 2, 1.5, 1, 1, 3.25, 2}
	for _, n := range []int{1, 12, 1000, 1 << 16, 200_000} {
		es := make([]Entry, 0, n)
		num := int64(1)
		for i := range n {
			es = append(es, Entry{EntryNumber: num, Weight: weights[i%len(weights)]})
			switch {
			case i%97 == 0:
				num += 13 // gap
			case i == 500:
				num = 999_990 // run across a digit rollover
			default:
				num++
			}
		}
		var buf bytes.Buffer
		if err := WriteEntryList(&buf, es); err != nil {
			t.Fatal(err)
		}
		sum := blake2b.Sum256(buf.Bytes())
		if got, want := EntryListHash(es), hex.EncodeToString(sum[:]); got != want {
			t.Fatalf("n=%d: EntryListHash = %s, want %s", n, got, want)
		}
	}
}

// TestRedrawProof: a redraw that replaces one winner of a 3-winner draw is an
// ordinary draw of one winner whose exclusions hold all three earlier
// winners; Verify recomputes it and refuses a proof whose replaced winner
// was not excluded (that winner could have won back their own place).
func TestRedrawProof(t *testing.T) {
	es := bigEntries(500, 2)
	first, err := Draw(testSeed(), es, Params{WinnerCount: 3, VisitBonusWeight: 2})
	if err != nil {
		t.Fatal(err)
	}
	seed2 := testSeed()
	seed2[0] ^= 1
	redo, err := Draw(seed2, es, Params{WinnerCount: 1, VisitBonusWeight: 2, Exclusions: first.Winners})
	if err != nil {
		t.Fatal(err)
	}
	redo.Replaces = []int64{first.Winners[1]}
	if err := Verify(redo, es); err != nil {
		t.Fatalf("Verify(redraw) = %v", err)
	}
	if slices.Contains(first.Winners, redo.Winners[0]) {
		t.Fatalf("redraw winner %d is an earlier winner %v", redo.Winners[0], first.Winners)
	}
	loose, err := Draw(seed2, es, Params{WinnerCount: 1, VisitBonusWeight: 2, Exclusions: []int64{first.Winners[0]}})
	if err != nil {
		t.Fatal(err)
	}
	loose.Replaces = []int64{first.Winners[1]}
	if err := Verify(loose, es); !errors.Is(err, ErrRedraw) {
		t.Fatalf("Verify(redraw not excluding the replaced winner) = %v, want ErrRedraw", err)
	}
}
