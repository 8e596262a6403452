package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// verifier hashes what is read through it and, at the end, turns io.EOF
// into ErrChecksum when the size or SHA-256 differ from the stored ones.
type verifier struct {
	r      io.Reader
	c      io.Closer
	h      hash.Hash
	n      int64
	want   Attrs
	failed error
}

func newVerifier(r io.Reader, c io.Closer, want Attrs) *verifier {
	return &verifier{r: r, c: c, h: sha256.New(), want: want}
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.failed != nil {
		return 0, v.failed
	}
	n, err := v.r.Read(p)
	if v.h != nil {
		v.h.Write(p[:n])
	}
	v.n += int64(n)
	if errors.Is(err, io.EOF) && v.h != nil {
		if err := v.check(); err != nil {
			v.failed = err
			return n, err
		}
	}
	return n, err
}

func (v *verifier) check() error {
	if v.n != v.want.Size {
		return fmt.Errorf("%w: %s: read %d bytes, stored size %d", ErrChecksum, v.want.Key, v.n, v.want.Size)
	}
	if v.want.SHA256 == "" {
		return nil // written by something else: nothing to compare with
	}
	if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.SHA256 {
		return fmt.Errorf("%w: %s: content hashes to %s, stored %s", ErrChecksum, v.want.Key, got, v.want.SHA256)
	}
	return nil
}

func (v *verifier) Close() error { return v.c.Close() }

// seekVerifier is a verifier over seekable content (the filesystem store),
// so Serve can answer Range requests. A reader that seeks reads part of
// the object, which cannot be verified: seeking turns verification off.
type seekVerifier struct {
	*verifier
	s io.Seeker
}

func (v *seekVerifier) Seek(offset int64, whence int) (int64, error) {
	v.h = nil
	return v.s.Seek(offset, whence)
}

// hashingReader counts and hashes what passes through it (Put).
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func newHashingReader(r io.Reader) *hashingReader { return &hashingReader{r: r, h: sha256.New()} }

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

func (h *hashingReader) sum() string { return hex.EncodeToString(h.h.Sum(nil)) }

// checkSum compares the computed checksum with the caller's expectation.
func checkSum(key, got string, opts PutOptions) error {
	if opts.SHA256 != "" && got != opts.SHA256 {
		return fmt.Errorf("%w: %s: content hashes to %s, want %s", ErrChecksum, key, got, opts.SHA256)
	}
	return nil
}
