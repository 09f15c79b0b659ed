package regionscmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

func TestCatalogOverride(t *testing.T) {
	data, err := os.ReadFile("../../pkg/catalog/catalog.txt")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cat.txt")
	os.WriteFile(path, append(data, "region | af-south-1 | AF-Johannesburg\n"...), 0o600)
	for _, env := range []map[string]string{{"FLEXUSL_CATALOG_FILE": path}, nil} {
		args := []string{"regions", "list"}
		if env == nil {
			args = append(args, "--catalog", path)
		}
		r := cmdtest.RunEnv(t, env, args...)
		if !strings.Contains(r.Out, "AF-Johannesburg") {
			t.Errorf("override not used: %+v", r)
		}
	}
}
