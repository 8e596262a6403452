package blob_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/blob"
)

func TestOpen(t *testing.T) {
	f := newFakeS3(t, "media")
	dir := t.TempDir()
	tests := []struct {
		name    string
		cfg     blob.Config
		want    string // "fs", "s3" or "error"
		wantDir string
	}{
		{"default is the data dir", blob.Config{Dir: dir}, "fs", dir},
		{"file URL", blob.Config{URL: "file://" + filepath.Join(dir, "x")}, "fs", filepath.Join(dir, "x")},
		{"s3", blob.Config{URL: "s3://media/prod?endpoint=" + f.url + "&region=auto&use_path_style=true", AccessKeyID: "k", SecretAccessKey: "s"}, "s3", ""},
		{"no dir", blob.Config{}, "error", ""},
		{"unknown scheme", blob.Config{URL: "gs://media"}, "error", ""},
		{"credentials in the URL", blob.Config{URL: "s3://key:secret@media?endpoint=" + f.url}, "error", ""},
		{"no bucket", blob.Config{URL: "s3:///x?endpoint=" + f.url, AccessKeyID: "k", SecretAccessKey: "s"}, "error", ""},
		{"bad endpoint", blob.Config{URL: "s3://media?endpoint=localhost:9000", AccessKeyID: "k", SecretAccessKey: "s"}, "error", ""},
		{"bad path style", blob.Config{URL: "s3://media?use_path_style=yes", AccessKeyID: "k", SecretAccessKey: "s"}, "error", ""},
		{"unknown parameter", blob.Config{URL: "s3://media?bucket_acl=public", AccessKeyID: "k", SecretAccessKey: "s"}, "error", ""},
		{"half the credentials", blob.Config{URL: "s3://media?endpoint=" + f.url, AccessKeyID: "k"}, "error", ""},
		{"relative file URL", blob.Config{URL: "file://relative/dir"}, "error", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", "")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "")
			s, err := blob.Open(context.Background(), tt.cfg)
			switch tt.want {
			case "error":
				if err == nil {
					s.Close()
					t.Fatal("Open = nil error, want one")
				}
				if !errors.Is(err, blob.ErrConfig) {
					t.Errorf("Open err = %v, want ErrConfig", err)
				}
				if strings.Contains(err.Error(), "key:secret") {
					t.Errorf("error repeats the credentials: %v", err)
				}
			case "fs":
				if err != nil {
					t.Fatal(err)
				}
				if fs, ok := s.(*blob.FS); !ok || fs.Root() != tt.wantDir {
					t.Errorf("Open = %T, want *FS at %s", s, tt.wantDir)
				}
			case "s3":
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := s.(*blob.S3); !ok {
					t.Errorf("Open = %T, want *S3", s)
				}
			}
		})
	}
}

// Without flags the standard AWS environment variables are the credentials.
func TestOpenS3CredentialsFromEnvironment(t *testing.T) {
	f := newFakeS3(t, "media")
	t.Setenv("AWS_ACCESS_KEY_ID", "env-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	s, err := blob.Open(context.Background(), blob.Config{URL: "s3://media?use_path_style=true&endpoint=" + f.url})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var auth string
	for _, h := range f.headers() {
		auth = h.Get("Authorization")
	}
	if !strings.Contains(auth, "Credential=env-key/") {
		t.Errorf("Authorization = %q, want it signed with env-key", auth)
	}
}
