package ordercmd

import (
	"context"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/spf13/cobra"
)

// WaitOptions are the inputs of `order wait`.
type WaitOptions struct {
	// OrderID is the order waited on; "" with Last.
	OrderID string
	// Last takes the newest order in the local journal.
	Last bool
	// Timeout is how long to wait in all; Interval the longest gap
	// between checks.
	Timeout, Interval time.Duration
	// Path is the command's path, for the errors that name it.
	Path string
}

// NewCmdWait is `flexusl order wait`; runF replaces the run in tests.
func NewCmdWait(f *cmdutil.Factory, runF func(*WaitOptions) error) *cobra.Command {
	opts := &WaitOptions{}
	cmd := &cobra.Command{
		Use:   "wait (ORDER_ID | --last) [--timeout 30m] [--interval 10s]",
		Short: "Wait until an order completes",
		Long: `Wait until an order completes. It checks at once, then with growing gaps
up to --interval. Exit codes: 0 completed (the order is printed as by
order show), 4 cancelled, 5 timed out, 130 interrupted; the last two print
the line that resumes the wait. An order waiting for payment (6) is waited
on: pay it with flexusl order pay (or in the console). Rate limits, server
errors and network errors do not end the wait; an answer about another
order, or that BSS has no such order, does (exit 1). An ORDER_ID that is not
1-64 letters, digits, - or _ is refused before anything is sent (exit 2).
Renewal and unsubscription orders are followed the same way.

For a purchase in the local journal (paid with --auto-pay, with order pay,
or in the console), it then waits, within the same
--timeout, until each of the order's instances is RUNNING with a public IP
(RMS lags behind the order) and prints them too: the table adds INSTANCE
ID / PUBLIC IP rows, JSON an "instances" array in the instance list shape.
Instances that do not show in time exit 5 with the command that looks
again. The completed order is a completed purchase: when its instances
cannot be followed (RMS refuses the listing without ` + service.ListInstances.Get().Permission + `, or
RMS or IAM cannot be reached) it exits 0 with a warning saying how to look
later (flexusl instance list).

Progress goes to stderr: a spinner on a terminal, otherwise one timestamped
line per status change. stdout holds only the final result.`,
		Example: `  flexusl order wait CS24022811305H1EW
  flexusl order wait --last --timeout 10m -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Timeout <= 0 || opts.Interval <= 0 {
				return cmdutil.UsageErrorf("--timeout and --interval must be positive")
			}
			id, err := orderArg(cmd, args, opts.Last)
			if err != nil {
				return err
			}
			opts.OrderID, opts.Path = id, cmd.CommandPath()
			if runF != nil {
				return runF(opts)
			}
			return waitRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.CompleteOrderIDs(f),
	}
	cmd.Flags().BoolVar(&opts.Last, "last", false, "the newest order in the local journal")
	cmdutil.WaitFlags(cmd.Flags(), nil, "", &opts.Timeout, &opts.Interval, 30*time.Minute)
	cmdutil.JSONKeys(cmd, "", waitResult{})
	return cmd
}

// waitResult is what `order wait` prints for a purchase: the order and its
// instances.
type waitResult struct {
	*order.View
	Instances []instance.View `json:"instances"`
}

// waitRun waits for the order and, for a purchase from the journal, its
// instances, within the one timeout.
func waitRun(ctx context.Context, f *cmdutil.Factory, opts *WaitOptions) error {
	timeout, interval := opts.Timeout, opts.Interval
	id, entry, err := resolveOrderID(f, idArgs(opts.OrderID), opts.Last, opts.Path)
	if err != nil {
		return err
	}
	start := time.Now()
	v, err := cmdutil.WaitOrder(ctx, f, id, regionOf(entry), instanceIDs(entry), timeout, interval, 0)
	if err != nil {
		return err
	}
	var ids []string
	if entry != nil && entry.Kind == journal.KindPurchase {
		ids = entry.ResourceIDs // the instances it created
	}
	if v.Status != api.StatusCompleted || len(ids) == 0 {
		return PrintView(f, v)
	}
	// A purchase from the journal: then its instances, within the
	// same --timeout, RUNNING with a public IP.
	vs, werr := cmdutil.WaitInstances(ctx, f, id, regionOf(entry), ids, timeout-time.Since(start), interval)
	if err := f.PrintWithInstances(&waitResult{View: v, Instances: vs}, viewTable(v), vs); err != nil {
		return err
	}
	return werr
}
