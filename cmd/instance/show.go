package instancecmd

import (
	"context"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `instance show`.
type ShowOptions struct {
	Instance string // ID or name
}

// NewCmdShow is `flexusl instance show`; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{}
	cmd := &cobra.Command{
		Use:        "show ID|NAME",
		SuggestFor: []string{"get", "describe", "info", "view", "inspect"},
		Short:      "Show an instance: RMS entry, server (ECS) and subscription (BSS) in one view",
		Long: `Show one instance, named by its ID (24 hex characters) or its name, in one
view: the RMS entry (status, public IP, order, tags, the resources inside
the package), the ECS server (name, description, hostname, image, server
status, private IP, flavor) and the BSS subscription (effective and expiry
time, auto-renew). A name that matches several instances exits 2 and lists
them (ID, region, plan, public IP, creation time): name one by ID. Every
region is searched unless --region is given on the command line.

JSON (-o json): the fields of instance list plus "server_name",
"description", "hostname" (what instance update changes), "image",
"server_status",
"private_ip", "flavor", "effective", "expires", "auto_renew" (true, false,
or null when BSS does not know the instance yet) and "resources" (an array
of {"type", "id"}). When the server or the subscription cannot be read,
the rest is still printed, the missing fields empty, and flexusl exits 1
(3 for a permission error) naming what failed.`,
		Example: `  flexusl instance show web-1
  flexusl instance show 6743d0e3708be6007b8c8012 -o json
  flexusl instance show web-1 --region ap-southeast-3 --jq .expires
  flexusl instance show web-1 --columns name,status,public_ip,expires`,
		Args: cmdutil.ExactArgs(1, "an instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Instance = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.FirstArgOnly(cmdutil.CompleteInstances(f)),
	}
	cmdutil.JSONKeys(cmd, "", instance.Detail{})
	return cmd
}

func showRun(ctx context.Context, f *cmdutil.Factory, opts *ShowOptions) error {
	region, err := cmdutil.RegionFlag(f)
	if err != nil {
		return err
	}
	if err := resolve.CheckArg(opts.Instance); err != nil {
		return err
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
		progress = f.IO.StartProgress("reading the instance...")
	}
	rs, err := resolve.Instances(ctx, client, []string{opts.Instance}, region)
	var d *instance.Detail
	var derr error
	if err == nil {
		d, derr = instance.Detailed(ctx, client, &rs[0])
	}
	if progress != nil {
		progress.Stop()
	}
	if err != nil {
		return err
	}
	cmdutil.RememberInstances(f, []instance.View{d.View}, false, "")
	if err := f.Print(d, func() ([]string, [][]string) { return instance.DetailTable(d) }); err != nil {
		return err
	}
	if s := d.Server(); derr == nil && s != nil && strings.EqualFold(s.Metadata["os_type"], "windows") {
		// Windows has no ssh to warn: show says when RDP (3389) is closed.
		if hint := cmdutil.ClosedPortHint(ctx, client, &rs[0], s, 3389, "Remote Desktop from outside will time out"); hint != "" {
			f.IO.Infof("Hint: %s", hint)
		}
	}
	if derr != nil && exitcode.Of(derr) != exitcode.Auth {
		return cmdutil.WithAdvice(derr, "the other fields were printed. RMS, ECS and BSS catch up with each other a little after a purchase or an unsubscription: look again in a minute")
	}
	return derr
}
