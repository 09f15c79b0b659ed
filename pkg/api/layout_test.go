package api

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// TestImportsNoModel guards the layout rule of issue 17: the models
// (purchase, catalog, instance, order, billing, ...) import pkg/api and
// pkg/api imports none of them; it owns the shapes it sends (CreateBody).
// Only the lower layers below are allowed.
func TestImportsNoModel(t *testing.T) {
	allowed := []string{"auth", "exitcode", "redact", "safetext", "service"}
	p, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range p.Imports {
		rest, ok := strings.CutPrefix(imp, "github.com/flexusl/flexusl/")
		if !ok {
			continue
		}
		if name, ok := strings.CutPrefix(rest, "pkg/"); !ok || !slices.Contains(allowed, name) {
			t.Errorf("pkg/api imports %s; it may import only pkg/{%s} (models import pkg/api, not the other way)", imp, strings.Join(allowed, ","))
		}
	}
}
