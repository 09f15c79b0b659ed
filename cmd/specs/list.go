// Package specscmd holds `flexusl specs`.
package specscmd

import (
	"context"
	"strconv"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/spf13/cobra"
)

// Short is `flexusl specs`'s one-line help: root help lists it from
// here without building the command.
const Short = "Plan specs (vCPUs, memory, disk, bandwidth, data package)"

// NewCmdSpecs is `flexusl specs`.
func NewCmdSpecs(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "specs",
		Short:   Short,
		Example: "  flexusl specs list --image WordPress",
	}
	cmd.AddCommand(NewCmdList(f, nil))
	return cmdutil.GroupCommand(cmd)
}

// ListOptions are the inputs of `specs list`.
type ListOptions struct {
	Image      string
	Version    string
	PrivateOS  string
	Price      bool
	PeriodType string
	Period     int
	changed    func(name string) bool
}

// NewCmdList is `flexusl specs list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:        "list",
		SuggestFor: []string{"plans", "catalog"},
		Short:      "List plan specs, optionally those an image version supports in a region",
		Long: `List plan spec codes with their figures, from the catalog (offline; only
--price asks BSS).

With --image (and --image-version) only the specs that image version supports
are listed; with --region (or the profile's region) only those offered there.
--private lists the specs a private image of that OS may use.

--price (with --region or the profile's region, and credentials) adds what
one instance of each spec costs there for --period periods of
--period-type (default 1 month), from BSS's rating call subscribe-rate:
every listed spec in one call (up to 100 a call). BSS answers
"product not found" (CBC.99006006) for a whole call when it does not know
one spec, so such a call is asked again in halves until the unknown specs
are found; they show "not available" and the others keep their prices.
FlexusL's BSS product codes are not documented (hws.service.type.hcss,
hws.resource.type.hecsfusion and the plan code are used). JSON adds to each
spec "price": {"currency", "official_amount", "amount", "discount_amount",
"discount"} (null when BSS has no price for it, with "price_error").`,
		Example: `  flexusl specs list
  flexusl specs list --image GitLab --image-version 16.9.3 -o json
  flexusl specs list --image Debian --image-version 11.1 --region ap-southeast-1
  flexusl specs list --private windows
  flexusl specs list --columns code,vcpus,memory_gib
  flexusl specs list --jq '.[] | select(.vcpus >= 2) | .code'

  # what each spec costs in a region for a year (needs credentials)
  flexusl specs list --price --region ap-southeast-3 --period 1 --period-type year`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.changed = cmd.Flags().Changed
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Image, "image", "", "image name (application or OS image)")
	cmd.Flags().StringVar(&opts.Version, "image-version", "", "image version (needs --image)")
	cmd.Flags().StringVar(&opts.PrivateOS, "private", "", "specs for a private image: linux or windows")
	cmdutil.JSONKeys(cmd, "", catalog.Spec{})
	cmd.Flags().BoolVar(&opts.Price, "price", false, "add each spec's price in the region from BSS (needs --region and credentials)")
	cmd.Flags().StringVar(&opts.PeriodType, "period-type", purchase.PeriodMonth, "with --price: month or year")
	cmd.Flags().IntVar(&opts.Period, "period", 1, "with --price: number of periods, 1-9 months or 1-3 years")
	cmd.RegisterFlagCompletionFunc("period-type", cobra.FixedCompletions([]string{purchase.PeriodMonth, purchase.PeriodYear}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

var flagOf = map[string]string{
	catalog.FieldRegion:       "--region",
	catalog.FieldImageName:    "--image",
	catalog.FieldImageVersion: "--image-version",
	"private":                 "--private",
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	region := cfg.Get(config.KeyRegion)
	specs, ps := cat.FindSpecs(catalog.SpecQuery{Image: opts.Image, Version: opts.Version, PrivateOS: opts.PrivateOS, Region: region})
	ps = append(ps, checkPriceFlags(opts, region)...)
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, flagOf)
	}
	if opts.Price {
		return listPrices(ctx, f, opts, region, specs)
	}
	return f.Print(specs, func() ([]string, [][]string) {
		rows := make([][]string, len(specs))
		for i, s := range specs {
			rows[i] = []string{s.Code, s.OS, strconv.Itoa(s.VCPUs), catalog.FormatGiB(s.MemoryGiB), strconv.Itoa(s.SystemDiskGiB), strconv.Itoa(s.PeakBandwidthMbitS), strconv.Itoa(s.DataPackageGB)}
		}
		return []string{"CODE", "OS", "VCPUS", "MEMORY (GiB)", "SYSTEM DISK (GiB)", "BANDWIDTH (Mbit/s)", "DATA PACKAGE (GB)"}, rows
	})
}
