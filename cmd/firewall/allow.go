package firewallcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// RuleOptions are the inputs of `firewall allow` and `firewall deny`.
type RuleOptions struct {
	Action      string // allow or deny
	Instance    string // ID or name
	Ports       []string
	Protocol    string
	From, To    string
	Priority    int
	Description string
	Group       string
	Direction   string
	Yes         bool
	DryRun      bool
}

// RuleResult is what allow and deny print (JSON keys stable).
type RuleResult struct {
	Status    string                 `json:"status"` // added or already_present
	Rule      firewall.RuleView      `json:"rule"`
	Instances []firewall.InstanceRef `json:"instances"` // every instance the group protects
}

// Result statuses.
const (
	StatusAdded          = "added"
	StatusAlreadyPresent = "already_present"
)

// NewCmdAllow is `flexusl firewall allow`; runF replaces the run in tests.
func NewCmdAllow(f *cmdutil.Factory, runF func(*RuleOptions) error) *cobra.Command {
	return newRuleCmd(f, api.ActionAllow, runF, "Open ports: add an allow rule to an instance's security group",
		`  # SSH from your address only
  flexusl firewall allow web-1 --port 22 --from 203.0.113.7

  # the web, from anywhere (the group's other instances get it too)
  flexusl firewall allow web-1 --port 80,443 --yes

  # a range over UDP, in a group named explicitly
  flexusl firewall allow web-1 --protocol udp --port 60000-61000 --group sg-default-smb`)
}

