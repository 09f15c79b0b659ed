package firewall

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
)

func disabled(r api.SecurityGroupRule) api.SecurityGroupRule {
	off := api.Bool(false)
	r.Enabled = &off
	return r
}

// A disabled rule ("enabled": false) does nothing: it opens no port, closes
// none, is not "already present" (FindDisabled names it instead), and
// `firewall list` shows it as disabled.
func TestDisabledRules(t *testing.T) {
	on := api.Bool(true)
	allow22 := ingress("tcp", "22", "0.0.0.0/0", "allow", 1)
	explicit := allow22
	explicit.Enabled = &on
	any4 := netip.MustParsePrefix("0.0.0.0/0")
	for _, tt := range []struct {
		name  string
		rules []api.SecurityGroupRule
		open  bool
	}{
		{"enabled (field absent)", []api.SecurityGroupRule{allow22}, true},
		{"enabled (true)", []api.SecurityGroupRule{explicit}, true},
		{"disabled allow", []api.SecurityGroupRule{disabled(allow22)}, false},
		{"disabled deny blocks nothing", []api.SecurityGroupRule{allow22, disabled(ingress("tcp", "22", "0.0.0.0/0", "deny", 1))}, true},
	} {
		if got := Lets(tt.rules, "tcp", 22, nil); got != tt.open {
			t.Errorf("Lets %s: %v, want %v", tt.name, got, tt.open)
		}
		if got := len(Missing(tt.rules, []PortRange{{22, 22}}, any4)) == 0; got != tt.open {
			t.Errorf("Missing %s: open %v, want %v", tt.name, got, tt.open)
		}
	}

	r, _ := Check(Spec{Action: "allow", Ports: []string{"22"}})
	off := disabled(allow22)
	off.ID = "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c"
	if r.Same(off) {
		t.Error("a disabled rule is the same as an enabled one")
	}
	if _, ok := r.Find([]api.SecurityGroupRule{off}); ok {
		t.Error("a disabled rule is found as already present")
	}
	if x, ok := r.FindDisabled([]api.SecurityGroupRule{allow22, off}); !ok || x.ID != off.ID {
		t.Errorf("FindDisabled: %+v %v", x, ok)
	}
	if _, ok := r.FindDisabled([]api.SecurityGroupRule{allow22}); ok {
		t.Error("an enabled rule is found as disabled")
	}
	if x, ok := r.Find([]api.SecurityGroupRule{off, explicit}); !ok || x.Enabled == nil {
		t.Errorf("Find skips the disabled twin for the enabled one: %+v %v", x, ok)
	}
	msg := DisabledTwin(off, "sg-default-smb\x1b[2J", "ap-southeast-3")
	for _, want := range []string{"rule " + off.ID + " of sg-default-smb", "disabled", "VPC console", "flexusl firewall delete " + off.ID + " --region ap-southeast-3"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\x1b") {
		t.Errorf("unescaped: %q", msg)
	}
	hostile := off
	hostile.ID = "../x y"
	if msg := DisabledTwin(hostile, "g", "r"); strings.Contains(msg, "firewall delete") || !strings.Contains(msg, `"../x y"`) {
		t.Errorf("hostile ID in a command: %q", msg)
	}

	// list: the enabled key, the ENABLED column, the summary.
	v := NewRuleView(off, nil)
	b, _ := json.Marshal(v)
	if !strings.Contains(string(b), `"enabled":false`) || NewRuleView(allow22, nil).Enabled != true {
		t.Errorf("JSON %s", b)
	}
	h, row := RuleHeader(), RuleRow(v)
	if len(h) != len(row) || h[3] != "ENABLED" || row[3] != "false" || RuleRow(NewRuleView(allow22, nil))[3] != "true" {
		t.Errorf("%q %q", h, row)
	}
	if s := v.Summary(); !strings.HasSuffix(s, "(inbound, priority 1, disabled)") {
		t.Errorf("summary %q", s)
	}
}
