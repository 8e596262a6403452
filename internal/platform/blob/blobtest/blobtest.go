// Package blobtest is the contract every blob.Store implementation must
// pass. An implementation's test calls Run with a constructor that returns
// a fresh, empty store for each subtest.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/blob"
)

// Options are implementation-specific hooks of the suite.
type Options struct {
	// Corrupt, when set, damages the stored bytes of key behind the
	// store's back (flip a byte on disk, rewrite the object in the bucket
	// without its checksum), so the suite can check reads detect it.
	Corrupt func(t *testing.T, key string)
}

// Run runs the contract against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store, opts Options) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("List", func(t *testing.T) { testList(t, newStore(t)) })
	t.Run("DeleteIsIdempotent", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("Checksums", func(t *testing.T) { testChecksums(t, newStore(t)) })
	t.Run("KeyValidation", func(t *testing.T) { testKeys(t, newStore(t)) })
	t.Run("ConcurrentPutsNeverTear", func(t *testing.T) { testConcurrent(t, newStore(t)) })
	if opts.Corrupt != nil {
		t.Run("CorruptionDetected", func(t *testing.T) { testCorrupt(t, newStore(t), opts.Corrupt) })
	}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Put stores data under key or fails the test.
func Put(t testing.TB, s blob.Store, key string, data []byte, contentType string) blob.Attrs {
	t.Helper()
	a, err := s.Put(context.Background(), key, bytes.NewReader(data), blob.PutOptions{ContentType: contentType})
	if err != nil {
		t.Fatalf("Put(%s): %v", key, err)
	}
	return a
}

// Read returns the content and attributes of key or fails the test.
func Read(t testing.TB, s blob.Store, key string) ([]byte, blob.Attrs) {
	t.Helper()
	rc, a, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	return b, a
}

func checkAttrs(t *testing.T, what string, got blob.Attrs, key string, data []byte, ct string) {
	t.Helper()
	if got.Key != key || got.Size != int64(len(data)) || got.ContentType != ct || got.SHA256 != sum(data) {
		t.Errorf("%s = {Key %q Size %d ContentType %q SHA256 %.12s…}, want {%q %d %q %.12s…}",
			what, got.Key, got.Size, got.ContentType, got.SHA256, key, len(data), ct, sum(data))
	}
	if got.ModTime.IsZero() {
		t.Errorf("%s: ModTime is zero", what)
	}
}

func testRoundTrip(t *testing.T, s blob.Store) {
	big := make([]byte, 3<<20+17) // past any in-memory spool
	for i := range big {
		big[i] = byte(i * 7)
	}
	tests := []struct {
		name, key, ct, wantCT string
		data                  []byte
	}{
		{"png", "events/e1/image-1.png", "image/png", "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00binary\x00")},
		{"empty", "events/e1/empty.txt", "text/plain; charset=utf-8", "text/plain; charset=utf-8", []byte{}},
		{"no content type", "raw", "", blob.DefaultContentType, []byte("x")},
		{"large video", "events/e1/video=15s.mp4", "video/mp4", "video/mp4", big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Put(t, s, tt.key, tt.data, tt.ct)
			checkAttrs(t, "Put attrs", a, tt.key, tt.data, tt.wantCT)
			st, err := s.Stat(context.Background(), tt.key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			checkAttrs(t, "Stat", st, tt.key, tt.data, tt.wantCT)
			got, ga := Read(t, s, tt.key)
			if !bytes.Equal(got, tt.data) {
				t.Errorf("Get returned %d bytes (sha %.12s), want %d (sha %.12s)", len(got), sum(got), len(tt.data), sum(tt.data))
			}
			checkAttrs(t, "Get attrs", ga, tt.key, tt.data, tt.wantCT)
		})
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	Put(t, s, "poster.pdf", []byte("first version, longer than the second"), "application/pdf")
	Put(t, s, "poster.pdf", []byte("second"), "image/png")
	got, a := Read(t, s, "poster.pdf")
	if string(got) != "second" {
		t.Errorf("Get after overwrite = %q, want %q", got, "second")
	}
	checkAttrs(t, "attrs after overwrite", a, "poster.pdf", []byte("second"), "image/png")
	if keys, err := s.List(context.Background(), ""); err != nil || !slices.Equal(keys, []string{"poster.pdf"}) {
		t.Errorf("List = %q, %v; want [poster.pdf]", keys, err)
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	ctx := context.Background()
	Put(t, s, "a/b", []byte("x"), "")
	for _, key := range []string{"missing", "a/missing", "a", "a/b/c"} {
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat(%s) err = %v, want ErrNotFound", key, err)
		}
		rc, _, err := s.Get(ctx, key)
		if rc != nil {
			rc.Close()
		}
		if !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Get(%s) err = %v, want ErrNotFound", key, err)
		}
	}
}

