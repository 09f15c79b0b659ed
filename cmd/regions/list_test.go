package regionscmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

type result struct {
	out, err string
	code     int
}

// run runs the command tree in-process with test streams and only the
// environment given (plus a config path in a temp dir).
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env}, args...)
	return result{r.Out, r.Err, r.Code}
}

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
		r := run(t, env, args...)
		if !strings.Contains(r.out, "AF-Johannesburg") {
			t.Errorf("override not used: %+v", r)
		}
	}
}
