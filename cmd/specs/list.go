// Package specs holds `flexusl specs`.
package specs

import (
	"strconv"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// NewCmdSpecs is `flexusl specs`.
func NewCmdSpecs(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "specs",
		Short:   "Plan specs (vCPUs, memory, disk, bandwidth, data package)",
		Example: "  flexusl specs list --image WordPress",
	}
	cmd.AddCommand(NewCmdList(f, nil))
	return cmdutil.GroupCommand(cmd)
}

// ListOptions are the inputs of `specs list`.
type ListOptions struct {
	Image     string
	Version   string
	PrivateOS string
}

// NewCmdList is `flexusl specs list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:        "list",
		SuggestFor: []string{"plans", "catalog"},
		Short:      "List plan specs, optionally those an image version supports in a region",
		Long: `List plan spec codes with their figures, from the catalog (offline).

With --image (and --image-version) only the specs that image version supports
are listed; with --region (or the profile's region) only those offered there.
--private lists the specs a private image of that OS may use.`,
		Example: `  flexusl specs list
  flexusl specs list --image GitLab --image-version 16.9.3 -o json
  flexusl specs list --image Debian --image-version 11.1 --region ap-southeast-1
  flexusl specs list --private windows`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Image, "image", "", "image name (application or OS image)")
	cmd.Flags().StringVar(&opts.Version, "image-version", "", "image version (needs --image)")
	cmd.Flags().StringVar(&opts.PrivateOS, "private", "", "specs for a private image: linux or windows")
	return cmd
}

var flagOf = map[string]string{
	catalog.FieldRegion:       "--region",
	catalog.FieldImageName:    "--image",
	catalog.FieldImageVersion: "--image-version",
	"private":                 "--private",
}

func listRun(f *cmdutil.Factory, opts *ListOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	specs, ps := cat.FindSpecs(catalog.SpecQuery{Image: opts.Image, Version: opts.Version, PrivateOS: opts.PrivateOS, Region: cfg.Get(config.KeyRegion)})
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, flagOf)
	}
	return f.Print(specs, func() ([]string, [][]string) {
		rows := make([][]string, len(specs))
		for i, s := range specs {
			rows[i] = []string{s.Code, s.OS, strconv.Itoa(s.VCPUs), catalog.FormatGiB(s.MemoryGiB), strconv.Itoa(s.SystemDiskGiB), strconv.Itoa(s.PeakBandwidthMbitS), strconv.Itoa(s.DataPackageGB)}
		}
		return []string{"CODE", "OS", "VCPUS", "MEMORY (GiB)", "SYSTEM DISK (GiB)", "BANDWIDTH (Mbit/s)", "DATA PACKAGE (GB)"}, rows
	})
}
