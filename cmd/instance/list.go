package instancecmd

import (
	"context"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
)

// ListOptions are the inputs of `instance list`.
type ListOptions struct {
	Name, Status string
}

// NewCmdList is `flexusl instance list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:     "list [--region R] [--name NAME] [--status S]",
		Aliases: []string{"ls"},
		Short:   "List your FlexusL instances (every region unless --region)",
		Long: `List your FlexusL instances, as Config (RMS) records them: every page of
the listing, in every region unless --region is given on the command line
(the profile's region does not narrow it). --name keeps the instances with
exactly that name; --status those whose RMS status matches, in any case
(RUNNING is the status of a running instance; others are shown as RMS
gives them).

Table: ID, NAME, REGION, STATUS, SPEC, PUBLIC IP, EXPIRES, CREATED, sorted
by region and name. JSON (-o json): an array of {"id", "name", "region",
"status", "spec", "public_ip", "expires", "server_id", "order_id",
"charging_mode", "created", "tags"}; public_ip is "" when the instance has
none, tags is an object. The expiry comes from BSS (50 instances a query):
without the billing permission it is left empty, with a warning. No instances
is not an error: stdout has an empty table ([] in JSON) and stderr says so.

What it lists is remembered for shell completion of instance names and IDs
($XDG_CACHE_HOME/flexusl/instances.json); completion never uses the network.`,
		Example: `  flexusl instance list
  flexusl instance ls --region ap-southeast-3
  flexusl instance list --status running -o json
  flexusl instance list --name web-1 --jq '.[].public_ip'
  flexusl instance list --columns name,status,public_ip,created
  flexusl instance list --template '{{range .}}{{tablerow .name .public_ip (timeago .created)}}{{end}}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "only instances with exactly this name")
	cmd.Flags().StringVar(&opts.Status, "status", "", "only instances with this RMS status, any case (e.g. running)")
	cmd.RegisterFlagCompletionFunc("status", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return instance.StatusNames(), cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.JSONKeys(cmd, "", instance.View{})
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	region, err := cmdutil.RegionFlag(f)
	if err != nil {
		return err
	}
	if opts.Name != "" {
		if err := resolve.CheckArg(opts.Name); err != nil {
			return cmdutil.UsageErrorf("--name: %v", err)
		}
	}
	if opts.Status != "" {
		if p := instance.CheckStatus(opts.Status); p != nil {
			return cmdutil.UsageErrorf("%s (nothing was sent)", p)
		}
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	var progress *ui.Progress
	if f.IO.IsStderrTTY() {
		progress = f.IO.StartProgress("listing instances...")
	}
	views, complete, err := instance.List(ctx, client, instance.ListOptions{Region: region, Name: opts.Name, Status: opts.Status})
	if err == nil {
		// Expiry comes from BSS: without it (no billing permission, BSS
		// down) the listing is still printed, with a warning.
		if xerr := instance.AddExpiries(ctx, client, views); xerr != nil {
			f.IO.Warnf("expiry dates are not shown: %s", cmdutil.FirstLine(xerr.Error()))
		}
	}
	if progress != nil {
		progress.Stop()
	}
	if err != nil {
		return err
	}
	// The completion cache is written while the result is printed.
	cached := make(chan struct{})
	go func() {
		defer close(cached)
		cmdutil.RememberInstances(f, views, complete, region)
	}()
	defer func() { <-cached }()
	if len(views) == 0 {
		f.IO.Infof("No instances found %s.", where(region, opts))
		if format, _ := f.OutputFormat(); format == output.Table {
			return nil
		}
	}
	return f.Print(views, func() ([]string, [][]string) { return instance.ListTable(views) })
}

// where says what an empty listing covered.
func where(region string, opts *ListOptions) string {
	s := "in any region"
	if region != "" {
		s = "in " + region
	}
	if opts.Name != "" {
		s += " named " + opts.Name
	}
	if opts.Status != "" {
		s += " with status " + opts.Status
	}
	return s
}
