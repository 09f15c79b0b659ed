package firewall

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
)

func v6(proto, ports, remote, action string, prio int) api.SecurityGroupRule {
	r := ingress(proto, ports, remote, action, prio)
	r.Ethertype = api.EtherIPv6
	return r
}

// A rule lets a source in only over its own family: an IPv6 source needs
// an IPv6 rule, and an IPv4 rule never opens a port to it (nor the other
// way round), so `buy --open --open-from ::/0` sees a port opened over
// IPv6 as open and does not send the create again.
func TestLetsAndMissingByFamily(t *testing.T) {
	any4 := netip.MustParsePrefix("0.0.0.0/0")
	any6 := netip.MustParsePrefix("::/0")
	one6 := netip.MustParsePrefix("2001:db8::7/128")
	tests := []struct {
		name  string
		rules []api.SecurityGroupRule
		src   netip.Prefix
		open  bool
	}{
		{"IPv6 rule, IPv6 source", []api.SecurityGroupRule{v6("tcp", "22", "::/0", "allow", 1)}, any6, true},
		{"IPv6 rule, absent remote", []api.SecurityGroupRule{v6("tcp", "22", "", "allow", 1)}, any6, true},
		{"IPv6 rule holds the address", []api.SecurityGroupRule{v6("tcp", "22", "2001:db8::/32", "allow", 1)}, one6, true},
		{"IPv6 rule, narrower than the source", []api.SecurityGroupRule{v6("tcp", "22", "2001:db8::/32", "allow", 1)}, any6, false},
		{"IPv4 rule, IPv6 source", []api.SecurityGroupRule{ingress("tcp", "22", "0.0.0.0/0", "allow", 1)}, any6, false},
		{"IPv6 rule, IPv4 source", []api.SecurityGroupRule{v6("tcp", "22", "::/0", "allow", 1)}, any4, false},
		{"IPv6 deny at the same priority", []api.SecurityGroupRule{v6("tcp", "22", "::/0", "allow", 1), v6("tcp", "22", "::/0", "deny", 1)}, any6, false},
		{"IPv4 deny does not close IPv6", []api.SecurityGroupRule{v6("tcp", "22", "::/0", "allow", 1), ingress("tcp", "22", "0.0.0.0/0", "deny", 1)}, any6, true},
		{"IPv6 deny does not close IPv4", []api.SecurityGroupRule{ingress("tcp", "22", "0.0.0.0/0", "allow", 1), v6("tcp", "22", "::/0", "deny", 1)}, any4, true},
	}
	for _, tt := range tests {
		src := tt.src
		if got := Lets(tt.rules, "tcp", 22, &src); got != tt.open {
			t.Errorf("Lets %s: %v, want %v", tt.name, got, tt.open)
		}
		missing := Missing(tt.rules, []PortRange{{22, 22}}, tt.src)
		if got := len(missing) == 0; got != tt.open {
			t.Errorf("Missing %s: %v", tt.name, missing)
		}
	}
	// The reachability check without a source is about IPv4, the family
	// of the instance's public address.
	if Lets([]api.SecurityGroupRule{v6("tcp", "22", "::/0", "allow", 1)}, "tcp", 22, nil) {
		t.Error("an IPv6 rule opens the IPv4 address")
	}
}

// The deny rules that keep a port closed: those shadowing an allow rule,
// and those covering every address at the strongest priority (no allow
// can beat them); not a narrow deny that shadows nothing, not a disabled
// one, not one of another port or family.
func TestBlockers(t *testing.T) {
	id := func(r api.SecurityGroupRule, s string) api.SecurityGroupRule { r.ID = s; return r }
	allow1 := id(ingress("tcp", "22", "0.0.0.0/0", "allow", 1), "a1")
	allow10 := id(ingress("tcp", "22", "203.0.113.0/24", "allow", 10), "a10")
	tests := []struct {
		name  string
		rules []api.SecurityGroupRule
		want  string
	}{
		{"none", []api.SecurityGroupRule{allow1}, ""},
		{"deny everyone at priority 1, no allow", []api.SecurityGroupRule{id(ingress("tcp", "22", "", "deny", 1), "d1")}, "d1"},
		{"deny at the allow's priority", []api.SecurityGroupRule{allow1, id(ingress("tcp", "22", "0.0.0.0/0", "deny", 1), "d1")}, "d1"},
		{"deny stronger than the allow", []api.SecurityGroupRule{allow10, id(ingress("tcp", "1-1024", "0.0.0.0/0", "deny", 5), "d5")}, "d5"},
		{"deny weaker than the allow", []api.SecurityGroupRule{allow1, id(ingress("tcp", "22", "0.0.0.0/0", "deny", 5), "d5")}, ""},
		{"deny of other addresses", []api.SecurityGroupRule{allow10, id(ingress("tcp", "22", "10.0.0.0/8", "deny", 5), "d5")}, ""},
		{"narrow deny, no allow", []api.SecurityGroupRule{id(ingress("tcp", "22", "10.0.0.0/8", "deny", 1), "d1")}, ""},
		{"deny every protocol", []api.SecurityGroupRule{allow10, id(ingress("", "", "0.0.0.0/0", "deny", 3), "d3")}, "d3"},
		{"deny another port", []api.SecurityGroupRule{allow10, id(ingress("tcp", "80", "0.0.0.0/0", "deny", 3), "d3")}, ""},
		{"disabled deny", []api.SecurityGroupRule{allow1, disabled(id(ingress("tcp", "22", "0.0.0.0/0", "deny", 1), "d1"))}, ""},
		{"IPv6 deny", []api.SecurityGroupRule{allow1, id(v6("tcp", "22", "::/0", "deny", 1), "d1")}, ""},
		{"strongest first", []api.SecurityGroupRule{allow10, id(ingress("tcp", "22", "0.0.0.0/0", "deny", 7), "d7"), id(ingress("tcp", "22", "0.0.0.0/0", "deny", 2), "d2")}, "d2 d7"},
	}
	for _, tt := range tests {
		var got []string
		for _, x := range Blockers(tt.rules, "tcp", 22) {
			got = append(got, x.ID)
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, s, tt.want)
		}
	}
}
