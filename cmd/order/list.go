package ordercmd

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/spf13/cobra"
)

// ListEntry is one journal entry as `order list` prints it.
type ListEntry struct {
	journal.Entry
	// The keys `order list -o json` had before the journal held several
	// kinds, kept so scripts written then go on working: the first order
	// ID, a purchase's instance IDs, the Client-Request-Id.
	FirstOrderID    string   `json:"order_id"`
	InstanceIDs     []string `json:"instance_ids"`
	ClientRequestID string   `json:"client_request_id"`
	Status          int      `json:"status,omitempty"`
	StatusText      string   `json:"status_text,omitempty"`
	Refresh         string   `json:"refresh_error,omitempty"`
}

// newListEntry is e with the keys of earlier versions filled, its times in
// whole seconds UTC, as every command prints times (the journal keeps
// nanoseconds).
func newListEntry(e journal.Entry) ListEntry {
	e = e.InSeconds()
	l := ListEntry{Entry: e, ClientRequestID: e.RequestID}
	if len(e.OrderIDs) > 0 {
		l.FirstOrderID = e.OrderIDs[0]
	}
	if e.Kind == journal.KindPurchase {
		l.InstanceIDs = e.ResourceIDs
	}
	return l
}

// ListOptions are the inputs of `order list`.
type ListOptions struct {
	// Refresh asks BSS for each journal order's current status.
	Refresh bool
	// Remote lists the account's orders from BSS instead of the journal,
	// created within Since, filtered by Status and Type (as typed).
	Remote              bool
	Since, Status, Type string
	// Window and Filter are Since, Status and Type parsed (with Remote).
	Window time.Duration
	Filter api.ListOrdersOptions
}

