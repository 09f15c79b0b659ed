package ordercmd

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/billing"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/problem"
)

// MatchWindow is how long after an attempt with an unknown outcome an
// order counts as its possible match; MatchSkew allows for a local clock
// ahead of BSS's.
const (
	MatchWindow = 10 * time.Minute
	MatchSkew   = time.Minute
)

// RemoteOrder is one of the account's orders, with what the journal knows
// of it.
type RemoteOrder struct {
	OrderID     string   `json:"order_id"`
	CreateTime  string   `json:"created"`
	PaymentTime string   `json:"paid"` // "" until paid
	OrderType   string   `json:"order_type"`
	typeCode    int      // BSS order_type, to match unknown attempts
	Status      int      `json:"status"`
	StatusText  string   `json:"status_text"`
	Amount      float64  `json:"amount"`
	Currency    string   `json:"currency"`
	Name        string   `json:"name"` // from the journal
	Spec        string   `json:"spec"`
	Region      string   `json:"region"`
	InstanceIDs []string `json:"instance_ids"`
}

// UnknownAttempt is a journal attempt whose outcome is unknown, with the
// orders that may be it.
type UnknownAttempt struct {
	Time            time.Time `json:"time"`
	Kind            string    `json:"kind"`
	RequestID       string    `json:"request_id"`
	Name            string    `json:"name"`
	Region          string    `json:"region"`
	ResourceIDs     []string  `json:"resource_ids"`
	OrderIDs        []string  `json:"order_ids"` // the orders it acted on (pay, cancel)
	PossibleMatches []string  `json:"possible_matches"`
}

// RemoteList is what `order list --remote` prints.
type RemoteList struct {
	Orders          []RemoteOrder    `json:"orders"`
	UnknownAttempts []UnknownAttempt `json:"unknown_attempts"`
}

// parseRemote checks --since, --status and --type and fills Window and
// Filter from them (exit 2 naming each bad flag's field).
func (o *ListOptions) parseRemote() error {
	var ps problem.Problems
	since, p := billing.ParseSince(o.Since)
	if p != nil {
		ps = append(ps, *p)
	}
	o.Window = since
	o.Filter = api.ListOrdersOptions{}
	if o.Status != "" {
		st, p := billing.ParseOrderStatus(o.Status)
		if p != nil {
			ps = append(ps, *p)
		}
		o.Filter.Status = st
	}
	if o.Type != "" {
		t, p := billing.ParseOrderType(o.Type)
		if p != nil {
			ps = append(ps, *p)
		}
		o.Filter.OrderType = t
	}
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	return nil
}

func listRemote(ctx context.Context, f *cmdutil.Factory, o *ListOptions) error {
	since, lo := o.Window, o.Filter
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	from := f.Clock().Add(-since)
	lo.CreatedFrom = from
	orders, err := client.ListCustomerOrders(ctx, lo)
	if err != nil {
		return err
	}
	path, err := f.JournalPath()
	if err != nil {
		return err
	}
	entries, skipped, jerr := journal.Read(path)
	if jerr != nil {
		f.IO.Warnf("%v", jerr)
	}
	if skipped > 0 {
		f.IO.Warnf("%d unreadable line(s) in %s were skipped", skipped, path)
	}
	list := joinRemote(orders, entries, from)
	if len(list.Orders) == 0 && len(list.UnknownAttempts) == 0 {
		f.IO.Infof("No orders created since %s.", from.UTC().Format(time.RFC3339))
	}
	return f.Print(list, func() ([]string, [][]string) { return remoteTable(list) })
}

