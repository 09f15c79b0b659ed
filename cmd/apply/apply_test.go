package applycmd_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

const applyFleet = "fleet: t\ndefaults: {region: ap-southeast-3, image: BT, spec: hf.large.1.30m.linux, auto_pay: true}\ninstances: [{name: app-1}]\n"

// On a terminal apply shows the plan and asks: no sends nothing, yes buys.
func TestApplyAsksOnTerminal(t *testing.T) {
	w := newFWWorld(t)
	file := filepath.Join(w.dir, "fleet.yaml")
	os.WriteFile(file, []byte(applyFleet), 0o600)
	before := len(w.s.Orders()) // the world's own
	w.s.SetCompleteAfter(1)     // paid orders complete at once: the re-run finds the instance
	r := w.ExecTTY(t, "n\n", "apply", "-f", file)
	if r.Code != 2 || !strings.Contains(r.Err, "+ buy app-1 (hf.large.1.30m.linux") || !strings.Contains(r.Err, "Apply these changes?") ||
		!strings.Contains(r.Err, "cancelled: nothing was sent") || len(w.s.Orders()) != before {
		t.Fatalf("no: exit %d, %d orders\n%s", r.Code, len(w.s.Orders()), r.Err)
	}
	r = w.ExecTTY(t, "y\n", "apply", "-f", file, "-o", "json")
	if r.Code != 0 || len(w.s.Orders()) != before+1 || !strings.Contains(r.Out, `"bought": [`) {
		t.Fatalf("yes: exit %d, %d orders\n%s\n%s", r.Code, len(w.s.Orders()), r.Out, r.Err)
	}
	// Nothing to do: nothing asked.
	r = w.ExecTTY(t, "", "apply", "-f", file)
	if r.Code != 0 || strings.Contains(r.Err, "Apply these changes?") || !strings.Contains(r.Err, "nothing to do") {
		t.Fatalf("again: exit %d\n%s", r.Code, r.Err)
	}
}

// The file: at most 1 MiB (refused, not cut), or stdin with -f -; a
// missing file is exit 2; nothing is read from the account before the
// file is valid.
func TestApplyFileLimits(t *testing.T) {
	w := newFWWorld(t)
	big := filepath.Join(w.dir, "big.yaml")
	os.WriteFile(big, append([]byte(applyFleet), bytes.Repeat([]byte("#"), 1<<20)...), 0o600)
	r := w.Exec(t, "apply", "-f", big, "--dry-run")
	if r.Code != 2 || !strings.Contains(r.Err, "larger than 1048576 bytes") {
		t.Errorf("big: exit %d %s", r.Code, r.Err)
	}
	r = w.Exec(t, "apply", "-f", filepath.Join(w.dir, "nope.yaml"), "--dry-run")
	if r.Code != 2 || !strings.Contains(r.Err, "--file: open") {
		t.Errorf("missing: exit %d %s", r.Code, r.Err)
	}
	if n := w.Count(sandbox.RouteRMSList); n != 0 {
		t.Errorf("%d RMS listings before the file was valid", n)
	}
	if r := w.Run(t, cmdtest.Options{Stdin: applyFleet}, "apply", "-f", "-", "--dry-run"); r.Code != 6 || !strings.Contains(r.Out, "+ buy app-1") {
		t.Errorf("stdin: exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
}
