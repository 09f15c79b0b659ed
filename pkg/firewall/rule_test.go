package firewall

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
)

// Every rule of a rule's values: each bad value is named with its flag,
// all at once; good ones come back in VPC's terms.
func TestCheck(t *testing.T) {
	allow := func(s Spec) Spec { s.Action = api.ActionAllow; return s }
	tests := []struct {
		name   string
		spec   Spec
		fields []string // flags of the problems, in order
		want   string   // Summary of the rule
		multi  string
	}{
		{"one port, anywhere", allow(Spec{Ports: []string{"22"}}), nil, "allow tcp 22 from 0.0.0.0/0 (inbound, priority 1)", "22"},
		{"list and range, sorted", allow(Spec{Ports: []string{"443,80", "8000-8100"}}), nil, "allow tcp 80,443,8000-8100 from 0.0.0.0/0 (inbound, priority 1)", "80,443,8000-8100"},
		{"from an address", allow(Spec{Ports: []string{"22"}, From: "203.0.113.7"}), nil, "allow tcp 22 from 203.0.113.7/32 (inbound, priority 1)", "22"},
		{"IPv6 source", allow(Spec{Ports: []string{"22"}, From: "2001:db8::/32", Protocol: "udp"}), nil, "allow udp 22 from 2001:db8::/32 (inbound, priority 1)", "22"},
		{"icmp", allow(Spec{Protocol: "icmp"}), nil, "allow icmp from 0.0.0.0/0 (inbound, priority 1)", ""},
		{"icmpv6 defaults to ::/0", allow(Spec{Protocol: "icmpv6"}), nil, "allow icmpv6 from ::/0 (inbound, priority 1)", ""},
		{"any, egress, deny", Spec{Action: "deny", Protocol: "any", Direction: "egress", From: "198.51.100.0/24", Priority: 5}, nil, "deny every protocol (every port) to 198.51.100.0/24 (outbound, priority 5)", ""},
		{"full range", allow(Spec{Ports: []string{"1-65535"}}), nil, "allow tcp 1-65535 from 0.0.0.0/0 (inbound, priority 1)", "1-65535"},

		{"port 0", allow(Spec{Ports: []string{"0"}}), []string{FPort}, "", ""},
		{"port too high", allow(Spec{Ports: []string{"65536"}}), []string{FPort}, "", ""},
		{"not a port", allow(Spec{Ports: []string{"ssh"}}), []string{FPort}, "", ""},
		{"high-low", allow(Spec{Ports: []string{"30-20"}}), []string{FPort}, "", ""},
		{"empty piece", allow(Spec{Ports: []string{"22,"}}), []string{FPort}, "", ""},
		{"overlap", allow(Spec{Ports: []string{"20-30", "25"}}), []string{FPort}, "", ""},
		{"too many", allow(Spec{Ports: []string{"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21"}}), []string{FPort}, "", ""},
		{"tcp needs a port", allow(Spec{}), []string{FPort}, "", ""},
		{"icmp takes none", allow(Spec{Protocol: "icmp", Ports: []string{"22"}}), []string{FPort}, "", ""},
		{"bad protocol", allow(Spec{Protocol: "gre", Ports: []string{"22"}}), []string{FProtocol}, "", ""},
		{"bad CIDR", allow(Spec{Ports: []string{"22"}, From: "10.0.0.300/8"}), []string{FFrom}, "", ""},
		{"host bits", allow(Spec{Ports: []string{"22"}, From: "10.1.2.3/8"}), []string{FFrom}, "", ""},
		{"zone", allow(Spec{Ports: []string{"22"}, From: "fe80::1%eth0"}), []string{FFrom}, "", ""},
		{"mapped", allow(Spec{Ports: []string{"22"}, From: "::ffff:1.2.3.4"}), []string{FFrom}, "", ""},
		{"icmp with IPv6", allow(Spec{Protocol: "icmp", From: "2001:db8::1"}), []string{FFrom}, "", ""},
		{"icmpv6 with IPv4", allow(Spec{Protocol: "icmpv6", From: "1.2.3.4"}), []string{FFrom}, "", ""},
		{"priority", allow(Spec{Ports: []string{"22"}, Priority: 101}), []string{FPriority}, "", ""},
		{"priority negative", allow(Spec{Ports: []string{"22"}, Priority: -1}), []string{FPriority}, "", ""},
		{"description <>", allow(Spec{Ports: []string{"22"}, Description: "<script>"}), []string{FDescription}, "", ""},
		{"description long", allow(Spec{Ports: []string{"22"}, Description: strings.Repeat("é", 256)}), []string{FDescription}, "", ""},
		{"description control", allow(Spec{Ports: []string{"22"}, Description: "a\x1b[31m"}), []string{FDescription}, "", ""},
		{"direction", allow(Spec{Ports: []string{"22"}, Direction: "in"}), []string{FDirection}, "", ""},
		{"all at once", allow(Spec{Ports: []string{"0", "70000"}, From: "x", Priority: 200, Description: ">"}), []string{FPort, FPort, FFrom, FPriority, FDescription}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ps := Check(tt.spec)
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
			}
			if strings.Join(fields, " ") != strings.Join(tt.fields, " ") {
				t.Fatalf("problems %v, want fields %v", ps, tt.fields)
			}
			if tt.want != "" && (r.Summary() != tt.want || r.Multiport() != tt.multi) {
				t.Errorf("got %q (%q), want %q (%q)", r.Summary(), r.Multiport(), tt.want, tt.multi)
			}
		})
	}
}

