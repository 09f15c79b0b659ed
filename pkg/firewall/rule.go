// Package firewall is the model of a FlexusL instance's firewall: the VPC
// security groups attached to its server and their rules. It checks a
// rule a user asks for offline against the API's limits (every problem at
// once, naming the flag), says when a rule is already present, when a port
// can get through, and loads and renders a region's groups with the
// instances that share them.
package firewall

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// Limits of a rule (NETWORK-AND-PRICES.md §1, §6).
const (
	MinPort        = 1
	MaxPort        = 65535
	MinPriority    = 1
	MaxPriority    = 100
	MaxDescription = 255 // characters; no < or >
	// MaxPortGroups is how many ports or ranges one rule may list: the
	// console's limit (the API's own cap is not documented).
	MaxPortGroups = 20
	// DefaultPriority is what flexusl sends without --priority: the
	// console's default and Huawei's own scripts' (the API's is 100).
	DefaultPriority = 1
	// DefaultGroupName is the group FlexusL puts every instance of a
	// region in.
	DefaultGroupName = "sg-default-smb"
)

// Protocols a rule may name; "any" is sent as no protocol.
var Protocols = []string{"tcp", "udp", "icmp", "icmpv6", "any"}

// Directions a rule may have.
var Directions = []string{api.DirectionIngress, api.DirectionEgress}

// Flags that set each part of a rule, for errors.
const (
	FPort        = "--port"
	FProtocol    = "--protocol"
	FFrom        = "--from"
	FPriority    = "--priority"
	FDescription = "--description"
	FDirection   = "--direction"
	FAction      = "--action"
)

// Spec is a rule as a user asks for it.
type Spec struct {
	Direction   string   // ingress (default) or egress
	Action      string   // allow or deny
	Protocol    string   // tcp (default), udp, icmp, icmpv6 or any
	Ports       []string // each "22", "80,443" or "8000-8100"
	From        string   // address or CIDR; "" = anywhere
	Priority    int      // 1-100; 0 = DefaultPriority
	Description string
	// FromFlag names the flag From came from, for errors ("" = --from).
	FromFlag string
}

// PortRange is Lo-Hi inclusive (Lo == Hi for one port).
type PortRange struct{ Lo, Hi int }

func (p PortRange) String() string {
	if p.Lo == p.Hi {
		return strconv.Itoa(p.Lo)
	}
	return fmt.Sprintf("%d-%d", p.Lo, p.Hi)
}

// Rule is a checked rule in VPC's terms.
type Rule struct {
	Direction   string
	Action      string
	Ethertype   string      // IPv4 or IPv6, from the address's family
	Protocol    string      // tcp, udp, icmp, icmpv6; "" = every protocol
	Ports       []PortRange // nil = every port
	Remote      string      // CIDR of the source (ingress) or destination (egress)
	Anywhere    bool        // Remote was not given: every address of the family
	Priority    int
	Description string
}

// Multiport is the rule's ports as VPC's multiport field spells them.
func (r Rule) Multiport() string { return formatPorts(r.Ports) }

func formatPorts(ps []PortRange) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// Option is the rule as CreateSecurityGroupRule's body for group groupID.
func (r Rule) Option(groupID string) api.CreateRuleOption {
	return api.CreateRuleOption{SecurityGroupID: groupID, Description: r.Description, Direction: r.Direction, Ethertype: r.Ethertype,
		Protocol: r.Protocol, Multiport: r.Multiport(), RemoteIPPrefix: r.Remote, Action: r.Action, Priority: strconv.Itoa(r.Priority)}
}

// Summary is the rule in one line for people: "allow tcp 22,80 from
// 0.0.0.0/0 (inbound, priority 1)".
func (r Rule) Summary() string {
	proto := r.Protocol
	if proto == "" {
		proto = "every protocol"
	}
	ports := ""
	if len(r.Ports) > 0 {
		ports = " " + r.Multiport()
	} else if r.Protocol == "tcp" || r.Protocol == "udp" || r.Protocol == "" {
		ports = " (every port)"
	}
	dir, prep := "inbound", "from"
	if r.Direction == api.DirectionEgress {
		dir, prep = "outbound", "to"
	}
	return fmt.Sprintf("%s %s%s %s %s (%s, priority %d)", r.Action, proto, ports, prep, r.Remote, dir, r.Priority)
}

