package blob

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Config selects and configures a store (see Open).
type Config struct {
	// URL picks the store: empty = the filesystem at Dir;
	// "file:///abs/dir" = the filesystem there;
	// "s3://bucket[/prefix]?endpoint=https://host&region=r&use_path_style=true"
	// = an S3-compatible bucket.
	URL string
	// Dir is the filesystem store's root when URL is empty (the app passes
	// <data dir>/blobs).
	Dir string
	// AccessKeyID and SecretAccessKey for S3 (else the AWS_* environment).
	AccessKeyID     string
	SecretAccessKey string
}

// Open returns the store cfg selects. For S3 it checks the bucket answers.
func Open(ctx context.Context, cfg Config) (Store, error) {
	if cfg.URL == "" {
		return NewFS(cfg.Dir)
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: blob URL: %v", ErrConfig, err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: blob URL carries credentials: pass them as --blob-access-key/--blob-secret-key", ErrConfig)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" || u.Path == "" {
			return nil, fmt.Errorf("%w: file URL wants file:///absolute/dir", ErrConfig)
		}
		return NewFS(u.Path)
	case "s3":
		sc, err := parseS3URL(u)
		if err != nil {
			return nil, err
		}
		sc.AccessKeyID, sc.SecretAccessKey = cfg.AccessKeyID, cfg.SecretAccessKey
		return NewS3(ctx, sc)
	default:
		return nil, fmt.Errorf("%w: blob URL scheme %q: want s3 or file", ErrConfig, u.Scheme)
	}
}

func parseS3URL(u *url.URL) (S3Config, error) {
	sc := S3Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/")}
	if sc.Bucket == "" {
		return sc, fmt.Errorf("%w: s3 URL names no bucket", ErrConfig)
	}
	for k, v := range u.Query() {
		val := v[len(v)-1]
		switch k {
		case "endpoint":
			e, err := url.Parse(val)
			if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
				return sc, fmt.Errorf("%w: s3 endpoint %q: want http(s)://host[:port]", ErrConfig, val)
			}
			sc.Endpoint = val
		case "region":
			sc.Region = val
		case "use_path_style":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return sc, fmt.Errorf("%w: use_path_style %q: want true or false", ErrConfig, val)
			}
			sc.UsePathStyle = b
		default:
			return sc, fmt.Errorf("%w: s3 URL parameter %q (known: endpoint, region, use_path_style)", ErrConfig, k)
		}
	}
	return sc, nil
}