func ingress(proto, ports, remote, action string, prio int) api.SecurityGroupRule {
	return api.SecurityGroupRule{ID: "r", Direction: "ingress", Ethertype: "IPv4", Protocol: proto, Multiport: api.Text(ports),
		RemoteIPPrefix: remote, Action: action, Priority: api.Int(prio)}
}

// An identical rule is the same whatever VPC's spelling (order of ports,
// a bare address, an absent remote, upper-case values).
func TestSame(t *testing.T) {
	r, ps := Check(Spec{Action: "allow", Ports: []string{"443,80"}, From: "203.0.113.7"})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	any, _ := Check(Spec{Action: "allow", Ports: []string{"22"}})
	tests := []struct {
		rule api.SecurityGroupRule
		r    Rule
		same bool
	}{
		{ingress("tcp", "80,443", "203.0.113.7/32", "allow", 1), r, true},
		{ingress("TCP", "443,80", "203.0.113.7", "allow", 1), r, true},
		{ingress("tcp", "80,443", "203.0.113.7/32", "allow", 2), r, false},
		{ingress("tcp", "80,443", "203.0.113.7/32", "deny", 1), r, false},
		{ingress("udp", "80,443", "203.0.113.7/32", "allow", 1), r, false},
		{ingress("tcp", "80", "203.0.113.7/32", "allow", 1), r, false},
		{ingress("tcp", "80,443", "203.0.113.0/24", "allow", 1), r, false},
		{ingress("tcp", "22", "", "allow", 1), any, true},
		{ingress("tcp", "22", "0.0.0.0/0", "allow", 1), any, true},
		{ingress("tcp", "22", "::/0", "allow", 1), any, false},
	}
	for i, tt := range tests {
		if got := tt.r.Same(tt.rule); got != tt.same {
			t.Errorf("%d: %+v same as %s: %v", i, tt.rule, tt.r.Summary(), got)
		}
	}
	grp := ingress("tcp", "22", "", "allow", 1)
	grp.RemoteGroupID = "g"
	if any.Same(grp) {
		t.Error("a rule sourced from a group is the same as one from anywhere")
	}
}

// When TCP 22 can get through: an allow that covers it from some address,
// not shadowed by a deny of the same or a stronger priority.
func TestLets(t *testing.T) {
	icmp := ingress("icmp", "", "0.0.0.0/0", "allow", 1)
	self := ingress("", "", "", "allow", 1)
	self.RemoteGroupID = "sg"
	egress := ingress("", "", "0.0.0.0/0", "allow", 100)
	egress.Direction = "egress"
	defaults := []api.SecurityGroupRule{icmp, self, egress}
	v6 := ingress("tcp", "22", "::/0", "allow", 1)
	v6.Ethertype = "IPv6"
	src := netip.MustParsePrefix("0.0.0.0/0")
	tests := []struct {
		name  string
		rules []api.SecurityGroupRule
		src   *netip.Prefix
		open  bool
	}{
		{"defaults", defaults, nil, false},
		{"22 from anywhere", append(defaults, ingress("tcp", "22", "0.0.0.0/0", "allow", 1)), nil, true},
		{"22 from one address", append(defaults, ingress("tcp", "22", "203.0.113.7/32", "allow", 1)), nil, true},
		{"22 from one address, asked for anywhere", append(defaults, ingress("tcp", "22", "203.0.113.7/32", "allow", 1)), &src, false},
		{"a range", append(defaults, ingress("tcp", "20-30", "", "allow", 50)), &src, true},
		{"every protocol", append(defaults, ingress("", "", "0.0.0.0/0", "allow", 1)), nil, true},
		{"udp only", append(defaults, ingress("udp", "22", "0.0.0.0/0", "allow", 1)), nil, false},
		{"other port", append(defaults, ingress("tcp", "2222", "0.0.0.0/0", "allow", 1)), nil, false},
		{"IPv6 only", append(defaults, v6), nil, false},
		{"denied at the same priority", append(defaults, ingress("tcp", "22", "0.0.0.0/0", "allow", 1), ingress("tcp", "22", "0.0.0.0/0", "deny", 1)), nil, false},
		{"deny weaker", append(defaults, ingress("tcp", "22", "0.0.0.0/0", "allow", 1), ingress("tcp", "22", "0.0.0.0/0", "deny", 2)), nil, true},
		{"deny narrower", append(defaults, ingress("tcp", "22", "0.0.0.0/0", "allow", 1), ingress("tcp", "22", "10.0.0.0/8", "deny", 1)), nil, true},
	}
	for _, tt := range tests {
		if got := Lets(tt.rules, "tcp", 22, tt.src); got != tt.open {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.open)
		}
	}
}

