package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/cache"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/google/uuid"
	"github.com/spf13/cobra"
)

// The firewall commands' shared steps (firewall allow/deny/delete/list,
// instance ssh's check, instance buy --open): reading an instance's
// security groups, the confirmation that names every instance a group
// protects, and the two journaled, at-most-once changes.

// LoadFirewall resolves arg (an instance ID or name; region "" searches
// every region) with one RMS listing and reads the firewall of its region,
// focused on it: its groups, their rules and the region's instances that
// share them. Notes (what could not be read) are warned about.
func LoadFirewall(ctx context.Context, f *Factory, client *api.Client, arg, region string) (*firewall.Firewall, firewall.Instance, error) {
	all, err := client.ListInstances(ctx, api.ListInstancesOptions{Region: region})
	if err != nil {
		return nil, firewall.Instance{}, err
	}
	rs, err := resolve.Match(all, []string{arg}, region)
	if err != nil {
		return nil, firewall.Instance{}, err
	}
	target := firewall.InstanceOf(&rs[0])
	RememberInstances(f, []instance.View{instance.NewView(&rs[0])}, false, "")
	var same []firewall.Instance
	for i := range all {
		if all[i].RegionID == target.Region {
			same = append(same, firewall.InstanceOf(&all[i]))
		}
	}
	fw, err := firewall.Load(ctx, client, target.Region, target.ProjectID, same, target.ID)
	if err != nil {
		return nil, target, err
	}
	warnNotes(f, fw)
	return fw, target, nil
}

// LoadRegionFirewall reads every group of a region's instances.
func LoadRegionFirewall(ctx context.Context, f *Factory, client *api.Client, region string) (*firewall.Firewall, error) {
	all, err := client.ListInstances(ctx, api.ListInstancesOptions{Region: region})
	if err != nil {
		return nil, err
	}
	var ins []firewall.Instance
	projectID := ""
	for i := range all {
		if all[i].RegionID != region {
			continue
		}
		ins = append(ins, firewall.InstanceOf(&all[i]))
		if projectID == "" {
			projectID = all[i].ProjectID
		}
	}
	fw, err := firewall.Load(ctx, client, region, projectID, ins, "")
	if err != nil {
		return nil, err
	}
	warnNotes(f, fw)
	return fw, nil
}

func warnNotes(f *Factory, fw *firewall.Firewall) {
	for _, n := range fw.Notes {
		f.IO.Warnf("%s", n)
	}
}

// DescribeGroup is, for a confirmation, the group and every instance its
// rules apply to (server text escaped).
func DescribeGroup(g *firewall.Group) string {
	names := make([]string, len(g.Instances))
	for i, in := range g.Instances {
		names[i] = safetext.Line(in.Label())
	}
	head := fmt.Sprintf("security group %s (%s)", safetext.Line(g.Label()), g.ID)
	switch len(names) {
	case 0:
		return head + ", which protects none of your FlexusL instances"
	case 1:
		return head + ", which protects 1 instance: " + names[0]
	}
	return fmt.Sprintf("%s, which protects %d instances; the change applies to every one of them: %s", head, len(names), strings.Join(names, ", "))
}

// AnywhereNote says a rule's address defaulted to anywhere (flag is the
// flag that narrows it), or "".
func AnywhereNote(r firewall.Rule, flag string) string {
	if !r.Anywhere {
		return ""
	}
	who := "every address on the internet can reach it"
	if r.Direction == api.DirectionEgress {
		who = "the instances can reach every address"
	}
	return fmt.Sprintf("The address defaults to anywhere (%s): %s. Narrow it with %s.", r.Remote, who, flag)
}

