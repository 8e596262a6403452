package ui

import "net/http"

// userRoutes registers the user pages.
func (s *Site) userRoutes(mux *http.ServeMux) {}
