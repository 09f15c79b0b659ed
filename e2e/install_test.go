package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// make install under a PREFIX where bash-completion does not look says so,
// and where it does look, says nothing about bash.
func TestMakeInstallSaysWhereBashCompletionLooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	tmp := t.TempDir()
	install := func(prefix string) string {
		t.Helper()
		c := exec.Command("make", "-s", "install", "PREFIX="+prefix, "BIN="+filepath.Join(tmp, "flexusl"), "HOME="+filepath.Join(tmp, "home"))
		c.Dir = repoRoot // the Makefile's paths (completions/, docs/man) are relative to it
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("make install PREFIX=%s: %v\n%s", prefix, err, out)
		}
		return string(out)
	}
	out := install(filepath.Join(tmp, "opt"))
	if !strings.Contains(out, "bash: bash-completion does not look in "+filepath.Join(tmp, "opt", "share", "bash-completion", "completions")) ||
		!strings.Contains(out, "ln -s ") {
		t.Errorf("make install PREFIX=opt says nothing of where bash-completion looks:\n%s", out)
	}
	if out := install(filepath.Join(tmp, "home", ".local")); strings.Contains(out, "bash:") {
		t.Errorf("make install PREFIX=~/.local warns about bash:\n%s", out)
	}
}
