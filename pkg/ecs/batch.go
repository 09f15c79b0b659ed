// Package ecs is the logic of the server operations on FlexusL instances,
// free of any command framework and of the network: ECS's password rules,
// the UpdateServer field rules, grouping instances into one batch request
// per region (split past the documented limit), and mapping ECS job and
// sub-job results back to the instances they act on.
package ecs

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/problem"
)

// Target is one instance to act on: its FlexusL identity and its ECS
// server.
type Target struct {
	InstanceID string
	Name       string
	Region     string
	ProjectID  string // the region's project, as RMS lists it ("" = look it up)
	ServerID   string
	Status     string // RMS status (properties.status), as listed
}

// Batch is the instances one request acts on: one region (and project),
// at most the batch limit.
type Batch struct {
	Region    string
	ProjectID string
	Targets   []Target
}

// ServerIDs are the batch's server IDs, in order.
func (b Batch) ServerIDs() []string {
	out := make([]string, len(b.Targets))
	for i, t := range b.Targets {
		out[i] = t.ServerID
	}
	return out
}

// InstanceIDs are the batch's instance IDs, in order.
func (b Batch) InstanceIDs() []string {
	out := make([]string, len(b.Targets))
	for i, t := range b.Targets {
		out[i] = t.InstanceID
	}
	return out
}

// Plan groups targets into batches: one per region (regions sorted; within
// a region, the order given), split into batches of at most max servers
// (max <= 0: api.MaxBatchServers). An instance named twice is acted on
// once; two instances that RMS lists with the same server are a problem
// (one server is in one instance: the listing cannot be trusted). Targets
// without a region or a server ID (RMS lists no ECS server yet),
// or whose IDs or region do not have their documented shape (they come
// from RMS and go into URL paths, hosts and suggested commands), are
// problems, and then no batch is planned: nothing may be sent.
func Plan(ts []Target, max int) ([]Batch, problem.Problems) {
	if max <= 0 {
		max = api.MaxBatchServers
	}
	var ps problem.Problems
	type key struct{ region, project string }
	groups := map[key][]Target{}
	var keys []key
	seen := map[string]Target{} // server -> the first target with it
	for _, t := range ts {
		if p := checkTarget(t); p != nil {
			ps = append(ps, *p)
			continue
		}
		if first, ok := seen[t.ServerID]; ok {
			if first.InstanceID != t.InstanceID || first.Region != t.Region {
				ps = append(ps, problem.Problem{Field: "instance", Value: label(t), Reason: fmt.Sprintf(
					"RMS lists its ECS server %s for %s too: a server is in one instance only, so RMS's listing cannot be trusted (check both with flexusl instance show)",
					t.ServerID, label(first))})
			}
			continue
		}
		seen[t.ServerID] = t
		k := key{t.Region, t.ProjectID}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], t)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].region != keys[j].region {
			return keys[i].region < keys[j].region
		}
		return keys[i].project < keys[j].project
	})
	var out []Batch
	for _, k := range keys {
		g := groups[k]
		for len(g) > 0 {
			n := min(len(g), max)
			out = append(out, Batch{Region: k.region, ProjectID: k.project, Targets: g[:n:n]})
			g = g[n:]
		}
	}
	return out, nil
}

// checkTarget is the problem with a target as RMS lists it (nil: none).
func checkTarget(t Target) *problem.Problem {
	p := &problem.Problem{Field: "instance", Value: label(t)}
	switch {
	case !api.ValidID(t.InstanceID):
		p.Reason = fmt.Sprintf("RMS lists it with the instance ID %q, which flexusl does not use (%s are allowed)", t.InstanceID, api.IDRule)
	case t.Region == "":
		p.Reason = "has no region in RMS"
	case !api.ValidRegion(t.Region):
		p.Reason = fmt.Sprintf("RMS lists it in the region %q, which is not a region ID (%s)", t.Region, RegionRule)
	case t.ProjectID != "" && !api.ValidID(t.ProjectID):
		p.Reason = fmt.Sprintf("RMS lists it in the project %q, which is not a project ID (%s are allowed)", t.ProjectID, api.IDRule)
	case t.ServerID == "":
		p.Reason = "has no ECS server in RMS yet (still being created?); check: flexusl instance show " + t.InstanceID
	case !api.ValidID(t.ServerID):
		p.Reason = fmt.Sprintf("RMS lists its ECS server as %q, which is not an ECS server ID (%s are allowed)", t.ServerID, api.IDRule)
	default:
		return nil
	}
	return p
}

// RegionRule is api.ValidRegion's rule, for errors.
const RegionRule = "such as ap-southeast-3: 1 to 32 lower-case letters, digits and -, not starting or ending with -"

func label(t Target) string {
	if t.Name != "" && t.InstanceID != "" {
		return t.Name + " (" + t.InstanceID + ")"
	}
	return t.Name + t.InstanceID
}

// Label names a target for people: "web-1 (6743d0e3708be6007b8c8012)".
func Label(t Target) string { return label(t) }

