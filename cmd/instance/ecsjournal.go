package instancecmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/google/uuid"
)

// ecsCall is one ECS call that changes servers (start, stop, reboot,
// reset-password, update), made at most once between its two journal
// records (cmdutil.BeginAttempt and Record, kind ecs_action): the attempt
// before it is sent, with its Client-Request-Id and the instances it acts
// on (never a password), and its outcome before anything about it is
// printed. The advice after an unknown outcome is the kind table's
// (cmdutil.UnknownAdviceFor), as for every other kind of attempt.
type ecsCall struct {
	// info is journaled before sending: Operation ("POST
	// /v1/{project_id}/cloudservers/action os-stop SOFT"), Region and
	// ResourceIDs (the instances). run sets Kind and RequestID.
	info   cmdutil.AttemptInfo
	what   string // what the call does, for errors: "stop servers in ap-southeast-3"
	change string // the change, for the advice: "stop" says "The stop of ID, ID in REGION"
}

// ecsAnswer is what a send makes of the call's answer.
type ecsAnswer struct {
	state  string   // the journal state; "" = cmdutil.OutcomeOf(err)
	jobIDs []string // the jobs ECS created
	err    error    // what the command reports for this call (nil: accepted); required when state is unknown
	// unknownIDs are the instances whose outcome is unknown when only
	// some are (nil: all of the call's).
	unknownIDs []string
}

// run makes the call: a new Client-Request-Id, the attempt journaled
// (when the journal cannot be written nothing is sent and the error says
// so), send once, the outcome journaled, and the kind's unknown-outcome
// advice attached to the error when the outcome is unknown.
func (c ecsCall) run(f *cmdutil.Factory, send func(requestID string) ecsAnswer) ecsAnswer {
	info := c.info
	info.Kind, info.RequestID = journal.KindECSAction, uuid.NewString()
	att, err := cmdutil.BeginAttempt(f, info)
	if err != nil {
		return ecsAnswer{state: journal.StateNotSent, err: fmt.Errorf("%s: %w", c.what, err)}
	}
	a := send(info.RequestID)
	if a.state == "" {
		a.state = cmdutil.OutcomeOf(a.err)
	}
	o := journal.Outcome{State: a.state, JobIDs: a.jobIDs}
	if a.err != nil {
		o.Error = a.err.Error()
	}
	att.Record(o)
	if a.state == journal.StateUnknown {
		ids := a.unknownIDs
		if ids == nil {
			ids = info.ResourceIDs
		}
		subject := fmt.Sprintf("The %s of %s in %s", c.change, strings.Join(ids, ", "), info.Region)
		a.err = cmdutil.WithAdvice(a.err, cmdutil.UnknownAdviceFor(journal.KindECSAction, subject, info.RequestID, att.Time().Format(time.RFC3339)))
	}
	return a
}
