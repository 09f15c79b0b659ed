// Package order follows a BSS order to its end: the poll schedule (at once,
// then growing gaps up to an interval), what each status means for a
// waiter, and the view of an order that `order show` prints.
package order

import (
	"context"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
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
		CreateTime: RFC3339(i.CreateTime), PaymentTime: RFC3339(i.PaymentTime), AmountAfterDiscount: i.AmountAfterDiscount, Currency: i.Currency, InstanceIDs: instanceIDs}
}

// RFC3339 rewrites a time BSS gave as "2006-01-02 15:04:05" or
// "2006-01-02T15:04:05" (UTC) in RFC 3339, as flexusl's JSON writes every
// time; RFC 3339 and any other text are returned unchanged.
func RFC3339(s string) string {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return s
}

// Shower reads an order (api.Client does).
type Shower interface {
	ShowOrder(ctx context.Context, orderID string) (*api.OrderDetails, error)
}

// Clock is the time source of a wait (tests use a fake one).
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

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

// FirstGap is the gap after the first poll; gaps double up to Interval.
const FirstGap = time.Second

// Gaps returns the poll schedule's gaps for an interval: FirstGap (or the
// interval when smaller), doubling, capped at the interval.
func nextGap(prev, interval time.Duration) time.Duration {
	if prev == 0 {
		return min(FirstGap, interval)
	}
	return min(prev*2, interval)
}

// ResumeHint is the line that picks a wait up again.
func ResumeHint(orderID string) string { return "resume with: flexusl order wait " + orderID }

// Wait polls the order at once and then with growing gaps up to
// o.Interval until it completes (5), is cancelled (4, exit 4), o.Timeout
// passes (exit 5) or ctx is cancelled (exit 130). Transient errors (429,
// 5xx, network) do not end the wait; other errors do.
func Wait(ctx context.Context, s Shower, orderID string, o Options) (*api.OrderDetails, error) {
	clk := o.Clock
	if clk == nil {
		clk = realClock{}
	}
	start := clk.Now()
	deadline := start.Add(o.Timeout)
	var gap time.Duration
	var last *api.OrderDetails
	lastStatus := 0
	for {
		d, err := s.ShowOrder(ctx, orderID)
		now := clk.Now()
		switch {
		case err != nil && ctx.Err() != nil:
			return last, interrupted(orderID, lastStatus)
		case err != nil && api.IsTransient(err):
			emit(o, Event{Status: lastStatus, Elapsed: now.Sub(start), Transient: err})
		case err != nil:
			return last, err
		default:
			last = d
			st := d.OrderInfo.Status
			emit(o, Event{Status: st, Elapsed: now.Sub(start), Changed: st != lastStatus})
			lastStatus = st
			switch st {
			case api.StatusCompleted:
				return d, nil
			case api.StatusCancelled:
				return d, exitcode.Errorf(exitcode.OrderFailed, "order %s was cancelled", orderID)
			}
		}
		if !now.Before(deadline) {
			return last, exitcode.Errorf(exitcode.Timeout, "timed out after %s waiting for order %s (last status: %s); %s",
				o.Timeout, orderID, statusOrUnknown(lastStatus), ResumeHint(orderID))
		}
		gap = nextGap(gap, o.Interval)
		wait := min(gap, deadline.Sub(now))
		select {
		case <-ctx.Done():
			return last, interrupted(orderID, lastStatus)
		case <-clk.After(wait):
		}
	}
}

func emit(o Options, e Event) {
	if o.OnEvent != nil {
		o.OnEvent(e)
	}
}

func statusOrUnknown(s int) string {
	if s == 0 {
		return "unknown"
	}
	return api.StatusText(s)
}

func interrupted(orderID string, last int) error {
	return exitcode.Errorf(exitcode.Interrupted, "interrupted while waiting for order %s (last status: %s); the order goes on; %s",
		orderID, statusOrUnknown(last), ResumeHint(orderID))
}
