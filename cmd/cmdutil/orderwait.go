package cmdutil

import (
	"context"
	"fmt"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/problem"
)

// PaymentWaitProblem is the one rule for --wait on orders that will wait
// for payment (no --auto-pay) in a run without a terminal (buy, renew):
// nobody there can pay, so the wait would last until --timeout (30 minutes
// by default). Such a run must say how long to wait for a payment made
// elsewhere (--timeout) or pay from the balance (--auto-pay); otherwise it
// is refused before anything is sent.
func PaymentWaitProblem(f *Factory, wait, autoPay, timeoutGiven bool) *problem.Problem {
	if !wait || autoPay || timeoutGiven || f.IO.CanPrompt() {
		return nil
	}
	return &problem.Problem{Field: "--wait", Value: "without --auto-pay",
		Reason: "would wait, with no terminal, for a payment nobody here can make, for up to --timeout (30m by default): " +
			"pass --auto-pay to pay from the balance, or --timeout to wait that long for a payment made elsewhere (flexusl order pay, the console)"}
}

// WaitOrder follows an order with progress on stderr (a spinner on a terminal,
// a timestamped line per change elsewhere) and returns its final view.
// BSS answering that it has no such order is waited through for
// notFoundGrace (for an order just placed), then is an error.
func WaitOrder(ctx context.Context, f *Factory, orderID, region string, ids []string, timeout, interval, notFoundGrace time.Duration) (*order.View, error) {
	client, err := f.APIClient()
	if err != nil {
		return nil, err
	}
	client = client.WithNotify(nil) // the waiter reports transient errors itself
	label := func(st int) string {
		if st == 0 {
			return "checking"
		}
		return api.StatusText(st)
	}
	p := f.IO.StartWait(fmt.Sprintf("order %s: checking", orderID), f.Clock())
	saidPayment := false
	d, werr := order.Wait(ctx, client, orderID, order.Options{Timeout: timeout, Interval: interval, NotFoundGrace: notFoundGrace, OnEvent: func(e order.Event) {
		if e.Status == api.StatusPendingPayment && !saidPayment {
			saidPayment = true
			p.Println(fmt.Sprintf("order %s: waiting for payment: pay it with `flexusl order pay %s` (or in the console)", orderID, orderID))
		}
		p.Show(fmt.Sprintf("order %s: %s", orderID, label(e.Status)), e.Transient)
	}})
	p.Stop()
	var v *order.View
	if d != nil {
		v = order.NewView(d, ids)
	}
	return v, werr
}