type fakeReader struct {
	servers map[string][]api.ServerSecurityGroup
	groups  []api.SecurityGroup
	rules   []api.SecurityGroupRule
	asked   [][]string
}

func (f *fakeReader) ShowServer(_ context.Context, ref api.ServerRef) (*api.Server, error) {
	gs, ok := f.servers[ref.ServerID]
	if !ok {
		return nil, errors.New("no such server")
	}
	return &api.Server{ID: ref.ServerID, SecurityGroups: gs}, nil
}

func (f *fakeReader) ListSecurityGroups(_ context.Context, _ api.VPCCall, ids []string) ([]api.SecurityGroup, error) {
	return f.groups, nil
}

func (f *fakeReader) ListSecurityGroupRules(_ context.Context, _ api.VPCCall, ids []string) ([]api.SecurityGroupRule, error) {
	f.asked = append(f.asked, ids)
	var out []api.SecurityGroupRule
	for _, r := range f.rules {
		for _, id := range ids {
			if r.SecurityGroupID == id {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Load finds which instances share each group, reads only the focus
// instance's groups, and never puts a group ID that is not an ID in a
// request.
func TestLoad(t *testing.T) {
	rd := &fakeReader{
		servers: map[string][]api.ServerSecurityGroup{
			"s1": {{Name: "sg-default-smb", ID: "g1"}, {Name: "extra", ID: "g2"}},
			"s2": {{Name: "sg-default-smb", ID: "g1"}, {Name: "evil", ID: "../x"}},
			"s3": {{Name: "other", ID: "g3"}},
		},
		groups: []api.SecurityGroup{{ID: "g1", Name: "sg-default-smb", Description: "default"}, {ID: "g2", Name: "extra\x1b[2J"}},
		rules:  []api.SecurityGroupRule{{ID: "r1", SecurityGroupID: "g1"}, {ID: "r2", SecurityGroupID: "g2"}, {ID: "r3", SecurityGroupID: "g3"}},
	}
	ins := []Instance{{ID: "i1", Name: "web-1", ServerID: "s1"}, {ID: "i2", Name: "web-2", ServerID: "s2"}, {ID: "i3", Name: "db", ServerID: "s3"}, {ID: "i4", Name: "gone", ServerID: "s4"}}
	fw, err := Load(context.Background(), rd, "ap-southeast-3", "p", ins, "i1")
	if err != nil {
		t.Fatal(err)
	}
	if len(fw.Groups) != 2 || fw.Groups[0].ID != "g1" || strings.Join(fw.Groups[0].InstanceLabels(), ",") != "web-1,web-2" || fw.Groups[0].Description != "default" {
		t.Fatalf("%+v", fw.Groups)
	}
	if len(rd.asked) != 1 || strings.Join(rd.asked[0], ",") != "g1,g2" {
		t.Errorf("rules asked for %v", rd.asked)
	}
	if len(fw.Notes) != 2 { // the hostile group ID, the unreadable server
		t.Errorf("notes: %q", fw.Notes)
	}
	lv := fw.View(&ins[0])
	if _, rows := lv.GroupTable(); len(rows) != 2 || rows[0][3] != "web-1, web-2" {
		t.Errorf("%v", rows)
	}
	if fw.Group("extra\x1b[2J") == nil || fw.Group("g1") == nil || fw.Group("nope") != nil {
		t.Error("Group lookup")
	}
	// Without a focus: every group, by name.
	fw, err = Load(context.Background(), rd, "r", "p", ins, "")
	if err != nil || len(fw.Groups) != 3 || fw.Groups[0].Name != "extra\x1b[2J" {
		t.Fatalf("%+v %v", fw, err)
	}
	// The focus's server cannot be read: an error.
	if _, err := Load(context.Background(), rd, "r", "p", ins, "i4"); err == nil {
		t.Error("no error for the focus's unreadable server")
	}
}
