package winners

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/autoevent/autoevent/internal/participation/draw"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// A redraw replaces only the winners the owner names (one could not be
// reached, one turned out to be staff): it is a new, immutable record with a
// fresh commitment that draws len(Replace) winners from the same fixed entry
// list, with the first draw's visit weight, excluding every winner drawn so
// far — the standing ones keep their place, the replaced ones cannot win
// back — besides the first draw's exclusions. The standing winners' records
// and notifications are not touched: nobody is re-notified or revoked. Its
// proof is an ordinary proof (exclusions included) plus the replaced entry
// numbers, so `autoevent verify-draw` recomputes it like any draw.

// winnerKey names one winner of one draw.
type winnerKey struct {
	drawID string
	entry  int64
}

// standing is the outcome of an event's draws replayed oldest first.
type standing struct {
	current    map[int64]Winner     // entry number → standing winner (rank from its draw)
	ever       []int64              // every entry number ever drawn, ascending
	replacedBy map[winnerKey]string // replaced winner → the redraw that replaced it
}

// replay applies the event's DRAWN records (ds: any order) oldest first: a
// first draw names the winners; a redraw replaces those in its Replaces (all
// standing winners for a redraw recorded before partial redraws existed)
// with its own.
func replay(ds []Draw) standing {
	done := make([]Draw, 0, len(ds))
	for _, d := range ds {
		if d.Status == DrawDone && d.DrawnAt != nil {
			done = append(done, d)
		}
	}
	slices.SortStableFunc(done, func(a, b Draw) int { return a.DrawnAt.Compare(*b.DrawnAt) })
	st := standing{current: map[int64]Winner{}, replacedBy: map[winnerKey]string{}}
	owner := map[int64]string{} // standing entry → its draw
	for _, d := range done {
		if d.RedrawOf != "" {
			out := d.Replaces
			if len(out) == 0 { // whole-draw redraw (older records)
				for n := range st.current {
					out = append(out, n)
				}
			}
			for _, n := range out {
				if id, ok := owner[n]; ok {
					st.replacedBy[winnerKey{id, n}] = d.ID
					delete(st.current, n)
					delete(owner, n)
				}
			}
		}
		for _, w := range d.Winners {
			st.current[w.EntryNumber] = w
			owner[w.EntryNumber] = d.ID
			st.ever = append(st.ever, w.EntryNumber)
		}
	}
	slices.Sort(st.ever)
	st.ever = slices.Compact(st.ever)
	return st
}

// redraw replaces in.Replace among the standing winners of the event.
func (s *Service) redraw(ctx context.Context, ev EventInfo, in DrawInput) (Draw, error) {
	ds, err := s.store.Draws(ctx, ev.EventID)
	if err != nil {
		return Draw{}, err
	}
	var latest *Draw
	for i := range ds {
		if ds[i].Status == DrawDone && (latest == nil || ds[i].DrawnAt.After(*latest.DrawnAt)) {
			latest = &ds[i]
		}
	}
	if latest == nil {
		return Draw{}, ErrDrawNotFound.WithField("redrawOf", ErrDrawNotFound.Code, ErrDrawNotFound.Message)
	}
	if latest.ID != in.RedrawOf {
		return Draw{}, ErrNotLatest
	}
	if first := firstDrawn(ds); !s.now().Before(first.Add(s.retention.RedrawPeriod)) {
		return Draw{}, ErrRedrawPeriodOver // the entrants' contacts are destroyed
	}
	st := replay(ds)
	replace := slices.Clone(in.Replace)
	slices.Sort(replace)
	replace = slices.Compact(replace)
	ranks := make([]Winner, 0, len(replace))
	for _, n := range replace {
		w, ok := st.current[n]
		if !ok {
			return Draw{}, ErrNotCurrentWinner
		}
		ranks = append(ranks, w)
	}
	// The new winners take the replaced winners' ranks, best rank first
	// (the proof lists winners best first).
	slices.SortFunc(ranks, func(a, b Winner) int { return a.Rank - b.Rank })
	rankOf := make([]int, len(ranks))
	for i, w := range ranks {
		rankOf[i] = w.Rank
	}

	// The list drawn from is the one fixed by the first draw (kept with
	// every draw), not a re-read of the entries.
	b, err := s.store.EntryList(ctx, latest.ID)
	if err != nil {
		return Draw{}, err
	}
	entrants, err := decodeEntryList(b)
	if err != nil {
		return Draw{}, err
	}
	excl := slices.Concat(latest.Exclusions, st.ever, in.Exclusions)
	slices.Sort(excl)
	excl = slices.Compact(excl)
	seed, pending, hasPending, err := s.drawSeed(ctx, ev.EventID)
	if err != nil {
		return Draw{}, err
	}
	sel, err := s.selectWinners(ctx, ev.EventID, seed, entrants,
		draw.Params{WinnerCount: len(replace), VisitBonusWeight: latest.VisitBonusWeight, Exclusions: excl}, rankOf)
	if err != nil {
		return Draw{}, err
	}
	sel.proof.Replaces = replace
	d := s.newRecord(ev, seed, sel, pending, hasPending)
	d.RedrawOf, d.Reason, d.Replaces, d.ExclusionRule = latest.ID, in.Reason, replace, latest.ExclusionRule

	start := time.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.store.LatestDraw(ctx, tx, ev.EventID)
		if err != nil && !errors.Is(err, ErrDrawNotFound) {
			return err
		}
		if err != nil || cur.ID != latest.ID {
			return ErrNotLatest
		}
		return s.save(ctx, tx, d, sel, hasPending)
	})
	if db.IsUniqueViolation(err) {
		return Draw{}, ErrDrawConflict.Wrap(err)
	}
	if err != nil {
		return Draw{}, err
	}
	s.observe("store", time.Since(start))
	return s.decorate(d), nil
}

// firstDrawn is when the event's first completed draw was made.
func firstDrawn(ds []Draw) time.Time {
	var first time.Time
	for _, d := range ds {
		if d.Status == DrawDone && d.DrawnAt != nil && (first.IsZero() || d.DrawnAt.Before(first)) {
			first = *d.DrawnAt
		}
	}
	return first
}
