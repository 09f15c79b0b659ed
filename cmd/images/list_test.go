package imagescmd_test

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

func TestProfileRegionFiltersImages(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("active_profile: tr\nprofiles:\n  tr:\n    region: tr-west-1\n"), 0o600)
	r := run(t, map[string]string{"FLEXUSL_CONFIG": path}, "images", "list", "-o", "json")
	if r.code != 0 || strings.Contains(r.out, `"version": "8.2"`) || !strings.Contains(r.out, `"version": "7.9"`) {
		t.Errorf("%+v", r)
	}
	// A flag beats the profile.
	r = run(t, map[string]string{"FLEXUSL_CONFIG": path}, "images", "list", "-o", "json", "--region", "ap-southeast-3")
	if !strings.Contains(r.out, `"version": "8.2"`) {
		t.Errorf("flag region ignored")
	}
}