// newRuleCmd builds allow or deny.
func newRuleCmd(f *cmdutil.Factory, action string, runF func(*RuleOptions) error, short, example string) *cobra.Command {
	opts := &RuleOptions{Action: action}
	cmd := &cobra.Command{
		Use:   action + " ID|NAME --port P[,P|LOW-HIGH]... [--protocol tcp|udp|icmp|icmpv6|any] [--from CIDR | --to CIDR] [--priority 1-100] [--description TEXT] [--group NAME|ID] [--direction ingress|egress] [--yes]",
		Short: short,
		Long: `Add ` + map[string]string{api.ActionAllow: "an allow", api.ActionDeny: "a deny"}[action] + ` rule to the security group of an instance's server
(VPC CreateSecurityGroupRule). The group is --group (a name or ID of one of
the server's groups), else its only group, else sg-default-smb. Every
instance in that group gets the rule: the confirmation names them all.

Every value is checked offline first, all problems at once, and nothing
is sent when one is wrong (exit 2):
  --port         1-65535; a list (80,443) and ranges (8000-8100), repeatable,
                 at most 20 ports or ranges per rule; required for tcp and
                 udp, refused for icmp and any
  --protocol     tcp (default), udp, icmp (IPv4), icmpv6 (IPv6) or any
  --from/--to    an address or CIDR: the source of an inbound rule (--from)
                 or the destination of an outbound one (--to). Default:
                 anywhere, 0.0.0.0/0 (::/0 for icmpv6), and the confirmation
                 says so. Its family (IPv4/IPv6) is the rule's ethertype
  --priority     1-100, 1 the strongest (default 1); at equal priority deny wins
  --description  at most 255 characters, no < or >, no control characters

--dry-run reads the groups and prints the exact request (a fresh
Client-Request-Id is made for each real send); nothing is changed.

A rule identical to one the group has (direction, family, protocol, ports,
address, action, priority) is reported as already present: nothing is
sent, exit 0. When the group has it but disabled ("enabled": false), it
does nothing and another would duplicate it: flexusl says so, with the
rule's ID and how to enable or delete it, and exits 2, sending nothing.
Otherwise the rule is added once: the attempt is journaled
(kind firewall) before it is sent and its outcome before anything is
printed; after a server error, a timeout or a lost connection the outcome
is unknown and flexusl says how to look (flexusl firewall list), never
sending it again by itself.

Exit codes: 0 added or already present; 2 bad input or not confirmed
(nothing sent); 3 credentials or permission (vpc:securityGroupRules:create);
1 refused or unknown outcome.`,
		Example: example,
		Args:    cmdutil.ExactArgs(1, "an instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Instance = args[0]
			if runF != nil {
				return runF(opts)
			}
			return ruleRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.FirstArgOnly(cmdutil.CompleteInstances(f)),
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Ports, "port", nil, "port(s): 22, 80,443 or 8000-8100 (repeatable; 1-65535, at most 20 per rule)")
	fl.StringVar(&opts.Protocol, "protocol", "tcp", "tcp, udp, icmp, icmpv6 or any")
	fl.StringVar(&opts.From, "from", "", "source address or CIDR of an inbound rule (default anywhere: 0.0.0.0/0)")
	fl.StringVar(&opts.To, "to", "", "destination address or CIDR of an outbound rule (--direction egress; default anywhere)")
	fl.IntVar(&opts.Priority, "priority", firewall.DefaultPriority, "1-100, 1 the strongest")
	fl.StringVar(&opts.Description, "description", "", "description: at most 255 characters, no < or >")
	fl.StringVar(&opts.Group, "group", "", "the security group (name or ID) when the server has several (default: its only one, else sg-default-smb)")
	fl.StringVar(&opts.Direction, "direction", api.DirectionIngress, "ingress (inbound) or egress (outbound)")
	cmdutil.YesFlag(fl, &opts.Yes, "change the firewall")
	cmdutil.DryRunFlag(fl, &opts.DryRun, " (the groups are read first)")
	cmd.RegisterFlagCompletionFunc("protocol", cobra.FixedCompletions(firewall.Protocols, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("direction", cobra.FixedCompletions(firewall.Directions, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	// Declared, so a bad --columns is refused before anything is sent.
	cmdutil.JSONKeys(cmd, "", RuleResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}

// spec turns the flags into a rule spec; --from and --to each belong to
// one direction.
func (o *RuleOptions) spec() (firewall.Spec, problem.Problems) {
	s := firewall.Spec{Direction: o.Direction, Action: o.Action, Protocol: o.Protocol, Ports: o.Ports, Priority: o.Priority, Description: o.Description}
	var ps problem.Problems
	egress := strings.EqualFold(strings.TrimSpace(o.Direction), api.DirectionEgress)
	switch {
	case egress && o.From != "":
		ps = append(ps, problem.Problem{Field: "--from", Value: o.From, Reason: "is the source of an inbound rule: an outbound rule takes --to"})
	case !egress && o.To != "":
		ps = append(ps, problem.Problem{Field: "--to", Value: o.To, Reason: "is the destination of an outbound rule (--direction egress): an inbound rule takes --from"})
	case egress:
		s.From, s.FromFlag = o.To, "--to"
	default:
		s.From = o.From
	}
	if o.Priority == 0 { // given on the command line: out of range, not "the default"
		ps = append(ps, problem.Problem{Field: firewall.FPriority, Value: "0", Reason: fmt.Sprintf("must be %d to %d (%d is the strongest)", firewall.MinPriority, firewall.MaxPriority, firewall.MinPriority)})
		s.Priority = firewall.DefaultPriority
	}
	return s, ps
}

func ruleRun(ctx context.Context, f *cmdutil.Factory, opts *RuleOptions) error {
	// 1. Every value checked offline; all problems at once (exit 2).
	spec, ps := opts.spec()
	rule, rps := firewall.Check(spec)
	if ps = append(ps, rps...); len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	if err := resolve.CheckArg(opts.Instance); err != nil {
		return err
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	region, err := cmdutil.RegionFlag(f)
	if err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}

	// 2. The instance's groups and their rules; the group the rule goes in.
	fw, target, err := cmdutil.LoadFirewall(ctx, f, client, opts.Instance, region)
	if err != nil {
		return err
	}
	cmdutil.RememberFirewall(f, fw, false)
	g, reason := fw.PickGroup(target.ID, opts.Group)
	if g == nil {
		return cmdutil.UsageErrorf("%s (nothing was sent)", reason)
	}
	if existing, ok := rule.Find(g.Rules); ok {
		f.IO.Infof("Already present in %s: rule %s (%s); nothing was sent.", safetext.Line(g.Label()), safetext.Line(existing.ID), rule.Summary())
		return printRule(f, StatusAlreadyPresent, existing, g)
	}
	if off, ok := rule.FindDisabled(g.Rules); ok {
		return cmdutil.UsageErrorf("%s (nothing was sent)", firewall.DisabledTwin(off, g.Label(), fw.Region))
	}

	// 3. Confirm, naming the group and every instance it protects.
	var b strings.Builder
	fmt.Fprintf(&b, "You are about to add this rule to %s:\n  %s\n", cmdutil.DescribeGroup(g), rule.Summary())
	flag := "--from"
	if rule.Direction == api.DirectionEgress {
		flag = "--to"
	}
	if note := cmdutil.AnywhereNote(rule, flag); note != "" {
		fmt.Fprintf(&b, "%s\n", note)
	}
	if opts.DryRun {
		p, err := client.PrepareCreateSecurityGroupRule(api.VPCCall{Region: fw.Region, ProjectID: fw.ProjectID, RequestID: cmdutil.DryRunRequestID}, rule.Option(g.ID))
		if err != nil {
			return err
		}
		f.IO.Infof("%s", strings.TrimSuffix(strings.Replace(b.String(), "You are about to add", "It would add", 1), "\n"))
		return f.PrintDryRuns("Adding the rule", []*api.Prepared{p})
	}
	cmdutil.WarnUnresolved(f, journal.KindFirewall)
	if err := (cmdutil.Confirm{Yes: opts.Yes, Verb: "change the firewall"}).Ask(f, b.String(), "Add the rule?"); err != nil {
		return err
	}

	// 4. Send once, journaled.
	created, err := cmdutil.CreateRule(ctx, f, client, fw, g, rule)
	if api.IsConflict(err) {
		// VPC says the rule exists (added meanwhile): show it.
		rules, lerr := client.ListSecurityGroupRules(ctx, api.VPCCall{Region: fw.Region, ProjectID: fw.ProjectID}, []string{g.ID})
		if lerr == nil {
			if existing, ok := rule.Find(rules); ok {
				f.IO.Infof("Already present in %s (VPC answered that the rule exists): rule %s.", safetext.Line(g.Label()), safetext.Line(existing.ID))
				return printRule(f, StatusAlreadyPresent, existing, g)
			}
			if off, ok := rule.FindDisabled(rules); ok {
				return cmdutil.WithAdvice(err, "VPC refused it as existing: "+firewall.DisabledTwin(off, g.Label(), fw.Region))
			}
		}
	}
	if err != nil {
		return err
	}
	return printRule(f, StatusAdded, *created, g)
}

func printRule(f *cmdutil.Factory, status string, r api.SecurityGroupRule, g *firewall.Group) error {
	res := RuleResult{Status: status, Rule: firewall.NewRuleView(r, g), Instances: []firewall.InstanceRef{}}
	for _, in := range g.Instances {
		res.Instances = append(res.Instances, firewall.InstanceRef{ID: in.ID, Name: in.Name})
	}
	return f.Print(res, func() ([]string, [][]string) {
		return append([]string{"STATUS"}, firewall.RuleHeader()...), [][]string{append([]string{strings.ReplaceAll(status, "_", " ")}, firewall.RuleRow(res.Rule)...)}
	})
}
