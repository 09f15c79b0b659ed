package instance

import (
	"errors"
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/google/uuid"
)

// The journal of ECS calls. Every call that changes a server is recorded
// before it is sent (state "sending", with its Client-Request-Id and the
// instances it acts on) and its outcome before anything about it is
// printed (accepted with the job IDs, unknown, rejected or not sent), in
// the write-ahead journal (pkg/journal, kind "ecs_action").

// Outcome states of an ECS attempt.
const (
	stateAccepted = journal.StateAccepted
	stateUnknown  = journal.StateUnknown
	stateRejected = journal.StateRejected
	stateNotSent  = journal.StateNotSent
)

// ecsEntry is what is recorded before an ECS call is sent. It never holds
// a password.
type ecsEntry struct {
	Operation   string   // "POST /v1/{project_id}/cloudservers/action os-stop SOFT"
	RequestID   string   // the Client-Request-Id
	Region      string   // the region acted in
	InstanceIDs []string // the FlexusL instances acted on
}

// ecsAttempt is a begun ECS attempt.
type ecsAttempt struct {
	path string
	a    *journal.Attempt
}

// beginECS records an ECS call before it is sent, synced to disk. When it
// fails the call must not be sent.
func beginECS(f *cmdutil.Factory, e ecsEntry) (*ecsAttempt, error) {
	path, err := f.JournalPath()
	if err != nil {
		return nil, err
	}
	profile := ""
	if cfg, err := f.Config(); err == nil {
		profile = cfg.Profile()
	}
	a, err := journal.Begin(path, journal.Entry{Time: f.Clock().UTC(), Profile: profile, Kind: journal.KindECSAction, Operation: e.Operation,
		RequestID: e.RequestID, Region: e.Region, ResourceIDs: e.InstanceIDs})
	if err != nil {
		return nil, err
	}
	return &ecsAttempt{path: path, a: a}, nil
}

// finish records the attempt's outcome, synced to disk, before it is
// printed. A failure is a warning: the call has been made, and the journal
// holds it as begun (read as unknown).
func (a *ecsAttempt) finish(f *cmdutil.Factory, state string, jobIDs []string, errText string) {
	if err := a.a.Finish(journal.Outcome{State: state, JobIDs: jobIDs, Error: cmdutil.FirstLine(errText)}); err != nil {
		f.IO.Warnf("could not record the outcome (%s) in the journal: %v; the journal %s shows this call (Client-Request-Id %s) as unknown", state, err, a.path, a.a.Entry().RequestID)
	}
}

// outcomeOf is the journal state for an at-most-once call's error: unknown
// only when the call may have taken effect (the api package returns an
// *api.UnknownOutcomeError for every failure after a request may have
// left), rejected when the service answered with an error, not sent
// otherwise (no connection, 429 then stopped, or a failure before sending:
// credentials, project ID look-up).
func outcomeOf(err error) string {
	var ae *api.Error
	var ns *api.NotSentError
	switch {
	case err == nil:
		return stateAccepted
	case api.IsUnknownOutcome(err):
		return stateUnknown
	case errors.As(err, &ns):
		return stateNotSent
	case errors.As(err, &ae):
		return stateRejected
	}
	return stateNotSent
}

// ecsCall is one ECS call that changes servers, made at most once between
// its two journal records.
type ecsCall struct {
	entry ecsEntry // journaled before sending (RequestID is set by run)
	what  string   // what the call does, for errors: "stop servers in ap-southeast-3"
	// unknown is the advice when the outcome is unknown, naming the
	// instances that may or may not have changed.
	unknown func(instanceIDs []string) string
}

// ecsAnswer is what a send makes of the call's answer.
type ecsAnswer struct {
	state  string   // the journal state; "" = outcomeOf(err)
	jobIDs []string // the jobs ECS created
	err    error    // what the command reports for this call (nil: accepted); required when state is unknown
	// unknownIDs are the instances whose outcome is unknown when only
	// some are (nil: all of the call's).
	unknownIDs []string
}

// run makes the call: a new Client-Request-Id, the attempt journaled
// (when the journal cannot be written nothing is sent and the error says
// so), send once, the outcome journaled before anything is printed, and
// the unknown-outcome advice attached to the error when the outcome is
// unknown.
func (c ecsCall) run(f *cmdutil.Factory, send func(requestID string) ecsAnswer) ecsAnswer {
	e := c.entry
	e.RequestID = uuid.NewString()
	att, err := beginECS(f, e)
	if err != nil {
		return ecsAnswer{state: stateNotSent, err: fmt.Errorf("%s: not sent: the journal could not be written: %w", c.what, err)}
	}
	a := send(e.RequestID)
	if a.state == "" {
		a.state = outcomeOf(a.err)
	}
	errText := ""
	if a.err != nil {
		errText = a.err.Error()
	}
	att.finish(f, a.state, a.jobIDs, errText)
	if a.state == stateUnknown && c.unknown != nil {
		ids := a.unknownIDs
		if ids == nil {
			ids = e.InstanceIDs
		}
		a.err = cmdutil.WithAdvice(a.err, c.unknown(ids))
	}
	return a
}
