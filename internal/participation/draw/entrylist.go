package draw

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrEntryListFormat reports a published entry list that is not in the
// canonical "entryNumber:weight" line form.
var ErrEntryListFormat = errors.New("draw: malformed entry list")

// WriteEntryList writes entries in the canonical encoding whose SHA-256 is
// the proof's EntryListHash: the file the service publishes beside a proof.
func WriteEntryList(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	for _, e := range entries {
		line = strconv.AppendInt(line[:0], e.EntryNumber, 10)
		line = append(line, ':')
		line = strconv.AppendFloat(line, e.Weight, 'g', -1, 64)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadEntryList parses a published entry list. It accepts only the canonical
// form, so that a list that parses always hashes to what was published.
func ReadEntryList(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 4096)
	var entries []Entry
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		num, weight, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%w: line %d has no ':'", ErrEntryListFormat, n)
		}
		en, err := strconv.ParseInt(num, 10, 64)
		if err != nil || strconv.FormatInt(en, 10) != num {
			return nil, fmt.Errorf("%w: line %d: bad entry number", ErrEntryListFormat, n)
		}
		w, err := strconv.ParseFloat(weight, 64)
		if err != nil || strconv.FormatFloat(w, 'g', -1, 64) != weight {
			return nil, fmt.Errorf("%w: line %d: bad weight", ErrEntryListFormat, n)
		}
		entries = append(entries, Entry{EntryNumber: en, Weight: w})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEntryListFormat, err)
	}
	return entries, nil
}
