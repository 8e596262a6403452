package draw

import "testing"

// BenchmarkDraw1MEntries1000Winners is the bar: 1,000 winners from
// 1,000,000 entries, 10 % with the visit bonus, ≤ 50 ms including the entry
// list hash of the proof.
func BenchmarkDraw1MEntries1000Winners(b *testing.B) {
	es := bigEntries(1_000_000, 2)
	seed := testSeed()
	b.ReportAllocs()
	for b.Loop() {
		seed[0]++
		if _, err := Draw(seed, es, Params{WinnerCount: 1000, VisitBonusWeight: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSample1M measures the sampling alone (no list hash).
func BenchmarkSample1M(b *testing.B) {
	es := bigEntries(1_000_000, 2)
	seed := testSeed()
	b.ReportAllocs()
	for b.Loop() {
		seed[0]++
		sample(seed, es, nil, 1000)
	}
}

// BenchmarkEntryListHash1M measures the canonical list hash alone.
func BenchmarkEntryListHash1M(b *testing.B) {
	es := bigEntries(1_000_000, 2)
	b.ReportAllocs()
	for b.Loop() {
		EntryListHash(es)
	}
}

// BenchmarkVerify1M is the recompute command's cost for the same draw.
func BenchmarkVerify1M(b *testing.B) {
	es := bigEntries(1_000_000, 2)
	p, err := Draw(testSeed(), es, Params{WinnerCount: 1000, VisitBonusWeight: 2})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Verify(p, es); err != nil {
			b.Fatal(err)
		}
	}
}