// Check turns a spec into a rule, checking every value against the API's
// limits. All problems are returned at once; a rule is returned only when
// there are none.
func Check(s Spec) (Rule, problem.Problems) {
	var ps problem.Problems
	add := func(field, value, reason string, allowed ...string) {
		ps = append(ps, problem.Problem{Field: field, Value: value, Reason: reason, Allowed: allowed})
	}
	r := Rule{Direction: strings.ToLower(strings.TrimSpace(s.Direction)), Action: s.Action, Priority: s.Priority, Description: s.Description}
	if r.Direction == "" {
		r.Direction = api.DirectionIngress
	}
	if !slices.Contains(Directions, r.Direction) {
		add(FDirection, s.Direction, "is not a direction", Directions...)
	}
	if r.Action != api.ActionAllow && r.Action != api.ActionDeny {
		add(FAction, s.Action, "is not an action", api.ActionAllow, api.ActionDeny)
	}
	proto := strings.ToLower(strings.TrimSpace(s.Protocol))
	if proto == "" {
		proto = "tcp"
	}
	switch {
	case !slices.Contains(Protocols, proto):
		add(FProtocol, s.Protocol, "is not a protocol flexusl opens", Protocols...)
	case proto == "any":
		r.Protocol = ""
	default:
		r.Protocol = proto
	}

	// Ports: tcp and udp need them; icmp and any take none.
	ports, pps := parsePorts(s.Ports)
	ps = append(ps, pps...)
	switch {
	case len(s.Ports) == 0 && (proto == "tcp" || proto == "udp"):
		add(FPort, "", "is required for "+proto+" (e.g. --port 22, --port 80,443 or --port 8000-8100; --port 1-65535 for every port)")
	case len(s.Ports) > 0 && (proto == "icmp" || proto == "icmpv6" || proto == "any"):
		add(FPort, strings.Join(s.Ports, ","), "applies to tcp and udp only: "+proto+" rules have no ports")
	}
	r.Ports = ports

	// Source or destination: its family decides the ethertype.
	fromFlag := s.FromFlag
	if fromFlag == "" {
		fromFlag = FFrom
	}
	from := strings.TrimSpace(s.From)
	if from == "" {
		r.Anywhere = true
		if proto == "icmpv6" {
			from = "::/0"
		} else {
			from = "0.0.0.0/0"
		}
	}
	if p, reason := ParsePrefix(from); reason != "" {
		add(fromFlag, s.From, reason)
	} else {
		r.Remote = p.String()
		r.Ethertype = api.EtherIPv4
		if p.Addr().Is6() {
			r.Ethertype = api.EtherIPv6
		}
		switch {
		case proto == "icmp" && r.Ethertype == api.EtherIPv6:
			add(fromFlag, s.From, "is an IPv6 address: icmp rules take IPv4 addresses (use --protocol icmpv6 for IPv6)")
		case proto == "icmpv6" && r.Ethertype == api.EtherIPv4:
			add(fromFlag, s.From, "is an IPv4 address: icmpv6 rules take IPv6 addresses (use --protocol icmp for IPv4)")
		}
	}

	if r.Priority == 0 {
		r.Priority = DefaultPriority
	}
	if r.Priority < MinPriority || r.Priority > MaxPriority {
		add(FPriority, strconv.Itoa(s.Priority), fmt.Sprintf("must be %d to %d (%d is the strongest)", MinPriority, MaxPriority, MinPriority))
	}
	if reason := CheckDescription(s.Description); reason != "" {
		add(FDescription, s.Description, reason)
	}
	if len(ps) > 0 {
		return Rule{}, ps
	}
	return r, nil
}

// CheckDescription applies the description rule: at most 255 characters,
// no < or >, no control characters. It returns the reason, or "".
func CheckDescription(d string) string {
	switch {
	case !utf8.ValidString(d):
		return "is not valid UTF-8"
	case utf8.RuneCountInString(d) > MaxDescription:
		return fmt.Sprintf("has %d characters: at most %d are allowed", utf8.RuneCountInString(d), MaxDescription)
	case strings.ContainsAny(d, "<>"):
		return "must not contain < or >"
	}
	for _, c := range d {
		if c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 {
			return "must not contain control characters"
		}
	}
	return ""
}

