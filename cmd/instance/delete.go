package instancecmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// DeleteOptions are the inputs of `instance delete`.
type DeleteOptions struct {
	Args                      []string
	Yes, DryRun, Wait         bool
	WaitTimeout, WaitInterval time.Duration
}

// NewCmdDelete is `flexusl instance delete` (alias unsubscribe); runF
// replaces the run in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{}
	cmd := &cobra.Command{
		Use:        "delete ID|NAME... [--yes] [--dry-run]",
		Aliases:    []string{"unsubscribe"},
		SuggestFor: []string{"rm", "remove", "destroy", "terminate", "del", "release"},
		Short:      "Unsubscribe from instances, releasing them and everything bundled (BSS; typed confirmation)",
		Long: `Unsubscribe from FlexusL instances with BSS CancelResourcesSubscription
(unsubscribe_type 1: the instance and its renewed periods). Each instance is
named by its ID or its unique name (--region limits the search).

This releases the instance and everything bundled with it: its server, EVS
disks, CBR backup vault, HSS and EIP. It cannot be undone; what is refunded
follows Huawei's unsubscription policy.

On a terminal it lists what will be released and asks you to type the
instance's name (or, for several, their number), as gh repo delete does; a
wrong answer sends nothing (exit 2). Without a terminal it needs --yes.
--dry-run prints the exact request(s) and sends nothing.

Instances go at most 10 per call; each call places its own unsubscription
order, which releases the instances when it completes (--wait follows the
orders). Calls are journaled and never repeated after an unknown outcome,
as for renew.`,
		Example: `  # on a terminal: shows what goes and asks you to type the name
  flexusl instance delete web-1

  # a script
  flexusl instance unsubscribe 6743d0e3708be6007b8c8012 --yes -o json

  # the exact request, nothing sent
  flexusl instance delete 6743d0e3708be6007b8c8012 --dry-run`,
		Args: cmdutil.AtLeastOneArg("instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	fl := cmd.Flags()
	cmdutil.YesFlag(fl, &opts.Yes, "unsubscribe")
	cmdutil.DryRunFlag(fl, &opts.DryRun, "")
	cmdutil.WaitFlags(fl, &opts.Wait, "wait for the unsubscription orders to complete", &opts.WaitTimeout, &opts.WaitInterval, 30*time.Minute)
	cmdutil.JSONKeys(cmd, "", OrdersResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}

func deleteRun(ctx context.Context, f *cmdutil.Factory, opts *DeleteOptions) error {
	if err := checkArgs(opts.Args); err != nil {
		return err
	}
	if opts.Wait && (opts.WaitTimeout <= 0 || opts.WaitInterval <= 0) {
		return cmdutil.ProblemsError(problem.Problems{{Field: "--timeout/--interval", Value: fmt.Sprintf("%s/%s", opts.WaitTimeout, opts.WaitInterval), Reason: "must be positive"}}, nil)
	}
	confirm := cmdutil.Confirm{Yes: opts.Yes || opts.DryRun, Verb: "unsubscribe"}
	if err := confirm.Check(f); err != nil {
		return err
	}
	targets, err := resolveInstances(ctx, f, opts.Args, opts.DryRun)
	if err != nil {
		return err
	}
	b := unsubscribeBatch()
	if opts.DryRun {
		return b.dryRun(f, "Unsubscribing from "+plural(len(targets), "instance"), targets)
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	cmdutil.WarnUnresolved(f, journal.KindUnsubscribe)
	want, question := typedAnswer(targets)
	if err := confirm.AskTyped(f, showRelease(targets), want, question); err != nil {
		return err
	}
	res, err := b.run(ctx, f, client, targets)
	if res == nil {
		return err
	}
	if opts.Wait && err == nil && len(res.rows) > 0 {
		f.IO.Infof("Waiting for %s to complete (Ctrl-C stops waiting, not the unsubscription).", plural(len(res.rows), "unsubscription order"))
		err = waitOrders(ctx, f, res, opts.WaitTimeout, opts.WaitInterval)
	}
	if perr := printOrdersResult(f, res); perr != nil {
		return perr
	}
	return err
}

func unsubscribeBatch() batch {
	return batch{kind: journal.KindUnsubscribe, what: "the unsubscription",
		prepare: func(c *api.Client, crid string, ids []string) (*api.Prepared, error) {
			return c.PrepareUnsubscribe(crid, api.UnsubscribeRequest{ResourceIDs: ids, UnsubscribeType: api.UnsubscribeResource})
		},
		send: func(ctx context.Context, c *api.Client, p *api.Prepared) (*api.OrdersResult, error) {
			return c.CancelResourcesSubscription(ctx, p)
		}}
}

// showRelease says what an unsubscription releases (shown before asking).
func showRelease(targets []api.Resource) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You are about to unsubscribe from %s. This RELEASES %s and everything bundled with %s:\n"+
		"server, disks (EVS), backups (CBR vault), host security (HSS) and EIP. It cannot be undone.\n",
		plural(len(targets), "instance"), map[bool]string{true: "it", false: "them"}[len(targets) == 1], map[bool]string{true: "it", false: "them"}[len(targets) == 1])
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tID\tREGION\tPUBLIC IP\tRELEASED WITH IT")
	for _, t := range targets {
		// What RMS says, shown escaped.
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", safetext.Line(cmdutil.Dash(t.Name)), safetext.Line(t.ID), safetext.Line(cmdutil.Dash(t.RegionID)),
			safetext.Line(cmdutil.Dash(t.PublicIP())), safetext.Line(cmdutil.Dash(bundled(t))))
	}
	tw.Flush()
	return b.String()
}

// bundled names the resources RMS lists inside an instance.
func bundled(t api.Resource) string {
	var out []string
	for _, s := range t.Properties.Resources {
		kind := strings.TrimPrefix(s.LogicalResourceType, "huaweicloudinternal_")
		switch s.LogicalResourceType {
		case api.LogicalECS:
			kind = "server"
		case api.LogicalEIP:
			kind = "EIP"
		case api.LogicalFreeResource:
			kind = "data package"
		}
		out = append(out, kind)
	}
	return strings.Join(out, ", ")
}

// typedAnswer is what releasing targets asks to be typed: the
// instance's name (one instance) or the number of instances (several).
func typedAnswer(targets []api.Resource) (want, question string) {
	want, question = strconv.Itoa(len(targets)), fmt.Sprintf("Type the number of instances (%d) to confirm", len(targets))
	if len(targets) == 1 {
		want = targets[0].Name
		if want == "" {
			want = targets[0].ID
		}
		question = fmt.Sprintf("Type %s to confirm", safetext.Line(want))
	}
	return want, question
}
