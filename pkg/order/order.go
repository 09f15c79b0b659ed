// Package order follows a BSS order to its end with the one waiter
// (pkg/wait): what each status means for a waiter, and the view of an order
// that `order show` prints.
package order

import (
	"context"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/wait"
)

// View is an order as flexusl prints it (`order show -o json`).
type View struct {
	OrderID             string   `json:"order_id"`
	Status              int      `json:"status"`
	StatusText          string   `json:"status_text"`
	OrderType           string   `json:"order_type"`
	CreateTime          string   `json:"create_time"`
	PaymentTime         string   `json:"payment_time"`
	AmountAfterDiscount float64  `json:"amount_after_discount"`
	Currency            string   `json:"currency"`
	InstanceIDs         []string `json:"instance_ids"`
}

// NewView builds the view of an order; instanceIDs come from the journal
// (BSS does not list them) and may be nil.
func NewView(d *api.OrderDetails, instanceIDs []string) *View {
	i := d.OrderInfo
	if instanceIDs == nil {
		instanceIDs = []string{}
	}
	return &View{OrderID: i.OrderID, Status: i.Status, StatusText: api.StatusText(i.Status), OrderType: api.OrderTypeText(i.OrderType),
		CreateTime: i.CreateTime, PaymentTime: i.PaymentTime, AmountAfterDiscount: i.AmountAfterDiscount, Currency: i.Currency, InstanceIDs: instanceIDs}
}

// Shower reads an order (api.Client does).
type Shower interface {
	ShowOrder(ctx context.Context, orderID string) (*api.OrderDetails, error)
}

// Clock is the time source of a wait (tests use a fake one).
type Clock = wait.Clock

// Event is what a waiter reports as it goes.
type Event struct {
	Status    int           // last known status (0 before the first answer)
	Elapsed   time.Duration // since the wait began
	Transient error         // set when a poll failed in a way that may pass
	Changed   bool          // the status differs from the previous answer
}

// Options tune Wait.
type Options struct {
	Timeout  time.Duration // give up after this long (exit 5)
	Interval time.Duration // the longest gap between polls
	Clock    Clock
	OnEvent  func(Event)
}

// ResumeHint is the line that picks a wait up again.
func ResumeHint(orderID string) string { return "resume with: flexusl order wait " + orderID }

// Wait follows an order with the one waiter (pkg/wait) until it completes
// (5), is cancelled (4, exit 4), o.Timeout passes (exit 5) or ctx is
// cancelled (exit 130). Transient errors (429, 5xx, network) do not end the
// wait; other errors do.
func Wait(ctx context.Context, s Shower, orderID string, o Options) (*api.OrderDetails, error) {
	var last *api.OrderDetails
	lastStatus := 0
	wo := wait.Options{Timeout: o.Timeout, Interval: o.Interval, Clock: o.Clock,
		What: "order " + orderID, Resume: "flexusl order wait " + orderID}
	if o.OnEvent != nil {
		wo.OnEvent = func(e wait.Event) {
			o.OnEvent(Event{Status: lastStatus, Elapsed: e.Elapsed, Transient: e.Transient, Changed: e.Changed})
		}
	}
	_, err := wait.Until(ctx, wo, func(ctx context.Context) (wait.State, error) {
		d, err := s.ShowOrder(ctx, orderID)
		if err != nil {
			return wait.State{}, err
		}
		last, lastStatus = d, d.OrderInfo.Status
		st := wait.State{Text: api.StatusText(lastStatus)}
		switch lastStatus {
		case api.StatusCompleted:
			st.Done = true
		case api.StatusCancelled:
			st.Done, st.Failed = true, exitcode.Errorf(exitcode.OrderFailed, "order %s was cancelled", orderID)
		}
		return st, nil
	})
	return last, err
}
