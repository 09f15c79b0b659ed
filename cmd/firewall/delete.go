package firewallcmd

import (
	"context"
	"fmt"
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
	RuleIDs []string
	Yes     bool
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
firewall list) and does not send it again.

Exit codes: 0 deleted or already gone; 2 bad input or not confirmed
(nothing sent); 3 credentials or permission (vpc:securityGroupRules:delete);
1 refused or unknown outcome.`,
		Example: `  flexusl firewall delete 7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c --region ap-southeast-3
  flexusl firewall delete 7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c 0f2e... --yes -o json`,
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
	cmdutil.JSONKeys(cmd, "", []DeleteResult{}) // a bad --columns is refused before anything is sent
	return cmd
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, opts *DeleteOptions) error {
	// 1. The IDs go in paths: checked first, all at once.
	var ps problem.Problems
	seen := map[string]bool{}
	var ids []string
	for _, id := range opts.RuleIDs {
		switch {
		case !api.ValidID(id):
			ps = append(ps, problem.Problem{Field: "RULE_ID", Value: safetext.Line(id), Reason: "is not a rule ID (" + api.IDRule + ")"})
		case !seen[id]:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	region, err := regionOf(f)
	if err != nil {
		return err
	}
	confirm := cmdutil.Confirm{Yes: opts.Yes, Verb: "change the firewall"}
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
	call := api.VPCCall{Region: region, ProjectID: fw.ProjectID}
	results := make([]DeleteResult, len(ids))
	var todo []int
	rules := map[string]api.SecurityGroupRule{}
	for i, id := range ids {
		results[i] = DeleteResult{ID: id, Instances: []firewall.InstanceRef{}}
		r, err := client.ShowSecurityGroupRule(ctx, call, id)
		switch {
		case api.IsNotFound(err) && !api.IsGatewayError(err):
			// Gone, unless the last listing saw it in another region:
			// then it was asked for in the wrong one (nothing deleted).
			if other := cmdutil.CachedRuleRegion(f, id); other != "" && other != region {
				return cmdutil.UsageErrorf("rule %s is not in %s: the last firewall list saw it in %s; delete it there with --region %s (nothing was deleted)", id, region, other, other)
			}
			results[i].Status = StatusAlreadyGone
			continue
		case err != nil:
			return err
		}
		g := fw.Group(r.SecurityGroupID)
		v := firewall.NewRuleView(*r, g)
		results[i].Rule = &v
		if g != nil {
			for _, in := range g.Instances {
				results[i].Instances = append(results[i].Instances, firewall.InstanceRef{ID: in.ID, Name: in.Name})
			}
		}
		rules[id] = *r
		todo = append(todo, i)
	}

	// 3. Confirm, naming every rule and the instances it protects now.
	if len(todo) > 0 {
		cmdutil.WarnUnresolved(f, journal.KindFirewall)
		var b strings.Builder
		fmt.Fprintf(&b, "You are about to delete %d rule(s) in %s:\n", len(todo), region)
		for _, i := range todo {
			r := rules[ids[i]]
			g := fw.Group(r.SecurityGroupID)
			where := "security group " + safetext.Line(r.SecurityGroupID) + ", which protects none of your FlexusL instances"
			if g != nil {
				where = cmdutil.DescribeGroup(g)
			}
			fmt.Fprintf(&b, "  %s  %s\n    in %s\n", ids[i], safetext.Line(results[i].Rule.Summary()), where)
		}
		if err := confirm.Ask(f, b.String(), "Delete?"); err != nil {
			return err
		}
	}

	// 4. Delete each once, journaled.
	var failures []error
	for _, i := range todo {
		r := rules[ids[i]]
		label := r.SecurityGroupID
		if g := fw.Group(r.SecurityGroupID); g != nil {
			label = safetext.Line(g.Label())
		}
		if ctx.Err() != nil {
			results[i].Status, results[i].Error = StatusNotSent, "interrupted before sending"
			failures = append(failures, exitcode.Errorf(exitcode.Interrupted, "delete rule %s: not sent: interrupted", ids[i]))
			continue
		}
		gone, err := cmdutil.DeleteRule(ctx, f, client, region, fw.ProjectID, r, label)
		switch {
		case err == nil && gone:
			results[i].Status = StatusAlreadyGone
		case err == nil:
			results[i].Status = StatusDeleted
		default:
			results[i].Status, results[i].Error = statusOf(err), cmdutil.FirstLine(err.Error())
			failures = append(failures, err)
		}
	}
	for _, r := range results {
		if r.Status == StatusAlreadyGone {
			f.IO.Infof("Rule %s is already gone: nothing to delete.", r.ID)
		}
	}
	if err := f.Print(results, func() ([]string, [][]string) {
		rows := make([][]string, len(results))
		for i, r := range results {
			rule, group := "-", "-"
			if r.Rule != nil {
				rule, group = r.Rule.Summary(), cmdutil.Dash(r.Rule.GroupName)
			}
			rows[i] = []string{r.ID, strings.ReplaceAll(r.Status, "_", " "), group, rule, cmdutil.Dash(r.Error)}
		}
		return []string{"RULE ID", "STATUS", "GROUP", "RULE", "ERROR"}, rows
	}); err != nil {
		return err
	}
	if len(failures) > 0 {
		return failures[0]
	}
	return nil
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
