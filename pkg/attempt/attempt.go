// Package attempt makes the calls that spend money or change a server
// (place, pay, renew, cancel, unsubscribe, auto-renew, ECS and VPC
// changes) at most once, each between two journal records: the attempt
// is written (and synced) before the request leaves, its outcome before
// anything about it is printed. What it does is the same for every kind
// of call; what differs per kind (its noun, how an unknown outcome is
// checked) is the kind's row in journal.Kinds, so the advice cannot
// drift between verbs. A new state-changing verb adds a row there and
// an operation (the send function) here.
//
// The path of one call:
//
//	Runner.Run(call, send)
//	  -> journal.Begin (state "sending": kind, Client-Request-Id, targets)
//	  -> send(requestID)  (one api.Client call under api.AtMostOnce)
//	  -> classify: accepted, rejected, not sent, or unknown
//	  -> journal Finish (the outcome; order, resource and job IDs)
//	  -> an unknown outcome's error carries the kind's advice
//
// It knows nothing of cobra or the command's Factory: a test builds a
// Runner on a temporary journal.
package attempt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/google/uuid"
)

// Runner journals and sends at-most-once calls.
type Runner struct {
	Journal string           // the journal file
	Profile string           // the run's profile, recorded with each attempt
	Now     func() time.Time // the clock (nil: time.Now)
	// Warnf reports what must not stop the run: an outcome that could not
	// be journaled (nil: not reported).
	Warnf func(format string, args ...any)
	// Begun is told when a call has been journaled: from then on the
	// run's result must be printed whatever happens (nil: not told).
	Begun func()
}

// Call is one request: what the journal records before it is sent.
type Call struct {
	Kind        string // journal.KindRenew, ...: its row in journal.Kinds
	RequestID   string // the Client-Request-Id it carries ("" = a new one)
	Operation   string // "POST /v2/orders/subscriptions/resources/renew"
	Region      string
	Name        string   // for people: the instances' names
	Spec        string   // a purchase's plan
	Image       string   // a purchase's image
	Quantity    int      // a purchase's instance count
	ResourceIDs []string // the instances (or rules) acted on
	OrderIDs    []string // the orders acted on (pay, cancel)
	// Subject names the change in the advice after an unknown outcome:
	// "The renewal of i-1, i-2".
	Subject string
}

// Answer is what a send makes of the call's answer.
type Answer struct {
	// Err is what the command reports for the call (nil: accepted).
	Err error
	// State overrides the journal state Err means (StateOf): accepted
	// with an unreadable answer, unknown for a batch answer that names
	// only some of its servers.
	State string
	// The IDs the call produced: orders placed, resources created, jobs.
	OrderIDs, ResourceIDs, JobIDs []string
	// Journaled is the error text to journal when it is not Err's first
	// line (a purchase journals its unknown outcome's cause).
	Journaled string
	// Subject replaces the call's Subject in the advice when only some
	// of its targets have an unknown outcome.
	Subject string
}

// Result is a call's outcome, journaled.
type Result struct {
	Answer
	RequestID string
	Began     bool      // journaled, so sent (or tried)
	Time      time.Time // when the attempt was journaled
}

// Unknown reports whether the call may or may not have taken effect.
func (r Result) Unknown() bool { return r.State == journal.StateUnknown }

// NotSentAfterUnknown is the one rule, and its one wording, for a command
// that sends several requests (renew and delete in calls of 10; start,
// stop, reboot and reset-password per region; auto-renew per instance;
// apply): after a request whose outcome is unknown it sends no more, and
// reports the rest as not sent, so the user checks one uncertain change,
// not many.
const NotSentAfterUnknown = "not sent: an earlier request's outcome is unknown"

// NotSentInterrupted is what a request not sent because the run was
// interrupted (Ctrl-C, a signal) reads.
const NotSentInterrupted = "not sent: interrupted before sending"

// Sequence holds the one rule of every command that sends several
// requests: after a request whose outcome is unknown it sends no more
// (the user checks one uncertain change, not many), and once the run is
// interrupted it sends none; the rest are reported not sent, each with
// the reason Skip gives.
type Sequence struct{ reason string }

// Skip says why the next request must not be sent: "" to send it.
func (s *Sequence) Skip(ctx context.Context) string {
	if s.reason == "" && ctx.Err() != nil {
		return NotSentInterrupted
	}
	return s.reason
}

// Sent records a sent request's outcome: an unknown one stops the rest.
func (s *Sequence) Sent(r Result) {
	if r.Unknown() && s.reason == "" {
		s.reason = NotSentAfterUnknown
	}
}

// SentErr is Sent for a request known only by its error.
func (s *Sequence) SentErr(err error) {
	if api.IsUnknownOutcome(err) && s.reason == "" {
		s.reason = NotSentAfterUnknown
	}
}

