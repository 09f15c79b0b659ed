package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Package inits run on every start, --help and completion included. The
// budgets: no flexusl package's init allocates more than ownInitBytes,
// and all of the binary's inits together (the standard library's and the
// dependencies' too) allocate at most initOverBare more than those of the
// bare cobra+viper program the start-up benchmark compares with. Bytes
// allocated do not depend on the machine's load, so this cannot flake as
// a timing test would; what it catches is work added to start-up: a
// dependency whose init builds tables, a regexp or a map built at package
// level.
//
// The libraries the design card fixes are counted apart: tablewriter
// compiles three regexps at init (22 KB) and briandowns/spinner builds its
// character-set map (22 KB, with fatih/color). They are the price of the
// mandated packages, paid by every program that uses them; the budget
// holds everything else.
const (
	ownInitBytes = 4 << 10
	initOverBare = 32 << 10
)

// fixedByDesign are the design card's packages (and what they alone pull
// in) whose init cost is accepted as it is.
var fixedByDesign = map[string]bool{
	"github.com/olekukonko/tablewriter": true,
	"github.com/briandowns/spinner":     true,
	"github.com/fatih/color":            true,
}

func TestStartupInitBudget(t *testing.T) {
	bare := filepath.Join(t.TempDir(), "bare")
	if out, err := exec.Command("go", "build", "-o", bare, "./testdata/bare").CombinedOutput(); err != nil {
		t.Fatalf("build bare: %v\n%s", err, out)
	}
	home := t.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"), "GODEBUG=inittrace=1"}
	bareInits := initAllocs(t, env, bare, "--help")
	var bareTotal int
	for _, b := range bareInits {
		bareTotal += b
	}
	for _, args := range [][]string{{"--help"}, {"specs", "list", "-o", "json"}, {"__complete", "instance", "buy", "--spec", ""}} {
		inits := initAllocs(t, env, filepath.Join(binDirE2E, "flexusl"), args...)
		total := 0
		for pkg, b := range inits {
			if fixedByDesign[pkg] {
				continue
			}
			total += b
			if strings.HasPrefix(pkg, "github.com/flexusl/flexusl") && b > ownInitBytes {
				t.Errorf("flexusl %v: init of %s allocates %d bytes (budget %d): build it on first use", args, pkg, b, ownInitBytes)
			}
		}
		if total > bareTotal+initOverBare {
			var added []string
			for pkg, b := range inits {
				if _, ok := bareInits[pkg]; !ok && b > 0 && !fixedByDesign[pkg] {
					added = append(added, pkg+" "+strconv.Itoa(b))
				}
			}
			t.Errorf("flexusl %v: package inits allocate %d bytes, the bare program's %d: more than %d over; the inits not in the bare program: %s",
				args, total, bareTotal, initOverBare, strings.Join(added, ", "))
		}
		if len(inits) < 50 {
			t.Errorf("flexusl %v: only %d inits traced; is GODEBUG=inittrace=1 still the format?", args, len(inits))
		}
	}
}

// initAllocs runs bin with GODEBUG=inittrace=1 and returns the bytes each
// package's init allocated ("init PKG @0.1 ms, 0.01 ms clock, 1552 bytes,
// 11 allocs").
func initAllocs(t *testing.T, env []string, bin string, args ...string) map[string]int {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr.Bytes())
	}
	out := map[string]int{}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		b, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("inittrace line %q: %v", sc.Text(), err)
		}
		out[f[1]] += b
	}
	return out
}
