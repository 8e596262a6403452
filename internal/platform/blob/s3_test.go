package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/blob/blobtest"
)

// fakeS3 is an in-process S3 server (gofakes3, memory backend) that
// records the headers of every request it gets.
type fakeS3 struct {
	url     string
	backend *s3mem.Backend
	mu      sync.Mutex
	reqs    []http.Header
}

func newFakeS3(t *testing.T, buckets ...string) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New()}
	for _, b := range buckets {
		if err := f.backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	h := gofakes3.New(f.backend, gofakes3.WithTimeSkewLimit(0)).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Header.Clone())
		f.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func (f *fakeS3) headers() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.reqs...)
}

func openFake(t *testing.T, f *fakeS3, bucket, prefix string) *blob.S3 {
	t.Helper()
	s, err := blob.NewS3(context.Background(), blob.S3Config{
		Bucket: bucket, Prefix: prefix, Endpoint: f.url, Region: "auto", UsePathStyle: true,
		AccessKeyID: "test-key", SecretAccessKey: "test-secret",
	})
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestS3(t *testing.T) {
	var f *fakeS3
	blobtest.Run(t, func(t *testing.T) blob.Store {
		f = newFakeS3(t, "media")
		return openFake(t, f, "media", "deploy-1")
	}, blobtest.Options{Corrupt: func(t *testing.T, key string) {
		// Rewrite the object's bytes behind the store's back, keeping its
		// metadata (and so the checksum of the original).
		obj, err := f.backend.GetObject("media", "deploy-1/"+key, nil)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(obj.Contents)
		obj.Contents.Close()
		data[0] ^= 0xff
		if _, err := f.backend.PutObject("media", "deploy-1/"+key, obj.Metadata, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatal(err)
		}
	}})
}

// The SDK's default checksums (aws-chunked bodies with trailing CRCs, a
// checksum mode on GET) break MinIO, R2 and Ceph; the store sends plain
// requests.
func TestS3SendsNoOptionalChecksums(t *testing.T) {
	f := newFakeS3(t, "media")
	s := openFake(t, f, "media", "")
	blobtest.Put(t, s, "a/b.png", bytes.Repeat([]byte("x"), 4096), "image/png")
	blobtest.Read(t, s, "a/b.png")
	if _, err := s.List(context.Background(), "a/"); err != nil {
		t.Fatal(err)
	}
	for i, h := range f.headers() {
		for name := range h {
			n := strings.ToLower(name)
			if strings.HasPrefix(n, "x-amz-checksum") || n == "x-amz-sdk-checksum-algorithm" || n == "x-amz-trailer" ||
				n == "x-amz-checksum-mode" || n == "x-amz-decoded-content-length" {
				t.Errorf("request %d has header %s: %q", i, name, h.Get(name))
			}
		}
		if ce := h.Get("Content-Encoding"); strings.Contains(ce, "aws-chunked") {
			t.Errorf("request %d is aws-chunked", i)
		}
	}
}

func TestS3PrefixIsolatesDeployments(t *testing.T) {
	f := newFakeS3(t, "shared")
	a, b := openFake(t, f, "shared", "a"), openFake(t, f, "shared", "b/")
	blobtest.Put(t, a, "k", []byte("from a"), "")
	if _, err := b.Stat(context.Background(), "k"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("other deployment sees the key: err = %v", err)
	}
	if keys, err := b.List(context.Background(), ""); err != nil || len(keys) != 0 {
		t.Errorf("other deployment lists %q, %v", keys, err)
	}
	if keys, err := a.List(context.Background(), ""); err != nil || len(keys) != 1 || keys[0] != "k" {
		t.Errorf("List = %q, %v; want [k] without the bucket prefix", keys, err)
	}
}

func TestS3PresignGet(t *testing.T) {
	f := newFakeS3(t, "media")
	s := openFake(t, f, "media", "p")
	blobtest.Put(t, s, "v.mp4", []byte("video bytes"), "video/mp4")
	u, err := s.PresignGet(context.Background(), "v.mp4", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "X-Amz-Signature=") || !strings.Contains(u, "/media/p/v.mp4") {
		t.Errorf("presigned URL %s: want a signed path-style URL", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "video bytes" {
		t.Errorf("GET presigned = %d %q, want 200 %q", resp.StatusCode, body, "video bytes")
	}
}

func TestS3MissingBucketFailsAtOpen(t *testing.T) {
	f := newFakeS3(t)
	_, err := blob.NewS3(context.Background(), blob.S3Config{Bucket: "nope", Endpoint: f.url, UsePathStyle: true,
		AccessKeyID: "k", SecretAccessKey: "s"})
	if err == nil {
		t.Fatal("NewS3 of a missing bucket = nil error")
	}
}