// Stop stops the rest for another reason ("not sent: " and why): a
// journal that cannot be written.
func (s *Sequence) Stop(reason string) {
	if s.reason == "" {
		s.reason = reason
	}
}

// StateOf is the journal state a call's error means: accepted (nil), the
// outcome unknown (api.UnknownOutcomeError), rejected (any other answer
// from the service), or not sent (no answer: not sent, or refused before
// sending, such as missing credentials).
func StateOf(err error) string {
	var apiErr *api.Error
	switch {
	case err == nil:
		return journal.StateAccepted
	case api.IsUnknownOutcome(err):
		return journal.StateUnknown
	case errors.As(err, &apiErr):
		return journal.StateRejected
	}
	return journal.StateNotSent
}

// Run makes the call: a Client-Request-Id, the attempt journaled (when
// the journal cannot be written nothing is sent: exit 1 and it says so),
// send once, the outcome journaled, and the kind's advice attached to an
// unknown outcome's error.
func (r *Runner) Run(c Call, send func(requestID string) Answer) Result {
	if c.RequestID == "" {
		c.RequestID = uuid.NewString()
	}
	res := Result{RequestID: c.RequestID, Time: r.now().UTC()}
	a, err := journal.Begin(r.Journal, journal.Entry{Time: res.Time, Profile: r.Profile, Kind: c.Kind, Operation: c.Operation,
		RequestID: c.RequestID, Region: c.Region, Name: c.Name, Spec: c.Spec, Image: c.Image, Quantity: c.Quantity,
		ResourceIDs: c.ResourceIDs, OrderIDs: c.OrderIDs})
	if err != nil {
		res.State = journal.StateNotSent
		res.Err = exitcode.Errorf(exitcode.Failure, "could not write the journal %s, so nothing was sent: %v", r.Journal, err)
		return res
	}
	res.Began = true
	if r.Begun != nil {
		r.Begun()
	}
	res.Answer = send(c.RequestID)
	if res.State == "" {
		res.State = StateOf(res.Err)
	}
	o := journal.Outcome{State: res.State, OrderIDs: res.OrderIDs, ResourceIDs: res.ResourceIDs, JobIDs: res.JobIDs, Error: res.Journaled}
	if o.Error == "" && res.Err != nil {
		o.Error = res.Err.Error()
	}
	o.Error, _, _ = strings.Cut(o.Error, "\n")
	if jerr := a.Finish(o); jerr != nil && r.Warnf != nil {
		what := "the outcome (" + o.State + ")"
		if o.State == journal.StateAccepted && len(o.OrderIDs) > 0 {
			what = "order " + strings.Join(o.OrderIDs, ", ") // the one thing that must not be lost
		}
		r.Warnf("could not record %s in the journal: %v; the journal %s shows this call (Client-Request-Id %s) as unknown",
			what, jerr, r.Journal, c.RequestID)
	}
	if res.Unknown() {
		subject := c.Subject
		if res.Subject != "" {
			subject = res.Subject
		}
		if res.Err == nil {
			res.Err = exitcode.Errorf(exitcode.Failure, "%s: the outcome is unknown", subject)
		}
		res.Err = exitcode.WithAdvice(res.Err, Advice(c, subject, res.Time))
	}
	return res
}

// Advice is what to do after an unknown outcome of call c: find out the
// way its kind is checked (its row in journal.Kinds), never repeat it
// blindly. subject names the change ("The renewal of i-1").
func Advice(c Call, subject string, when time.Time) string {
	if subject == "" {
		subject = "The " + journal.KindOf(c.Kind).Noun
	}
	return fmt.Sprintf("%s may or may not have happened. Do not run the command again until you know: %s; quote Client-Request-Id %s to support.",
		subject, journal.KindOf(c.Kind).CheckText(when.UTC().Format(time.RFC3339), c.OrderIDs, c.ResourceIDs), c.RequestID)
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// Unresolved is the warning, before a call of kind is confirmed and sent,
// about the profile's latest attempts of that kind whose outcome is
// unknown: the user may be about to do again what already happened. ""
// when there are none.
func (r *Runner) Unresolved(kind string) (string, error) {
	entries, _, err := journal.Read(r.Journal)
	if err != nil {
		return "", fmt.Errorf("could not read the journal to check earlier attempts: %w", err)
	}
	un := journal.Unresolved(entries, kind, r.Profile)
	if len(un) == 0 {
		return "", nil
	}
	facts := journal.KindOf(kind)
	var b strings.Builder
	if len(un) == 1 {
		fmt.Fprintf(&b, "an earlier %s's outcome is unknown:", facts.Noun)
	} else {
		fmt.Fprintf(&b, "%d earlier %ss' outcomes are unknown:", len(un), facts.Noun)
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
	return b.String(), nil
}
