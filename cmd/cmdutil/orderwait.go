package cmdutil

import (
	"context"
	"fmt"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/order"
)

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
	p := f.IO.StartProgress(fmt.Sprintf("order %s: checking", orderID))
	p.ShowElapsed(f.Clock()) // ticks every second on a terminal, between polls too
	saidPayment := false
	d, werr := order.Wait(ctx, client, orderID, order.Options{Timeout: timeout, Interval: interval, NotFoundGrace: notFoundGrace, OnEvent: func(e order.Event) {
		if e.Status == api.StatusPendingPayment && !saidPayment {
			saidPayment = true
			p.Println(fmt.Sprintf("order %s: waiting for payment: pay it with `flexusl order pay %s` (or in the console)", orderID, orderID))
		}
		text := fmt.Sprintf("order %s: %s", orderID, label(e.Status))
		if e.Transient != nil {
			text += " - retrying after: " + FirstLine(e.Transient.Error())
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