// ParsePrefix reads an address (as a /32 or /128) or a CIDR; the reason
// says what is wrong ("" when nothing).
func ParsePrefix(s string) (netip.Prefix, string) {
	if strings.ContainsAny(s, "%") {
		return netip.Prefix{}, "must not carry a zone (%...)"
	}
	var p netip.Prefix
	if strings.Contains(s, "/") {
		q, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, "is not an address or CIDR such as 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32"
		}
		p = q
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, "is not an address or CIDR such as 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32"
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, "is an IPv4-mapped IPv6 address: write the IPv4 address"
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Sprintf("has bits set after the /%d prefix: did you mean %s?", p.Bits(), m)
	}
	return p, ""
}

// parsePorts reads the --port values: each a comma-separated list of ports
// and low-high ranges, 1-65535, no repeats or overlaps, at most
// MaxPortGroups in all. The ranges come back sorted.
func parsePorts(values []string) ([]PortRange, problem.Problems) {
	var ps problem.Problems
	var out []PortRange
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			pr, reason := parsePortRange(part)
			if reason != "" {
				ps = append(ps, problem.Problem{Field: FPort, Value: part, Reason: reason})
				continue
			}
			out = append(out, pr)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	slices.SortFunc(out, func(a, b PortRange) int { return a.Lo - b.Lo })
	for i := 1; i < len(out); i++ {
		if out[i].Lo <= out[i-1].Hi {
			ps = append(ps, problem.Problem{Field: FPort, Value: out[i].String(), Reason: "repeats or overlaps " + out[i-1].String()})
		}
	}
	if len(out) > MaxPortGroups {
		ps = append(ps, problem.Problem{Field: FPort, Value: formatPorts(out), Reason: fmt.Sprintf("lists %d ports or ranges: one rule holds at most %d (use ranges, or several rules)", len(out), MaxPortGroups)})
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return out, nil
}

func parsePortRange(s string) (PortRange, string) {
	if s == "" {
		return PortRange{}, "is empty: a port (22) or a range (8000-8100) is required"
	}
	lo, hi, isRange := strings.Cut(s, "-")
	a, ra := parsePort(lo)
	if ra != "" {
		return PortRange{}, ra
	}
	if !isRange {
		return PortRange{a, a}, ""
	}
	b, rb := parsePort(hi)
	if rb != "" {
		return PortRange{}, rb
	}
	if a > b {
		return PortRange{}, fmt.Sprintf("is a range from high to low: write %d-%d", b, a)
	}
	return PortRange{a, b}, ""
}

func parsePort(s string) (int, string) {
	if s == "" || len(s) > 5 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Sprintf("is not a port: ports are whole numbers %d to %d, ranges low-high", MinPort, MaxPort)
	}
	n, _ := strconv.Atoi(s)
	if n < MinPort || n > MaxPort {
		return 0, fmt.Sprintf("is out of range: ports are %d to %d", MinPort, MaxPort)
	}
	return n, ""
}

// ReadPorts reads a multiport value from VPC leniently: "" (every port)
// is nil; what cannot be read is reported by ok false.
func ReadPorts(m string) (ps []PortRange, ok bool) {
	m = strings.TrimSpace(m)
	if m == "" {
		return nil, true
	}
	for _, part := range strings.Split(m, ",") {
		pr, reason := parsePortRange(strings.TrimSpace(part))
		if reason != "" {
			return nil, false
		}
		ps = append(ps, pr)
	}
	slices.SortFunc(ps, func(a, b PortRange) int { return a.Lo - b.Lo })
	return ps, true
}

// covers reports whether ps (nil = every port) holds port.
func covers(ps []PortRange, port int) bool {
	if ps == nil {
		return true
	}
	for _, p := range ps {
		if port >= p.Lo && port <= p.Hi {
			return true
		}
	}
	return false
}

// normProtocol is a rule's protocol in lower case, "" for every protocol.
func normProtocol(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	if p == "any" || p == "all" {
		return ""
	}
	return p
}

