package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// S3Config configures the S3-compatible store.
type S3Config struct {
	Bucket string
	// Prefix is prepended to every key inside the bucket ("" = none), so
	// several deployments can share one bucket.
	Prefix string
	// Endpoint of an S3-compatible server (MinIO, R2, Ceph); empty = AWS.
	Endpoint string
	// Region (default us-east-1; R2 takes "auto").
	Region string
	// UsePathStyle addresses buckets as endpoint/bucket/key instead of
	// bucket.endpoint/key: what MinIO and Ceph usually need.
	UsePathStyle bool
	// AccessKeyID and SecretAccessKey; when empty the standard
	// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)
	// environment variables are used.
	AccessKeyID     string
	SecretAccessKey string
	// HTTPClient overrides the SDK's HTTP client (tests).
	HTTPClient *http.Client
	// SpoolDir holds the temporary copy of a large Put while it is hashed
	// (default os.TempDir()).
	SpoolDir string
}

// metaSHA256 is the user metadata key (x-amz-meta-sha256) of the checksum.
const metaSHA256 = "sha256"

// spoolMemory is how much of a Put is kept in memory before it spills to a
// temporary file. The body is spooled so its SHA-256 is known, and checked,
// before anything is uploaded, and so the SDK gets a seekable body it can
// sign and retry.
const spoolMemory = 1 << 20

// S3 is the store on an S3-compatible bucket. Each object's SHA-256 is kept
// in its user metadata. The SDK's own request and response checksums are
// set to "when required": MinIO, R2 and Ceph reject or mangle the
// aws-chunked uploads with trailing checksums the SDK sends by default.
// Retries of failed calls happen inside the SDK (3 attempts, with backoff,
// all S3 calls here are idempotent): do not wrap blob calls in another retry.
type S3 struct {
	client *s3.Client
	bucket string
	prefix string
	spool  string
}

// NewS3 returns the S3 store and checks that the bucket answers.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, fmt.Errorf("%w: no bucket", ErrConfig)
	}
	if cfg.Prefix != "" {
		if err := ValidKey(strings.TrimSuffix(cfg.Prefix, "/")); err != nil {
			return nil, fmt.Errorf("%w: prefix %q: %v", ErrConfig, cfg.Prefix, err)
		}
		cfg.Prefix = strings.TrimSuffix(cfg.Prefix, "/") + "/"
		if len(cfg.Prefix)+MaxKeyLen > 1024 {
			return nil, fmt.Errorf("%w: prefix longer than %d bytes", ErrConfig, 1024-MaxKeyLen-1)
		}
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") {
		return nil, fmt.Errorf("%w: access key and secret key go together", ErrConfig)
	}
	creds := aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey, Source: "autoevent config"}
	if creds.AccessKeyID == "" {
		creds = aws.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return nil, fmt.Errorf("%w: no S3 credentials (set --blob-access-key/--blob-secret-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)", ErrConfig)
	}
	opts := s3.Options{
		Region:                     cfg.Region,
		Credentials:                credentialsValue(creds),
		UsePathStyle:               cfg.UsePathStyle,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	s := &S3{client: s3.New(opts), bucket: cfg.Bucket, prefix: cfg.Prefix, spool: cfg.SpoolDir}
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(cfg.Bucket)}); err != nil {
		return nil, fmt.Errorf("blob: bucket %s: %w", cfg.Bucket, err)
	}
	return s, nil
}

type credentialsValue aws.Credentials

func (c credentialsValue) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Attrs, error) {
	if err := ValidKey(key); err != nil {
		return Attrs{}, err
	}
	opts, err := opts.normalize()
	if err != nil {
		return Attrs{}, err
	}
	hr := newHashingReader(r)
	body, cleanup, err := s.spoolBody(ctx, hr)
	defer cleanup()
	if err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	sum := hr.sum()
	if err := checkSum(key, sum, opts); err != nil {
		return Attrs{}, err
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.prefix + key),
		Body:          body,
		ContentLength: aws.Int64(hr.n),
		ContentType:   aws.String(opts.ContentType),
		Metadata:      map[string]string{metaSHA256: sum},
	})
	if err != nil {
		return Attrs{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	return Attrs{Key: key, Size: hr.n, ContentType: opts.ContentType, SHA256: sum, ModTime: time.Now()}, nil
}

// spoolBody reads r into memory, or into a temporary file past spoolMemory.
func (s *S3) spoolBody(ctx context.Context, r io.Reader) (io.ReadSeeker, func(), error) {
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, ctxReader{ctx, r}, spoolMemory+1)
	if errors.Is(err, io.EOF) || (err == nil && n <= spoolMemory) {
		return bytes.NewReader(buf.Bytes()), func() {}, nil
	}
	if err != nil {
		return nil, func() {}, err
	}
	f, err := os.CreateTemp(s.spool, "autoevent-blob-*")
	if err != nil {
		return nil, func() {}, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	if _, err := f.Write(buf.Bytes()); err != nil {
		return nil, cleanup, err
	}
	if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
		return nil, cleanup, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, cleanup, err
	}
	return f, cleanup, nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Attrs, error) {
	if err := ValidKey(key); err != nil {
		return nil, Attrs{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return nil, Attrs{}, s.err("get", key, err)
	}
	a := Attrs{Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType),
		SHA256: out.Metadata[metaSHA256], ModTime: aws.ToTime(out.LastModified)}
	return newVerifier(out.Body, out.Body, a), a, nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Attrs, error) {
	if err := ValidKey(key); err != nil {
		return Attrs{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return Attrs{}, s.err("stat", key, err)
	}
	return Attrs{Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType),
		SHA256: out.Metadata[metaSHA256], ModTime: aws.ToTime(out.LastModified)}, nil
}

// Delete implements Store (S3 deletes are idempotent already).
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil && !errors.Is(s.err("delete", key, err), ErrNotFound) {
		return s.err("delete", key, err)
	}
	return nil
}

// List implements Store.
func (s *S3) List(ctx context.Context, prefix string) ([]string, error) {
	if err := validPrefix(prefix); err != nil {
		return nil, err
	}
	keys := []string{}
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix + prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("blob: list %q: %w", prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(o.Key), s.prefix))
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// PresignGet returns a URL that fetches the object without credentials
// until ttl passes: for deployments that let browsers download large files
// from the bucket instead of through the app.
func (s *S3) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	req, err := s3.NewPresignClient(s.client).PresignGetObject(ctx,
		&s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)},
		s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("blob: presign %s: %w", key, err)
	}
	return req.URL, nil
}

// Close implements Store.
func (s *S3) Close() error { return nil }

// err maps a 404 (NoSuchKey on GET, a bare 404 on HEAD) to ErrNotFound;
// a missing bucket stays an error of its own.
func (s *S3) err(op, key string, err error) error {
	var status interface{ HTTPStatusCode() int }
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket" {
		return fmt.Errorf("blob: %s %s: %w", op, key, err)
	}
	if errors.As(err, &status) && status.HTTPStatusCode() == http.StatusNotFound {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("blob: %s %s: %w", op, key, err)
}
