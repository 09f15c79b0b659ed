package ordercmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/spf13/cobra"
)

// actionCommon is the Long help every order action shares .
const actionCommon = `The order is read first: one that is not pending payment is refused before
anything is sent (exit 2, with its status), and so is an answer about
another order or about none (exit 1). On a terminal it shows the order and
asks; without a terminal it needs --yes. --dry-run prints the exact request
and sends nothing. The call is journaled before it is sent and never
repeated after an unknown outcome (then check with flexusl order show).`

// orderActions are `order pay` and `order cancel`: one definition, a row
// each. A new call on one unpaid order adds a row.
var orderActions = []orderAction{
	{
		use:   "pay (ORDER_ID | --last) [--yes] [--dry-run]",
		short: "Pay an order that waits for payment (BSS PayOrders)",
		long: `Pay an order that waits for payment (status 6): a purchase or renewal
placed without --auto-pay. It is paid without coupons or discounts, from the
account: monthly settlement if enabled, else the balance (cash account
before credit). Afterwards follow the order with flexusl order wait.`,
		example: `  flexusl order pay CS24022811305H1EW
  flexusl order pay --last --yes && flexusl order wait --last
  flexusl order pay --last --dry-run -o json`,
		kind: journal.KindPay, verb: "pay", done: "paid", question: "Pay order %s?",
		prepare: func(c *api.Client, crid, id string) (*api.Prepared, error) { return c.PreparePayOrder(crid, id) },
		advice: map[string]string{
			"CBC.99005003": "the account balance is too low: top it up in the console (Billing Center), then pay again",
			"CBC.99003110": "the payment deadline has passed: the order can no longer be paid; place a new one",
			"CBC.99003106": "the order's status changed: see `flexusl order show ORDER_ID`",
		},
	},
	{
		use:   "cancel (ORDER_ID | --last) [--yes] [--dry-run]",
		short: "Cancel an unpaid order (BSS CancelCustomerOrder)",
		long: `Cancel an order that waits for payment (status 6); it becomes cancelled (4)
and nothing is charged.`,
		example: `  flexusl order cancel CS24022811305H1EW
  flexusl order cancel --last --yes -o json`,
		kind: journal.KindCancelOrder, verb: "cancel", done: "cancelled", question: "Cancel order %s?",
		prepare: func(c *api.Client, crid, id string) (*api.Prepared, error) { return c.PrepareCancelOrder(crid, id) },
		advice: map[string]string{
			"CBC.99005010": "the order's status does not allow cancelling it: see `flexusl order show ORDER_ID`",
		},
	},
}

// newActionCmds builds one command per row of orderActions; runF
// replaces the run in tests.
func newActionCmds(f *cmdutil.Factory, runF func(*ActionOptions) error) []*cobra.Command {
	cmds := make([]*cobra.Command, len(orderActions))
	for i, a := range orderActions {
		cmds[i] = newActionCmd(f, a, runF)
	}
	return cmds
}

// newActionCmd builds `order pay` or `order cancel` from its row.
func newActionCmd(f *cmdutil.Factory, a orderAction, runF func(*ActionOptions) error) *cobra.Command {
	o := &ActionOptions{Verb: a.verb}
	cmd := &cobra.Command{
		Use:     a.use,
		Short:   a.short,
		Long:    a.long + "\n\n" + actionCommon,
		Example: a.example,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Args = args
			if runF != nil {
				return runF(o)
			}
			return a.run(cmd.Context(), f, cmd.CommandPath(), o)
		},
		ValidArgsFunction: cmdutil.CompleteOrderIDs(f),
	}
	cmd.Flags().BoolVar(&o.Last, "last", false, "the newest order in the local journal")
	cmdutil.YesFlag(cmd.Flags(), &o.Yes, a.verb)
	cmdutil.DryRunFlag(cmd.Flags(), &o.DryRun, "")
	cmdutil.JSONKeys(cmd, "", ActionResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}
