package ordercmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/google/uuid"
)

// ActionResult is what `order pay` and `order cancel` print: the order as
// read after the call.
type ActionResult struct {
	OrderID    string  `json:"order_id"`
	Action     string  `json:"action"` // "paid" or "cancelled"; "already_paid" or "already_cancelled" when nothing was sent
	OrderType  string  `json:"order_type"`
	Amount     float64 `json:"amount"`
	Currency   string  `json:"currency"`
	Status     int     `json:"status"` // after the call; 0 when it could not be read
	StatusText string  `json:"status_text"`
}

// already reports whether an order in status is already what the action
// makes it: paid (processing or completed) for pay, cancelled for cancel.
func (a orderAction) already(status int) bool {
	if a.kind == journal.KindPay {
		return status == api.StatusProcessing || status == api.StatusCompleted
	}
	return status == api.StatusCancelled
}

// ActionOptions are the inputs of `order pay` and `order cancel`.
type ActionOptions struct {
	Verb        string   // "pay" or "cancel": its row in orderActions
	Args        []string // the order ID (or none, with --last)
	Last        bool
	Yes, DryRun bool
}

// orderAction is a call on one unpaid order: pay or cancel. Each is a row
// of orderActions (actions.go).
type orderAction struct {
	use, short, long, example string // the command's help

	kind     string // journal.KindPay or journal.KindCancelOrder
	verb     string // "pay", "cancel"
	done     string // "paid", "cancelled"
	question string // "Pay %s?"
	prepare  func(c *api.Client, requestID, orderID string) (*api.Prepared, error)
	// advice for a refusal by code (definite: nothing happened).
	advice map[string]string
}

func (a orderAction) run(ctx context.Context, f *cmdutil.Factory, cmdPath string, o *ActionOptions) error {
	// --last: the newest purchase or renewal, the orders that can wait for
	// payment.
	id, entry, err := resolveOrderIDOf(f, o.Args, o.Last, cmdPath, func(e journal.Entry) bool {
		return e.Kind == journal.KindPurchase || e.Kind == journal.KindRenew
	})
	if err != nil {
		return err
	}
	if o.DryRun {
		bare, err := f.BareClient()
		if err != nil {
			return err
		}
		p, err := a.prepare(bare, cmdutil.DryRunRequestID, id)
		if err != nil {
			return cmdutil.UsageError(err)
		}
		return f.PrintDryRuns(fmt.Sprintf("To %s order %s", a.verb, id), []*api.Prepared{p})
	}
	confirm := cmdutil.Confirm{Yes: o.Yes, Verb: a.verb + " order " + id}
	if err := confirm.Check(f); err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	// Only an order waiting for payment can be paid or cancelled: anything
	// else is refused here, before sending.
	d, err := order.Show(ctx, client, id) // never acts on an answer about another order
	if err != nil {
		return fmt.Errorf("%w; nothing was sent", err)
	}
	info := d.OrderInfo
	// Already in the state asked for: said, nothing sent, exit 0 (as stop
	// on a stopped server is). A state that forbids it: exit 2.
	if a.already(info.Status) {
		f.IO.Infof("Order %s is already %s (%s): nothing was sent.", id, a.done, api.StatusText(info.Status))
		res := ActionResult{OrderID: id, Action: "already_" + a.done, OrderType: api.OrderTypeText(info.OrderType), Amount: info.AmountAfterDiscount,
			Currency: info.Currency, Status: info.Status, StatusText: api.StatusText(info.Status)}
		return printAction(f, res)
	}
	if info.Status != api.StatusPendingPayment {
		return cmdutil.UsageErrorf("order %s is %s (status %d), not pending payment (6): it cannot be %s; nothing was sent", id, api.StatusText(info.Status), info.Status, a.done)
	}
	cmdutil.WarnUnresolved(f, a.kind)
	summary := fmt.Sprintf("Order %s: %s, created %s, %s.\n", id, api.OrderTypeText(info.OrderType), safetext.Line(cmdutil.TableTimeString(info.CreateTime)),
		safetext.Line(money(info.AmountAfterDiscount, info.Currency)))
	if a.kind == journal.KindPay {
		summary += "It is paid from the account: monthly settlement if enabled, else the balance (cash before credit).\n"
	}
	if err := confirm.Ask(f, summary, fmt.Sprintf(a.question, id)); err != nil {
		return err
	}
	crid := uuid.NewString()
	p, err := a.prepare(client, crid, id)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	var resources []string
	region := ""
	if entry != nil {
		resources, region = instanceIDs(entry), entry.Region
	}
	r := f.Run(attempt.Call{Kind: a.kind, RequestID: crid, Operation: p.Op().Call.String(), Region: region,
		ResourceIDs: resources, OrderIDs: []string{id}, Subject: fmt.Sprintf("The %s of order %s", journal.KindOf(a.kind).Noun, id)},
		func(string) attempt.Answer { return attempt.Answer{Err: client.Send(ctx, p)} })
	if err := r.Err; err != nil {
		var e *api.Error
		if r.State == journal.StateRejected && errors.As(err, &e) {
			if adv, ok := a.advice[e.Code]; ok {
				return cmdutil.WithAdvice(err, adv)
			}
		}
		return err
	}
	res := ActionResult{OrderID: id, Action: a.done, OrderType: api.OrderTypeText(info.OrderType), Amount: info.AmountAfterDiscount, Currency: info.Currency}
	after, err := order.Show(ctx, client.WithNotify(nil), id)
	if err == nil {
		res.Status, res.StatusText = after.OrderInfo.Status, api.StatusText(after.OrderInfo.Status)
	} else {
		f.IO.Warnf("order %s was %s, but its status could not be read: %s", id, a.done, cmdutil.FirstLine(err.Error()))
	}
	return printAction(f, res)
}

// printAction prints what pay or cancel did to the order.
func printAction(f *cmdutil.Factory, res ActionResult) error {
	return f.Print(res, func() ([]string, [][]string) {
		st := "-"
		if res.Status != 0 {
			st = res.StatusText
		}
		return []string{"ORDER ID", "ACTION", "TYPE", "AMOUNT", "CURRENCY", "STATUS"},
			[][]string{{res.OrderID, res.Action, res.OrderType, fmt.Sprintf("%.2f", res.Amount), cmdutil.Dash(res.Currency), st}}
	})
}

func money(amount float64, currency string) string {
	if currency == "" {
		return fmt.Sprintf("%.2f (currency not given)", amount)
	}
	return fmt.Sprintf("%.2f %s", amount, currency)
}
