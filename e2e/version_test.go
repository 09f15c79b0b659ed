package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// --version and -v print exactly what `flexusl version` prints, in every
// output format.
func TestVersionFlag(t *testing.T) {
	bin := filepath.Join(binDirE2E, "flexusl")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("flexusl %v: %v", args, err)
		}
		return string(out)
	}
	for _, format := range []string{"table", "json", "yaml"} {
		want := run("version", "-o", format)
		for _, flag := range []string{"--version", "-v"} {
			if got := run(flag, "-o", format); got != want {
				t.Errorf("flexusl %s -o %s:\n%s\nwant (flexusl version):\n%s", flag, format, got, want)
			}
		}
	}
}

// A binary built with plain `go build` (no Makefile ldflags) in a git
// checkout reports the commit Go embedded, not "none".
func TestVersionFromBuildInfo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout (or no git):", err)
	}
	if st, err := os.Stat(filepath.Join(repoRoot, ".git")); err != nil || !st.IsDir() {
		t.Skip("go build stamps VCS information only where .git is a directory (a clone, not a git worktree)")
	}
	bin := filepath.Join(t.TempDir(), "flexusl")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, repoRoot).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "-o", "json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Version, Commit string }
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	rev := strings.TrimSpace(string(head))[:12]
	if strings.TrimSuffix(v.Commit, "-dirty") != rev {
		t.Errorf("commit %q, want %s (HEAD)", v.Commit, rev)
	}
	if v.Version == "dev" || strings.HasPrefix(v.Version, "v") || !strings.Contains(v.Version, rev) && !strings.Contains(v.Version, ".") {
		t.Errorf("version %q: want the module version Go stamped (e.g. 0.0.0-20261127153900-%s)", v.Version, rev)
	}
}
