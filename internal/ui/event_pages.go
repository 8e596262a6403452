package ui

import "net/http"

// eventRoutes registers the event pages.
func (s *Site) eventRoutes(mux *http.ServeMux) {}
