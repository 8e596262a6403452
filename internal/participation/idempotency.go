package participation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/cache"
)

// Idempotency-Key handling as draft-ietf-httpapi-idempotency-key-header
// defines it: the first request with a key runs and its answer is stored
// with the request's fingerprint; a retry with the same key and the same
// body gets the stored answer; the same key with a different body is a 422;
// a retry while the first is still running is a 409.
const (
	idemTTL      = 24 * time.Hour   // how long answers are kept for replay
	idemInFlight = 30 * time.Second // bounds a lock left by a crashed process
)

type idemRecord struct {
	Fingerprint string          `json:"fp"`
	Done        bool            `json:"done"`
	Status      int             `json:"status,omitempty"`
	Body        json.RawMessage `json:"body,omitempty"`
}

// ParseIdempotencyKey accepts the header as the draft's sf-string
// ("\"8e03…\"") or bare, 1–255 printable ASCII characters.
func ParseIdempotencyKey(h string) (string, error) {
	k := strings.TrimSpace(h)
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if k == "" || len(k) > 255 {
		return "", ErrIdempotencyKeyInvalid
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", ErrIdempotencyKeyInvalid
		}
	}
	return k, nil
}

// Idempotent runs fn once per (scope, key). fn returns the status and the
// JSON body of a success; errors are not stored, so the client may retry.
// When the cache is unavailable, fn simply runs (the database still keeps
// one entry per phone number).
func (s *Service) Idempotent(ctx context.Context, scope, key string, body []byte,
	fn func() (int, []byte, error)) (status int, out []byte, replayed bool, err error) {
	sum := sha256.Sum256(body)
	fp := hex.EncodeToString(sum[:])
	ks := sha256.Sum256([]byte(key))
	ck := "idem:participation:" + scope + ":" + hex.EncodeToString(ks[:16])
	lock, _ := json.Marshal(idemRecord{Fingerprint: fp})
	won, cerr := s.d.Cache.SetNX(ctx, ck, lock, idemInFlight)
	if cerr != nil {
		s.d.Log.Warn("participation: idempotency store unavailable", "err", cerr)
		st, b, err := fn()
		return st, b, false, err
	}
	if !won {
		raw, gerr := s.d.Cache.Get(ctx, ck)
		if errors.Is(gerr, cache.ErrMiss) {
			// The first attempt just finished with an error or expired:
			// treat as still in flight rather than risk a double run.
			return 0, nil, false, ErrIdempotencyInFlight
		}
		if gerr != nil {
			st, b, err := fn()
			return st, b, false, err
		}
		var rec idemRecord
		if json.Unmarshal(raw, &rec) != nil {
			return 0, nil, false, ErrIdempotencyInFlight
		}
		switch {
		case rec.Fingerprint != fp:
			return 0, nil, false, ErrIdempotencyMismatch
		case !rec.Done:
			return 0, nil, false, ErrIdempotencyInFlight
		}
		return rec.Status, rec.Body, true, nil
	}
	status, out, err = fn()
	if err != nil || status >= 300 {
		_ = s.d.Cache.Delete(context.WithoutCancel(ctx), ck)
		return status, out, false, err
	}
	done, _ := json.Marshal(idemRecord{Fingerprint: fp, Done: true, Status: status, Body: out})
	if serr := s.d.Cache.Set(context.WithoutCancel(ctx), ck, done, idemTTL); serr != nil {
		s.d.Log.Warn("participation: idempotency answer not stored", "err", serr)
	}
	return status, out, false, nil
}
