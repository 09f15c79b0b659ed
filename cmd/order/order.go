// Package ordercmd holds `flexusl order`.
package ordercmd

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/spf13/cobra"
)

// Short is `flexusl order`'s one-line help: root help lists it from
// here without building the command.
const Short = "Follow, pay and cancel orders (BSS); the local order journal"

// NewCmdOrder is `flexusl order`.
func NewCmdOrder(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "order",
		Short: Short,
		Long: `Follow, pay and cancel orders: purchases, renewals and unsubscriptions. A
purchase returns an order ID at once; the instances exist when the order
reaches status 5 (completed). Statuses: 1 pending review, 2 pending refund,
3 processing, 4 cancelled, 5 completed, 6 pending payment, 9 pending
confirmation. Types: 1 new purchase, 2 renewal, 3 change, 4 unsubscription.

Every purchase, renewal, unsubscription, payment and cancellation is
recorded in the local order journal ($XDG_STATE_HOME/flexusl/orders.jsonl,
else ~/.local/state/flexusl/orders.jsonl); order list --remote reads the
account's orders from BSS.`,
	}
	cmd.Example = "  flexusl order list\n  flexusl order wait --last\n  flexusl order pay --last"
	cmd.AddCommand(NewCmdShow(f, nil), NewCmdWait(f, nil), NewCmdList(f, nil))
	cmd.AddCommand(newActionCmds(f, nil)...)
	return cmdutil.GroupCommand(cmd)
}

// resolveOrderID takes the argument or, with --last, the journal's newest
// order. It returns the journal entry when there is one.
func resolveOrderID(f *cmdutil.Factory, args []string, last bool, cmd string) (string, *journal.Entry, error) {
	return resolveOrderIDOf(f, args, last, cmd, nil)
}

// resolveOrderIDOf is resolveOrderID where --last takes the newest order
// of an entry that only (when not nil) accepts.
func resolveOrderIDOf(f *cmdutil.Factory, args []string, last bool, cmd string, only func(journal.Entry) bool) (string, *journal.Entry, error) {
	path, err := f.JournalPath()
	if err != nil {
		return "", nil, err
	}
	entries, _, err := journal.Read(path)
	if err != nil {
		f.IO.Warnf("%v", err)
	}
	switch {
	case last && len(args) > 0:
		return "", nil, cmdutil.UsageErrorf("give an order ID or --last, not both")
	case last:
		for i := len(entries) - 1; i >= 0; i-- {
			if id := entries[i].OrderID(); id != "" && (only == nil || only(entries[i])) {
				if err := order.CheckID(id); err != nil { // it came from a server: never into a prompt or a path unchecked
					return "", nil, fmt.Errorf("--last: the newest order in the journal %s: %w", path, err)
				}
				e, _ := journal.FindOrder(entries, id) // the entry that placed it, not a later payment
				return id, &e, nil
			}
		}
		return "", nil, cmdutil.UsageErrorf("--last: the order journal %s has no orders", path)
	case len(args) != 1:
		return "", nil, cmdutil.UsageErrorf("%s takes an order ID (or --last), got %d arguments; see: %s --help", cmd, len(args), cmd)
	}
	if err := order.CheckID(args[0]); err != nil {
		return "", nil, err
	}
	if e, ok := journal.FindOrder(entries, args[0]); ok {
		return args[0], &e, nil
	}
	return args[0], nil, nil
}

func instanceIDs(e *journal.Entry) []string {
	if e == nil {
		return nil
	}
	return e.ResourceIDs
}

func regionOf(e *journal.Entry) string {
	if e == nil {
		return ""
	}
	return e.Region
}

// PrintView prints an order as `order show` does.
func PrintView(f *cmdutil.Factory, v *order.View) error {
	return f.Print(v, viewTable(v))
}

func viewTable(v *order.View) func() ([]string, [][]string) {
	return func() ([]string, [][]string) {
		return []string{"ORDER ID", "STATUS", "TYPE", "CREATED", "PAID", "AMOUNT", "CURRENCY", "INSTANCE IDS"},
			[][]string{{v.OrderID, v.StatusText, v.OrderType, cmdutil.TableTimeString(v.CreateTime), cmdutil.TableTimeString(v.PaymentTime),
				fmt.Sprintf("%.2f", v.Amount), cmdutil.Dash(v.Currency), cmdutil.Dash(strings.Join(v.InstanceIDs, ","))}}
	}
}
