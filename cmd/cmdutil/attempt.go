package cmdutil

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
)

// The journal of calls that place, pay, renew or cancel orders. Every such
// call is recorded in the write-ahead journal (pkg/journal) before it is
// sent (state "sending", with its Client-Request-Id, the instances and
// orders it acts on) and its outcome before anything about it is printed.

// AttemptInfo says what an at-most-once call is about to do.
type AttemptInfo struct {
	Profile     string // "" = the run's profile
	Kind        string // journal.KindRenew, ...
	RequestID   string // the Client-Request-Id it carries
	Operation   string // "POST /v2/orders/subscriptions/resources/renew"
	Region      string
	Name        string   // for people: the instances' names
	Spec, Image string   // a purchase's plan and image
	Quantity    int      // a purchase's instance count
	ResourceIDs []string // the instances acted on
	OrderIDs    []string // the orders acted on (pay, cancel)
}

// Attempt is a journaled call: begun before its request leaves, finished
// before anything about its outcome is printed.
type Attempt struct {
	f    *Factory
	path string
	a    *journal.Attempt
}

// BeginAttempt writes the attempt to the journal and syncs it. When it
// cannot be written nothing may be sent: the error says so (exit 1).
func BeginAttempt(f *Factory, info AttemptInfo) (*Attempt, error) {
	path, err := f.JournalPath()
	if err != nil {
		return nil, err
	}
	profile := info.Profile
	if cfg, err := f.Config(); err == nil && profile == "" {
		profile = cfg.Profile()
	}
	a, err := journal.Begin(path, journal.Entry{Time: f.Clock().UTC(), Profile: profile, Kind: info.Kind, Operation: info.Operation,
		RequestID: info.RequestID, Region: info.Region, Name: info.Name, Spec: info.Spec, Image: info.Image, Quantity: info.Quantity,
		ResourceIDs: info.ResourceIDs, OrderIDs: info.OrderIDs})
	if err != nil {
		return nil, exitcode.Errorf(exitcode.Failure, "could not write the journal %s, so nothing was sent: %v", path, err)
	}
	f.attempted.Store(true)
	return &Attempt{f: f, path: path, a: a}, nil
}

// OutcomeOf is the journal state a call's error means.
func OutcomeOf(err error) string {
	var apiErr *api.Error
	switch {
	case err == nil:
		return journal.StateAccepted
	case api.IsUnknownOutcome(err):
		return journal.StateUnknown
	case errors.As(err, &apiErr):
		return journal.StateRejected
	}
	return journal.StateNotSent // *api.NotSentError, or refused before sending (credentials, scope)
}

// Finish records the outcome of the call (err nil: accepted, with the
// orders it placed) and syncs it. A journal that cannot be written is
// warned about: the call shows there as begun, which reads as unknown.
func (a *Attempt) Finish(err error, orderIDs []string) {
	o := journal.Outcome{State: OutcomeOf(err), OrderIDs: orderIDs}
	if err != nil {
		o.Error = FirstLine(err.Error())
	}
	a.Record(o)
}

// Record records an outcome decided by the caller (e.g. unknown for a
// batch answer that names only some servers) and syncs it, warning when
// the journal cannot be written.
func (a *Attempt) Record(o journal.Outcome) {
	o.Error = FirstLine(o.Error)
	if jerr := a.a.Finish(o); jerr != nil {
		what := "the outcome (" + o.State + ")"
		if o.State == journal.StateAccepted && len(o.OrderIDs) > 0 {
			what = "order " + strings.Join(o.OrderIDs, ", ") // the one thing that must not be lost
		}
		a.f.IO.Warnf("could not record %s in the journal: %v; the journal %s shows this call (Client-Request-Id %s) as unknown",
			what, jerr, a.path, a.a.Entry().RequestID)
	}
}

// UnknownAdvice is what to do after an unknown outcome of an order call:
// find out, never repeat blindly.
func UnknownAdvice(what, requestID, when string) string {
	return UnknownAdviceFor(journal.KindPurchase, what, requestID, when)
}

// UnknownAdviceFor is what to do after an unknown outcome of an attempt of
// kind: find out the way that kind is checked (its row in journal.Kinds),
// never repeat blindly.
func UnknownAdviceFor(kind, what, requestID, when string) string {
	return fmt.Sprintf("%s may or may not have happened. Do not run the command again until you know: %s; quote Client-Request-Id %s to support.",
		what, fmt.Sprintf(journal.KindOf(kind).Check, when), requestID)
}

// WarnUnresolved warns, before a call of kind is confirmed and sent, about
// the profile's latest attempts of that kind whose outcome is unknown: the
// user may be about to do again what already happened.
func WarnUnresolved(f *Factory, kind string) {
	facts := journal.KindOf(kind)
	what := facts.Noun
	path, err := f.JournalPath()
	if err != nil {
		return
	}
	profile := ""
	if cfg, err := f.Config(); err == nil {
		profile = cfg.Profile()
	}
	entries, _, err := journal.Read(path)
	if err != nil {
		f.IO.Warnf("could not read the journal to check earlier attempts: %v", err)
		return
	}
	un := journal.Unresolved(entries, kind, profile)
	if len(un) == 0 {
		return
	}
	var b strings.Builder
	if len(un) == 1 {
		fmt.Fprintf(&b, "an earlier %s's outcome is unknown:", what)
	} else {
		fmt.Fprintf(&b, "%d earlier %ss' outcomes are unknown:", len(un), what)
	}
	if len(un) > 3 {
		fmt.Fprintf(&b, "\n  (%d older ones not shown)", len(un)-3)
		un = un[len(un)-3:]
	}
	for _, e := range un {
		target := strings.Join(e.OrderIDs, ",")
		switch {
		case e.Kind == journal.KindPurchase:
			target = fmt.Sprintf("%s  %s  %d x %s", e.Name, e.Region, e.Quantity, e.Spec)
		case target == "":
			target = e.Name
		}
		fmt.Fprintf(&b, "\n  %s  %s  Client-Request-Id %s", e.Time.UTC().Format("2006-01-02 15:04:05Z"), target, e.RequestID)
	}
	b.WriteString("\n  " + facts.Recheck)
	f.IO.Warnf("%s", b.String())
}

// Time is when the attempt began (as journaled).
func (a *Attempt) Time() time.Time { return a.a.Entry().Time }

// NotSentAfterUnknown is the one rule, and its one wording, for a command
// that sends several requests (renew and delete in calls of 10, start,
// stop, reboot and reset-password per region, auto-renew per instance):
// after a request whose outcome is unknown it sends no more, and reports
// the rest as not sent, so the user checks one uncertain change, not many.
const NotSentAfterUnknown = "not sent: an earlier request's outcome is unknown"
