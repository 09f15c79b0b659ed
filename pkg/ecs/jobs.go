package ecs

import (
	"context"
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
)

// JobShower reads ECS jobs (api.Client does).
type JobShower interface {
	ShowJob(ctx context.Context, call api.ECSCall, jobID string) (*api.Job, error)
}

// Tracked is one batch's job being followed.
type Tracked struct {
	Batch Batch
	JobID string
	Last  *api.Job // the last answer read (nil before the first)
}

// Ended reports whether the job reached SUCCESS or FAIL.
func (t *Tracked) Ended() bool { return t.Last != nil && t.Last.Ended() }

// Tracker follows the jobs of one run (one per batch) to their end.
type Tracker struct {
	Action Action
	Jobs   []*Tracked
}

// Poll reads each job that has not ended, once, and reports whether every
// job has ended. A failed read does not keep the other jobs from being
// read; the first error is returned after all were tried (a transient one
// lets a waiter go on).
func (t *Tracker) Poll(ctx context.Context, s JobShower) (bool, error) {
	var first error
	for _, j := range t.Jobs {
		if j.Ended() {
			continue
		}
		got, err := s.ShowJob(ctx, api.ECSCall{Region: j.Batch.Region, ProjectID: j.Batch.ProjectID}, j.JobID)
		if err != nil {
			if first == nil {
				first = err
			}
			if ctx.Err() != nil {
				return false, err
			}
			continue
		}
		j.Last = got
	}
	if first != nil {
		return false, first
	}
	return t.Done(), nil
}

// Done reports whether every job has ended.
func (t *Tracker) Done() bool {
	for _, j := range t.Jobs {
		if !j.Ended() {
			return false
		}
	}
	return true
}

// Results are the instances' results, batch by batch.
func (t *Tracker) Results() []Result {
	var out []Result
	for _, j := range t.Jobs {
		out = append(out, JobResults(t.Action, j.Batch, j.JobID, j.Last)...)
	}
	return out
}

// Text is the one progress line of an ECS wait (instance start|stop|reboot
// and job wait). With an Action: how many instances are done, then each
// running job; without (a job followed for itself): each job.
func (t *Tracker) Text() string {
	var jobs []string
	for _, j := range t.Jobs {
		if t.Action == "" || !j.Ended() {
			jobs = append(jobs, j.Text())
		}
	}
	if t.Action == "" {
		return strings.Join(jobs, ", ")
	}
	rs := t.Results()
	done := 0
	for _, r := range rs {
		if r.Status != StatusRunning {
			done++
		}
	}
	text := fmt.Sprintf("%s: %d of %d instances done", t.Action, done, len(rs))
	if len(jobs) > 0 {
		text += "; " + strings.Join(jobs, ", ")
	}
	return text
}

// Text is the job's progress: "job J: checking" before its first answer,
// then its status, with how many of its servers are done while it runs.
func (j *Tracked) Text() string {
	return "job " + j.JobID + ": " + j.Status()
}

// Status is the job's last status ("checking" before its first answer),
// with how many of its servers are done while it runs.
func (j *Tracked) Status() string {
	if j.Last == nil {
		return "checking"
	}
	subs := j.Last.Entities.SubJobs
	if j.Last.Ended() || len(subs) == 0 {
		return j.Last.Status
	}
	ended := 0
	for _, s := range subs {
		if s.Status == api.JobSuccess || s.Status == api.JobFail {
			ended++
		}
	}
	return fmt.Sprintf("%s (%d of %d servers done)", j.Last.Status, ended, len(subs))
}

// Resume is the command that follows the jobs still running: one `flexusl
// job wait` per job, joined with " && ".
func (t *Tracker) Resume() string {
	var cmds []string
	for _, j := range t.Jobs {
		if !j.Ended() {
			cmds = append(cmds, ResumeCommand(j.JobID, j.Batch.Region))
		}
	}
	return strings.Join(cmds, " && ")
}

// ResumeCommand follows one job. Callers pass a job ID that is
// api.ValidID and a region that is api.ValidRegion (both come from
// servers); anything else is shell-quoted, so the command never runs more
// than flexusl.
func ResumeCommand(jobID, region string) string {
	return "flexusl job wait " + shellWord(jobID, api.ValidID(jobID)) + " --region " + shellWord(region, api.ValidRegion(region))
}

// shellWord is s as one POSIX shell word: as it is when plain, else in
// single quotes.
func shellWord(s string, plain bool) string {
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ServerResult is one server's part of a job, as `job wait` shows it.
type ServerResult struct {
	JobID    string // the sub-job's ID ("" for a single-server job)
	ServerID string
	Status   string // ECS's status: SUCCESS, FAIL, RUNNING, INIT...
	Error    string // "CODE: reason" on failure
}

// ServerResults lists a job's servers: one per sub-job, or the job's own
// server when it has no sub-jobs.
func ServerResults(j *api.Job) []ServerResult {
	if len(j.Entities.SubJobs) == 0 {
		if j.Entities.ServerID == "" {
			return nil
		}
		r := ServerResult{ServerID: j.Entities.ServerID, Status: j.Status}
		if j.Status == api.JobFail {
			r.Error = failText(j.ErrorCode, j.FailReason, "")
		}
		return []ServerResult{r}
	}
	out := make([]ServerResult, len(j.Entities.SubJobs))
	for i, s := range j.Entities.SubJobs {
		out[i] = ServerResult{JobID: s.JobID, ServerID: s.Entities.ServerID, Status: s.Status}
		if s.Status == api.JobFail {
			out[i].Error = failText(s.ErrorCode, s.FailReason, s.Entities.ErrorcodeMessage)
		}
	}
	return out
}

// JobError is the job's own failure text ("" unless it failed).
func JobError(j *api.Job) string {
	if j.Status != api.JobFail {
		return ""
	}
	if t := failText(j.ErrorCode, j.FailReason, ""); t != "" {
		return t
	}
	return "the job failed"
}