// Statuses of one instance's result (JSON "status").
const (
	StatusSubmitted      = "submitted"       // --no-wait: the job was created
	StatusRunning        = "running"         // the job had not ended when the wait stopped
	StatusSucceeded      = "succeeded"       // the action was done
	StatusAlreadyRunning = "already_running" // start: it failed, and the server, read afterwards, is running
	StatusAlreadyStopped = "already_stopped" // stop: it failed, and the server, read afterwards, is stopped
	StatusFailed         = "failed"          // the job (or this server's sub-job) failed
	StatusUnknown        = "unknown"         // the batch request's outcome is unknown
	StatusRejected       = "rejected"        // the service refused the batch request
	StatusNotSent        = "not_sent"        // the batch request never reached the service
)

// Result is what happened to one instance.
type Result struct {
	Target
	JobID  string
	Status string
	Error  string // ECS's code and reason, or the request's error
}

// Ok reports whether the result is a success (already in the wanted state
// included).
func (r Result) Ok() bool {
	switch r.Status {
	case StatusSucceeded, StatusAlreadyRunning, StatusAlreadyStopped, StatusSubmitted:
		return true
	}
	return false
}

// Text is the result for the table's RESULT column: the JSON status, as
// every table shows the value JSON has, and the error where there is one.
func (r Result) Text(Action) string {
	if r.Error != "" && (r.Status == StatusRejected || r.Status == StatusNotSent || r.Status == StatusFailed) {
		return r.Status + ": " + r.Error
	}
	return r.Status
}

// BatchResults are the same status and error for every target of a batch
// (submitted, unknown, rejected, not sent).
func BatchResults(b Batch, jobID, status, errText string) []Result {
	out := make([]Result, len(b.Targets))
	for i, t := range b.Targets {
		out[i] = Result{Target: t, JobID: jobID, Status: status, Error: errText}
	}
	return out
}

// JobResults maps a job's state back to the batch's instances: each
// server's sub-job when the job lists it, else, for a job without sub-jobs
// about this very server (entities.server_id), the job's own status. An
// ended job that names the server nowhere says nothing about it: its
// outcome is unknown (never "succeeded" or "stopped"). j nil (never read)
// leaves every instance running.
func JobResults(a Action, b Batch, jobID string, j *api.Job) []Result {
	subs := map[string]*api.SubJob{}
	if j != nil {
		for i := range j.Entities.SubJobs {
			s := &j.Entities.SubJobs[i]
			subs[s.Entities.ServerID] = s
		}
	}
	out := make([]Result, len(b.Targets))
	for i, t := range b.Targets {
		r := Result{Target: t, JobID: jobID, Status: StatusRunning}
		switch s := subs[t.ServerID]; {
		case j == nil:
		case s != nil:
			r.Status, r.Error = subJobStatus(s)
		case !j.Ended():
		case len(subs) > 0 || j.Entities.ServerID != t.ServerID:
			r.Status = StatusUnknown
			r.Error = fmt.Sprintf("ECS's job ended %s without naming this server (%d sub-job(s) about other servers)", j.Status, len(subs))
		case j.Status == api.JobSuccess:
			r.Status = StatusSucceeded
		default:
			r.Status, r.Error = StatusFailed, failText(j.ErrorCode, j.FailReason, "")
			if r.Error == "" {
				r.Error = "the job failed"
			}
		}
		out[i] = r
	}
	return out
}

func subJobStatus(s *api.SubJob) (string, string) {
	switch s.Status {
	case api.JobSuccess:
		return StatusSucceeded, ""
	case api.JobFail:
		t := failText(s.ErrorCode, s.FailReason, s.Entities.ErrorcodeMessage)
		if t == "" {
			t = "the sub-job failed without a reason"
		}
		return StatusFailed, t
	}
	return StatusRunning, ""
}

// failText is "CODE: reason" from a job's or sub-job's fields, without
// repeating the code when the reason starts with it.
func failText(code, reason, message string) string {
	text := strings.TrimSpace(message)
	if text == "" {
		text = strings.TrimSpace(reason)
	}
	if code != "" && !strings.HasPrefix(text, code) {
		if text == "" {
			return code
		}
		return code + ": " + text
	}
	return text
}

// Counts summarises results.
type Counts struct {
	Ok, Failed, Running, Unknown, Rejected, NotSent int
}

// Count counts results by kind.
func Count(rs []Result) Counts {
	var c Counts
	for _, r := range rs {
		switch {
		case r.Ok():
			c.Ok++
		case r.Status == StatusFailed:
			c.Failed++
		case r.Status == StatusRunning:
			c.Running++
		case r.Status == StatusUnknown:
			c.Unknown++
		case r.Status == StatusRejected:
			c.Rejected++
		default:
			c.NotSent++
		}
	}
	return c
}

// FailedSummary names the failed instances for an error message: "web-1
// (6743...): Ecs.0114: ...; web-2 ...", at most five, then "and N more".
func FailedSummary(rs []Result) string {
	var parts []string
	n := 0
	for _, r := range rs {
		if r.Status != StatusFailed {
			continue
		}
		n++
		if len(parts) < 5 {
			parts = append(parts, fmt.Sprintf("%s: %s", label(r.Target), r.Error))
		}
	}
	if n > len(parts) {
		parts = append(parts, fmt.Sprintf("and %d more", n-len(parts)))
	}
	return strings.Join(parts, "; ")
}
