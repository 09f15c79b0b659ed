// Package order holds `flexusl order`.
package order

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/spf13/cobra"
)

// NewCmdOrder is `flexusl order`.
func NewCmdOrder(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "order",
		Short: "Follow purchase orders (BSS) and the local order journal",
		Long: `Follow purchase orders. A purchase returns an order ID at once; the
instances exist when the order reaches status 5 (completed). Statuses:
1 pending review, 2 pending refund, 3 processing, 4 cancelled, 5 completed,
6 pending payment, 9 pending confirmation.

Every purchase is recorded in the local order journal
($XDG_STATE_HOME/flexusl/orders.jsonl, else ~/.local/state/flexusl/orders.jsonl).`,
	}
	cmd.Example = "  flexusl order list\n  flexusl order wait --last"
	cmd.AddCommand(NewCmdShow(f), NewCmdWait(f), NewCmdList(f))
	return cmdutil.GroupCommand(cmd)
}

// resolveOrderID takes the argument or, with --last, the journal's newest
// order. It returns the journal entry when there is one.
func resolveOrderID(f *cmdutil.Factory, args []string, last bool, cmd string) (string, *journal.Entry, error) {
	entries, _, err := journal.Read(f.JournalPath())
	if err != nil {
		f.IO.Warnf("%v", err)
	}
	switch {
	case last && len(args) > 0:
		return "", nil, cmdutil.UsageErrorf("give an order ID or --last, not both")
	case last:
		for i := len(entries) - 1; i >= 0; i-- {
			if entries[i].OrderID != "" {
				e := entries[i]
				return e.OrderID, &e, nil
			}
		}
		return "", nil, cmdutil.UsageErrorf("--last: the order journal %s has no orders", f.JournalPath())
	case len(args) != 1:
		return "", nil, cmdutil.UsageErrorf("%s takes one ORDER_ID (or --last)", cmd)
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
	return e.InstanceIDs
}

func regionOf(e *journal.Entry) string {
	if e == nil {
		return ""
	}
	return e.Region
}

// PrintView prints an order as `order show` does.
func PrintView(f *cmdutil.Factory, v *order.View) error {
	return f.Print(v, func() ([]string, [][]string) {
		return []string{"ORDER ID", "STATUS", "TYPE", "CREATED", "PAID", "AMOUNT", "CURRENCY", "INSTANCE IDS"},
			[][]string{{v.OrderID, fmt.Sprintf("%d %s", v.Status, v.StatusText), v.OrderType, cmdutil.TableTimeString(v.CreateTime), cmdutil.TableTimeString(v.PaymentTime),
				fmt.Sprintf("%.2f", v.AmountAfterDiscount), cmdutil.Dash(v.Currency), cmdutil.Dash(strings.Join(v.InstanceIDs, ","))}}
	})
}

// Wait follows an order with progress on stderr (a spinner on a terminal,
// a timestamped line per change elsewhere) and returns its final view.
func Wait(ctx context.Context, f *cmdutil.Factory, orderID, region string, ids []string, timeout, interval time.Duration) (*order.View, error) {
	client, err := f.APIClient(ctx, region, auth.ScopeDomain)
	if err != nil {
		return nil, err
	}
	client.Notify = nil // the waiter reports transient errors itself
	label := func(st int) string {
		if st == 0 {
			return "checking"
		}
		return api.StatusText(st)
	}
	p := f.IO.StartProgress(fmt.Sprintf("order %s: checking", orderID))
	p.ShowElapsed(f.Clock()) // ticks every second on a terminal, between polls too
	saidPayment := false
	d, werr := order.Wait(ctx, client, orderID, order.Options{Timeout: timeout, Interval: interval, OnEvent: func(e order.Event) {
		if e.Status == api.StatusPendingPayment && !saidPayment {
			saidPayment = true
			p.Println(fmt.Sprintf("order %s: waiting for payment: pay the order in the console", orderID))
		}
		text := fmt.Sprintf("order %s: %s", orderID, label(e.Status))
		if e.Transient != nil {
			text += " - retrying after: " + cmdutil.FirstLine(e.Transient.Error())
		}
		p.Update(text)
	}})
	p.Stop()
	var v *order.View
	if d != nil {
		v = order.NewView(d, ids)
	}
	return v, werr
}
