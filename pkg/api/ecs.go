package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// MaxBatchServers is the most servers one batch request may name: the
// documented limit of the batch actions (1,000 handled within a minute) and
// of the password reset (1-1,000 items).
const MaxBatchServers = 1000

// Server actions: the body key each one sends.
const (
	ActionStart  = "os-start"
	ActionStop   = "os-stop"
	ActionReboot = "reboot"
)

// Stop and reboot types.
const (
	RebootSoft = "SOFT"
	RebootHard = "HARD"
)

// ECS job statuses (ShowJob status, and each sub-job's).
const (
	JobInit           = "INIT"
	JobRunning        = "RUNNING"
	JobSuccess        = "SUCCESS"
	JobFail           = "FAIL"
	JobPendingPayment = "PENDING_PAYMENT"
)

// BatchServer names one server in a batch request or answer.
type BatchServer struct {
	ID string `json:"id"`
}

// ServerActionBody is the inside of a batch action: the servers and, for
// stop and reboot, SOFT or HARD (reboot requires it; stop defaults to SOFT).
type ServerActionBody struct {
	Type    string        `json:"type,omitempty"`
	Servers []BatchServer `json:"servers"`
}

// ServerActionRequest is the body of POST /v1/{project_id}/cloudservers/action:
// exactly one of the three keys is set.
type ServerActionRequest struct {
	Start  *ServerActionBody `json:"os-start,omitempty"`
	Stop   *ServerActionBody `json:"os-stop,omitempty"`
	Reboot *ServerActionBody `json:"reboot,omitempty"`
}

// JobCreated is the answer of an asynchronous ECS call.
type JobCreated struct {
	JobID string `json:"job_id"`
}

// Job is ShowJob's answer (§6). Code and Message are set only when the
// ShowJob call itself failed.
type Job struct {
	Status     string      `json:"status"`
	JobID      string      `json:"job_id"`
	JobType    string      `json:"job_type"`
	BeginTime  string      `json:"begin_time"`
	EndTime    string      `json:"end_time"`
	ErrorCode  string      `json:"error_code"`  // null on success
	FailReason string      `json:"fail_reason"` // null on success
	Entities   JobEntities `json:"entities"`
	Code       string      `json:"code"`
	Message    string      `json:"message"`
}

// JobEntities are a job's entities: the server of a single-server job, the
// sub-jobs (one per server) of a batch job.
type JobEntities struct {
	ServerID     string   `json:"server_id"`
	SubJobsTotal Int      `json:"sub_jobs_total"`
	SubJobs      []SubJob `json:"sub_jobs"`
}

// SubJob is one server's part of a batch job.
type SubJob struct {
	Status     string         `json:"status"`
	JobID      string         `json:"job_id"`
	JobType    string         `json:"job_type"`
	BeginTime  string         `json:"begin_time"`
	EndTime    string         `json:"end_time"`
	ErrorCode  string         `json:"error_code"`
	FailReason string         `json:"fail_reason"`
	Entities   SubJobEntities `json:"entities"`
}

// SubJobEntities name the sub-job's server and, on failure, ECS's message.
type SubJobEntities struct {
	ServerID         string `json:"server_id"`
	ErrorcodeMessage string `json:"errorcode_message"`
}

// Ended reports whether the job reached SUCCESS or FAIL.
func (j *Job) Ended() bool { return j.Status == JobSuccess || j.Status == JobFail }

// ResetPasswordRequest is the body of BatchResetServersPassword (§7).
// NewPassword is a secret: the request is sent with SensitiveBody.
type ResetPasswordRequest struct {
	NewPassword string        `json:"new_password,omitempty"`
	DryRun      bool          `json:"dry_run,omitempty"`
	Servers     []BatchServer `json:"servers"`
}

// ResetPasswordResult is its answer: the servers whose password was reset.
type ResetPasswordResult struct {
	Response []BatchServer `json:"response"`
}

// ServerUpdate is the body of UpdateServer (§4); nil fields are left as
// they are. The order of the fields is the order they are sent in.
type ServerUpdate struct {
	Name        *string `json:"name,omitempty"`
	Hostname    *string `json:"hostname,omitempty"`
	Description *string `json:"description,omitempty"`
	UserData    *string `json:"user_data,omitempty"`
}

// UpdateServerRequest wraps ServerUpdate as UpdateServer expects.
type UpdateServerRequest struct {
	Server ServerUpdate `json:"server"`
}

// updateServerAnswer is UpdateServer's answer: the server after the
// change.
type updateServerAnswer struct {
	Server *Server `json:"server"`
}

// ECSCall says where an ECS call goes and how it is identified: the region
// (endpoint and project), the region's project ID when known (RMS lists
// it), and for calls that change servers the Client-Request-Id, journaled
// by the caller before the call.
type ECSCall struct {
	Region    string
	ProjectID string
	RequestID string
}