// normEthertype is a rule's ethertype (IPv4 when absent).
func normEthertype(e string) string {
	if strings.EqualFold(e, api.EtherIPv6) {
		return api.EtherIPv6
	}
	return api.EtherIPv4
}

// normAction is a rule's action (allow when absent: the create default).
func normAction(a string) string {
	if strings.EqualFold(a, api.ActionDeny) {
		return api.ActionDeny
	}
	return api.ActionAllow
}

// remotePrefix is the address range a rule with no remote group matches:
// its remote_ip_prefix, or every address of its family when empty. ok is
// false for a prefix that cannot be read.
func remotePrefix(x api.SecurityGroupRule) (netip.Prefix, bool) {
	if x.RemoteIPPrefix == "" {
		if normEthertype(x.Ethertype) == api.EtherIPv6 {
			return netip.MustParsePrefix("::/0"), true
		}
		return netip.MustParsePrefix("0.0.0.0/0"), true
	}
	s := x.RemoteIPPrefix
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

// Enabled reports whether VPC applies rule x. A rule VPC lists with
// "enabled": false (a documented field of v3 rules) lets nothing in and
// blocks nothing; a rule without the field (regions that lack it) is
// enabled.
func Enabled(x api.SecurityGroupRule) bool {
	return x.Enabled == nil || bool(*x.Enabled)
}

// Same reports whether an existing rule is the rule r, in force: enabled,
// with the same direction, family, protocol, ports, address range, action
// and priority (what VPC's console calls a duplicate, priority included).
// Rules sourced from a group or an address group are never the same as
// r. A disabled twin is not the same (it does nothing): FindDisabled
// finds it.
func (r Rule) Same(x api.SecurityGroupRule) bool {
	return Enabled(x) && r.twin(x)
}

// twin reports whether x says what r says, enabled or not.
func (r Rule) twin(x api.SecurityGroupRule) bool {
	if !strings.EqualFold(x.Direction, r.Direction) || normEthertype(x.Ethertype) != r.Ethertype ||
		normProtocol(x.Protocol) != r.Protocol || normAction(x.Action) != r.Action || int(x.Priority) != r.Priority ||
		x.RemoteGroupID != "" || x.RemoteAddressGroupID != "" {
		return false
	}
	ports, ok := ReadPorts(string(x.Multiport))
	if !ok || !slices.Equal(ports, r.Ports) {
		return false
	}
	p, ok := remotePrefix(x)
	return ok && p.String() == r.Remote
}

// Find returns the first of rules that is the same as r (enabled).
func (r Rule) Find(rules []api.SecurityGroupRule) (api.SecurityGroupRule, bool) {
	for _, x := range rules {
		if r.Same(x) {
			return x, true
		}
	}
	return api.SecurityGroupRule{}, false
}

// FindDisabled returns the first of rules that says what r says but is
// disabled. Such a rule is neither "already present" (it does nothing)
// nor absent (an identical rule would duplicate it): `firewall allow` and
// `deny` stop with DisabledTwin's words and send nothing.
func (r Rule) FindDisabled(rules []api.SecurityGroupRule) (api.SecurityGroupRule, bool) {
	for _, x := range rules {
		if !Enabled(x) && r.twin(x) {
			return x, true
		}
	}
	return api.SecurityGroupRule{}, false
}

// DisabledTwin is the error text for a rule asked for that exists, but
// disabled, as rule x of group groupLabel in region: what it is, why
// nothing was sent and the two ways out (enable it where flexusl cannot,
// in the VPC console, or delete it and ask again). Server text is
// escaped; an ID that is not an ID is quoted and never put in a command.
// The caller says whether anything was sent.
func DisabledTwin(x api.SecurityGroupRule, groupLabel, region string) string {
	id := x.ID
	del := "delete it"
	if api.ValidID(id) {
		del = "delete it with `flexusl firewall delete " + id + " --region " + region + "`"
	} else {
		id = strconv.Quote(id)
	}
	return fmt.Sprintf("rule %s of %s is this rule, but it is disabled (\"enabled\": false): it lets nothing in or out, and a second identical rule would duplicate it. "+
		"Enable it in the VPC console, or %s and run this command again",
		id, safetext.Line(groupLabel), del)
}
