package firewallcmd

import (
	"context"
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/spf13/cobra"
)

// ListOptions are the inputs of `firewall list`.
type ListOptions struct {
	Instance string // ID or name; "" lists the region's groups
}

// NewCmdList is `flexusl firewall list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list [ID|NAME] [--region R]",
		Short: "List the security groups of an instance (or of a region) with their rules and the instances sharing them",
		Long: `List every rule of every security group attached to an instance's server
(ECS), with group, direction, action, priority, protocol, ports, source or
destination, description and rule ID, and for each group the instances
that share it. Without an instance it lists the groups of every instance
of --region (flag, FLEXUSL_REGION or the profile).

The table prints the groups first (GROUP, GROUP ID, DESCRIPTION, SHARED
BY), then the rules; -o json and -o yaml print {"region", "instance",
"groups": [{"id", "name", "description", "instances", "rules"}]}. Rules are
ordered inbound first, strongest priority first, deny before allow. A rule
VPC lists as disabled ("enabled": false) shows ENABLED false (JSON
"enabled": false): it lets nothing in and blocks nothing.`,
		Example: `  flexusl firewall list web-1
  flexusl firewall list --region ap-southeast-3 -o json`,
		Args: cmdutil.RangeArgs(0, 1, "an optional instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Instance = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.FirstArgOnly(cmdutil.CompleteInstances(f)),
	}
	cmdutil.JSONKeys(cmd, "", firewall.ListView{})
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	if opts.Instance != "" {
		if err := resolve.CheckArg(opts.Instance); err != nil {
			return err
		}
	}
	format, err := f.OutputFormat()
	if err != nil {
		return err
	}
	var fw *firewall.Firewall
	var focus *firewall.Instance
	if opts.Instance != "" {
		region, err := cmdutil.RegionFlag(f)
		if err != nil {
			return err
		}
		client, err := f.APIClient()
		if err != nil {
			return err
		}
		var target firewall.Instance
		fw, target, err = cmdutil.LoadFirewall(ctx, f, client, opts.Instance, region)
		if err != nil {
			return err
		}
		focus = &target
	} else {
		region, err := regionOf(f)
		if err != nil {
			return err
		}
		client, err := f.APIClient()
		if err != nil {
			return err
		}
		if fw, err = cmdutil.LoadRegionFirewall(ctx, f, client, region); err != nil {
			return err
		}
	}
	cmdutil.RememberFirewall(f, fw, focus == nil)
	lv := fw.View(focus)
	if shape, _ := f.Shape(); shape != nil || format != output.Table {
		return f.Print(lv, nil) // --jq, --template, --columns shape the data alone
	}
	if len(lv.Groups) == 0 {
		f.IO.Infof("No security groups found in %s.", fw.Region)
		return nil
	}
	if err := f.Print(lv, lv.GroupTable); err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out)
	h, rows := lv.RuleTable()
	if err := output.WriteTable(f.IO.Out, h, rows); err != nil {
		return fmt.Errorf("print result: %w", err)
	}
	return nil
}

// regionOf is the region a command about a region's firewall acts in:
// --region, FLEXUSL_REGION or the profile's, checked by cmdutil.Region.
func regionOf(f *cmdutil.Factory) (string, error) {
	region, err := cmdutil.Region(f)
	if err != nil {
		return "", err
	}
	if region == "" {
		return "", cmdutil.UsageErrorf("no region: name an instance, or pass --region (or set FLEXUSL_REGION or the profile's region); nothing was sent")
	}
	return region, nil
}
