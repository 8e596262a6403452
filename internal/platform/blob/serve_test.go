package blob_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/blob"
	"github.com/autoevent/autoevent/internal/platform/blob/blobtest"
)

func TestServe(t *testing.T) {
	fs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]blob.Store{"fs": fs, "s3": openFake(t, newFakeS3(t, "media"), "media", "")}
	for name, s := range stores {
		t.Run(name, func(t *testing.T) {
			a := blobtest.Put(t, s, "events/e1/poster.png", []byte("0123456789"), "image/png")
			etag := `"` + a.SHA256 + `"`
			serve := func(method, key string, hdr map[string]string) (*httptest.ResponseRecorder, error) {
				req := httptest.NewRequest(method, "/files/"+key, nil)
				for k, v := range hdr {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				return rec, blob.Serve(rec, req, s, key)
			}
			rec, err := serve("GET", "events/e1/poster.png", nil)
			if err != nil || rec.Code != 200 || rec.Body.String() != "0123456789" {
				t.Fatalf("GET = %d %q, %v; want 200 with the content", rec.Code, rec.Body, err)
			}
			for k, want := range map[string]string{"Content-Type": "image/png", "Content-Length": "10", "ETag": etag, "X-Content-Type-Options": "nosniff"} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if rec, err := serve("HEAD", "events/e1/poster.png", nil); err != nil || rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "10" {
				t.Errorf("HEAD = %d, %d bytes, length %q, %v", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"), err)
			}
			if rec, err := serve("GET", "events/e1/poster.png", map[string]string{"If-None-Match": etag}); err != nil || rec.Code != http.StatusNotModified {
				t.Errorf("GET If-None-Match = %d, %v; want 304", rec.Code, err)
			}
			if name == "fs" {
				rec, err := serve("GET", "events/e1/poster.png", map[string]string{"Range": "bytes=2-4"})
				if err != nil || rec.Code != http.StatusPartialContent || rec.Body.String() != "234" {
					t.Errorf("GET Range = %d %q, %v; want 206 \"234\"", rec.Code, rec.Body, err)
				}
			}
			if rec, err := serve("GET", "events/e1/missing.png", nil); !errors.Is(err, blob.ErrNotFound) || rec.Body.Len() != 0 || len(rec.Header()) != 0 {
				t.Errorf("GET missing = %v with %d bytes and headers %v written; want ErrNotFound and nothing written", err, rec.Body.Len(), rec.Header())
			}
			if _, err := serve("GET", "../secrets.json", nil); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("GET ../secrets.json err = %v, want ErrInvalidKey", err)
			}
		})
	}
}
