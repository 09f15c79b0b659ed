package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/flexusl/flexusl/pkg/config"
)

// 20 processes setting a value in 20 different profiles at once: the
// config file's read-modify-write is locked, so all 20 are kept.
func TestConcurrentConfigSetKeepsEveryProfile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flexusl", "config.yaml")
	const n = 20
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		c := exec.Command(filepath.Join(binDirE2E, "flexusl"), "config", "set", "--profile", fmt.Sprintf("p%02d", i), "region", "ap-southeast-3")
		c.Env = []string{"HOME=" + dir, "FLEXUSL_CONFIG=" + path}
		cmds[i] = c
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Error(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.ParseFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Profiles) != n {
		t.Errorf("%d profiles kept of %d:\n%s", len(f.Profiles), n, data)
	}
}
