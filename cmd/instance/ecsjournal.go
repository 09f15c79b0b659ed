package instancecmd

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
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

// outcomeOf is the journal state for an at-most-once call's error (see
// cmdutil.OutcomeOf).
func outcomeOf(err error) string { return cmdutil.OutcomeOf(err) }

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
	att, err := cmdutil.BeginAttempt(f, cmdutil.AttemptInfo{Kind: journal.KindECSAction, Operation: e.Operation,
		RequestID: e.RequestID, Region: e.Region, ResourceIDs: e.InstanceIDs})
	if err != nil {
		return ecsAnswer{state: stateNotSent, err: fmt.Errorf("%s: %w", c.what, err)}
	}
	a := send(e.RequestID)
	if a.state == "" {
		a.state = outcomeOf(a.err)
	}
	errText := ""
	if a.err != nil {
		errText = a.err.Error()
	}
	att.Record(journal.Outcome{State: a.state, JobIDs: a.jobIDs, Error: errText})
	if a.state == stateUnknown && c.unknown != nil {
		ids := a.unknownIDs
		if ids == nil {
			ids = e.InstanceIDs
		}
		a.err = cmdutil.WithAdvice(a.err, c.unknown(ids))
	}
	return a
}
