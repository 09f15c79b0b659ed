package firewall

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// Instance is a FlexusL instance whose server's groups are read.
type Instance struct {
	ID, Name, Region, ProjectID, ServerID string
}

// InstanceOf is the instance of an RMS entry.
func InstanceOf(r *api.Resource) Instance {
	return Instance{ID: r.ID, Name: r.Name, Region: r.RegionID, ProjectID: r.ProjectID, ServerID: r.ServerID()}
}

// Label is the instance's name, else its ID.
func (in Instance) Label() string {
	if in.Name != "" {
		return in.Name
	}
	return in.ID
}

// Reader is what Load reads with (api.Client is one).
type Reader interface {
	ShowServer(ctx context.Context, ref api.ServerRef) (*api.Server, error)
	ListSecurityGroups(ctx context.Context, call api.VPCCall, ids []string) ([]api.SecurityGroup, error)
	ListSecurityGroupRules(ctx context.Context, call api.VPCCall, groupIDs []string) ([]api.SecurityGroupRule, error)
}

// Group is a security group with the instances whose servers it protects
// and its rules.
type Group struct {
	ID, Name, Description string
	Instances             []Instance
	Rules                 []api.SecurityGroupRule
}

// Label is the group's name, else its ID.
func (g *Group) Label() string {
	if g.Name != "" {
		return g.Name
	}
	return g.ID
}

// InstanceLabels are the names of the instances sharing the group.
func (g *Group) InstanceLabels() []string {
	out := make([]string, len(g.Instances))
	for i, in := range g.Instances {
		out[i] = in.Label()
	}
	return out
}

// Firewall is the groups of a region's instances.
type Firewall struct {
	Region, ProjectID string
	Groups            []*Group            // the focus instance's in ECS's order, else by name
	ByInstance        map[string][]string // instance ID -> its group IDs
	OSType            map[string]string   // instance ID -> its server's metadata os_type (Linux, Windows)
	Notes             []string            // what could not be read (warnings)
}

// Group finds a group by ID or name (nil when none, or when a name is
// ambiguous).
func (fw *Firewall) Group(nameOrID string) *Group {
	var byName []*Group
	for _, g := range fw.Groups {
		if g.ID == nameOrID {
			return g
		}
		if g.Name == nameOrID {
			byName = append(byName, g)
		}
	}
	if len(byName) == 1 {
		return byName[0]
	}
	return nil
}

// GroupsOf are the groups of an instance, in ECS's order.
func (fw *Firewall) GroupsOf(instanceID string) []*Group {
	var out []*Group
	for _, id := range fw.ByInstance[instanceID] {
		for _, g := range fw.Groups {
			if g.ID == id {
				out = append(out, g)
			}
		}
	}
	return out
}

// RulesOf are every rule of an instance's groups.
func (fw *Firewall) RulesOf(instanceID string) []api.SecurityGroupRule {
	var out []api.SecurityGroupRule
	for _, g := range fw.GroupsOf(instanceID) {
		out = append(out, g.Rules...)
	}
	return out
}

// Load reads which groups protect the servers of instances (all of one
// region: one ShowServer each), then the groups' names and rules. With
// focus set (an instance ID), only the focus instance's groups are read;
// the other instances only say which of them they share. A server that
// cannot be read is a note, except the focus's, which is an error; so is
// a server listing more than MaxServerGroups groups. Group IDs that are
// not ValidID are never put in a request: they are notes.
func Load(ctx context.Context, rd Reader, region, projectID string, instances []Instance, focus string) (*Firewall, error) {
	fw := &Firewall{Region: region, ProjectID: projectID, ByInstance: map[string][]string{}, OSType: map[string]string{}}
	names := map[string]string{}
	var order []string // group IDs in the order first seen (the focus first)
	sorted := slices.Clone(instances)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID == focus && sorted[j].ID != focus })
	servers, errs := showServers(ctx, rd, region, projectID, sorted)
	for i, in := range sorted {
		if in.ServerID == "" {
			if in.ID == focus {
				return nil, fmt.Errorf("instance %s (%s) has no server yet (RMS lists none): its firewall cannot be read", safetext.Line(in.Label()), in.ID)
			}
			continue
		}
		s, err := servers[i], errs[i]
		if err != nil {
			if in.ID == focus {
				return nil, fmt.Errorf("instance %s: the groups of its server: %w", safetext.Line(in.Label()), err)
			}
			fw.Notes = append(fw.Notes, fmt.Sprintf("the groups of instance %s could not be read: %s", safetext.Line(in.Label()), firstLine(err)))
			continue
		}
		fw.OSType[in.ID] = s.Metadata["os_type"]
		if n := len(s.SecurityGroups); n > MaxServerGroups {
			msg := fmt.Sprintf("ECS lists %d security groups for the server of instance %s: flexusl reads at most %d per server", n, safetext.Line(in.Label()), MaxServerGroups)
			if in.ID == focus {
				return nil, fmt.Errorf("%s; stopped (nothing was read from VPC)", msg)
			}
			fw.Notes = append(fw.Notes, msg+"; its groups were skipped")
			continue
		}
		for _, sg := range s.SecurityGroups {
			if !api.ValidID(sg.ID) {
				fw.Notes = append(fw.Notes, fmt.Sprintf("instance %s: ECS names a security group whose ID %q is not an ID; it was skipped", safetext.Line(in.Label()), safetext.Line(sg.ID)))
				continue
			}
			if slices.Contains(fw.ByInstance[in.ID], sg.ID) {
				continue
			}
			fw.ByInstance[in.ID] = append(fw.ByInstance[in.ID], sg.ID)
			if _, ok := names[sg.ID]; !ok {
				names[sg.ID] = sg.Name
				order = append(order, sg.ID)
			}
		}
	}
	ids := order
	if focus != "" {
		ids = fw.ByInstance[focus]
	}
	if len(ids) == 0 {
		return fw, nil
	}
	call := api.VPCCall{Region: region, ProjectID: projectID}
	byID := map[string]*Group{}
	for _, id := range ids {
		g := &Group{ID: id, Name: names[id]}
		byID[id] = g
		fw.Groups = append(fw.Groups, g)
	}
	if gs, err := rd.ListSecurityGroups(ctx, call, ids); err != nil {
		fw.Notes = append(fw.Notes, "the security groups' names and descriptions could not be read (ECS's names are shown): "+firstLine(err))
	} else {
		for _, sg := range gs {
			if g := byID[sg.ID]; g != nil {
				g.Name, g.Description = sg.Name, sg.Description
			}
		}
	}
	rules, err := rd.ListSecurityGroupRules(ctx, call, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if g := byID[r.SecurityGroupID]; g != nil {
			g.Rules = append(g.Rules, r)
		}
	}
	for _, in := range instances {
		for _, id := range fw.ByInstance[in.ID] {
			if g := byID[id]; g != nil {
				g.Instances = append(g.Instances, in)
			}
		}
	}
	for _, g := range fw.Groups {
		sortRules(g.Rules)
	}
	if focus == "" {
		sort.SliceStable(fw.Groups, func(i, j int) bool { return fw.Groups[i].Name < fw.Groups[j].Name })
	}
	return fw, nil
}

