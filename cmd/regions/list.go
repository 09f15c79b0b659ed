// Package regionscmd holds `flexusl regions`.
package regionscmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/spf13/cobra"
)

// Short is `flexusl regions`'s one-line help: root help lists it from
// here without building the command.
const Short = "Regions where FlexusL can be bought"

// NewCmdRegions is `flexusl regions`.
func NewCmdRegions(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "regions", Short: Short, Example: "  flexusl regions list"}
	cmd.AddCommand(NewCmdList(f, nil))
	return cmdutil.GroupCommand(cmd)
}

// ListOptions are the inputs of `regions list` (none of its own).
type ListOptions struct{}

// NewCmdList is `flexusl regions list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the regions the purchase API accepts",
		Example: "  flexusl regions list\n  flexusl regions list -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			cat, err := f.Catalog()
			if err != nil {
				return err
			}
			return f.Print(cat.Regions, func() ([]string, [][]string) {
				rows := make([][]string, len(cat.Regions))
				for i, r := range cat.Regions {
					rows[i] = []string{r.ID, r.Name}
				}
				return []string{"ID", "NAME"}, rows
			})
		},
	}
	cmdutil.JSONKeys(list, "", catalog.Region{})
	return list
}
