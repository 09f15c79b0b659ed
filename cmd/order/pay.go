package ordercmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/spf13/cobra"
)

// NewCmdPay is `flexusl order pay`.
func NewCmdPay(f *cmdutil.Factory) *cobra.Command {
	o := &actionOptions{}
	a := orderAction{kind: journal.KindPay, verb: "pay", done: "paid", question: "Pay order %s?", path: api.PayOrdersPath,
		prepare: func(c *api.Client, crid, id string) (*api.Prepared, error) { return c.PreparePayOrder(crid, id) },
		advice: map[string]string{
			"CBC.99005003": "the account balance is too low: top it up in the console (Billing Center), then pay again",
			"CBC.99003110": "the payment deadline has passed: the order can no longer be paid; place a new one",
			"CBC.99003106": "the order's status changed: see `flexusl order show ORDER_ID`",
		}}
	cmd := &cobra.Command{
		Use:   "pay (ORDER_ID | --last) [--yes] [--dry-run]",
		Short: "Pay an order that waits for payment (BSS PayOrders)",
		Long: `Pay an order that waits for payment (status 6): a purchase or renewal
placed without --auto-pay. It is paid without coupons or discounts, from the
account: monthly settlement if enabled, else the balance (cash account
before credit).

The order is read first: one that is not pending payment is refused before
anything is sent (exit 2, with its status), and so is an answer about
another order or about none (exit 1). On a terminal it shows the
amount and currency and asks; without a terminal it needs --yes. --dry-run
prints the exact request and sends nothing. The call is journaled before it
is sent and never repeated after an unknown outcome (then check with
flexusl order show). Afterwards follow the order with flexusl order wait.`,
		Example: `  flexusl order pay CS24022811305H1EW
  flexusl order pay --last --yes && flexusl order wait --last
  flexusl order pay --last --dry-run -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			return a.run(cmd.Context(), f, cmd.CommandPath(), o)
		},
		ValidArgsFunction: cmdutil.CompleteOrderIDs(f),
	}
	cmd.Flags().BoolVar(&o.last, "last", false, "the newest order in the local journal")
	cmdutil.YesFlag(cmd.Flags(), &o.yes, "pay")
	cmdutil.DryRunFlag(cmd.Flags(), &o.dryRun, "")
	cmdutil.JSONKeys(cmd, "", ActionResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}
