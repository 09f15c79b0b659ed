package instancecmd_test

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// fwWorld is a sandbox with two instances in ap-southeast-3 sharing
// sg-default-smb, answering flexusl in-process (cmdtest.Sandbox).
type fwWorld struct {
	*cmdtest.Sandbox
	s *sandbox.Server
}

func newFWWorld(t *testing.T) *fwWorld {
	t.Helper()
	sb := cmdtest.NewSandbox(t, sandbox.Options{})
	if _, err := sb.S.Provision(sandbox.ProvisionRequest{Count: 2, Name: "web"}); err != nil {
		t.Fatal(err)
	}
	sb.Env["FLEXUSL_TIMEOUT"] = "500ms"
	return &fwWorld{Sandbox: sb, s: sb.S}
}

func (w *fwWorld) count(route string) int { return w.Count(route) }

func (w *fwWorld) run(t *testing.T, args ...string) result {
	t.Helper()
	r := w.Run(t, cmdtest.Options{}, args...)
	return result{r.Out, r.Err, r.Code}
}

func (w *fwWorld) runTTY(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := w.Run(t, cmdtest.Options{TTY: true, Stdin: stdin}, args...)
	return result{r.Out, r.Err, r.Code}
}

// instance show hints at RDP (3389) on a Windows server whose groups do
// not let it in, and not once a rule does; a Linux server gets no hint
// there (instance ssh warns about 22).
func TestShowHintsRDPOnWindows(t *testing.T) {
	w := newFWWorld(t)
	if _, err := w.s.Provision(sandbox.ProvisionRequest{Count: 1, Name: "win", Spec: "hf.large.1.30m.byol"}); err != nil {
		t.Fatal(err)
	}
	r := w.run(t, "instance", "show", "win-0001")
	if r.code != 0 || !strings.Contains(r.err, "Hint: no inbound rule of security group sg-default-smb lets TCP 3389 (RDP) in") ||
		!strings.Contains(r.err, "--port 3389") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
	r = w.run(t, "instance", "show", "web-0001")
	if r.code != 0 || strings.Contains(r.err, "Hint") {
		t.Errorf("linux: exit %d\n%s", r.code, r.err)
	}
	if r = w.run(t, "firewall", "allow", "win-0001", "--port", "3389", "--from", "198.51.100.0/24", "--yes"); r.code != 0 {
		t.Fatalf("allow: %s", r.err)
	}
	r = w.run(t, "instance", "show", "win-0001")
	if r.code != 0 || strings.Contains(r.err, "Hint") {
		t.Errorf("after allow: exit %d\n%s", r.code, r.err)
	}
}

// buy --open is in the purchase's one confirmation: the ports, where
// from, and that the group is shared by the region's instances.
func TestBuyOpenConfirmation(t *testing.T) {
	w := newFWWorld(t)
	r := w.runTTY(t, "n\n", "instance", "buy", "--region", "ap-southeast-3", "--name", "web-9", "--image", "BT", "--spec", "hf.large.1.30m.linux",
		"--wait", "--open", "22,80,443")
	if r.code != 2 || !strings.Contains(r.err, "Then open TCP 22,80,443 from anywhere (0.0.0.0/0") ||
		!strings.Contains(r.err, "shared by every FlexusL instance of your account in ap-southeast-3") || !strings.Contains(r.err, "Buy?") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
	if w.count(sandbox.RouteCreate) != 0 || w.count(sandbox.RouteVPCRuleCreate) != 0 {
		t.Error("sent after no")
	}
}
