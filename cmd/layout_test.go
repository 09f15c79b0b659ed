package cmd

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageNames guards the layout rule of issue 17: no two packages of
// the module share a name for different jobs. A command package is named
// for its command with a "cmd" suffix (cmd/instance is package
// instancecmd), so it never shadows the model package it drives
// (pkg/instance is package instance); cmd/cmdutil is shared, not a command.
func TestPackageNames(t *testing.T) {
	root := ".."
	byName := map[string]string{} // package name -> directory
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		name, dir := f.Name.Name, filepath.ToSlash(filepath.Dir(path))
		if name == "main" {
			return nil
		}
		if prev, ok := byName[name]; ok && prev != dir {
			t.Errorf("package %s is both %s and %s: name one for what it provides, the command one <command>cmd", name, prev, dir)
		}
		byName[name] = dir
		if rel, ok := strings.CutPrefix(dir, "../cmd/"); ok && !strings.Contains(rel, "/") && rel != "cmdutil" && name != rel+"cmd" {
			t.Errorf("%s is package %s, want %scmd (command packages are named <command>cmd)", dir, name, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(byName) < 20 {
		t.Fatalf("found only %d packages from %s; the walk is not seeing the module", len(byName), root)
	}
}
