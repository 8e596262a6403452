package ui

import "net/http"

// participationRoutes registers the participation pages.
func (s *Site) participationRoutes(mux *http.ServeMux) {}