// encodeBody is json.Marshal without HTML escaping: the exact bytes sent.
func encodeBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func serverRefs(op string, ids []string) ([]BatchServer, error) {
	if len(ids) == 0 || len(ids) > MaxBatchServers {
		return nil, fmt.Errorf("%s: %d servers in one request; 1 to %d are allowed (nothing was sent)", op, len(ids), MaxBatchServers)
	}
	seen := make(map[string]bool, len(ids))
	refs := make([]BatchServer, len(ids))
	for i, id := range ids {
		if err := checkPathID("server ID", id); err != nil {
			return nil, fmt.Errorf("%s: %w (nothing was sent)", op, err)
		}
		if seen[id] {
			return nil, fmt.Errorf("%s: server %s is named twice (nothing was sent)", op, id)
		}
		seen[id] = true
		refs[i] = BatchServer{ID: id}
	}
	return refs, nil
}

// IDRule is ValidID's rule, for errors.
const IDRule = "1 to 64 letters, digits, - and _"

// checkPathID refuses IDs that are not ValidID: nothing else is put in a
// path.
func checkPathID(what, id string) error {
	if !ValidID(id) {
		return fmt.Errorf("invalid %s %q (%s are allowed)", what, id, IDRule)
	}
	return nil
}

// NewServerActionRequest builds the body of a batch start, stop or reboot.
// typ is SOFT or HARD for stop (""= SOFT) and reboot (required); start
// takes none.
func NewServerActionRequest(action, typ string, serverIDs []string) (*ServerActionRequest, error) {
	op := actionOpName(action)
	refs, err := serverRefs(op, serverIDs)
	if err != nil {
		return nil, err
	}
	switch action {
	case ActionStart:
		if typ != "" {
			return nil, fmt.Errorf("%s: start takes no type (nothing was sent)", op)
		}
		return &ServerActionRequest{Start: &ServerActionBody{Servers: refs}}, nil
	case ActionStop, ActionReboot:
		switch typ {
		case RebootSoft, RebootHard:
		case "":
			if action == ActionReboot {
				return nil, fmt.Errorf("%s: reboot needs a type, SOFT or HARD (nothing was sent)", op)
			}
			typ = RebootSoft
		default:
			return nil, fmt.Errorf("%s: type %q is not SOFT or HARD (nothing was sent)", op, typ)
		}
		b := &ServerActionBody{Type: typ, Servers: refs}
		if action == ActionStop {
			return &ServerActionRequest{Stop: b}, nil
		}
		return &ServerActionRequest{Reboot: b}, nil
	}
	return nil, fmt.Errorf("unknown server action %q (nothing was sent)", action)
}

func actionOpName(action string) string {
	switch action {
	case ActionStart:
		return "start servers"
	case ActionStop:
		return "stop servers"
	case ActionReboot:
		return "reboot servers"
	}
	return "server action " + action
}

// ServerActionOp is the operation of a batch action (0 for no action).
func ServerActionOp(action string) service.Op {
	return map[string]service.Op{ActionStart: service.StartServers, ActionStop: service.StopServers, ActionReboot: service.RebootServers}[action]
}

// BatchServerAction sends one batch start, stop or reboot (BatchStartServers,
// BatchStopServers, BatchRebootServers) for up to MaxBatchServers servers of
// one region, at most once, and returns the job ID. A 2xx answer without a
// job ID, or with one that is not ValidID, is an *UnknownOutcomeError: the
// call was taken, but what it does cannot be followed.
func (c *Client) BatchServerAction(ctx context.Context, call ECSCall, action, typ string, serverIDs []string) (string, error) {
	req, err := NewServerActionRequest(action, typ, serverIDs)
	if err != nil {
		return "", err
	}
	body, err := encodeBody(req)
	if err != nil {
		return "", err
	}
	op := &Op{Name: actionOpName(action), Call: ServerActionOp(action), Path: ServerActionOp(action).PathOf(), Body: body,
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID, RequestID: call.RequestID}
	return c.startJob(ctx, op)
}

func (c *Client) startJob(ctx context.Context, op *Op) (string, error) {
	resp, err := c.Do(ctx, op, AtMostOnce)
	if err != nil {
		return "", err
	}
	var j JobCreated
	if err := DecodeJSON(resp.Body, &j); err != nil || j.JobID == "" {
		return "", &UnknownOutcomeError{Op: op.Name, RequestID: op.RequestID,
			Cause: fmt.Errorf("HTTP %d with an answer that has no job_id: %.200q", resp.Status, resp.Body)}
	}
	if !ValidID(j.JobID) {
		// Taken, but the job cannot be followed: its ID goes in no path
		// and no command.
		return "", &UnknownOutcomeError{Op: op.Name, RequestID: op.RequestID,
			Cause: fmt.Errorf("HTTP %d with a job_id that is not an ECS job ID (%s), so its job cannot be followed: %.80q", resp.Status, IDRule, j.JobID)}
	}
	return j.JobID, nil
}