// CreateRule adds rule r to group g at most once: the attempt journaled
// (kind firewall) before it leaves, its outcome before anything is
// printed. An unknown outcome carries the firewall's advice (look with
// firewall list, never repeat blindly). A 2xx answer that cannot be read
// is accepted with advice.
func CreateRule(ctx context.Context, f *Factory, client *api.Client, fw *firewall.Firewall, g *firewall.Group, r firewall.Rule) (*api.SecurityGroupRule, error) {
	crid := uuid.NewString()
	p, err := client.PrepareCreateSecurityGroupRule(api.VPCCall{Region: fw.Region, ProjectID: fw.ProjectID, RequestID: crid}, r.Option(g.ID))
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("%s in %s", r.Summary(), safetext.Line(g.Label()))
	var rule *api.SecurityGroupRule
	res := f.Run(attempt.Call{Kind: journal.KindFirewall, RequestID: crid, Operation: p.Op().Call.String(),
		Region: fw.Region, Name: what, ResourceIDs: []string{g.ID}, Subject: "Adding the rule (" + what + ")"},
		func(string) attempt.Answer {
			var progress *ui.Progress
			if f.IO.IsStderrTTY() {
				progress = f.IO.StartProgress("adding the rule...")
			}
			var err error
			rule, err = client.CreateSecurityGroupRule(ctx, p)
			if progress != nil {
				progress.Stop()
			}
			switch {
			case errors.Is(err, api.ErrAnswerUnreadable):
				// VPC took it (2xx): the rule was added; only its ID is
				// not known. A change that happened is reported as done.
				return attempt.Answer{State: journal.StateAccepted, Journaled: err.Error()}
			case err != nil:
				return attempt.Answer{Err: err}
			}
			return attempt.Answer{ResourceIDs: []string{rule.ID}}
		})
	switch {
	case res.Err != nil:
		return nil, res.Err
	case rule == nil: // accepted, its answer unreadable
		f.IO.Warnf("VPC added the rule but its answer could not be read (%s); see the rule and its ID with: flexusl firewall list --region %s",
			FirstLine(res.Journaled), fw.Region)
		o := r.Option(g.ID)
		return &api.SecurityGroupRule{SecurityGroupID: g.ID, Direction: o.Direction, Ethertype: o.Ethertype, Protocol: o.Protocol,
			Multiport: api.Text(o.Multiport), Action: o.Action, RemoteIPPrefix: o.RemoteIPPrefix, Description: o.Description}, nil
	}
	return rule, nil
}

// DeleteRule deletes a rule at most once, journaled as CreateRule is.
// gone reports a rule that no longer existed (404): nothing was deleted,
// and that is not an error.
func DeleteRule(ctx context.Context, f *Factory, client *api.Client, region, projectID string, rule api.SecurityGroupRule, groupLabel string) (gone bool, err error) {
	if !api.ValidID(rule.ID) {
		return false, UsageErrorf("rule ID %q is not an ID (%s): nothing was sent", safetext.Line(rule.ID), api.IDRule)
	}
	what := fmt.Sprintf("delete rule %s (%s) of %s", rule.ID, firewall.NewRuleView(rule, nil).Summary(), groupLabel)
	res := f.Run(attempt.Call{Kind: journal.KindFirewall, Operation: service.DeleteSecurityGroupRule.String(),
		Region: region, Name: what, ResourceIDs: []string{rule.ID}, Subject: "Deleting rule " + rule.ID},
		func(crid string) attempt.Answer {
			return attempt.Answer{Err: client.DeleteSecurityGroupRule(ctx, api.VPCCall{Region: region, ProjectID: projectID, RequestID: crid}, rule.ID)}
		})
	if res.State == journal.StateRejected && api.IsNotFound(res.Err) && !api.IsGatewayError(res.Err) {
		return true, nil
	}
	return false, res.Err
}

// RememberFirewall records the groups and rules a command read in the
// completion cache (only IDs that are IDs). complete says fw holds every
// group of its region. A cache that cannot be written is never an error.
func RememberFirewall(f *Factory, fw *firewall.Firewall, complete bool) {
	var gs []cache.Group
	var rs []cache.Rule
	for _, g := range fw.Groups {
		gs = append(gs, cache.Group{ID: g.ID, Name: g.Name, Region: fw.Region})
		for _, r := range g.Rules {
			if api.ValidID(r.ID) {
				rs = append(rs, cache.Rule{ID: r.ID, GroupID: g.ID, GroupName: g.Name, Region: fw.Region, Summary: firewall.NewRuleView(r, g).Summary()})
			}
		}
	}
	cache.UpdateFirewall(cache.FirewallPath(f.Getenv), fw.Region, gs, rs, complete)
}

// CachedRuleRegion is the region the last firewall listing saw rule id in
// ("" when it did not see it).
func CachedRuleRegion(f *Factory, id string) string {
	_, rules, err := cache.ReadFirewall(cache.FirewallPath(f.Getenv))
	if err != nil {
		return ""
	}
	for _, r := range rules {
		if r.ID == id {
			return r.Region
		}
	}
	return ""
}

