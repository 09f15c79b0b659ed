package cmdutil

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/mattn/go-runewidth"
)

// A table printed to a terminal fits its width (#22): the instance list of
// an 80-column terminal, IDs whole, what was left out named on stderr; a
// pipe gets the whole table.
func TestPrintFitsTheTerminal(t *testing.T) {
	tbl := func() ([]string, [][]string) {
		return []string{"ID", "NAME", "REGION", "STATUS", "SPEC", "PUBLIC IP", "EXPIRES", "CREATED"},
			[][]string{{"6743d0e3708be6007b8c8012", "web-1", "ap-southeast-3", "RUNNING", "hf.large.1.30m.linux", "203.0.113.7",
				"2026-12-20 15:59:59 UTC", "2026-11-20 10:00:00 UTC"}}
	}
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	for _, width := range []int{0, 80} {
		io, _, out, errOut := ui.Test()
		io.SetTTY(false, width > 0, false)
		io.SetTerminalWidth(width)
		f := &Factory{IO: io, Getenv: func(k string) string { return map[string]string{"FLEXUSL_CONFIG": cfg}[k] }}
		if err := f.Print(nil, tbl); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		widest := 0
		for _, l := range lines {
			widest = max(widest, runewidth.StringWidth(l))
		}
		switch width {
		case 0:
			if widest <= 80 || errOut.Len() != 0 {
				t.Errorf("a pipe got a cut table (%d columns): %s%s", widest, out, errOut)
			}
		default:
			if widest > 80 || !strings.Contains(out.String(), "6743d0e3708be6007b8c8012") || !strings.Contains(errOut.String(), "CREATED not shown: the terminal is 80 columns wide") {
				t.Errorf("%d columns:\n%s%s", widest, out, errOut)
			}
		}
	}
}
