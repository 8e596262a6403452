// Package blob stores generated files (images, videos, PDFs) by key.
//
// Two implementations pass the same contract suite (blobtest.Run): FS, the
// embedded default, keeps each object as one file under the data directory;
// S3 keeps it in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2,
// Ceph). Open picks one from Config.URL.
//
// Serving: the app proxies every blob through its own handler (Serve), for
// both implementations, so access checks, caching headers and URLs stay the
// same in both modes and no bucket needs public access or CORS rules. The
// filesystem store answers Range requests (video seeking); an S3 deployment
// that would rather not stream large files through the app can hand out
// short-lived presigned URLs instead (S3.PresignGet).
//
// Every object carries its SHA-256, computed on Put (and compared with the
// caller's, when given) and verified again when a reader reaches the end:
// a reader of a corrupt or torn object gets ErrChecksum instead of io.EOF.
package blob

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors; test them with errors.Is.
var (
	// ErrNotFound reports a key that holds no object.
	ErrNotFound = errors.New("blob: not found")
	// ErrInvalidKey reports a key or prefix outside the key rules (ValidKey).
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrInvalid reports another invalid argument (content type, checksum
	// format).
	ErrInvalid = errors.New("blob: invalid argument")
	// ErrChecksum reports content whose SHA-256 differs from the expected
	// one: on Put, nothing was stored; on read, the object is corrupt.
	ErrChecksum = errors.New("blob: checksum mismatch")
	// ErrConfig reports an invalid Config.
	ErrConfig = errors.New("blob: invalid config")
)

// DefaultContentType is stored when Put is given none.
const DefaultContentType = "application/octet-stream"

// MaxKeyLen is the longest key, in bytes: S3's limit of 1024 less room for
// a deployment prefix in a shared bucket (S3Config.Prefix). MaxSegmentLen
// is the longest part between two '/' (a file name's limit).
const (
	MaxKeyLen     = 768
	MaxSegmentLen = 255
)

// Store is a blob store. Implementations are safe for concurrent use; a Put
// replaces the object atomically, so a reader sees either the old or the
// new object in full, never a mix, however many writers race on one key.
type Store interface {
	// Put stores the content of r under key, replacing any object there.
	// With opts.SHA256 set the content must hash to it, or nothing is
	// stored and the error is ErrChecksum.
	Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Attrs, error)
	// Get opens the object. The reader verifies size and SHA-256 when it
	// reaches the end (ErrChecksum instead of io.EOF on a mismatch). The
	// caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, Attrs, error)
	// Stat returns the object's attributes.
	Stat(ctx context.Context, key string) (Attrs, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the keys that start with prefix ("" for all), sorted
	// by byte order. A prefix is any leading part of a key, not only a
	// whole "directory".
	List(ctx context.Context, prefix string) ([]string, error)
	// Close releases the store's resources.
	Close() error
}

// PutOptions are the optional parts of a Put.
type PutOptions struct {
	// ContentType is stored with the object (DefaultContentType when empty).
	ContentType string
	// SHA256, when set, is the hex SHA-256 the content must have.
	SHA256 string
}

// Attrs describe a stored object.
type Attrs struct {
	Key         string
	Size        int64
	ContentType string
	// SHA256 is the hex SHA-256 of the content. Empty only for objects
	// written to a bucket by something other than this package.
	SHA256  string
	ModTime time.Time
}

// ValidKey checks the key rules, the same for every implementation so a key
// that works on the filesystem works on S3 and back: 1 to MaxKeyLen bytes of
// "/"-separated segments, each made of ASCII letters, digits, '.', '_', '-'
// and '=', at most MaxSegmentLen bytes (a file name's limit) and not
// starting with '.' (no "..", no hidden or temporary names); no leading,
// trailing or doubled '/', so no absolute paths.
func ValidKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return fmt.Errorf("%w: %d bytes, want 1 to %d", ErrInvalidKey, len(key), MaxKeyLen)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if err := validSegment(seg); err != nil {
			return fmt.Errorf("%w: %q: %s", ErrInvalidKey, key, err)
		}
	}
	return nil
}

// validPrefix checks a List prefix: empty, or a key's leading part (so it
// may end in '/' or in the middle of a segment).
func validPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if len(prefix) > MaxKeyLen {
		return fmt.Errorf("%w: prefix longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	segs := strings.Split(prefix, "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		if last && seg == "" && i > 0 {
			break // trailing '/'
		}
		if err := validSegment(seg); err != nil {
			return fmt.Errorf("%w: prefix %q: %s", ErrInvalidKey, prefix, err)
		}
	}
	return nil
}

func validSegment(seg string) error {
	if seg == "" {
		return errors.New("empty segment (leading, trailing or doubled '/')")
	}
	if seg[0] == '.' {
		return errors.New("segment starts with '.'")
	}
	if len(seg) > MaxSegmentLen {
		return fmt.Errorf("segment longer than %d bytes", MaxSegmentLen)
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-', c == '=':
		default:
			r, _ := utf8.DecodeRuneInString(seg[i:])
			return fmt.Errorf("character %q not allowed", r)
		}
	}
	return nil
}

// normalize checks opts and fills in the default content type.
func (o PutOptions) normalize() (PutOptions, error) {
	if o.ContentType == "" {
		o.ContentType = DefaultContentType
	}
	if len(o.ContentType) > 255 {
		return o, fmt.Errorf("%w: content type longer than 255 bytes", ErrInvalid)
	}
	if _, _, err := mime.ParseMediaType(o.ContentType); err != nil {
		return o, fmt.Errorf("%w: content type %q: %v", ErrInvalid, o.ContentType, err)
	}
	if o.SHA256 != "" {
		b, err := hex.DecodeString(o.SHA256)
		if err != nil || len(b) != 32 {
			return o, fmt.Errorf("%w: SHA256 %q is not 64 hex digits", ErrInvalid, o.SHA256)
		}
		o.SHA256 = strings.ToLower(o.SHA256)
	}
	return o, nil
}
