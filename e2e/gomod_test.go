package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// go.mod's go line is the lowest Go that builds flexusl: the highest go
// line among the modules it needs (a higher one makes an older 1.26
// toolchain try to download a newer one, which fails offline). No
// toolchain line either.
func TestGoLineIsTheLowestNeeded(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.GoVersion}} {{.Main}}", "all").Output()
	if err != nil {
		t.Skip("go list -m all:", err)
	}
	var main, need, needBy string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		if f[2] == "true" {
			main = f[1]
			continue
		}
		if need == "" || goLess(need, f[1]) {
			need, needBy = f[1], f[0]
		}
	}
	if main != need {
		t.Errorf("go.mod says go %s; the modules need go %s (%s): set go %s", main, need, needBy, need)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains("\n"+string(data), "\ntoolchain ") {
		t.Error("go.mod has a toolchain line")
	}
}

// goLess compares Go versions such as 1.23, 1.23.0, 1.26.4 (1.23 < 1.23.0).
func goLess(a, b string) bool {
	pa, pb := goParts(a), goParts(b)
	for i := range pa {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return false
}

func goParts(v string) [3]int {
	p := [3]int{0, 0, -1}
	for i, s := range strings.SplitN(v, ".", 3) {
		p[i], _ = strconv.Atoi(s)
	}
	return p
}
