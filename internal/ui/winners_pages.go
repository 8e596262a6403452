package ui

import "net/http"

// winnersRoutes registers the draw and winners pages.
func (s *Site) winnersRoutes(mux *http.ServeMux) {}
