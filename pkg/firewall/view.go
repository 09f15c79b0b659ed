package firewall

import (
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
)

// InstanceRef names an instance in a result.
type InstanceRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// RuleView is a rule as flexusl prints it (JSON keys stable).
type RuleView struct {
	ID          string `json:"id"`
	GroupID     string `json:"group_id"`
	GroupName   string `json:"group_name"`
	Direction   string `json:"direction"` // ingress or egress
	Action      string `json:"action"`    // allow or deny
	Enabled     bool   `json:"enabled"`   // false: VPC lists it disabled, it does nothing
	Priority    int    `json:"priority"`
	Ethertype   string `json:"ethertype"` // IPv4 or IPv6
	Protocol    string `json:"protocol"`  // tcp, udp, icmp, ...; "any" for every protocol
	Ports       string `json:"ports"`     // as VPC's multiport; "" = every port
	Remote      string `json:"remote"`    // source (ingress) or destination (egress): a CIDR, "group:ID" or "address-group:ID"
	Description string `json:"description"`
}

// GroupView is a group with the instances that share it and its rules.
type GroupView struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Instances   []InstanceRef `json:"instances"`
	Rules       []RuleView    `json:"rules"`
}

// ListView is what `firewall list` prints.
type ListView struct {
	Region   string       `json:"region"`
	Instance *InstanceRef `json:"instance,omitempty"` // the instance asked about (none for --region)
	Groups   []GroupView  `json:"groups"`
}

// NewRuleView renders a rule of group g (g may be nil).
func NewRuleView(x api.SecurityGroupRule, g *Group) RuleView {
	v := RuleView{ID: x.ID, GroupID: x.SecurityGroupID, Direction: strings.ToLower(x.Direction), Action: normAction(x.Action), Enabled: Enabled(x),
		Priority: int(x.Priority), Ethertype: normEthertype(x.Ethertype), Protocol: normProtocol(x.Protocol), Ports: string(x.Multiport),
		Description: x.Description}
	if g != nil {
		v.GroupName = g.Name
	}
	if v.Protocol == "" {
		v.Protocol = "any"
	}
	switch {
	case x.RemoteGroupID != "":
		v.Remote = "group:" + x.RemoteGroupID
	case x.RemoteAddressGroupID != "":
		v.Remote = "address-group:" + x.RemoteAddressGroupID
	default:
		if p, ok := remotePrefix(x); ok {
			v.Remote = p.String()
		} else {
			v.Remote = x.RemoteIPPrefix
		}
	}
	return v
}

// View renders the firewall; focus names the instance asked about (nil
// for a region's groups).
func (fw *Firewall) View(focus *Instance) ListView {
	lv := ListView{Region: fw.Region, Groups: []GroupView{}}
	if focus != nil {
		lv.Instance = &InstanceRef{ID: focus.ID, Name: focus.Name}
	}
	for _, g := range fw.Groups {
		gv := GroupView{ID: g.ID, Name: g.Name, Description: g.Description, Instances: []InstanceRef{}, Rules: []RuleView{}}
		for _, in := range g.Instances {
			gv.Instances = append(gv.Instances, InstanceRef{ID: in.ID, Name: in.Name})
		}
		for _, r := range g.Rules {
			gv.Rules = append(gv.Rules, NewRuleView(r, g))
		}
		lv.Groups = append(lv.Groups, gv)
	}
	return lv
}

// GroupTable is the table of groups: name, ID, description and the
// instances sharing each.
func (lv ListView) GroupTable() ([]string, [][]string) {
	rows := [][]string{}
	for _, g := range lv.Groups {
		names := make([]string, len(g.Instances))
		for i, in := range g.Instances {
			names[i] = in.Name
			if names[i] == "" {
				names[i] = in.ID
			}
		}
		rows = append(rows, []string{dash(g.Name), g.ID, dash(g.Description), dash(strings.Join(names, ", "))})
	}
	return []string{"GROUP", "GROUP ID", "DESCRIPTION", "SHARED BY"}, rows
}

// RuleTable is the table of every rule of every group.
func (lv ListView) RuleTable() ([]string, [][]string) {
	rows := [][]string{}
	for _, g := range lv.Groups {
		for _, r := range g.Rules {
			rows = append(rows, RuleRow(r))
		}
	}
	return RuleHeader(), rows
}

// RuleHeader and RuleRow are one rule as a table row.
func RuleHeader() []string {
	return []string{"GROUP", "DIRECTION", "ACTION", "ENABLED", "PRIORITY", "PROTOCOL", "PORTS", "SOURCE/DESTINATION", "DESCRIPTION", "RULE ID"}
}

// RuleRow is a rule's table row.
func RuleRow(r RuleView) []string {
	ports := r.Ports
	if ports == "" {
		ports = "all"
		if r.Protocol == "icmp" || r.Protocol == "icmpv6" {
			ports = "-"
		}
	}
	dir := "in"
	if r.Direction == api.DirectionEgress {
		dir = "out"
	}
	group := r.GroupName
	if group == "" {
		group = r.GroupID
	}
	return []string{group, dir, r.Action, strconv.FormatBool(r.Enabled), strconv.Itoa(r.Priority), r.Protocol + "/" + r.Ethertype, ports, r.Remote, dash(r.Description), r.ID}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Summary is the rule in one line for people, as Rule.Summary words it,
// with ", disabled" for a disabled rule (server text is not escaped here:
// callers print it through safetext).
func (r RuleView) Summary() string {
	ports := ""
	switch {
	case r.Ports != "":
		ports = " " + r.Ports
	case r.Protocol != "icmp" && r.Protocol != "icmpv6":
		ports = " (every port)"
	}
	proto := r.Protocol
	if proto == "any" {
		proto = "every protocol"
	}
	dir, prep := "inbound", "from"
	if r.Direction == api.DirectionEgress {
		dir, prep = "outbound", "to"
	}
	state := ""
	if !r.Enabled {
		state = ", disabled"
	}
	return r.Action + " " + proto + ports + " " + prep + " " + r.Remote + " (" + dir + ", priority " + strconv.Itoa(r.Priority) + state + ")"
}
