package main

import (
	"context"
	"errors"
	"io"
)

// verifyDraw is completed with the participation service.
func verifyDraw(ctx context.Context, args []string, stdout io.Writer) error {
	return errors.New("verify-draw: not available yet")
}
