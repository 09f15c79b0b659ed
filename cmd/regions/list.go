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
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the regions the purchase API accepts",
		Example: "  flexusl regions list\n  flexusl regions list -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
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
	cmd.AddCommand(list)
	return cmdutil.GroupCommand(cmd)
}