func testList(t *testing.T, s blob.Store) {
	ctx := context.Background()
	keys := []string{"events/e1/a.png", "events/e1/b.png", "events/e1/sub/c.png", "events/e10/a.png", "events/e2/a.png", "other", "events-x"}
	for _, k := range keys {
		Put(t, s, k, []byte(k), "")
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"events-x", "events/e1/a.png", "events/e1/b.png", "events/e1/sub/c.png", "events/e10/a.png", "events/e2/a.png", "other"}},
		{"events/e1/", []string{"events/e1/a.png", "events/e1/b.png", "events/e1/sub/c.png"}},
		{"events/e1", []string{"events/e1/a.png", "events/e1/b.png", "events/e1/sub/c.png", "events/e10/a.png"}},
		{"events/e1/a", []string{"events/e1/a.png"}},
		{"events", []string{"events-x", "events/e1/a.png", "events/e1/b.png", "events/e1/sub/c.png", "events/e10/a.png", "events/e2/a.png"}},
		{"events/e3/", []string{}},
		{"nothing", []string{}},
	}
	for _, tt := range tests {
		got, err := s.List(ctx, tt.prefix)
		if err != nil {
			t.Errorf("List(%q): %v", tt.prefix, err)
			continue
		}
		if got == nil || !slices.Equal(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	Put(t, s, "events/e1/a.png", []byte("a"), "")
	Put(t, s, "events/e1/b.png", []byte("b"), "")
	for i := range 2 {
		if err := s.Delete(ctx, "events/e1/a.png"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if err := s.Delete(ctx, "never/was"); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
	if _, err := s.Stat(ctx, "events/e1/a.png"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete err = %v, want ErrNotFound", err)
	}
	if got, _ := Read(t, s, "events/e1/b.png"); string(got) != "b" {
		t.Errorf("sibling after Delete = %q, want b", got)
	}
	if err := s.Delete(ctx, "events/e1/b.png"); err != nil {
		t.Fatal(err)
	}
	if keys, err := s.List(ctx, ""); err != nil || len(keys) != 0 {
		t.Errorf("List after deleting everything = %q, %v; want none", keys, err)
	}
	// The key space is usable again after its "directory" emptied.
	Put(t, s, "events/e1/c.png", []byte("c"), "")
	if got, _ := Read(t, s, "events/e1/c.png"); string(got) != "c" {
		t.Errorf("Get after re-put = %q, want c", got)
	}
}

func testChecksums(t *testing.T, s blob.Store) {
	ctx := context.Background()
	data := []byte("a QR poster")
	a, err := s.Put(ctx, "ok", bytes.NewReader(data), blob.PutOptions{SHA256: strings.ToUpper(sum(data))})
	if err != nil || a.SHA256 != sum(data) {
		t.Fatalf("Put with the right checksum = %+v, %v; want sha %s", a, err, sum(data))
	}

	Put(t, s, "kept", []byte("old"), "text/plain")
	_, err = s.Put(ctx, "kept", bytes.NewReader([]byte("new")), blob.PutOptions{SHA256: sum([]byte("something else"))})
	if !errors.Is(err, blob.ErrChecksum) {
		t.Errorf("Put with a wrong checksum err = %v, want ErrChecksum", err)
	}
	if got, _ := Read(t, s, "kept"); string(got) != "old" {
		t.Errorf("after a rejected Put the object is %q, want the old %q", got, "old")
	}
	_, err = s.Put(ctx, "fresh", bytes.NewReader([]byte("new")), blob.PutOptions{SHA256: sum([]byte("other"))})
	if !errors.Is(err, blob.ErrChecksum) {
		t.Errorf("Put(fresh) with a wrong checksum err = %v, want ErrChecksum", err)
	}
	if _, err := s.Stat(ctx, "fresh"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("rejected Put left an object: Stat err = %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"abc", strings.Repeat("z", 64), sum(data) + "00"} {
		if _, err := s.Put(ctx, "bad", bytes.NewReader(data), blob.PutOptions{SHA256: bad}); !errors.Is(err, blob.ErrInvalid) {
			t.Errorf("Put with checksum %q err = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := s.Put(ctx, "bad", bytes.NewReader(data), blob.PutOptions{ContentType: "not a type"}); !errors.Is(err, blob.ErrInvalid) {
		t.Errorf("Put with content type %q err = %v, want ErrInvalid", "not a type", err)
	}
	if keys, _ := s.List(ctx, "bad"); len(keys) != 0 {
		t.Errorf("rejected Puts left %q", keys)
	}
}

// BadKeys are keys every store must refuse.
var BadKeys = []string{
	"", "/abs", "/etc/passwd", "a/../b", "..", "../up", "a/..", ".", "./a", "a/./b", ".hidden", "a/.tmp-1",
	"a//b", "a/", "back\\slash", "sp ace", "new\nline", "nul\x00", "한글.png", "q?x", "pct%2e", "a:b",
	strings.Repeat("k", blob.MaxKeyLen+1), strings.Repeat("s", blob.MaxSegmentLen+1),
}

func testKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, key := range BadKeys {
		if _, err := s.Put(ctx, key, strings.NewReader("x"), blob.PutOptions{}); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) err = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q) err = %v, want ErrInvalidKey", key, err)
		}
		if rc, _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			if rc != nil {
				rc.Close()
			}
			t.Errorf("Get(%q) err = %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) err = %v, want ErrInvalidKey", key, err)
		}
	}
	for _, prefix := range []string{"/", "/a", "../", "a/../", "a//", ".", "a/.t", "sp ace"} {
		if _, err := s.List(ctx, prefix); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("List(%q) err = %v, want ErrInvalidKey", prefix, err)
		}
	}
	// The longest key works.
	seg := strings.Repeat("k", blob.MaxSegmentLen)
	long := seg + "/" + seg + "/" + seg[:blob.MaxKeyLen-2*blob.MaxSegmentLen-2-6] + "/a.bin"
	if len(long) != blob.MaxKeyLen {
		t.Fatalf("long key has %d bytes, want %d", len(long), blob.MaxKeyLen)
	}
	Put(t, s, long, []byte("x"), "")
	if keys, err := s.List(ctx, ""); err != nil || !slices.Equal(keys, []string{long}) {
		t.Errorf("List = %d keys, %v; want only the long key", len(keys), err)
	}
}

