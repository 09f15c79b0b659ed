package cmd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// initCallsAllowed are the calls a package-level var of flexusl may make:
// each costs a small allocation or two (sync.OnceValue is how to defer
// the rest).
var initCallsAllowed = map[string]bool{"errors.New": true, "time.FixedZone": true,
	"sync.OnceValue": true, "sync.OnceValues": true, "sync.OnceFunc": true}

// TestNoStartupWorkInPackageVars keeps work out of every run's start-up:
// no init() and no package-level var built by a call (regexp.MustCompile,
// template.Must, json.Unmarshal of embedded data, a table computed by a
// function...) in flexusl's packages. Such work runs before any command,
// --help and completion included, and is paid on every start; do it on
// first use (sync.OnceValue, or inside the function that needs it).
// Conversions and function literals are fine; a map literal is allowed
// (small ones only: TestStartupInitBudget in e2e weighs what inits
// allocate). internal/gojq is a vendored copy, already made lazy by
// scripts/gojq/vendor.sh; the init budget covers it.
func TestNoStartupWorkInPackageVars(t *testing.T) {
	root := ".."
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor" || filepath.ToSlash(path) == "../internal/gojq") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" && filepath.Dir(path) != root {
			return nil // a generator run by hand, not the binary
		}
		files++
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name == "init" {
					t.Errorf("%s: func init() runs on every start; do the work on first use", fset.Position(d.Pos()))
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					for _, v := range spec.(*ast.ValueSpec).Values {
						ast.Inspect(v, func(n ast.Node) bool {
							switch n := n.(type) {
							case *ast.FuncLit:
								return false // runs when called, not at start-up
							case *ast.CallExpr:
								if name, call := callName(n); call && !initCallsAllowed[name] {
									t.Errorf("%s: package-level var calls %s at every start; compute it on first use (sync.OnceValue)", fset.Position(n.Pos()), name)
								}
							}
							return true
						})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read only %d files from %s; the walk is not seeing the module", files, root)
	}
}

// callName is a call's function as pkg.Func or Func; call is false for a
// conversion ([]byte("..."), string(b)), which is allowed.
func callName(c *ast.CallExpr) (name string, call bool) {
	switch fn := c.Fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok {
			return id.Name + "." + fn.Sel.Name, true
		}
		return "a method", true
	case *ast.Ident:
		switch fn.Name {
		case "string", "int", "int64", "uint", "float64", "byte", "rune", "bool":
			return fn.Name, false
		}
		return fn.Name, true
	case *ast.ArrayType:
		return "a conversion", false
	}
	return "a function value", true
}
