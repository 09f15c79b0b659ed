package ordercmd

import (
	"context"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `order show`.
type ShowOptions struct {
	// OrderID is the order asked about; "" with Last.
	OrderID string
	// Last takes the newest order in the local journal.
	Last bool
	// Path is the command's path, for the errors that name it.
	Path string
}

// NewCmdShow is `flexusl order show`; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{}
	cmd := &cobra.Command{
		Use:   "show (ORDER_ID | --last)",
		Short: "Show an order's status (BSS)",
		Example: `  flexusl order show CS24022811305H1EW
  flexusl order show --last -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := orderArg(cmd, args, opts.Last)
			if err != nil {
				return err
			}
			opts.OrderID, opts.Path = id, cmd.CommandPath()
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.CompleteOrderIDs(f),
	}
	cmd.Flags().BoolVar(&opts.Last, "last", false, "the newest order in the local journal")
	cmdutil.JSONKeys(cmd, "", order.View{})
	return cmd
}

func showRun(ctx context.Context, f *cmdutil.Factory, opts *ShowOptions) error {
	id, entry, err := resolveOrderID(f, idArgs(opts.OrderID), opts.Last, opts.Path)
	if err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	d, err := order.Show(ctx, client, id)
	if err != nil {
		return err
	}
	return PrintView(f, order.NewView(d, instanceIDs(entry)))
}
