package instancecmd

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/billing"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/spf13/cobra"
)

// TrafficRow is one instance's data package as `instance traffic` prints it.
type TrafficRow struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	TotalGB     *float64 `json:"total_gb"`
	UsedGB      *float64 `json:"used_gb"`
	RemainingGB *float64 `json:"remaining_gb"`
	UsedPercent *float64 `json:"used_percent"`
	ResetsAt    string   `json:"resets_at"` // end of the current cycle, where BSS says
	Error       string   `json:"error"`
}

// TrafficOptions are the inputs of `instance traffic`.
type TrafficOptions struct {
	// Targets are the instances' IDs or names; none means every instance.
	Targets []string
}

// NewCmdTraffic is `flexusl instance traffic`; runF replaces the run in
// tests.
func NewCmdTraffic(f *cmdutil.Factory, runF func(*TrafficOptions) error) *cobra.Command {
	opts := &TrafficOptions{}
	cmd := &cobra.Command{
		Use:   "traffic [ID|NAME...]",
		Short: "Show how much of each instance's data package is used (BSS ListFreeResourceUsages)",
		Long: `Show the data package (monthly traffic) of FlexusL instances: total, used and
remaining GB in the current cycle, the share used and when the cycle resets.
With no argument it shows every instance (--region limits it to one region).

The package is the instance's huaweicloudinternal_cbc_freeresource resource
in RMS, read from BSS ListFreeResourceUsages. Used is total minus
remaining, as Huawei's own scripts compute it. Only packages measured in GB
(measure_id 10) are shown as figures; another unit is reported per row.
On a terminal each row has a bar of the share used.

JSON: [{"id","name","total_gb","used_gb","remaining_gb","used_percent",
"resets_at"}] (figures null and "error" set for an instance without them).`,
		Example: `  flexusl instance traffic
  flexusl instance traffic web-1 -o json
  flexusl instance traffic --region ap-southeast-3`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				if err := checkArgs(args); err != nil {
					return err
				}
			}
			opts.Targets = args
			if runF != nil {
				return runF(opts)
			}
			return trafficRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	cmdutil.JSONKeys(cmd, "", TrafficRow{})
	return cmd
}

func trafficRun(ctx context.Context, f *cmdutil.Factory, opts *TrafficOptions) error {
	args := opts.Targets
	format, err := f.OutputFormat()
	if err != nil {
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
	var targets []api.Resource
	if len(args) > 0 {
		targets, err = resolve.Instances(ctx, client, args, region)
	} else {
		targets, err = client.ListInstances(ctx, api.ListInstancesOptions{Region: region})
	}
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		f.IO.Infof("No instances%s.", map[bool]string{true: "", false: " in " + region}[region == ""])
	}
	byPkg, err := usagesByPackage(ctx, client, targets)
	if err != nil {
		return err
	}
	rows, failed := trafficRows(targets, byPkg)
	if err := printTraffic(f, rows, format == output.Table && f.IO.IsStdoutTTY()); err != nil {
		return err
	}
	switch {
	case failed > 0 && len(args) > 0:
		return exitcode.Errorf(exitcode.Failure, "%d of %d instance(s) have no traffic figures; see the table", failed, len(rows))
	case failed > 0:
		f.IO.Warnf("%d of %d instance(s) have no traffic figures; see the table", failed, len(rows))
	}
	return nil
}

// usagesByPackage asks BSS, in one call, for the use of the targets' data
// packages (the first answer for each package).
func usagesByPackage(ctx context.Context, client *api.Client, targets []api.Resource) (map[string]api.FreeResourceUsage, error) {
	var pkgIDs []string
	for _, t := range targets {
		if id := t.FreeResourceID(); id != "" {
			pkgIDs = append(pkgIDs, id)
		}
	}
	byPkg := map[string]api.FreeResourceUsage{}
	if len(pkgIDs) == 0 {
		return byPkg, nil
	}
	usages, err := client.ListFreeResourceUsages(ctx, pkgIDs)
	if err != nil {
		return nil, err
	}
	for _, u := range usages {
		if _, ok := byPkg[u.FreeResourceID]; !ok {
			byPkg[u.FreeResourceID] = u
		}
	}
	return byPkg, nil
}

// trafficRows is each target's row: its figures, or why there are none
// (counted in failed).
func trafficRows(targets []api.Resource, byPkg map[string]api.FreeResourceUsage) (rows []TrafficRow, failed int) {
	rows = make([]TrafficRow, 0, len(targets))
	for _, t := range targets {
		r := TrafficRow{ID: t.ID, Name: t.Name}
		pkg := t.FreeResourceID()
		u, ok := byPkg[pkg]
		switch {
		case pkg == "":
			r.Error = "RMS lists no data package for this instance"
		case !ok:
			r.Error = "BSS has no usage for data package " + pkg
		default:
			tr, err := billing.TrafficOf(u)
			if err != nil {
				r.Error = err.Error()
				break
			}
			r.TotalGB, r.UsedGB, r.RemainingGB, r.UsedPercent = &tr.TotalGB, &tr.UsedGB, &tr.RemainingGB, &tr.UsedPercent
			if !tr.ResetsAt.IsZero() {
				r.ResetsAt = tr.ResetsAt.Format(time.RFC3339)
			}
		}
		if r.Error != "" {
			failed++
		}
		rows = append(rows, r)
	}
	return rows, failed
}

// printTraffic prints the rows; bars draws the use as a bar (a table on
// a terminal).
func printTraffic(f *cmdutil.Factory, rows []TrafficRow, bars bool) error {
	return f.Print(rows, func() ([]string, [][]string) {
		h := []string{"ID", "NAME", "TOTAL GB", "USED GB", "REMAINING GB", "USED", "RESETS AT"}
		out := make([][]string, len(rows))
		for i, r := range rows {
			if r.Error != "" {
				out[i] = []string{r.ID, cmdutil.Dash(r.Name), "-", "-", "-", "error: " + r.Error, "-"}
				continue
			}
			used := strconv.FormatFloat(*r.UsedPercent, 'f', 1, 64) + "%"
			if bars {
				used = billing.Bar(*r.UsedPercent, 20) + " " + used
			}
			resets := "-"
			if t, ok := api.ParseBSSTime(r.ResetsAt); ok {
				resets = cmdutil.TableTime(t)
			}
			out[i] = []string{r.ID, cmdutil.Dash(r.Name), gb(*r.TotalGB), gb(*r.UsedGB), gb(*r.RemainingGB), used, resets}
		}
		return h, out
	})
}

func gb(v float64) string { return fmt.Sprintf("%.2f", v) }
