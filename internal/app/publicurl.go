package app

import (
	"net"
	"net/url"
	"strings"
)

// warnLoopbackPublicURL says once, at start, that the links this process
// puts in QR codes, posters and messages lead nowhere for customers: the
// default public URL is http://localhost:<port>, which a phone resolves to
// itself.
func (a *App) warnLoopbackPublicURL() {
	if !isLoopbackURL(a.cfg.PublicURL) {
		return
	}
	a.log.Warn("public URL is a loopback address: links in QR codes, posters and messages open only on this machine; set --public-url to an address customers' phones can reach",
		"public_url", a.cfg.PublicURL)
}

// isLoopbackURL reports whether u's host is this machine only: localhost
// (and *.localhost), a loopback IP, or the unspecified address.
func isLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(p.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
