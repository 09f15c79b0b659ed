package instancecmd_test

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// fwWorld is cmdtest.NewWorld: two instances sharing sg-default-smb.
type fwWorld struct {
	*cmdtest.Sandbox
	s *sandbox.Server
}

func newFWWorld(t *testing.T) *fwWorld {
	t.Helper()
	sb, _ := cmdtest.NewWorld(t)
	return &fwWorld{Sandbox: sb, s: sb.S}
}

// instance show hints at RDP (3389) on a Windows server whose groups do
// not let it in, and not once a rule does; a Linux server gets no hint
// there (instance ssh warns about 22).
func TestShowHintsRDPOnWindows(t *testing.T) {
	w := newFWWorld(t)
	if _, err := w.s.Provision(sandbox.ProvisionRequest{Count: 1, Name: "win", Spec: "hf.large.1.30m.byol"}); err != nil {
		t.Fatal(err)
	}
	r := w.Exec(t, "instance", "show", "win-0001")
	if r.Code != 0 || !strings.Contains(r.Err, "Hint: no inbound rule of security group sg-default-smb lets TCP 3389 (RDP) in") ||
		!strings.Contains(r.Err, "--port 3389") {
		t.Errorf("exit %d\n%s", r.Code, r.Err)
	}
	r = w.Exec(t, "instance", "show", "web-0001")
	if r.Code != 0 || strings.Contains(r.Err, "Hint") {
		t.Errorf("linux: exit %d\n%s", r.Code, r.Err)
	}
	if r = w.Exec(t, "firewall", "allow", "win-0001", "--port", "3389", "--from", "198.51.100.0/24", "--yes"); r.Code != 0 {
		t.Fatalf("allow: %s", r.Err)
	}
	r = w.Exec(t, "instance", "show", "win-0001")
	if r.Code != 0 || strings.Contains(r.Err, "Hint") {
		t.Errorf("after allow: exit %d\n%s", r.Code, r.Err)
	}
}

// buy --open is in the purchase's one confirmation: the ports, where
// from, and that the group is shared by the region's instances.
func TestBuyOpenConfirmation(t *testing.T) {
	w := newFWWorld(t)
	r := w.ExecTTY(t, "n\n", "instance", "buy", "--region", "ap-southeast-3", "--name", "web-9", "--image", "BT", "--spec", "hf.large.1.30m.linux",
		"--wait", "--open", "22,80,443")
	if r.Code != 2 || !strings.Contains(r.Err, "Then open TCP 22,80,443 from anywhere (0.0.0.0/0") ||
		!strings.Contains(r.Err, "shared by every FlexusL instance of your account in ap-southeast-3") || !strings.Contains(r.Err, "Buy?") {
		t.Errorf("exit %d\n%s", r.Code, r.Err)
	}
	if w.Count(sandbox.RouteCreate) != 0 || w.Count(sandbox.RouteVPCRuleCreate) != 0 {
		t.Error("sent after no")
	}
}