// NewCmdList is `flexusl order list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:        "list [--refresh] | --remote [--since 30d] [--status S] [--type T]",
		SuggestFor: []string{"orders"},
		Short:      "List orders: the local journal, or the account's orders from BSS (--remote)",
		Long: `List the purchases, renewals, unsubscriptions, payments and cancellations
recorded in the local order journal, newest first.
KIND is what the attempt did: purchase, renew, unsubscribe, pay or
cancel_order (auto-renew changes and server operations place no order and
are not listed). REQUEST OUTCOME is what the request got back, not the
order's status now (--refresh, or --remote, shows that): "accepted" (the API took it: the order IDs are
shown), "unknown" (the request was sent, or was about to be sent, and no
answer was recorded: find out before repeating it; the Client-Request-Id
identifies it), "rejected" (the API answered with an error: nothing
happened) or "not_sent" (no connection could be made). An attempt is
recorded before its request leaves, so one interrupted by a closed
terminal, a kill or a power cut shows as unknown ("no_outcome": true in
JSON). --refresh asks BSS for each order's current status (four at a
time).

--remote lists the account's orders from BSS ListCustomerOrders instead
(every page, newest first), so a fresh machine or a CI runner sees them
too: created within --since (default 30d; 36h, 90m also work), filtered by
--status (pending-payment or 6, processing, completed, cancelled, ...) and
--type (new, renewal, unsubscribe, change, ... or the BSS number). Orders
the journal knows get their name and spec. Journal attempts whose outcome is
unknown are listed too, with the orders created within 10 minutes after
them (of the kind they would place) as possible matches: that tells whether
an unknown purchase, renewal or unsubscription was placed. JSON:
{"orders":[...],"unknown_attempts":[{...,"possible_matches":[...]}]}.`,
		Example: `  flexusl order list
  flexusl order list --refresh -o json
  flexusl order list --remote --since 7d
  flexusl order list --remote --status pending-payment --type renewal -o json
  flexusl order list --template '{{range .}}{{tablerow .order_id (timeago .time) .kind .state}}{{end}}'
  flexusl order list --remote --jq '.orders[] | select(.status == 6) | .order_id'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.Remote {
				for _, fl := range []string{"since", "status", "type"} {
					if cmd.Flags().Changed(fl) {
						return cmdutil.UsageErrorf("--%s goes with --remote", fl)
					}
				}
			} else {
				if opts.Refresh {
					return cmdutil.UsageErrorf("--refresh and --remote exclude each other: --remote already reads the current statuses")
				}
				if err := opts.parseRemote(); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Remote {
				return listRemote(cmd.Context(), f, opts)
			}
			return listRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Refresh, "refresh", false, "ask BSS for each order's current status")
	cmd.Flags().BoolVar(&opts.Remote, "remote", false, "list the account's orders from BSS, joined with the journal")
	cmd.Flags().StringVar(&opts.Since, "since", "30d", "with --remote: orders created this long ago or later (7d, 36h, 90m)")
	cmd.Flags().StringVar(&opts.Status, "status", "", "with --remote: only orders in this status (pending-payment, processing, completed, cancelled, ... or its number)")
	cmd.Flags().StringVar(&opts.Type, "type", "", "with --remote: only orders of this type (new, renewal, unsubscribe, change, ... or its number)")
	cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"pending-payment", "processing", "completed", "cancelled", "pending-review", "pending-refund", "pending-confirmation"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{"new", "renewal", "unsubscribe", "change", "to-prepaid", "trial", "commercial", "price-adjustment"}, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.JSONKeys(cmd, "without --remote", ListEntry{})
	cmdutil.JSONKeys(cmd, "with --remote", RemoteList{})
	return cmd
}

// listRun lists the journal's orders, newest first, with their current
// status when asked (--refresh).
func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	entries, path, err := f.ReadJournal()
	if err != nil {
		return err
	}
	rows := make([]ListEntry, 0, len(entries))
	for _, e := range journal.Newest(entries) {
		if !journal.KindOf(e.Kind).Orders() {
			continue // auto-renew changes and server operations place no orders
		}
		rows = append(rows, newListEntry(e))
	}
	if len(rows) == 0 {
		f.IO.Infof("No orders in this machine's journal (%s): it holds what flexusl did from here.\n"+
			"The account's orders, from anywhere: flexusl order list --remote", path)
	}
	if opts.Refresh && len(rows) > 0 {
		if err := refreshAll(ctx, f, rows); err != nil {
			return err
		}
	}
	return f.Print(rows, func() ([]string, [][]string) {
		h := []string{"ORDER ID", "NAME", "REGION", "CREATED", "KIND", "SPEC", "QTY", "REQUEST OUTCOME"} // ID, NAME, REGION first, as every table
		if opts.Refresh {
			h = append(h, "STATUS")
		}
		out := make([][]string, len(rows))
		for i, r := range rows {
			id := strings.Join(r.OrderIDs, ",")
			if id == "" {
				id = "- (request " + r.RequestID + ")"
			}
			qty := "-"
			if r.Quantity > 0 {
				qty = strconv.Itoa(r.Quantity)
			}
			out[i] = []string{id, cmdutil.Dash(r.Name), cmdutil.Dash(r.Region), cmdutil.TableTime(r.Time), r.Kind, cmdutil.Dash(r.Spec), qty, r.State}
			if opts.Refresh {
				st := r.StatusText
				if r.Refresh != "" {
					st = "error: " + r.Refresh
				}
				out[i] = append(out[i], cmdutil.Dash(st))
			}
		}
		return h, out
	})
}

func refreshAll(ctx context.Context, f *cmdutil.Factory, rows []ListEntry) error {
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	client = client.WithNotify(nil)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range rows {
		if rows[i].OrderID() == "" {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(r *ListEntry) {
			defer wg.Done()
			defer func() { <-sem }()
			d, err := order.Show(ctx, client, r.OrderID())
			if err != nil {
				r.Refresh = cmdutil.FirstLine(err.Error())
				return
			}
			r.Status, r.StatusText = d.OrderInfo.Status, api.StatusText(d.OrderInfo.Status)
		}(&rows[i])
	}
	wg.Wait()
	return nil
}
