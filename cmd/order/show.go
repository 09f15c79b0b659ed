package ordercmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/spf13/cobra"
)

// NewCmdShow is `flexusl order show`.
func NewCmdShow(f *cmdutil.Factory) *cobra.Command {
	var last bool
	cmd := &cobra.Command{
		Use:   "show (ORDER_ID | --last)",
		Short: "Show an order's status (BSS)",
		Example: `  flexusl order show CS24022811305H1EW
  flexusl order show --last -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, entry, err := resolveOrderID(f, args, last, cmd.CommandPath())
			if err != nil {
				return err
			}
			client, err := f.APIClient()
			if err != nil {
				return err
			}
			d, err := order.Show(cmd.Context(), client, id)
			if err != nil {
				return err
			}
			return PrintView(f, order.NewView(d, instanceIDs(entry)))
		},
		ValidArgsFunction: cmdutil.CompleteOrderIDs(f),
	}
	cmd.Flags().BoolVar(&last, "last", false, "the newest order in the local journal")
	cmdutil.JSONKeys(cmd, "", order.View{})
	return cmd
}
