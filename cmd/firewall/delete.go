package firewallcmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// DeleteOptions are the inputs of `firewall delete`.
type DeleteOptions struct {
	RuleIDs     []string
	Yes, DryRun bool
}

// DeleteResult is one rule's line of the result (JSON keys stable).
type DeleteResult struct {
	ID        string                 `json:"id"`
	Status    string                 `json:"status"` // deleted, already_gone, not_sent, rejected, unknown
	Rule      *firewall.RuleView     `json:"rule"`
	Instances []firewall.InstanceRef `json:"instances"` // the instances its group protects
	Error     string                 `json:"error"`
}

// Delete statuses.
const (
	StatusDeleted     = "deleted"
	StatusAlreadyGone = "already_gone"
	StatusNotSent     = "not_sent"
	StatusRejected    = "rejected"
	StatusUnknown     = "unknown"
)

// NewCmdDelete is `flexusl firewall delete`; runF replaces the run in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete RULE_ID... [--region R] [--yes]",
		Short: "Delete security group rules by ID (as firewall list shows them)",
		Long: `Delete security group rules (VPC DeleteSecurityGroupRule) of the region
given by --region (flag, FLEXUSL_REGION or the profile). Rule IDs are
checked before anything is sent (1 to 64 letters, digits, - and _).

The confirmation shows each rule and every instance its group protects:
deleting a rule of sg-default-smb changes the firewall of every FlexusL
instance of the region. A rule that no longer exists is reported as
already gone, not as an error. Each deletion is journaled (kind firewall)
and sent once; after an unknown outcome flexusl says how to look (flexusl
firewall list), does not send it again, and sends no further deletion
(they read "not sent: an earlier request's outcome is unknown"), as every
command that sends several requests does. --dry-run reads the rules and
prints the DELETE requests that would be sent.

Exit codes: 0 deleted or already gone; 2 bad input or not confirmed
(nothing sent); 3 credentials or permission (vpc:securityGroupRules:delete);
1 refused or unknown outcome.`,
		Example: `  flexusl firewall delete 7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c --region ap-southeast-3
  flexusl firewall delete 7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c 0f2e... --yes -o json
  flexusl firewall delete 7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c --dry-run`,
		Args: cmdutil.AtLeastOneArg("rule ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RuleIDs = args
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.CompleteRuleIDs(f),
	}
	cmdutil.YesFlag(cmd.Flags(), &opts.Yes, "delete")
	cmdutil.DryRunFlag(cmd.Flags(), &opts.DryRun, " (the rules are read first)")
	cmdutil.JSONKeys(cmd, "", []DeleteResult{}) // a bad --columns is refused before anything is sent
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, opts *DeleteOptions) error {
	// 1. The IDs go in paths: checked first, all at once.
	ids, err := checkRuleIDs(opts.RuleIDs)
	if err != nil {
		return err
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	region, err := regionOf(f)
	if err != nil {
		return err
	}
	confirm := cmdutil.Confirm{Yes: opts.Yes || opts.DryRun, Verb: "change the firewall"}
	if err := confirm.Check(f); err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}

	// 2. Each rule, its group and the instances the group protects.
	fw, err := cmdutil.LoadRegionFirewall(ctx, f, client, region)
	if err != nil {
		return err
	}
	d := &deletion{fw: fw, client: client}
	if err := d.read(ctx, f, ids); err != nil {
		return err
	}
	if opts.DryRun {
		return d.dryRun(f)
	}

	// 3. Confirm, naming every rule and the instances it protects now.
	if len(d.todo) > 0 {
		cmdutil.WarnUnresolved(f, journal.KindFirewall)
		if err := confirm.Ask(f, d.summary(), "Delete?"); err != nil {
			return err
		}
	}

	// 4. Delete each once, journaled; none after an unknown outcome.
	failures := d.send(ctx, f)
	for _, r := range d.results {
		if r.Status == StatusAlreadyGone {
			f.IO.Infof("Rule %s is already gone: nothing to delete.", r.ID)
		}
	}
	if err := printDeleteResults(f, d.results); err != nil {
		return err
	}
	if len(failures) > 0 {
		// The first failure decides the exit code; the others are
		// warnings with their advice, so an unknown deletion's "do not
		// run the command again" is printed whichever error comes first
		// (as start, stop and reset-password do).
		cmdutil.WarnErrors(f, failures[1:])
		return failures[0]
	}
	return nil
}

