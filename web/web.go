// Package web holds the templates and static files of the owner web app and
// the public participation pages, embedded in the binary.
package web

import "embed"

// FS holds templates/ and static/.
//
//go:embed templates static
var FS embed.FS
