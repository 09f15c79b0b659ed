package ordercmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/spf13/cobra"
)

// NewCmdCancel is `flexusl order cancel`.
func NewCmdCancel(f *cmdutil.Factory) *cobra.Command {
	o := &actionOptions{}
	a := orderAction{kind: journal.KindCancelOrder, verb: "cancel", done: "cancelled", question: "Cancel order %s?", path: api.CancelOrderPath,
		prepare: func(c *api.Client, crid, id string) (*api.Prepared, error) { return c.PrepareCancelOrder(crid, id) },
		advice: map[string]string{
			"CBC.99005010": "the order's status does not allow cancelling it: see `flexusl order show ORDER_ID`",
		}}
	cmd := &cobra.Command{
		Use:   "cancel (ORDER_ID | --last) [--yes] [--dry-run]",
		Short: "Cancel an unpaid order (BSS CancelCustomerOrder)",
		Long: `Cancel an order that waits for payment (status 6); it becomes cancelled (4)
and nothing is charged. The order is read first: one that is not pending
payment is refused before anything is sent (exit 2, with its status), and
so is an answer about another order or about none (exit 1). On a
terminal it shows the order and asks; without a terminal it needs --yes.
The call is journaled before it is sent and never repeated after an unknown
outcome (then check with flexusl order show).`,
		Example: `  flexusl order cancel CS24022811305H1EW
  flexusl order cancel --last --yes -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			return a.run(cmd.Context(), f, cmd.CommandPath(), o)
		},
		ValidArgsFunction: cmdutil.CompleteOrderIDs(f),
	}
	cmd.Flags().BoolVar(&o.last, "last", false, "the newest order in the local journal")
	cmdutil.YesFlag(cmd.Flags(), &o.yes, "cancel")
	cmdutil.DryRunFlag(cmd.Flags(), &o.dryRun, "")
	cmdutil.JSONKeys(cmd, "", ActionResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}