// checkRuleIDs refuses (exit 2) arguments that are not rule IDs, all at
// once, and drops repeats.
func checkRuleIDs(args []string) ([]string, error) {
	var ps problem.Problems
	seen := map[string]bool{}
	var ids []string
	for _, id := range args {
		switch {
		case !api.ValidID(id):
			ps = append(ps, problem.Problem{Field: "RULE_ID", Value: safetext.Line(id), Reason: "is not a rule ID (" + api.IDRule + ")"})
		case !seen[id]:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ps) > 0 {
		return nil, cmdutil.ProblemsError(ps, nil)
	}
	return ids, nil
}

// deletion is a `firewall delete` run: the region's firewall, each rule
// asked for with its result, and the rules that exist (todo, indexes
// into results).
type deletion struct {
	fw      *firewall.Firewall
	client  *api.Client
	results []DeleteResult
	rules   []api.SecurityGroupRule // by index of results; set for todo
	todo    []int
}

// read reads each rule: one that is gone is already gone (unless the last
// listing saw it in another region: exit 2, nothing deleted).
func (d *deletion) read(ctx context.Context, f *cmdutil.Factory, ids []string) error {
	region := d.fw.Region
	call := api.VPCCall{Region: region, ProjectID: d.fw.ProjectID}
	d.results = make([]DeleteResult, len(ids))
	d.rules = make([]api.SecurityGroupRule, len(ids))
	for i, id := range ids {
		d.results[i] = DeleteResult{ID: id, Instances: []firewall.InstanceRef{}}
		r, err := d.client.ShowSecurityGroupRule(ctx, call, id)
		switch {
		case api.IsNotFound(err) && !api.IsGatewayError(err):
			if other := cmdutil.CachedRuleRegion(f, id); other != "" && other != region {
				return cmdutil.UsageErrorf("rule %s is not in %s: the last firewall list saw it in %s; delete it there with --region %s (nothing was deleted)", id, region, other, other)
			}
			d.results[i].Status = StatusAlreadyGone
			continue
		case err != nil:
			return err
		}
		g := d.fw.Group(r.SecurityGroupID)
		v := firewall.NewRuleView(*r, g)
		d.results[i].Rule = &v
		if g != nil {
			for _, in := range g.Instances {
				d.results[i].Instances = append(d.results[i].Instances, firewall.InstanceRef{ID: in.ID, Name: in.Name})
			}
		}
		d.rules[i] = *r
		d.todo = append(d.todo, i)
	}
	return nil
}

// summary names every rule to delete and the instances its group protects.
func (d *deletion) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "You are about to delete %d rule(s) in %s:\n", len(d.todo), d.fw.Region)
	for _, i := range d.todo {
		r := d.rules[i]
		where := "security group " + safetext.Line(r.SecurityGroupID) + ", which protects none of your FlexusL instances"
		if g := d.fw.Group(r.SecurityGroupID); g != nil {
			where = cmdutil.DescribeGroup(g)
		}
		fmt.Fprintf(&b, "  %s  %s\n    in %s\n", d.results[i].ID, safetext.Line(d.results[i].Rule.Summary()), where)
	}
	return b.String()
}

// dryRun prints the DELETE requests that would be sent (none for rules
// already gone).
func (d *deletion) dryRun(f *cmdutil.Factory) error {
	var preps []*api.Prepared
	for _, i := range d.todo {
		p, err := d.client.PrepareDeleteSecurityGroupRule(api.VPCCall{Region: d.fw.Region, ProjectID: d.fw.ProjectID, RequestID: cmdutil.DryRunRequestID}, d.results[i].ID)
		if err != nil {
			return err
		}
		preps = append(preps, p)
	}
	if len(d.todo) > 0 {
		f.IO.Infof("%s", strings.TrimSuffix(strings.Replace(d.summary(), "You are about to delete", "It would delete", 1), "\n"))
	}
	return f.PrintDryRuns("Deleting "+strconv.Itoa(len(preps))+" rule(s)", preps)
}

// send deletes each rule once, journaled. After an unknown outcome or an
// interrupt it sends no more; the rest read as not sent.
func (d *deletion) send(ctx context.Context, f *cmdutil.Factory) []error {
	var failures []error
	var seq attempt.Sequence // no deletion after an unknown outcome or an interrupt
	for _, i := range d.todo {
		res := &d.results[i]
		if why := seq.Skip(ctx); why != "" {
			res.Status, res.Error = StatusNotSent, why
			if why == attempt.NotSentInterrupted {
				failures = append(failures, exitcode.Errorf(exitcode.Interrupted, "delete rule %s: not sent: interrupted", res.ID))
			}
			continue
		}
		r := d.rules[i]
		label := r.SecurityGroupID
		if g := d.fw.Group(r.SecurityGroupID); g != nil {
			label = safetext.Line(g.Label())
		}
		gone, err := cmdutil.DeleteRule(ctx, f, d.client, d.fw.Region, d.fw.ProjectID, r, label)
		seq.SentErr(err)
		switch {
		case err == nil && gone:
			res.Status = StatusAlreadyGone
		case err == nil:
			res.Status = StatusDeleted
		default:
			res.Status, res.Error = statusOf(err), cmdutil.FirstLine(err.Error())
			failures = append(failures, err)
		}
	}
	return failures
}

// printDeleteResults prints each rule's line.
func printDeleteResults(f *cmdutil.Factory, results []DeleteResult) error {
	return f.Print(results, func() ([]string, [][]string) {
		rows := make([][]string, len(results))
		for i, r := range results {
			rule, group := "-", "-"
			if r.Rule != nil {
				rule, group = r.Rule.Summary(), cmdutil.Dash(r.Rule.GroupName)
			}
			rows[i] = []string{r.ID, strings.ReplaceAll(r.Status, "_", " "), group, rule, cmdutil.Dash(r.Error)}
		}
		return []string{"RULE ID", "STATUS", "GROUP", "RULE", "ERROR"}, rows
	})
}

func statusOf(err error) string {
	switch attempt.StateOf(err) {
	case journal.StateUnknown:
		return StatusUnknown
	case journal.StateRejected:
		return StatusRejected
	}
	return StatusNotSent
}
