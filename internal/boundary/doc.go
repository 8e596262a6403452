// Package boundary holds no code: its tests enforce the product's seams —
// which packages may import which, and that every error code is declared
// once. See docs/architecture.md, "Boundaries".
package boundary
