package firewall

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
)

// Lets reports whether the inbound rules let protocol proto ("tcp", "udp")
// reach port from outside the group. A rule applies only to its own
// address family (ethertype): with src, the family is src's (an IPv6
// source needs an IPv6 rule); with src nil it is IPv4, the family of the
// public address FlexusL gives an instance. With src nil it asks whether
// some address can get through (an allow rule with an address range or
// an address group); with src, whether every address of src can (an
// allow rule whose range holds src). An allow rule counts unless a deny
// rule of the same or a stronger priority covers its addresses (at equal
// priority deny wins). Rules sourced from a security group let only that
// group's members in: they never count; nor do disabled rules (see
// Enabled), whether allow or deny.
func Lets(rules []api.SecurityGroupRule, proto string, port int, src *netip.Prefix) bool {
	family := api.EtherIPv4
	if src != nil && src.Addr().Is6() {
		family = api.EtherIPv6
	}
	allows, denies := matching(rules, family, proto, port)
	for _, a := range allows {
		if src != nil && (a.m.addressGroup || !contains(a.m.prefix, *src)) {
			continue
		}
		shadowed := false
		for _, d := range denies {
			if d.m.priority > a.m.priority || d.m.addressGroup {
				continue
			}
			switch {
			case src != nil && d.m.prefix.Overlaps(*src):
				shadowed = true
			case src == nil && !a.m.addressGroup && contains(d.m.prefix, a.m.prefix):
				shadowed = true
			}
		}
		if !shadowed {
			return true
		}
	}
	return false
}

type match struct {
	priority     int
	prefix       netip.Prefix
	addressGroup bool
}

// ruleMatch is a rule that matching kept, with what Lets and Blockers
// compare of it.
type ruleMatch struct {
	x api.SecurityGroupRule
	m match
}

// matching splits the enabled inbound rules of family that cover
// proto/port (not those sourced from a group: they let only its members
// in) into allows and denies: the one reading of rules that Lets and
// Blockers share.
func matching(rules []api.SecurityGroupRule, family, proto string, port int) (allows, denies []ruleMatch) {
	for _, x := range rules {
		if !strings.EqualFold(x.Direction, api.DirectionIngress) || normEthertype(x.Ethertype) != family || x.RemoteGroupID != "" || !Enabled(x) {
			continue
		}
		if p := normProtocol(x.Protocol); p != "" && p != proto {
			continue
		}
		ports, ok := ReadPorts(string(x.Multiport))
		if !ok || !covers(ports, port) {
			continue
		}
		m := match{priority: int(x.Priority), addressGroup: x.RemoteAddressGroupID != ""}
		if !m.addressGroup {
			p, ok := remotePrefix(x)
			if !ok {
				continue
			}
			m.prefix = p
		}
		if normAction(x.Action) == api.ActionDeny {
			denies = append(denies, ruleMatch{x, m})
		} else {
			allows = append(allows, ruleMatch{x, m})
		}
	}
	return allows, denies
}

// contains reports whether outer holds every address of inner.
func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Missing are the ports and ranges of want that the inbound rules do not
// already let in over TCP from every address of src, counting only rules
// of src's family (a range counts as open only when each of its ports
// is).
func Missing(rules []api.SecurityGroupRule, want []PortRange, src netip.Prefix) []PortRange {
	var out []PortRange
	for _, pr := range want {
		for p := pr.Lo; p <= pr.Hi; p++ {
			if !Lets(rules, "tcp", p, &src) {
				out = append(out, pr)
				break
			}
		}
	}
	return out
}

// Blockers are the inbound deny rules that keep proto/port closed over
// IPv4 (the family Lets checks without a source), strongest first (then
// by ID): each enabled deny rule covering the port that either shadows
// an enabled allow rule covering it (a priority the same or stronger,
// addresses overlapping), or covers every address (or an address group)
// at the strongest priority a new allow rule could have (DefaultPriority:
// at equal priority deny wins, so no allow can override it). A narrower
// deny that shadows no allow is not a blocker: the port is closed for
// want of an allow rule.
func Blockers(rules []api.SecurityGroupRule, proto string, port int) []api.SecurityGroupRule {
	allows, denies := matching(rules, api.EtherIPv4, proto, port)
	var out []api.SecurityGroupRule
	for _, d := range denies {
		blocks := d.m.priority <= DefaultPriority && (d.m.addressGroup || d.m.prefix.Bits() == 0)
		for _, a := range allows {
			if d.m.priority <= a.m.priority && (d.m.addressGroup || a.m.addressGroup || d.m.prefix.Overlaps(a.m.prefix)) {
				blocks = true
			}
		}
		if blocks {
			out = append(out, d.x)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return out[i].ID < out[j].ID
	})
	return out
}
