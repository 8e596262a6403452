package winners

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/autoevent/autoevent/internal/participation/draw"
)

// The entry list of a draw is kept with the draw, so that the published
// list stays exactly what was drawn from even if entries arrive later (a
// draw on demand while the event is ACTIVE) and after personal data is
// destroyed. Encoding: a version byte, then per entry in ascending order
// the uvarint of (entryNumber − previous) << 1 | storeVisit. Issued numbers
// are consecutive, so a million entries take about 1 MB.
const entryListV1 = 1

var errEntryList = errors.New("winners: corrupt stored entry list")

func encodeEntryList(es []Entrant) []byte {
	buf := make([]byte, 1, 1+len(es)+16)
	buf[0] = entryListV1
	var prev int64
	for _, e := range es {
		v := uint64(e.EntryNumber-prev) << 1
		if e.StoreVisit {
			v |= 1
		}
		buf = binary.AppendUvarint(buf, v)
		prev = e.EntryNumber
	}
	return buf
}

func decodeEntryList(b []byte) ([]Entrant, error) {
	if len(b) == 0 || b[0] != entryListV1 {
		return nil, errEntryList
	}
	b = b[1:]
	es := make([]Entrant, 0, len(b))
	var prev int64
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errEntryList
		}
		b = b[n:]
		prev += int64(v >> 1)
		es = append(es, Entrant{EntryNumber: prev, StoreVisit: v&1 == 1})
	}
	return es, nil
}

// weighted turns entrants into the draw's weighted list. It checks the
// canonical order the draw requires (the entry store promises it).
func weighted(es []Entrant, bonus float64) ([]draw.Entry, int, error) {
	out := make([]draw.Entry, len(es))
	visits := 0
	var prev int64
	for i, e := range es {
		if e.EntryNumber <= prev {
			return nil, 0, fmt.Errorf("winners: entries not in ascending order at %d", i)
		}
		prev = e.EntryNumber
		w := 1.0
		if e.StoreVisit {
			w = bonus
			visits++
		}
		out[i] = draw.Entry{EntryNumber: e.EntryNumber, Weight: w}
	}
	return out, visits, nil
}
