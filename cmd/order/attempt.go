package order

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
)

// Journal kinds of the calls after a purchase.
const (
	KindRenew       = "renew"
	KindUnsubscribe = "unsubscribe"
	KindAutoRenew   = "auto_renew"
	KindPay         = "pay"
	KindCancelOrder = "cancel_order"
)

// AttemptInfo says what an at-most-once call is about to do.
type AttemptInfo struct {
	Kind        string // KindRenew, ...
	RequestID   string // the Client-Request-Id it carries
	Operation   string // "POST /v2/orders/subscriptions/resources/renew"
	Region      string
	Name        string   // for people: the instances' names
	ResourceIDs []string // the instances acted on
	OrderIDs    []string // the orders acted on (pay, cancel)
}

// Attempt is a journaled call: begun before its request leaves, finished
// before anything about its outcome is printed. All journaling of the
// money calls after a purchase goes through BeginAttempt and Finish.
type Attempt struct {
	f     *cmdutil.Factory
	entry journal.Entry
}

// BeginAttempt writes the attempt to the journal and syncs it. When it
// cannot be written nothing may be sent: the error says so (exit 1).
func BeginAttempt(f *cmdutil.Factory, info AttemptInfo) (*Attempt, error) {
	profile := ""
	if cfg, err := f.Config(); err == nil {
		profile = cfg.Profile()
	}
	e := journal.Entry{Time: f.Clock().UTC(), Profile: profile, Region: info.Region, Name: info.Kind + " " + info.Name,
		ClientRequestID: info.RequestID, InstanceIDs: info.ResourceIDs, State: "sending"}
	if len(info.OrderIDs) > 0 {
		e.OrderID = info.OrderIDs[0]
	}
	if err := journal.Append(f.JournalPath(), e); err != nil {
		return nil, exitcode.Errorf(exitcode.Failure, "could not write the journal %s, so nothing was sent: %v", f.JournalPath(), err)
	}
	return &Attempt{f: f, entry: e}, nil
}

// Outcome states of a finished attempt.
const (
	StateAccepted = "accepted" // the service took it
	StateUnknown  = "unknown"  // sent; whether it acted is not known
	StateRejected = "rejected" // the service refused it: nothing happened
	StateNotSent  = "not_sent" // it never left
)

// OutcomeOf is the journal state a call's error means.
func OutcomeOf(err error) string {
	var apiErr *api.Error
	switch {
	case err == nil:
		return StateAccepted
	case api.IsUnknownOutcome(err):
		return StateUnknown
	case errors.As(err, &apiErr):
		return StateRejected
	}
	return StateNotSent // *api.NotSentError, or refused before sending (credentials, scope)
}

// Finish records the outcome of the call (err nil: accepted, with the
// orders it placed) and syncs it. A journal that cannot be written is
// warned about with what it would have held, so nothing is lost.
func (a *Attempt) Finish(err error, orderIDs []string) {
	e := a.entry
	e.State = OutcomeOf(err)
	if err != nil {
		e.Error = cmdutil.FirstLine(err.Error())
	}
	if len(orderIDs) > 0 {
		e.OrderID = orderIDs[0]
	}
	if jerr := journal.Append(a.f.JournalPath(), e); jerr != nil {
		a.f.IO.Warnf("could not write the journal %s: %v (%s, state %s, orders %s, Client-Request-Id %s)", a.f.JournalPath(), jerr,
			strings.TrimSpace(e.Name), e.State, cmdutil.Dash(strings.Join(orderIDs, ",")), e.ClientRequestID)
	}
}

// UnknownAdvice is what to do after an unknown outcome: find out, never
// repeat blindly.
func UnknownAdvice(what, requestID, when string) string {
	return fmt.Sprintf("%s may or may not have happened. Do not run the command again until you know: `flexusl order list --remote --since 1d` lists the account's orders (an unknown attempt is shown with the orders created right after it), or look in the console's order list (Billing Center > Orders) for one created at %s; quote Client-Request-Id %s to support.", what, when, requestID)
}

// entryKind is the kind of a journal entry ("purchase" for entries
// written by `instance buy`).
func entryKind(e journal.Entry) string {
	for _, k := range []string{KindRenew, KindUnsubscribe, KindAutoRenew, KindPay, KindCancelOrder} {
		if strings.HasPrefix(e.Name, k+" ") {
			return k
		}
	}
	return "purchase"
}

// entryName is the names of what an entry acted on.
func entryName(e journal.Entry) string {
	k := entryKind(e)
	if k == "purchase" {
		return e.Name
	}
	return strings.TrimSpace(strings.TrimPrefix(e.Name, k))
}

// entryUnknown reports an attempt whose outcome is unknown: sent without
// an answer, or begun with no outcome recorded (the process died).
func entryUnknown(e journal.Entry, entries []journal.Entry) bool {
	switch e.State {
	case StateUnknown:
		return true
	case "sending":
		for _, o := range entries {
			if o.ClientRequestID == e.ClientRequestID && o.State != "sending" {
				return false
			}
		}
		return true
	}
	return false
}