// CompleteGroups completes --group with the security groups `firewall
// list` has seen (names, then IDs), offline; with --region typed, only
// that region's.
func CompleteGroups(f *Factory) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		region := flagValue(cmd, "region")
		groups, _, _ := cache.ReadFirewall(cache.FirewallPath(f.Getenv))
		var names, ids []cobra.Completion
		seen := map[string]bool{}
		for _, g := range groups {
			if region != "" && g.Region != region || !safetext.IsSafe(g.ID) {
				continue
			}
			if g.Name != "" && safetext.IsSafe(g.Name) && !seen[g.Name] {
				seen[g.Name] = true
				names = append(names, cobra.CompletionWithDesc(g.Name, safetext.Line(g.ID+" "+g.Region)))
			}
			ids = append(ids, cobra.CompletionWithDesc(g.ID, safetext.Line(strings.TrimSpace(g.Name+" "+g.Region))))
		}
		return withPrefix(append(names, ids...), prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	}
}

// CompleteRuleIDs completes rule IDs from the cache `firewall list`
// writes, offline, each with its group and what it does; arguments
// already given are not offered again.
func CompleteRuleIDs(f *Factory) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		region := flagValue(cmd, "region")
		_, rules, _ := cache.ReadFirewall(cache.FirewallPath(f.Getenv))
		given := map[string]bool{}
		for _, a := range args {
			given[a] = true
		}
		var out []cobra.Completion
		for _, r := range rules {
			if given[r.ID] || region != "" && r.Region != region || !api.ValidID(r.ID) {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(r.ID, safetext.Line(strings.TrimSpace(r.GroupName+": "+r.Summary+" "+r.Region))))
		}
		return withPrefix(out, prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	}
}

// ClosedPortHint reads the firewall of the instance of RMS entry r and,
// when no inbound rule of its groups can let TCP port in from outside,
// says so with the way to open it (closedPortText). port 0 checks the
// server's login port (22, or 3389 when it runs Windows). It is "" when
// the port can get through, and when the firewall could not be read (a
// hint is never worth failing for).
func ClosedPortHint(ctx context.Context, client *api.Client, r *api.Resource, known *api.Server, port int, consequence string) string {
	in := firewall.InstanceOf(r)
	if in.ServerID == "" || !api.ValidID(in.ID) {
		return ""
	}
	fw, err := firewall.Load(ctx, knownServer{client, known}, in.Region, in.ProjectID, []firewall.Instance{in}, in.ID)
	if err != nil || len(fw.GroupsOf(in.ID)) == 0 {
		return "" // not read, or ECS lists no groups: nothing to judge by
	}
	return closedPortText(fw, in, port, consequence)
}

// maxBlockersNamed is how many deny rules a closed-port hint names.
const maxBlockersNamed = 3

