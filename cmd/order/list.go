package order

import (
	"context"
	"strconv"
	"sync"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/spf13/cobra"
)

// ListEntry is one journal entry as `order list` prints it.
type ListEntry struct {
	journal.Entry
	Status     int    `json:"status,omitempty"`
	StatusText string `json:"status_text,omitempty"`
	Refresh    string `json:"refresh_error,omitempty"`
}

// NewCmdList is `flexusl order list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	var refresh bool
	cmd := &cobra.Command{
		Use:   "list [--refresh]",
		Short: "List purchases from the local order journal, newest first",
		Long: `List the purchases recorded in this machine's order journal, newest first.
The journal holds what flexusl bought from here; orders placed elsewhere
(another machine, the console) are in the console's Billing Center, and
"flexusl order show ORDER_ID" shows any order of the account.

STATE AT PURCHASE is what the purchase request got back, not the order's
status now: "order placed" (the API returned an order ID; "accepted" in
JSON) or "outcome unknown" (the request was sent but no answer came: check
the console before buying again; the Client-Request-Id identifies it).
--refresh asks BSS for each order's current status (four at a time).`,
		Example: `  flexusl order list
  flexusl order list --refresh -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, skipped, err := journal.Read(f.JournalPath())
			if err != nil {
				return err
			}
			if skipped > 0 {
				f.IO.Warnf("%d unreadable line(s) in %s were skipped", skipped, f.JournalPath())
			}
			rows := make([]ListEntry, 0, len(entries))
			for _, e := range journal.Newest(entries) {
				rows = append(rows, ListEntry{Entry: e})
			}
			if len(rows) == 0 {
				f.IO.Infof("No purchases in this machine's order journal (%s).\n"+
					"It lists what flexusl bought from here; the account's orders are in the console's Billing Center,\n"+
					"and `flexusl order show ORDER_ID` shows any of them.", f.JournalPath())
			} else if format, _ := f.OutputFormat(); format == output.Table && !refresh {
				f.IO.Infof("STATE AT PURCHASE is what each purchase got back; for the orders' status now: flexusl order list --refresh")
			}
			if refresh && len(rows) > 0 {
				if err := refreshAll(cmd.Context(), f, rows); err != nil {
					return err
				}
			}
			return f.Print(rows, func() ([]string, [][]string) {
				h := []string{"ORDER ID", "CREATED", "REGION", "NAME", "SPEC", "QTY", "STATE AT PURCHASE"}
				if refresh {
					h = append(h, "STATUS")
				}
				out := make([][]string, len(rows))
				for i, r := range rows {
					id := r.OrderID
					if id == "" {
						id = "- (request " + r.ClientRequestID + ")"
					}
					out[i] = []string{id, cmdutil.TableTime(r.Time), r.Region, r.Name, r.Spec, strconv.Itoa(r.Quantity), stateText(r.State)}
					if refresh {
						st := r.StatusText
						if r.Refresh != "" {
							st = "error: " + r.Refresh
						}
						out[i] = append(out[i], cmdutil.Dash(st))
					}
				}
				return h, out
			})
		},
	}
	cmd.Flags().BoolVar(&refresh, "refresh", false, "ask BSS for each order's current status")
	return cmd
}

// stateText is a journal state as the table shows it: worded so that it
// does not read as the order's status now.
func stateText(state string) string {
	switch state {
	case journal.StateAccepted:
		return "order placed"
	case journal.StateUnknown:
		return "outcome unknown"
	}
	return cmdutil.Dash(state)
}

func refreshAll(ctx context.Context, f *cmdutil.Factory, rows []ListEntry) error {
	client, err := f.APIClient(ctx, "", auth.ScopeDomain)
	if err != nil {
		return err
	}
	client.Notify = nil
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range rows {
		if rows[i].OrderID == "" {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(r *ListEntry) {
			defer wg.Done()
			defer func() { <-sem }()
			d, err := client.ShowOrder(ctx, r.OrderID)
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
