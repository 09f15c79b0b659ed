package cmdutil

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/firewall"
)

func hintRule(id, action string, prio int, remote string) api.SecurityGroupRule {
	return api.SecurityGroupRule{ID: id, SecurityGroupID: "g1", Direction: "ingress", Ethertype: "IPv4", Protocol: "tcp", Multiport: "22",
		RemoteIPPrefix: remote, Action: action, Priority: api.Int(prio)}
}

// The closed-port hint never suggests an allow rule that a deny rule would
// beat: it names the deny rule(s) and says to delete them (by ID) or to
// use a stronger priority when one exists.
func TestClosedPortText(t *testing.T) {
	const (
		deny1  = "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c"
		deny5  = "8d2f1b0c-4e3a-4f6b-9c7d-0e1f2a3b4c5d"
		allow1 = "9e3a2c1d-5f4b-4a7c-8d8e-1f2a3b4c5d6e"
	)
	in := firewall.Instance{ID: "6743d0e3708be6007b8c8012", Name: "web-1", Region: "ap-southeast-3"}
	fwOf := func(rules ...api.SecurityGroupRule) *firewall.Firewall {
		return &firewall.Firewall{Region: in.Region, ByInstance: map[string][]string{in.ID: {"g1"}}, OSType: map[string]string{},
			Groups: []*firewall.Group{{ID: "g1", Name: "sg-default-smb", Rules: rules}}}
	}
	tests := []struct {
		name      string
		rules     []api.SecurityGroupRule
		want, not []string
	}{
		{"open", []api.SecurityGroupRule{hintRule(allow1, "allow", 1, "0.0.0.0/0")}, nil, nil},
		{"no allow", nil,
			[]string{"no inbound rule of security group sg-default-smb lets TCP 22 (SSH) in from outside: ssh will likely time out. Open it (for every instance in the group) with: flexusl firewall allow " + in.ID + " --port 22 --from YOUR_IP"},
			[]string{"Deny", "delete"}},
		{"deny at priority 1 beats any allow", []api.SecurityGroupRule{hintRule(allow1, "allow", 1, "0.0.0.0/0"), hintRule(deny1, "deny", 1, "0.0.0.0/0")},
			[]string{"Deny rule " + deny1 + " (deny tcp 22 from 0.0.0.0/0 (inbound, priority 1)) blocks it (at equal priority deny wins)",
				"Delete it with: flexusl firewall delete " + deny1 + " --region ap-southeast-3", "no allow rule can override it"},
			[]string{"firewall allow", "--priority"}},
		{"deny at priority 5 over an allow at 10", []api.SecurityGroupRule{hintRule(allow1, "allow", 10, "0.0.0.0/0"), hintRule(deny5, "deny", 5, "0.0.0.0/0")},
			[]string{"Deny rule " + deny5, "flexusl firewall delete " + deny5 + " --region ap-southeast-3; or open it with a stronger priority than 5",
				"flexusl firewall allow " + in.ID + " --port 22 --from YOUR_IP --priority 4"},
			nil},
		{"two denies", []api.SecurityGroupRule{hintRule(allow1, "allow", 10, "0.0.0.0/0"), hintRule(deny5, "deny", 5, "0.0.0.0/0"), hintRule(deny1, "deny", 1, "0.0.0.0/0")},
			[]string{"Deny rules " + deny1 + " (", deny5 + " (", "block it", "Delete them with: flexusl firewall delete " + deny1 + " " + deny5 + " --region", "no allow rule can override"},
			[]string{"firewall allow"}},
		{"hostile deny ID", []api.SecurityGroupRule{hintRule("../x\x1b[2J", "deny", 1, "0.0.0.0/0")},
			[]string{`Deny rule "../x\x1b[2J"`}, []string{"firewall delete", "\x1b"}},
	}
	for _, tt := range tests {
		got := closedPortText(fwOf(tt.rules...), in, 22, "ssh will likely time out")
		if tt.want == nil && got != "" {
			t.Errorf("%s: %q", tt.name, got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q has %q", tt.name, got, n)
			}
		}
	}
}