// closedPortText is ClosedPortHint's words for a firewall already read:
// "" when TCP port can get through. When deny rules keep it closed
// (firewall.Blockers) it names them and says to delete them, or, when
// they are weaker than the strongest priority, to add an allow rule
// stronger than them; `firewall allow` with the default priority would
// lose to a deny of priority 1 (at equal priority deny wins). Otherwise it
// gives the `firewall allow` that opens the port.
func closedPortText(fw *firewall.Firewall, in firewall.Instance, port int, consequence string) string {
	what := map[int]string{22: "SSH", 3389: "RDP"}[port]
	if port == 0 {
		port, what = fw.LoginPort(in.ID)
	}
	rules := fw.RulesOf(in.ID)
	if firewall.Lets(rules, "tcp", port, nil) {
		return ""
	}
	var names []string
	for _, g := range fw.GroupsOf(in.ID) {
		names = append(names, safetext.Line(g.Label()))
	}
	groups := "its security groups"
	switch len(names) {
	case 0:
		groups = "its security groups (ECS lists none)"
	case 1:
		groups = "security group " + names[0]
	default:
		groups = "security groups " + strings.Join(names, ", ")
	}
	label := fmt.Sprintf("TCP %d", port)
	if what != "" {
		label += " (" + what + ")"
	}
	if consequence != "" {
		consequence = ": " + consequence
	}
	head := fmt.Sprintf("no inbound rule of %s lets %s in from outside%s.", groups, label, consequence)
	blockers := firewall.Blockers(rules, "tcp", port)
	if len(blockers) == 0 {
		return fmt.Sprintf("%s Open it (for every instance in the group) with: flexusl firewall allow %s --port %d --from YOUR_IP", head, in.ID, port)
	}

	// Deny rules close it: name them; the way out is deleting them, or an
	// allow rule of a stronger priority than the strongest of them.
	var descs, ids []string
	for i, x := range blockers {
		if i == maxBlockersNamed {
			descs = append(descs, fmt.Sprintf("%d more (see flexusl firewall list %s)", len(blockers)-i, in.ID))
			break
		}
		id := x.ID
		if api.ValidID(id) {
			ids = append(ids, id)
		} else {
			id = strconv.Quote(id)
		}
		descs = append(descs, fmt.Sprintf("%s (%s)", id, safetext.Line(firewall.NewRuleView(x, nil).Summary())))
	}
	rule := "Deny rule " + descs[0] + " blocks it"
	if len(descs) > 1 {
		rule = "Deny rules " + strings.Join(descs, ", ") + " block it"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (at equal priority deny wins).", head, rule)
	if len(ids) > 0 {
		region := in.Region
		if !api.ValidRegion(region) {
			region = "REGION"
		}
		fmt.Fprintf(&b, " Delete %s with: flexusl firewall delete %s --region %s", map[bool]string{true: "it", false: "them"}[len(ids) == 1], strings.Join(ids, " "), region)
	}
	strongest := int(blockers[0].Priority)
	if strongest > firewall.MinPriority {
		if len(ids) > 0 {
			b.WriteString("; or")
		}
		fmt.Fprintf(&b, " open it with a stronger priority than %d (for every instance in the group): flexusl firewall allow %s --port %d --from YOUR_IP --priority %d",
			strongest, in.ID, port, strongest-1)
	} else {
		fmt.Fprintf(&b, " (priority %d is the strongest: no allow rule can override it)", firewall.MinPriority)
	}
	return b.String()
}

// knownServer is a firewall.Reader that answers ShowServer with a server
// already read (nil: asks ECS).
type knownServer struct {
	*api.Client
	s *api.Server
}

func (k knownServer) ShowServer(ctx context.Context, ref api.ServerRef) (*api.Server, error) {
	if k.s != nil && k.s.ID == ref.ServerID {
		return k.s, nil
	}
	return k.Client.ShowServer(ctx, ref)
}

// OpenPlan checks `instance buy`'s --open and --open-from offline: the
// rule it would add (allow TCP, inbound), or the problems (fields named by
// those flags). nil without --open.
func OpenPlan(open []string, from string, fromGiven, wait bool) (*firewall.Rule, problem.Problems) {
	var ps problem.Problems
	if len(open) == 0 {
		if fromGiven {
			ps = append(ps, problem.Problem{Field: "--open-from", Value: from, Reason: "needs --open (the ports to open)"})
		}
		return nil, ps
	}
	if !wait {
		ps = append(ps, problem.Problem{Field: "--open", Value: strings.Join(open, ","), Reason: "needs --wait: ports are opened once the instances run"})
	}
	r, rps := firewall.Check(firewall.Spec{Action: api.ActionAllow, Protocol: "tcp", Ports: open, From: from, FromFlag: "--open-from",
		Description: "flexusl instance buy --open"})
	for _, p := range rps {
		if p.Field == firewall.FPort {
			p.Field = "--open"
		}
		ps = append(ps, p)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return &r, nil
}

// OpenSummary is the line the purchase's confirmation adds for --open.
func OpenSummary(r *firewall.Rule, region string) string {
	from := "from " + r.Remote
	if r.Anywhere {
		from = "from anywhere (" + r.Remote + ": every address on the internet; narrow it with --open-from)"
	}
	return fmt.Sprintf("Then open TCP %s %s in the security group the new instances are put in (normally %s, shared by every FlexusL instance of your account in %s: the ports open for all of them); ports already open are not touched.\n",
		r.Multiport(), from, firewall.DefaultGroupName, region)
}

// OpenResult is what --open did in one security group (JSON keys stable).
type OpenResult struct {
	GroupID     string                 `json:"group_id"`
	GroupName   string                 `json:"group_name"`
	Instances   []firewall.InstanceRef `json:"instances"`    // every instance the group protects
	Opened      string                 `json:"opened"`       // ports the new rule opens ("" none)
	AlreadyOpen string                 `json:"already_open"` // ports that were open already
	RuleID      string                 `json:"rule_id"`
	Status      string                 `json:"status"` // opened, already_open, unknown, failed
	Error       string                 `json:"error"`
}

// OpenPorts opens r's ports for the instances just bought (IDs, all of
// region) in their security groups: one rule per group holding the ports
// not open yet, journaled and sent once (CreateRule). It was confirmed
// with the purchase. The error is the first failure; results cover every
// group looked at.
func OpenPorts(ctx context.Context, f *Factory, client *api.Client, region string, ids []string, r *firewall.Rule) ([]OpenResult, error) {
	fw, err := LoadRegionFirewall(ctx, f, client, region)
	if err != nil {
		return nil, err
	}
	src, _ := firewall.ParsePrefix(r.Remote)
	var out []OpenResult
	var first error
	var seq attempt.Sequence // no rule after an unknown outcome or an interrupt
	done := map[string]bool{}
	for _, id := range ids {
		g, reason := fw.PickGroup(id, "")
		if g == nil {
			out = append(out, OpenResult{Status: "failed", Error: "instance " + id + ": " + reason, Instances: []firewall.InstanceRef{}})
			if first == nil {
				first = fmt.Errorf("instance %s: %s", id, reason)
			}
			continue
		}
		if done[g.ID] {
			continue
		}
		done[g.ID] = true
		res := OpenResult{GroupID: g.ID, GroupName: g.Name, Instances: []firewall.InstanceRef{}}
		for _, in := range g.Instances {
			res.Instances = append(res.Instances, firewall.InstanceRef{ID: in.ID, Name: in.Name})
		}
		missing := firewall.Missing(fw.RulesOf(id), r.Ports, src)
		var open []firewall.PortRange
		for _, p := range r.Ports {
			if !slices.Contains(missing, p) {
				open = append(open, p)
			}
		}
		res.AlreadyOpen = firewall.Rule{Ports: open}.Multiport()
		if len(missing) == 0 {
			res.Status = "already_open"
			out = append(out, res)
			continue
		}
		if why := seq.Skip(ctx); why != "" {
			res.Status, res.Error = "failed", why
			out = append(out, res)
			continue
		}
		add := *r
		add.Ports = missing
		created, err := CreateRule(ctx, f, client, fw, g, add)
		seq.SentErr(err)
		switch {
		case api.IsConflict(err):
			// VPC says the rule exists: nothing was added. A disabled twin
			// opens nothing: that is said, not "already open".
			if d, ok := add.FindDisabled(g.Rules); ok {
				res.Status, res.Error = "failed", "a rule for these ports exists but is disabled (rule "+safetext.Line(d.ID)+"): enable it in the console or delete it"
			} else {
				res.Status = "already_open"
			}
		case api.IsUnknownOutcome(err):
			res.Status, res.Error = "unknown", FirstLine(err.Error()) // may be open: never "failed", never retried
			first = err                                               // its advice (look, never repeat) is what the warning must carry
		case err != nil:
			res.Status, res.Error = "failed", FirstLine(err.Error())
			if first == nil {
				first = err
			}
		default:
			res.Status, res.Opened, res.RuleID = "opened", add.Multiport(), created.ID
		}
		out = append(out, res)
	}
	return out, first
}

// OpenAfterBuy runs OpenPorts for `instance buy --wait --open` and says
// on stderr what it did. A failure is a warning with its advice, never
// the purchase's exit code: the purchase happened.
func OpenAfterBuy(ctx context.Context, f *Factory, client *api.Client, region string, ids []string, r *firewall.Rule) []OpenResult {
	res, err := OpenPorts(ctx, f, client, region, ids, r)
	for _, o := range res {
		names := make([]string, len(o.Instances))
		for i, in := range o.Instances {
			names[i] = safetext.Line(in.Name) // server text: one line each, escaped
		}
		group := safetext.Line(o.GroupName)
		switch o.Status {
		case "opened":
			f.IO.Infof("Opened TCP %s from %s in %s (rule %s); it applies to: %s.", o.Opened, r.Remote, group, safetext.Line(o.RuleID), strings.Join(names, ", "))
		case "already_open":
			f.IO.Infof("TCP %s already open from %s in %s: nothing was sent.", o.AlreadyOpen, r.Remote, group)
		case "unknown":
			f.IO.Warnf("TCP %s from %s in %s: the outcome is unknown (see below); check with: flexusl firewall list --region %s", o.Opened, r.Remote, group, region)
		}
	}
	if err != nil {
		msg := "the instances were bought and run, but opening the ports failed: " + err.Error()
		if a := Advice(err); a != "" {
			msg += "\n" + a
		}
		f.IO.Warnf("%s", msg)
	}
	if res == nil {
		res = []OpenResult{}
	}
	return res
}