// joinRemote joins the account's orders with the journal: what the journal
// knows of each order (name, spec, region, instances), and each attempt
// since from whose outcome is unknown, with the orders created within
// MatchWindow after it (of the type it would place, and not known to be
// another attempt's) as possible matches.
func joinRemote(orders []api.OrderInfo, entries []journal.Entry, from time.Time) *RemoteList {
	byOrder := map[string]journal.Entry{}
	placed := map[string]bool{} // orders the journal knows another attempt placed: no possible match
	for _, e := range entries {
		if e.State != journal.StateAccepted || journal.KindOf(e.Kind).OrderType == 0 {
			continue
		}
		for _, id := range e.OrderIDs {
			placed[id] = true
			if e.Kind == journal.KindPurchase {
				byOrder[id] = e
			}
		}
	}
	list := &RemoteList{Orders: []RemoteOrder{}, UnknownAttempts: []UnknownAttempt{}}
	for _, o := range orders {
		r := RemoteOrder{OrderID: o.OrderID, CreateTime: order.RFC3339(o.CreateTime), PaymentTime: order.RFC3339(o.PaymentTime), OrderType: api.OrderTypeText(o.OrderType), typeCode: o.OrderType,
			Status: o.Status, StatusText: api.StatusText(o.Status), Amount: o.AmountAfterDiscount, Currency: o.Currency}
		if e, ok := byOrder[o.OrderID]; ok {
			r.Name, r.Spec, r.Region, r.InstanceIDs = e.Name, e.Spec, e.Region, e.ResourceIDs
		}
		list.Orders = append(list.Orders, r)
	}
	sort.SliceStable(list.Orders, func(i, j int) bool { return list.Orders[i].CreateTime > list.Orders[j].CreateTime })
	for _, e := range journal.Newest(entries) {
		if e.Time.Before(from) || e.State != journal.StateUnknown || !journal.KindOf(e.Kind).Orders() {
			continue
		}
		kind := e.Kind
		u := UnknownAttempt{Time: e.Time, Kind: kind, RequestID: e.RequestID, Name: e.Name, Region: e.Region, ResourceIDs: e.ResourceIDs, PossibleMatches: []string{}}
		if journal.KindOf(kind).OnOrder {
			u.OrderIDs = e.OrderIDs
			u.PossibleMatches = append(u.PossibleMatches, e.OrderIDs...) // its status tells
		}
		if want := journal.KindOf(kind).OrderType; want != 0 {
			for _, o := range list.Orders {
				t, ok := api.ParseBSSTime(o.CreateTime)
				if ok && o.typeCode == want && !placed[o.OrderID] && !t.Before(e.Time.Add(-MatchSkew)) && !t.After(e.Time.Add(MatchWindow)) {
					u.PossibleMatches = append(u.PossibleMatches, o.OrderID)
				}
			}
		}
		list.UnknownAttempts = append(list.UnknownAttempts, u)
	}
	return list
}

func remoteTable(l *RemoteList) ([]string, [][]string) {
	type row struct {
		at    string
		cells []string
	}
	var rows []row
	status := map[string]string{}
	for _, o := range l.Orders {
		status[o.OrderID] = o.StatusText
		name := o.Name
		if o.Spec != "" {
			name += " (" + o.Spec + ")"
		}
		rows = append(rows, row{o.CreateTime, []string{o.OrderID, cmdutil.Dash(name), o.CreateTime, o.OrderType, o.StatusText,
			amount(o.Amount, o.Currency), ""}})
	}
	for _, u := range l.UnknownAttempts {
		note := "no order created within 10 minutes after it"
		if len(u.PossibleMatches) > 0 {
			var ms []string
			for _, m := range u.PossibleMatches {
				if st, ok := status[m]; ok {
					m += " (" + st + ")"
				}
				ms = append(ms, m)
			}
			note = "possible match: " + strings.Join(ms, ", ")
		}
		at := u.Time.UTC().Format(api.BSSTimeFormat)
		rows = append(rows, row{at, []string{"? request " + u.RequestID, cmdutil.Dash(u.Name), at, u.Kind, "unknown outcome", "-", note}})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at > rows[j].at })
	out := make([][]string, len(rows))
	for i, r := range rows {
		r.cells[2] = cmdutil.TableTimeString(r.cells[2])
		r.cells[6] = cmdutil.Dash(r.cells[6])
		out[i] = r.cells
	}
	return []string{"ORDER ID", "NAME", "CREATED", "TYPE", "STATUS", "AMOUNT", "NOTE"}, out // ID, NAME first, as every table
}

func amount(a float64, currency string) string {
	if currency == "" {
		return fmt.Sprintf("%.2f", a)
	}
	return fmt.Sprintf("%.2f %s", a, currency)
}
