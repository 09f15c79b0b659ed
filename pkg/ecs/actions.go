package ecs

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/problem"
)

// Action is a power action on servers (one ECS batch action).
type Action string

// The actions.
const (
	Start  Action = "start"
	Stop   Action = "stop"
	Reboot Action = "reboot"
)

// actionFacts are what differs between the power actions. A new action is
// one row here and one in cmd/instance's table of commands.
type actionFacts struct {
	key   string // the batch body's key: os-start, os-stop, reboot
	done  string // the past tense, for results and messages: "stopped"
	typed bool   // takes a type (SOFT or HARD)
	// alreadyServer is the ECS server status (ShowServer) in which a
	// failed action was not needed, reported as alreadyStatus ("": none).
	alreadyServer, alreadyStatus string
	// refusedRMS is the RMS instance status in which the action is refused
	// before anything is sent, with insteadOf the action to run instead
	// ("": none).
	refusedRMS string
	instead    Action
}

// actions are the power actions, in the order help lists them.
var actions = []struct {
	Action
	actionFacts
}{
	{Start, actionFacts{key: api.ActionStart, done: "started", alreadyServer: "ACTIVE", alreadyStatus: StatusAlreadyRunning}},
	{Stop, actionFacts{key: api.ActionStop, done: "stopped", typed: true, alreadyServer: "SHUTOFF", alreadyStatus: StatusAlreadyStopped}},
	{Reboot, actionFacts{key: api.ActionReboot, done: "rebooted", typed: true, refusedRMS: instance.StatusStopped, instead: Start}},
}

// Actions are the power actions, in the order help lists them.
func Actions() []Action {
	out := make([]Action, len(actions))
	for i, r := range actions {
		out[i] = r.Action
	}
	return out
}

func (a Action) facts() actionFacts {
	for _, r := range actions {
		if r.Action == a {
			return r.actionFacts
		}
	}
	return actionFacts{} // not an action: no key, no type, nothing "already"
}

// Key is the action's key in the batch body (os-start, os-stop, reboot).
func (a Action) Key() string { return a.facts().key }

// Done is the action's past tense, for results ("stopped").
func (a Action) Done() string { return a.facts().done }

// Typed reports whether the action takes --type soft|hard.
func (a Action) Typed() bool { return a.facts().typed }

// RefusedWhen is the RMS instance status in which the action is refused
// before anything is sent, and the action to run instead ("" when none):
// a state that forbids the action is said up front, not learnt from a
// failed job.
func (a Action) RefusedWhen() (rmsStatus string, instead Action) {
	f := a.facts()
	return f.refusedRMS, f.instead
}

// HasAlready reports whether a failed action can turn out not to have
// been needed (see Already).
func (a Action) HasAlready() bool { return a.facts().alreadyServer != "" }

// typedNames are the actions that take a type, joined with sep.
func typedNames(sep string) string {
	var names []string
	for _, r := range actions {
		if r.typed {
			names = append(names, string(r.Action))
		}
	}
	return strings.Join(names, sep)
}

// ParseType reads --type: soft or hard (any case) for the typed actions
// (stop, reboot), SOFT when "". The others take no type.
func ParseType(a Action, t string) (string, *problem.Problem) {
	if !a.Typed() {
		if t != "" {
			return "", &problem.Problem{Field: "type", Value: t, Reason: fmt.Sprintf("%s takes no type (only %s do)", a, typedNames(" and "))}
		}
		return "", nil
	}
	switch strings.ToLower(t) {
	case "", "soft":
		return api.RebootSoft, nil
	case "hard":
		return api.RebootHard, nil
	}
	return "", &problem.Problem{Field: "type", Value: t, Reason: "is not a " + typedNames(" or ") + " type", Allowed: Types}
}

// Types are the --type values.
var Types = []string{"soft", "hard"}

// Already is the result of a failed action whose server is, read
// afterwards (ECS ShowServer's status), in the state asked for: ECS fails
// a start of a running server and a stop of a stopped one. The server's
// status decides, never the words of the failure's reason (a reason can
// say anything). ok is false for any other result, action or status.
func Already(a Action, r Result, serverStatus string) (Result, bool) {
	f := a.facts()
	if r.Status != StatusFailed || f.alreadyServer == "" || serverStatus != f.alreadyServer {
		return r, false
	}
	r.Status, r.Error = f.alreadyStatus, ""
	return r, true
}
