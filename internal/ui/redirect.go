package ui

import (
	"net/url"
	"strings"
)

// safeNext keeps a redirect after log-in on this site. It accepts only a
// parsed same-origin path: no scheme, host or user, a path that starts with
// one "/" (not "//"), and no control character or backslash anywhere, raw
// or percent-decoded. Browsers drop tabs and newlines from URLs and read
// "\" as "/", so "/\t/evil.example" and "/\evil.example" both mean
// "//evil.example", another origin. Anything else gives "/app".
func safeNext(next string) string {
	const home = "/app"
	if next == "" || len(next) > 512 || unsafeURLText(next) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || unsafeURLText(u.Path) {
		return home
	}
	return (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}).String()
}

// unsafeURLText reports control characters, spaces and backslashes, which
// browsers strip or reinterpret before resolving a URL.
func unsafeURLText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return true
		}
	}
	return false
}
