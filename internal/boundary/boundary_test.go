package boundary

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/autoevent/autoevent/internal/"

// notServices are the top-level folders of internal/ that are not services:
// the wiring, the shared packages, the web pages, the simulators and the
// tests that span everything.
var notServices = []string{"app", "boundary", "config", "e2e", "messages", "platform", "sandbox", "ui"}

// file is one parsed Go file of internal/.
type file struct {
	path string // relative to internal/, e.g. "event/service.go"
	ast  *ast.File
}

func parseAll(t *testing.T) []file {
	t.Helper()
	var out []file
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		out = append(out, file{path: filepath.ToSlash(rel), ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d Go files under internal/: wrong directory?", len(out))
	}
	return out
}

// area is the top-level folder of internal/ a path belongs to.
func area(rel string) string { a, _, _ := strings.Cut(rel, "/"); return a }

// TestImports enforces the boundary rule: a service imports only the
// platform, the message package and its own subtree; the platform imports
// only itself; the message package only the standard library. The wiring
// (app), the pages (ui), the simulators (sandbox), the end-to-end tests and
// cmd may import services. Tests of a service may also use the simulators,
// which speak the external APIs' wire formats.
func TestImports(t *testing.T) {
	for _, f := range parseAll(t) {
		from := area(f.path)
		test := strings.HasSuffix(f.path, "_test.go")
		for _, imp := range f.ast.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module) {
				if from == "messages" && strings.Contains(p, ".") {
					t.Errorf("%s imports %s: the message package uses the standard library only", f.path, p)
				}
				continue
			}
			to := area(strings.TrimPrefix(p, module))
			var ok bool
			switch {
			case from == "messages":
				ok = to == "messages"
			case from == "platform":
				ok = to == "platform"
			case slices.Contains(notServices, from):
				ok = true
			default: // a service
				ok = to == from || to == "platform" || to == "messages" || (test && to == "sandbox")
			}
			if !ok {
				t.Errorf("%s imports %s: %s may not depend on %s (see docs/architecture.md, Boundaries)", f.path, p, from, to)
			}
		}
	}
}

// isCodeDecl reports whether fn is apperr.New or apperr.InvalidField (or
// New/InvalidField inside package apperr itself).
func isCodeDecl(fn ast.Expr, pkg string) bool {
	name := ""
	switch f := fn.(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "apperr" {
			name = f.Sel.Name
		}
	case *ast.Ident:
		if pkg == "apperr" {
			name = f.Name
		}
	}
	return name == "New" || name == "InvalidField"
}

// TestErrorCodesUnique: every error code literal (apperr.New and
// apperr.InvalidField) is declared once in the product, so a code means one
// thing to clients. Codes several services answer with for the same reason
// are constants in internal/messages.
func TestErrorCodesUnique(t *testing.T) {
	seen := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			if !isCodeDecl(call.Fun, f.Name.Name) {
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			code, _ := strconv.Unquote(lit.Value)
			at := fset.Position(lit.Pos()).String()
			if prev, dup := seen[code]; dup {
				t.Errorf("error code %q declared twice: %s and %s", code, prev, at)
			}
			seen[code] = at
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 20 {
		t.Fatalf("found only %d error codes: the scan is broken", len(seen))
	}
}
