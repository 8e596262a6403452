package blob_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/blob/blobtest"
)

func TestFS(t *testing.T) {
	var root string
	blobtest.Run(t, func(t *testing.T) blob.Store {
		root = t.TempDir()
		s, err := blob.NewFS(root)
		if err != nil {
			t.Fatalf("NewFS: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, blobtest.Options{Corrupt: func(t *testing.T, key string) {
		path := filepath.Join(root, filepath.FromSlash(key))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)-1] ^= 0xff // same size, different bytes
		if err := os.WriteFile(path, b, 0o640); err != nil {
			t.Fatal(err)
		}
	}})
}

// A file cut short (a torn write by something else, a full disk) is
// reported as corrupt when opened, not served short.
func TestFSTruncatedFileIsCorrupt(t *testing.T) {
	root := t.TempDir()
	s, err := blob.NewFS(root)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Put(t, s, "a/b.png", bytes.Repeat([]byte("x"), 4096), "image/png")
	path := filepath.Join(root, "a", "b.png")
	if err := os.Truncate(path, 2048); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(context.Background(), "a/b.png"); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("Stat of a truncated file err = %v, want ErrChecksum", err)
	}
}

// Deleting the last object of a "directory" removes the directory, so
// per-event folders do not pile up; the root stays.
func TestFSDeleteRemovesEmptyDirs(t *testing.T) {
	root := t.TempDir()
	s, err := blob.NewFS(root)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Put(t, s, "events/e1/img/a.png", []byte("a"), "")
	blobtest.Put(t, s, "events/e2/a.png", []byte("a"), "")
	if err := s.Delete(context.Background(), "events/e1/img/a.png"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "events", "e1")); !os.IsNotExist(err) {
		t.Errorf("events/e1 still exists (err %v), want it removed", err)
	}
	if _, err := os.Stat(filepath.Join(root, "events", "e2", "a.png")); err != nil {
		t.Errorf("sibling removed: %v", err)
	}
}

// A leftover temporary file of a crashed Put is never listed or served.
func TestFSIgnoresTemporaryFiles(t *testing.T) {
	root := t.TempDir()
	s, err := blob.NewFS(root)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Put(t, s, "a/b.png", []byte("b"), "")
	if err := os.WriteFile(filepath.Join(root, "a", ".tmp-123"), []byte("half"), 0o640); err != nil {
		t.Fatal(err)
	}
	keys, err := s.List(context.Background(), "")
	if err != nil || len(keys) != 1 || keys[0] != "a/b.png" {
		t.Errorf("List = %q, %v; want [a/b.png]", keys, err)
	}
}
