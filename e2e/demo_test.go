package e2e

import (
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// make demo, as the README's quick start runs it: the purchase completes,
// and every command it shows ("$ flexusl ...") is exactly the one it runs.
func TestMakeDemo(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// -o build: use the binary TestMain built instead of rebuilding bin/flexusl.
	cmd := exec.Command("make", "-s", "-o", "build", "demo", "DEMO_PORT="+strconv.Itoa(port), "BIN="+filepath.Join(binDirE2E, "flexusl"))
	cmd.Dir = repoRoot // where the Makefile is
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo: %v\n%s", err, out)
	}
	got := string(out)
	shown := regexp.MustCompile(`(?m)^\$ flexusl (.*)$`).FindAllStringSubmatch(got, -1)
	want := []string{
		"instance buy --region ap-southeast-3 --name demo-web --image WordPress --spec hf.large.1.30m.linux --auto-pay --yes --wait --interval 1s",
		"order show --last",
		"order list",
	}
	if len(shown) != len(want) {
		t.Fatalf("make demo shows %d commands, want %d:\n%s", len(shown), len(want), got)
	}
	for i, w := range want {
		if shown[i][1] != w {
			t.Errorf("make demo shows %q, want %q", shown[i][1], w)
		}
	}
	if !strings.Contains(got, "  completed  ") || !regexp.MustCompile(`CS[A-Z0-9]{15} .* completed`).MatchString(got) {
		t.Errorf("the demo's order did not complete:\n%s", got)
	}
}