// ShowJob reads an ECS job of region (Idempotent). A 2xx answer that
// carries the call's own error (code, message) and no status is an *Error;
// one whose job_id is another job's is an error too.
func (c *Client) ShowJob(ctx context.Context, call ECSCall, jobID string) (*Job, error) {
	if err := checkPathID("job ID", jobID); err != nil {
		return nil, err
	}
	var j Job
	op := &Op{Name: "show job " + jobID, Call: service.ShowJob, Path: service.ShowJob.PathOf(jobID),
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID}
	resp, err := c.DoJSON(ctx, op, Idempotent, &j)
	if err != nil {
		return nil, err
	}
	if j.Status == "" && (j.Code != "" || j.Message != "") {
		return nil, &Error{Op: op.Name, Call: op.Call, StatusCode: resp.Status, Code: capText(j.Code), Message: capText(j.Message), RequestID: resp.RequestID}
	}
	if j.Status == "" {
		return nil, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: HTTP %d with an answer that has no status: %.200q", op.Name, resp.Status, resp.Body)}
	}
	switch {
	case j.JobID == "":
		j.JobID = jobID
	case j.JobID != jobID:
		// An answer about another job says nothing about this one.
		shown := "one that is not an ID"
		if ValidID(j.JobID) {
			shown = j.JobID
		}
		return nil, fmt.Errorf("%s: ECS answered about another job (%s): not using that answer", op.Name, shown)
	}
	return &j, nil
}

// ResetPasswordError is a refused BatchResetServersPassword whose answer
// names servers (internalError): Servers maps each named server ID to
// ECS's "code message" for it.
type ResetPasswordError struct {
	Err     *Error
	Servers map[string]string
}

func (e *ResetPasswordError) Error() string { return e.Err.Error() }
func (e *ResetPasswordError) Unwrap() error { return e.Err }

// BatchResetServersPassword sets a new root/Administrator password on up
// to MaxBatchServers servers of one region, at most once. The body is
// sensitive: --debug shows it redacted, and no error carries it. A refusal
// whose answer names servers is a *ResetPasswordError.
func (c *Client) BatchResetServersPassword(ctx context.Context, call ECSCall, password string, serverIDs []string) (*ResetPasswordResult, error) {
	const name = "reset passwords"
	refs, err := serverRefs(name, serverIDs)
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, fmt.Errorf("%s: no new password (nothing was sent)", name)
	}
	body, err := encodeBody(ResetPasswordRequest{NewPassword: password, Servers: refs})
	if err != nil {
		return nil, fmt.Errorf("%s: the request could not be encoded (nothing was sent)", name)
	}
	op := &Op{Name: name, Call: service.ResetPasswords, Path: service.ResetPasswords.PathOf(), Body: body, SensitiveBody: true, Secrets: []string{password},
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID, RequestID: call.RequestID}
	var res ResetPasswordResult
	if _, err := c.DoJSON(ctx, op, AtMostOnce, &res); err != nil {
		var ae *Error
		if errors.As(err, &ae) && !IsUnknownOutcome(err) {
			if m := serverDetails(ae, serverIDs); len(m) > 0 {
				return nil, &ResetPasswordError{Err: ae, Servers: m}
			}
		}
		return nil, err
	}
	return &res, nil
}

// serverDetails maps the servers of the batch that the error's
// internalError names to their failure.
func serverDetails(e *Error, serverIDs []string) map[string]string {
	m := map[string]string{}
	for _, id := range serverIDs {
		if msg, ok := e.Servers[id]; ok {
			m[id] = msg
		}
	}
	return m
}

// UpdateServer changes a server's name, description or hostname (at most
// once) and returns the server as it is after the change. A 2xx answer that
// cannot be read is an error wrapping ErrAnswerUnreadable: the change was
// made.
func (c *Client) UpdateServer(ctx context.Context, call ECSCall, serverID string, u ServerUpdate) (*Server, error) {
	const name = "update server"
	if err := checkPathID("server ID", serverID); err != nil {
		return nil, fmt.Errorf("%s: %w (nothing was sent)", name, err)
	}
	if u.Name == nil && u.Hostname == nil && u.Description == nil && u.UserData == nil {
		return nil, fmt.Errorf("%s: nothing to change (nothing was sent)", name)
	}
	body, err := encodeBody(UpdateServerRequest{Server: u})
	if err != nil {
		return nil, err
	}
	op := &Op{Name: name + " " + serverID, Call: service.UpdateServer, Path: service.UpdateServer.PathOf(serverID), Body: body,
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID, RequestID: call.RequestID}
	resp, err := c.Do(ctx, op, AtMostOnce)
	if err != nil {
		return nil, err
	}
	var a updateServerAnswer
	if err := DecodeJSON(resp.Body, &a); err != nil || a.Server == nil {
		// The change was taken (2xx); only its echo cannot be read.
		return nil, fmt.Errorf("%s: %w (HTTP %d): %.200q", op.Name, ErrAnswerUnreadable, resp.Status, resp.Body)
	}
	return a.Server, nil
}

// ErrAnswerUnreadable: the service took the call (2xx), but its answer
// could not be read.
var ErrAnswerUnreadable = errors.New("the service accepted the change, but its answer could not be read")
