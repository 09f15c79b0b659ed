package imagescmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

func TestProfileRegionFiltersImages(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("active_profile: tr\nprofiles:\n  tr:\n    region: tr-west-1\n"), 0o600)
	r := cmdtest.RunEnv(t, map[string]string{"FLEXUSL_CONFIG": path}, "images", "list", "-o", "json")
	if r.Code != 0 || strings.Contains(r.Out, `"version": "8.2"`) || !strings.Contains(r.Out, `"version": "7.9"`) {
		t.Errorf("%+v", r)
	}
	// A flag beats the profile.
	r = cmdtest.RunEnv(t, map[string]string{"FLEXUSL_CONFIG": path}, "images", "list", "-o", "json", "--region", "ap-southeast-3")
	if !strings.Contains(r.Out, `"version": "8.2"`) {
		t.Errorf("flag region ignored")
	}
}
