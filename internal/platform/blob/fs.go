package blob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// On disk every object is one file at <root>/<key>: a fixed-size header
// (magic, then JSON attributes padded with spaces, then '\n') followed by
// the content. Keeping the attributes in the same file as the bytes is what
// makes a Put one atomic rename: a sidecar file would let two racing
// writers leave one's bytes beside the other's checksum.
const (
	headerSize  = 512
	headerMagic = "AEBLOB1 "
)

type fileHeader struct {
	ContentType string `json:"contentType"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
}

// FS is the filesystem store, rooted at a directory (the data directory's
// "blobs" by default). Writes go to a temporary file in the target
// directory, are fsynced, renamed over the key and the directory fsynced:
// a crash leaves the old object or the new one, and a leftover temporary
// file (".tmp-*", never listed).
type FS struct {
	root string
}

// NewFS opens (creating if needed) a filesystem store at root.
func NewFS(root string) (*FS, error) {
	if root == "" {
		return nil, fmt.Errorf("%w: no directory", ErrConfig)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &FS{root: abs}, nil
}

// Root is the directory the store writes under.
func (s *FS) Root() string { return s.root }

func (s *FS) path(key string) string { return filepath.Join(s.root, filepath.FromSlash(key)) }

// Put implements Store.
func (s *FS) Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Attrs, error) {
	if err := ValidKey(key); err != nil {
		return Attrs{}, err
	}
	opts, err := opts.normalize()
	if err != nil {
		return Attrs{}, err
	}
	if err := ctx.Err(); err != nil {
		return Attrs{}, err
	}
	path := s.path(key)
	tmp, err := s.createTemp(filepath.Dir(path))
	if err != nil {
		return Attrs{}, s.keyErr(key, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(make([]byte, headerSize)); err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	hr := newHashingReader(r)
	if _, err := io.Copy(tmp, ctxReader{ctx, hr}); err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	sum := hr.sum()
	if err := checkSum(key, sum, opts); err != nil {
		return Attrs{}, err
	}
	hdr, err := encodeHeader(fileHeader{ContentType: opts.ContentType, SHA256: sum, Size: hr.n})
	if err != nil {
		return Attrs{}, err
	}
	if _, err := tmp.WriteAt(hdr, 0); err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: fsync: %w", key, err)
	}
	info, err := tmp.Stat()
	if err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Attrs{}, s.keyErr(key, err)
	}
	committed = true
	if err := syncDir(filepath.Dir(path)); err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: fsync dir: %w", key, err)
	}
	return Attrs{Key: key, Size: hr.n, ContentType: opts.ContentType, SHA256: sum, ModTime: info.ModTime()}, nil
}

// createTemp makes the directory and a temporary file in it. A concurrent
// Delete may remove the (then empty) directory between the two steps, so
// that is retried.
func (s *FS) createTemp(dir string) (*os.File, error) {
	var err error
	for range 5 {
		if err = os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		var f *os.File
		if f, err = os.CreateTemp(dir, ".tmp-*"); err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, err
}

// keyErr explains a key whose path is taken by a directory (key "a" after
// "a/b") or runs through a file (key "a/b" after "a"): a filesystem cannot
// hold both, so keys should not be prefixes of other keys' "directories".
func (s *FS) keyErr(key string, err error) error {
	if errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("%w: %q collides with another key's directory: %v", ErrInvalidKey, key, err)
	}
	return fmt.Errorf("blob: put %s: %w", key, err)
}

// Get implements Store.
func (s *FS) Get(ctx context.Context, key string) (io.ReadCloser, Attrs, error) {
	if err := ValidKey(key); err != nil {
		return nil, Attrs{}, err
	}
	f, a, err := s.open(key)
	if err != nil {
		return nil, Attrs{}, err
	}
	sr := io.NewSectionReader(f, headerSize, a.Size)
	return &seekVerifier{newVerifier(sr, f, a), sr}, a, nil
}

// Stat implements Store.
func (s *FS) Stat(ctx context.Context, key string) (Attrs, error) {
	if err := ValidKey(key); err != nil {
		return Attrs{}, err
	}
	f, a, err := s.open(key)
	if err != nil {
		return Attrs{}, err
	}
	f.Close()
	return a, nil
}

// open opens key's file and reads its header. The file handle keeps the
// version it opened even if a Put replaces the key meanwhile.
func (s *FS) open(key string) (*os.File, Attrs, error) {
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, Attrs{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, Attrs{}, fmt.Errorf("blob: open %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Attrs{}, fmt.Errorf("blob: open %s: %w", key, err)
	}
	if info.IsDir() {
		f.Close()
		return nil, Attrs{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	buf := make([]byte, headerSize)
	if _, err := io.ReadFull(f, buf); err != nil {
		f.Close()
		return nil, Attrs{}, fmt.Errorf("%w: %s: short header: %v", ErrChecksum, key, err)
	}
	h, err := decodeHeader(buf)
	if err != nil {
		f.Close()
		return nil, Attrs{}, fmt.Errorf("%w: %s: %v", ErrChecksum, key, err)
	}
	if got := info.Size() - headerSize; got != h.Size {
		f.Close()
		return nil, Attrs{}, fmt.Errorf("%w: %s: %d bytes on disk, stored size %d", ErrChecksum, key, got, h.Size)
	}
	return f, Attrs{Key: key, Size: h.Size, ContentType: h.ContentType, SHA256: h.SHA256, ModTime: info.ModTime()}, nil
}

// Delete implements Store. Directories left empty are removed, up to the
// root.
func (s *FS) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	path := s.path(key)
	if info, err := os.Lstat(path); err == nil && info.IsDir() {
		return nil // a "directory" of other keys, not an object
	}
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("blob: delete %s: fsync dir: %w", key, err)
	}
	for dir := filepath.Dir(path); dir != s.root && strings.HasPrefix(dir, s.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or in use): stop climbing
		}
	}
	return nil
}

// List implements Store.
func (s *FS) List(ctx context.Context, prefix string) ([]string, error) {
	if err := validPrefix(prefix); err != nil {
		return nil, err
	}
	// Walk the deepest directory the prefix names in full.
	start := s.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = s.path(prefix[:i])
	}
	keys := []string{}
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				return nil // a concurrent Delete removed it
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == start {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil // temporary file of a Put in progress
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			// Skip directories that cannot hold a matching key.
			if !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob: list %q: %w", prefix, err)
	}
	slices.Sort(keys)
	return keys, nil
}

// Close implements Store.
func (s *FS) Close() error { return nil }

func encodeHeader(h fileHeader) ([]byte, error) {
	js, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("blob: header: %w", err)
	}
	if len(headerMagic)+len(js)+1 > headerSize {
		return nil, fmt.Errorf("%w: attributes do not fit the %d-byte header", ErrInvalid, headerSize)
	}
	buf := bytes.Repeat([]byte{' '}, headerSize)
	copy(buf, headerMagic)
	copy(buf[len(headerMagic):], js)
	buf[headerSize-1] = '\n'
	return buf, nil
}

func decodeHeader(buf []byte) (fileHeader, error) {
	var h fileHeader
	if !bytes.HasPrefix(buf, []byte(headerMagic)) || buf[headerSize-1] != '\n' {
		return h, errors.New("not a blob file (bad header)")
	}
	if err := json.Unmarshal(bytes.TrimRight(buf[len(headerMagic):headerSize-1], " "), &h); err != nil {
		return h, fmt.Errorf("bad header: %v", err)
	}
	if h.Size < 0 || len(h.SHA256) != 64 {
		return h, errors.New("bad header values")
	}
	return h, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ctxReader stops a long copy when ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
