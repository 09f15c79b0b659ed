package instance

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
)

// The journal of ECS calls. Every call that changes a server is recorded
// before it is sent (state "sending", with its Client-Request-Id and the
// instances it acts on) and its outcome before anything about it is
// printed (accepted with the job IDs, unknown, rejected or not sent).
//
// This file is the one place that writes it. It writes the write-ahead
// journal's record shape (an attempt line, then an outcome line with the
// same "attempt" ID, kind "ecs_action") into the order journal; when
// pkg/journal's Begin/Finish land, beginECS becomes journal.Begin and
// finish becomes Attempt.Finish, and nothing else changes.

// Outcome states of an ECS attempt (the write-ahead journal's names).
const (
	stateSending  = "sending"
	stateAccepted = "accepted"
	stateUnknown  = "unknown"
	stateRejected = "rejected"
	stateNotSent  = "not_sent"
)

const kindECSAction = "ecs_action"

// ecsEntry is what is recorded before an ECS call is sent. It never holds
// a password.
type ecsEntry struct {
	Operation   string   // "POST /v1/{project_id}/cloudservers/action os-stop SOFT"
	RequestID   string   // the Client-Request-Id
	Region      string   // the region acted in
	InstanceIDs []string // the FlexusL instances acted on
}

type ecsBeginRecord struct {
	Attempt     string    `json:"attempt"`
	Time        time.Time `json:"time"`
	Profile     string    `json:"profile,omitempty"`
	Kind        string    `json:"kind"`
	Operation   string    `json:"operation,omitempty"`
	RequestID   string    `json:"request_id,omitempty"`
	Region      string    `json:"region,omitempty"`
	ResourceIDs []string  `json:"resource_ids,omitempty"`
	State       string    `json:"state"`
}

type ecsOutcomeRecord struct {
	Attempt string    `json:"attempt"`
	Time    time.Time `json:"time"`
	State   string    `json:"state"`
	JobIDs  []string  `json:"job_ids,omitempty"`
	Error   string    `json:"error,omitempty"`
}

// ecsAttempt is a begun ECS attempt.
type ecsAttempt struct {
	path, id string
	now      func() time.Time
}

// beginECS records an ECS call before it is sent, synced to disk. When it
// fails the call must not be sent.
func beginECS(f *cmdutil.Factory, e ecsEntry) (*ecsAttempt, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	a := &ecsAttempt{path: f.JournalPath(), id: hex.EncodeToString(b), now: func() time.Time { return f.Clock().UTC() }}
	profile := ""
	if cfg, err := f.Config(); err == nil {
		profile = cfg.Profile()
	}
	rec := ecsBeginRecord{Attempt: a.id, Time: a.now(), Profile: profile, Kind: kindECSAction, Operation: e.Operation,
		RequestID: e.RequestID, Region: e.Region, ResourceIDs: e.InstanceIDs, State: stateSending}
	if err := appendLine(a.path, rec); err != nil {
		return nil, err
	}
	return a, nil
}

// finish records the attempt's outcome, synced to disk, before it is
// printed. A failure is a warning: the call has been made.
func (a *ecsAttempt) finish(f *cmdutil.Factory, state string, jobIDs []string, errText string) {
	rec := ecsOutcomeRecord{Attempt: a.id, Time: a.now(), State: state, JobIDs: jobIDs, Error: cmdutil.FirstLine(errText)}
	if err := appendLine(a.path, rec); err != nil {
		f.IO.Warnf("could not record the outcome in the journal %s: %v", a.path, err)
	}
}

// outcomeOf is the journal state for a call's error.
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
	return stateNotSent // failed before sending: credentials, project ID look-up
}

// appendLine writes v as one JSON line with one write (O_APPEND), 0600 in
// a 0700 directory, and syncs it.
func appendLine(path string, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := fh.Write(append(line, '\n')); err != nil {
		fh.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return fmt.Errorf("journal: %w", err)
	}
	return fh.Close()
}
