package blob

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Serve writes the object at key as the response to a GET or HEAD: its
// content type, length, a strong ETag (the SHA-256) and nosniff. A
// matching If-None-Match answers 304. Content the store can seek (the
// filesystem) also answers Range requests, which video players need.
// Errors are returned before anything is written (ErrNotFound,
// ErrInvalidKey …) so the caller answers with its own error format; an
// error while streaming aborts the connection, so a client never takes a
// truncated body for a whole one.
func Serve(w http.ResponseWriter, r *http.Request, s Store, key string) error {
	ctx := r.Context()
	if r.Method == http.MethodHead {
		a, err := s.Stat(ctx, key)
		if err != nil {
			return err
		}
		setHeaders(w, a)
		if notModified(r, a) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		w.Header().Set("Content-Length", strconv.FormatInt(a.Size, 10))
		return nil
	}
	rc, a, err := s.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	setHeaders(w, a)
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", a.ModTime, rs) // handles If-None-Match and Range
		return nil
	}
	if notModified(r, a) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Length", strconv.FormatInt(a.Size, 10))
	if _, err := io.Copy(w, rc); err != nil && !errors.Is(err, context.Canceled) {
		panic(http.ErrAbortHandler)
	}
	return nil
}

func setHeaders(w http.ResponseWriter, a Attrs) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if a.SHA256 != "" {
		h.Set("ETag", `"`+a.SHA256+`"`)
	}
	if !a.ModTime.IsZero() {
		h.Set("Last-Modified", a.ModTime.UTC().Format(http.TimeFormat))
	}
}

func notModified(r *http.Request, a Attrs) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" || a.SHA256 == "" {
		return false
	}
	for tag := range strings.SplitSeq(inm, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == `"`+a.SHA256+`"` {
			return true
		}
	}
	return false
}
