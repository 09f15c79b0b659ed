package firewall

import (
	"net/netip"
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
