// Package order follows a BSS order to its end with the one waiter
// (pkg/wait): what each status means for a waiter, and the view of an order
// that `order show` prints.
package order

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/wait"
)

// View is an order as flexusl prints it (`order show -o json`).
type View struct {
	OrderID     string   `json:"order_id"`
	Status      int      `json:"status"`
	StatusText  string   `json:"status_text"`
	OrderType   string   `json:"order_type"`
	CreateTime  string   `json:"created"`
	PaymentTime string   `json:"paid"`   // "" until paid
	Amount      float64  `json:"amount"` // after discounts: what is (or was) paid
	Currency    string   `json:"currency"`
	InstanceIDs []string `json:"instance_ids"`
}

// NewView builds the view of an order; instanceIDs come from the journal
// (BSS does not list them) and may be nil.
func NewView(d *api.OrderDetails, instanceIDs []string) *View {
	i := d.OrderInfo
	if instanceIDs == nil {
		instanceIDs = []string{}
	}
	return &View{OrderID: i.OrderID, Status: i.Status, StatusText: api.StatusText(i.Status), OrderType: api.OrderTypeText(i.OrderType),
		CreateTime: RFC3339(i.CreateTime), PaymentTime: RFC3339(i.PaymentTime), Amount: i.AmountAfterDiscount, Currency: i.Currency, InstanceIDs: instanceIDs}
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
	// NotFoundGrace is how long after the start an answer that BSS has no
	// such order is waited through (an order just placed may not be listed
	// yet); after it, or with 0, that answer ends the wait with an error.
	NotFoundGrace time.Duration
	Clock         Clock
	OnEvent       func(Event)
}

// CheckID checks an order ID before it is put in a URL: 1 to 64 letters,
// digits, '-' and '_' (BSS order IDs look like CS24022811305H1EW). A bad ID
// is invalid input (exit 2): nothing is sent.
func CheckID(id string) error {
	ok := id != "" && len(id) <= 64
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	if !ok {
		return exitcode.Errorf(exitcode.Usage, "order ID %q: must be 1 to 64 letters, digits, '-' or '_' (such as CS24022811305H1EW); nothing was sent", id)
	}
	return nil
}

// ErrNotFound: BSS answered, but with no order (total_count 0).
var ErrNotFound = errors.New("no such order")

// CheckAnswer makes sure BSS's answer is about orderID: an answer about
// another order is an error, and so is one with no order at all
// ({"total_count":0}: wrapping ErrNotFound), never "status 0".
func CheckAnswer(orderID string, d *api.OrderDetails) error {
	switch {
	case d.OrderInfo.OrderID != orderID:
		return fmt.Errorf("BSS was asked about order %s but answered about order %q: not using that answer", orderID, d.OrderInfo.OrderID)
	case d.TotalCount == 0 && d.OrderInfo.Status == 0:
		return notFound(orderID, "total_count 0")
	}
	return nil
}

// notFoundCodes are BSS's answers to a well-formed order ID it has no
// order for: CBC.0101 (invalid parameter: the ID is the only one) and
// CBC.30000010 (invalid order), as HTTP 400; or a 404.
var notFoundCodes = map[string]bool{"CBC.0101": true, "CBC.30000010": true}

// notFound is the one error for an order BSS does not have, wherever it
// is asked (show, wait, pay, cancel): exit 2, as a name that matches no
// instance is, wrapping ErrNotFound.
func notFound(orderID, why string) error {
	return exitcode.New(exitcode.Usage, fmt.Errorf("no order %s in this account (BSS: %s): check the order ID, and that the profile's credentials are of the account that placed it: %w", orderID, why, ErrNotFound))
}

// Show reads orderID from BSS and checks that the answer is about it: an
// order BSS does not have is notFound (exit 2, ErrNotFound), an answer
// about another order an error.
func Show(ctx context.Context, s Shower, orderID string) (*api.OrderDetails, error) {
	d, err := s.ShowOrder(ctx, orderID)
	var ae *api.Error
	if errors.As(err, &ae) && !api.IsUnknownOutcome(err) && (notFoundCodes[ae.Code] || ae.StatusCode == http.StatusNotFound) {
		why := ae.Code
		if why == "" {
			why = fmt.Sprintf("HTTP %d", ae.StatusCode)
		}
		return nil, notFound(orderID, why)
	}
	if err != nil {
		return nil, err
	}
	if err := CheckAnswer(orderID, d); err != nil {
		return nil, err
	}
	return d, nil
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
	now := time.Now
	if o.Clock != nil {
		now = o.Clock.Now
	}
	start := now()
	wo := wait.Options{Timeout: o.Timeout, Interval: o.Interval, Clock: o.Clock,
		What: "order " + orderID, Resume: "flexusl order wait " + orderID}
	if o.OnEvent != nil {
		wo.OnEvent = func(e wait.Event) {
			o.OnEvent(Event{Status: lastStatus, Elapsed: e.Elapsed, Transient: e.Transient, Changed: e.Changed})
		}
	}
	_, err := wait.Until(ctx, wo, func(ctx context.Context) (wait.State, error) {
		d, cerr := Show(ctx, s, orderID)
		if cerr != nil {
			if !errors.Is(cerr, ErrNotFound) || now().Sub(start) >= o.NotFoundGrace {
				return wait.State{}, cerr
			}
			// Too new to be listed, perhaps: wait through it, for a while.
			return wait.State{}, &api.TransientError{Op: "show order " + orderID, Cause: cerr}
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