// sortRules orders rules as people read a firewall: inbound first, then by
// priority (strongest first), deny before allow, then by ID.
func sortRules(rs []api.SecurityGroupRule) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if da, db := strings.EqualFold(a.Direction, api.DirectionIngress), strings.EqualFold(b.Direction, api.DirectionIngress); da != db {
			return da
		}
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		if xa, xb := normAction(a.Action), normAction(b.Action); xa != xb {
			return xa == api.ActionDeny
		}
		return a.ID < b.ID
	})
}

func firstLine(err error) string {
	l, _, _ := strings.Cut(err.Error(), "\n")
	return l
}

// PickGroup chooses the group of an instance a rule goes in: want (a name
// or ID of one of its groups) when given, else its only group, else its
// sg-default-smb. The reason says why none could be chosen ("" when one
// was).
func (fw *Firewall) PickGroup(instanceID, want string) (*Group, string) {
	gs := fw.GroupsOf(instanceID)
	labels := make([]string, len(gs))
	for i, g := range gs {
		labels[i] = safetext.Line(g.Label()) + " (" + g.ID + ")"
	}
	if want != "" {
		var byName []*Group
		for _, g := range gs {
			if g.ID == want {
				return g, ""
			}
			if g.Name == want {
				byName = append(byName, g)
			}
		}
		switch len(byName) {
		case 1:
			return byName[0], ""
		case 0:
			return nil, fmt.Sprintf("the instance's server is not in a security group %q; its groups: %s", safetext.Line(want), strings.Join(labels, ", "))
		}
		return nil, fmt.Sprintf("%d of the instance's groups are named %q: name one by ID: %s", len(byName), safetext.Line(want), strings.Join(labels, ", "))
	}
	switch len(gs) {
	case 0:
		return nil, "the instance's server is in no security group ECS lists"
	case 1:
		return gs[0], ""
	}
	for _, g := range gs {
		if g.Name == DefaultGroupName {
			return g, ""
		}
	}
	return nil, fmt.Sprintf("the instance's server is in %d security groups: choose one with --group: %s", len(gs), strings.Join(labels, ", "))
}

// LoginPort is the port people log in to an instance's server on: 3389
// (RDP) when ECS says it runs Windows, else 22 (SSH).
func (fw *Firewall) LoginPort(instanceID string) (int, string) {
	if strings.EqualFold(fw.OSType[instanceID], "windows") {
		return 3389, "RDP"
	}
	return 22, "SSH"
}

// MaxServerGroups is how many security groups Load takes from one
// server's ECS answer. Huawei lets a server's NIC be in a handful of
// groups; an answer listing more than this is broken or hostile, and
// reading every group it names would send VPC one listing per
// api.MaxGroupFilter groups. The focus instance's server listing more is
// an error; another instance's is a note and its groups are skipped.
const MaxServerGroups = 50

// ServerReads is how many ShowServer calls Load makes at once.
const ServerReads = 8

// showServers reads the servers of instances, ServerReads at a time, in
// the instances' order (no server: nil, nil).
func showServers(ctx context.Context, rd Reader, region, projectID string, ins []Instance) ([]*api.Server, []error) {
	servers, errs := make([]*api.Server, len(ins)), make([]error, len(ins))
	sem := make(chan struct{}, ServerReads)
	var wg sync.WaitGroup
	for i, in := range ins {
		if in.ServerID == "" {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			servers[i], errs[i] = rd.ShowServer(ctx, api.ServerRef{Region: region, ProjectID: projectID, ServerID: in.ServerID})
		}()
	}
	wg.Wait()
	return servers, errs
}