// testConcurrent races writers of distinct contents on one key against
// readers: every read must return one writer's content in full, with
// matching attributes, and the final object must be one of them.
func testConcurrent(t *testing.T, s blob.Store) {
	const writers, rounds, size = 6, 4, 200 << 10
	contents := make([][]byte, writers)
	sums := map[string]int{}
	for i := range contents {
		contents[i] = bytes.Repeat([]byte{byte('A' + i)}, size+i) // sizes differ too
		sums[sum(contents[i])] = i
	}
	ctx := context.Background()
	Put(t, s, "race/obj", contents[0], "image/png")
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*4)
	for i := range writers {
		wg.Go(func() {
			<-start
			for range rounds {
				if _, err := s.Put(ctx, "race/obj", bytes.NewReader(contents[i]), blob.PutOptions{ContentType: "image/png"}); err != nil {
					errs <- fmt.Errorf("writer %d: %w", i, err)
				}
			}
		})
	}
	for r := range 2 {
		wg.Go(func() {
			<-start
			for range rounds * 3 {
				rc, a, err := s.Get(ctx, "race/obj")
				if err != nil {
					errs <- fmt.Errorf("reader %d: Get: %w", r, err)
					continue
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					errs <- fmt.Errorf("reader %d: read: %w", r, err)
					continue
				}
				if i, ok := sums[sum(b)]; !ok || a.SHA256 != sum(b) || a.Size != int64(len(b)) {
					errs <- fmt.Errorf("reader %d: torn object: %d bytes, sha %.12s (writer %d, known %v), attrs sha %.12s size %d", r, len(b), sum(b), i, ok, a.SHA256, a.Size)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, a := Read(t, s, "race/obj")
	if i, ok := sums[sum(got)]; !ok || a.SHA256 != sum(got) {
		t.Errorf("final object is no writer's content (%d bytes, writer %d, known %v)", len(got), i, ok)
	}
	if keys, err := s.List(ctx, ""); err != nil || !slices.Equal(keys, []string{"race/obj"}) {
		t.Errorf("List after the race = %q, %v; want only race/obj (no temporary files)", keys, err)
	}
}

func testCorrupt(t *testing.T, s blob.Store, corrupt func(t *testing.T, key string)) {
	data := bytes.Repeat([]byte("poster "), 1000)
	Put(t, s, "events/e1/poster.pdf", data, "application/pdf")
	corrupt(t, "events/e1/poster.pdf")
	rc, _, err := s.Get(context.Background(), "events/e1/poster.pdf")
	if err != nil {
		if !errors.Is(err, blob.ErrChecksum) {
			t.Fatalf("Get of a corrupt object err = %v, want ErrChecksum (now or at the end of the read)", err)
		}
		return
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, blob.ErrChecksum) {
		t.Errorf("reading a corrupt object to the end err = %v, want ErrChecksum", err)
	}
}
