package order

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
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
		Long: `List the purchases recorded in the local order journal, newest first.
STATE AT PURCHASE is "accepted" (the API returned an order ID), "unknown"
(the request was sent, or was about to be sent, and no answer was recorded:
check the console before buying again; the Client-Request-Id identifies
it), "rejected" (the API answered with an error: no order) or "not_sent"
(no connection could be made). An attempt is recorded before its request
leaves, so one interrupted by a closed terminal, a kill or a power cut
shows as unknown ("no_outcome": true in JSON). --refresh asks BSS for each
order's current status (four at a time).`,
		Example: `  flexusl order list
  flexusl order list --refresh -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := f.JournalPath()
			if err != nil {
				return err
			}
			entries, skipped, err := journal.Read(path)
			if err != nil {
				return err
			}
			if skipped > 0 {
				f.IO.Warnf("%d unreadable line(s) in %s were skipped", skipped, path)
			}
			rows := make([]ListEntry, 0, len(entries))
			for _, e := range journal.Newest(entries) {
				if e.Kind == journal.KindECSAction {
					continue // server operations place no orders
				}
				rows = append(rows, ListEntry{Entry: e})
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
					id := strings.Join(r.OrderIDs, ",")
					if id == "" {
						id = "- (request " + r.RequestID + ")"
					}
					out[i] = []string{id, r.Time.Format("2006-01-02 15:04:05Z"), r.Region, r.Name, r.Spec, strconv.Itoa(r.Quantity), r.State}
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
			d, err := client.ShowOrder(ctx, r.OrderID())
			if err == nil {
				err = order.CheckAnswer(r.OrderID(), d)
			}
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
