package instancecmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// ActionOptions are the inputs of `instance start|stop|reboot`, filled by
// flags.
type ActionOptions struct {
	Action   ecs.Action
	Args     []string // instance IDs or names
	Type     string   // --type: soft or hard (stop, reboot)
	NoWait   bool
	Timeout  time.Duration
	Interval time.Duration
}

// ActionResult is one instance's line of the result (JSON keys stable).
type ActionResult struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Region   string `json:"region"`
	ServerID string `json:"server_id"`
	JobID    string `json:"job_id"`
	Status   string `json:"status"`
	Error    string `json:"error"`
}

// checkWaitFlags refuses a wait that cannot work.
func checkWaitFlags(noWait bool, timeout, interval time.Duration) *problem.Problem {
	if !noWait && (timeout <= 0 || interval <= 0) {
		return &problem.Problem{Field: "--timeout/--interval", Value: fmt.Sprintf("%s/%s", timeout, interval), Reason: "must be positive"}
	}
	return nil
}

// resolveTargets turns the arguments into the instances' ECS servers (one
// RMS listing for all of them). Unknown or ambiguous names exit 2.
func resolveTargets(ctx context.Context, f *cmdutil.Factory, client *api.Client, args []string) ([]ecs.Target, error) {
	region, err := cmdutil.RegionFlag(f)
	if err != nil {
		return nil, err
	}
	rs, err := resolve.Instances(ctx, client, args, region)
	if err != nil {
		return nil, err
	}
	ts := make([]ecs.Target, len(rs))
	for i := range rs {
		r := &rs[i]
		ts[i] = ecs.Target{InstanceID: r.ID, Name: r.Name, Region: r.RegionID, ProjectID: r.ProjectID, ServerID: r.ServerID(), Status: r.Properties.Status}
	}
	return ts, nil
}

// refuseForbidden refuses, before anything is sent (exit 2), an action on
// instances whose RMS status forbids it (reboot of a STOPPED instance): a
// state that forbids the action is said up front, with what to run
// instead, not learnt from a failed job (exit 4). Stop on a stopped
// server, and start on a running one, are already in the state asked for
// and go on (reported "already ...").
func refuseForbidden(a ecs.Action, ts []ecs.Target) error {
	status, instead := a.RefusedWhen()
	if status == "" {
		return nil
	}
	var refused, ids []string
	for _, t := range ts {
		if strings.EqualFold(t.Status, status) && api.ValidID(t.InstanceID) {
			refused = append(refused, fmt.Sprintf("%s (%s)", safetext.Line(t.Name), t.InstanceID))
			ids = append(ids, t.InstanceID)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return cmdutil.UsageErrorf("cannot %s %s: %s (as RMS lists it); %s it instead: flexusl instance %s %s (nothing was sent)",
		a, strings.Join(refused, ", "), status, instead, instead, strings.Join(ids, " "))
}

func actionRun(ctx context.Context, f *cmdutil.Factory, opts *ActionOptions) error {
	// 1. Every input checked before anything is sent (exit 2).
	typ, p := ecs.ParseType(opts.Action, opts.Type)
	var ps problem.Problems
	if p != nil {
		p.Field = "--type"
		ps = append(ps, *p)
	}
	if p := checkWaitFlags(opts.NoWait, opts.Timeout, opts.Interval); p != nil {
		ps = append(ps, *p)
	}
	for _, a := range opts.Args {
		if err := resolve.CheckArg(a); err != nil {
			return err
		}
	}
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}

	// 2. Instances -> servers, one batch per region (split past 1,000).
	targets, err := resolveTargets(ctx, f, client, opts.Args)
	if err != nil {
		return err
	}
	if err := refuseForbidden(opts.Action, targets); err != nil {
		return err
	}
	batches, ps := ecs.Plan(targets, 0)
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}

	// 3. Send each batch once: journaled before it leaves, its outcome
	// journaled before anything is printed.
	tracker, results, failures := sendActions(ctx, f, client, opts.Action, typ, batches)

	// 4. Wait for the jobs, unless --no-wait.
	var werr error
	if !opts.NoWait && len(tracker.Jobs) > 0 {
		werr = waitJobs(ctx, f, client, tracker, opts.Timeout, opts.Interval)
		results = confirmAlready(ctx, client, opts.Action, mergeResults(results, tracker.Results()))
	} else if len(tracker.Jobs) > 0 {
		for _, j := range tracker.Jobs {
			f.IO.Infof("Job %s (%d instances in %s) submitted; follow it with: %s", j.JobID, len(j.Batch.Targets), j.Batch.Region, ecs.ResumeCommand(j.JobID, j.Batch.Region))
		}
	}

	// 5. The result, then the exit code: interrupted or timed out first,
	// then a batch that failed to send, then failed jobs.
	if err := printActionResults(f, opts.Action, results); err != nil {
		return err
	}
	return actionExit(opts.Action, results, failures, werr, f)
}

// sendActions sends each region's batch once (sendAction). After an
// unknown outcome or an interrupt it sends no more: the rest read as not
// sent. It returns the jobs to follow, each instance's result so far, and
// one error per batch that failed.
func sendActions(ctx context.Context, f *cmdutil.Factory, client *api.Client, a ecs.Action, typ string, batches []ecs.Batch) (*ecs.Tracker, []ecs.Result, []error) {
	operation := api.ServerActionOp(a.Key()).String() + " " + a.Key()
	if typ != "" {
		operation += " " + typ
	}
	tracker := &ecs.Tracker{Action: a}
	var results []ecs.Result
	var failures []error     // one per batch request that failed
	var seq attempt.Sequence // no batch after an unknown outcome or an interrupt
	for _, b := range batches {
		if why := seq.Skip(ctx); why != "" {
			results = append(results, ecs.BatchResults(b, "", ecs.StatusNotSent, why)...)
			if why == attempt.NotSentInterrupted {
				failures = append(failures, exitcode.Errorf(exitcode.Interrupted, "%s servers in %s: not sent: interrupted", a, b.Region))
			}
			continue
		}
		jobID, err := sendAction(ctx, f, client, a, typ, operation, b)
		seq.SentErr(err)
		switch {
		case err == nil:
			tracker.Jobs = append(tracker.Jobs, &ecs.Tracked{Batch: b, JobID: jobID})
			results = append(results, ecs.BatchResults(b, jobID, ecs.StatusSubmitted, "")...)
		default:
			failures = append(failures, err)
			results = append(results, ecs.BatchResults(b, "", batchStatus(err), cmdutil.FirstLine(err.Error()))...)
		}
	}
	return tracker, results, failures
}

// sendAction journals and sends one batch.
func sendAction(ctx context.Context, f *cmdutil.Factory, client *api.Client, a ecs.Action, typ, operation string, b ecs.Batch) (string, error) {
	var jobID string
	res := ecsChange(f, string(a), fmt.Sprintf("%s servers in %s", a, b.Region), operation, b.Region, b.InstanceIDs(), func(crid string) attempt.Answer {
		var progress interface{ Stop() }
		if f.IO.IsStderrTTY() {
			progress = f.IO.StartProgress(fmt.Sprintf("%s: sending %d instances in %s...", a, len(b.Targets), b.Region))
		}
		id, err := client.BatchServerAction(ctx, api.ECSCall{Region: b.Region, ProjectID: b.ProjectID, RequestID: crid}, a.Key(), typ, b.ServerIDs())
		if progress != nil {
			progress.Stop()
		}
		if err != nil {
			return attempt.Answer{Err: err}
		}
		jobID = id
		return attempt.Answer{JobIDs: []string{id}}
	})
	if res.Err != nil {
		return "", res.Err
	}
	return jobID, nil
}

// batchStatus is the instances' status after their batch failed.
func batchStatus(err error) string {
	switch attempt.StateOf(err) {
	case journal.StateUnknown:
		return ecs.StatusUnknown
	case journal.StateRejected:
		return ecs.StatusRejected
	}
	return ecs.StatusNotSent
}

// confirmAlready reads the server of each failed action that can turn out
// not to have been needed (start, stop): one that is in the state asked
// for (ECS fails a stop of a stopped server) is "already" there. Only the server's status decides; a server that cannot
// be read stays failed.
func confirmAlready(ctx context.Context, client *api.Client, a ecs.Action, rs []ecs.Result) []ecs.Result {
	if !a.HasAlready() {
		return rs
	}
	quiet := client.WithNotify(nil)
	for i, r := range rs {
		if r.Status != ecs.StatusFailed || ctx.Err() != nil {
			continue
		}
		s, err := quiet.ShowServer(ctx, api.ServerRef{Region: r.Region, ProjectID: r.ProjectID, ServerID: r.ServerID})
		if err != nil {
			continue
		}
		rs[i], _ = ecs.Already(a, r, s.Status)
	}
	return rs
}

// mergeResults puts the jobs' results in place of the submitted ones,
// keeping the order.
func mergeResults(all, fromJobs []ecs.Result) []ecs.Result {
	byInstance := map[string]ecs.Result{}
	for _, r := range fromJobs {
		byInstance[r.InstanceID] = r
	}
	out := make([]ecs.Result, len(all))
	for i, r := range all {
		if j, ok := byInstance[r.InstanceID]; ok && r.Status == ecs.StatusSubmitted {
			r = j
		}
		out[i] = r
	}
	return out
}

// waitJobs follows every job (ecs.Tracker.Wait) with its progress on
// stderr: a spinner on a terminal, a line per change elsewhere.
func waitJobs(ctx context.Context, f *cmdutil.Factory, client *api.Client, t *ecs.Tracker, timeout, interval time.Duration) error {
	p := f.IO.StartWait(t.Text(), f.Clock())
	defer p.Stop()
	return t.Wait(ctx, client.WithNotify(nil), ecs.WaitOptions{Timeout: timeout, Interval: interval, Progress: p.Show})
}

func printActionResults(f *cmdutil.Factory, a ecs.Action, rs []ecs.Result) error {
	out := make([]ActionResult, len(rs))
	for i, r := range rs {
		out[i] = ActionResult{ID: r.InstanceID, Name: r.Name, Region: r.Region, ServerID: r.ServerID, JobID: r.JobID, Status: r.Status, Error: r.Error}
	}
	return f.Print(out, func() ([]string, [][]string) {
		rows := make([][]string, len(rs))
		for i, r := range rs {
			rows[i] = []string{r.InstanceID, r.Name, r.Region, cmdutil.Dash(r.JobID), r.Text(a)}
		}
		return []string{"INSTANCE ID", "NAME", "REGION", "JOB ID", "RESULT"}, rows
	})
}

// actionExit decides how the run ends: interrupted (130) or timed out (5)
// first, then a batch request that failed (its own code: 1, 3), then
// failed jobs (4). The errors not returned are printed as warnings, with
// their advice.
func actionExit(a ecs.Action, rs []ecs.Result, failures []error, werr error, f *cmdutil.Factory) error {
	var errs []error
	if werr != nil {
		errs = append(errs, werr)
	}
	errs = append(errs, failures...) // an unknown outcome carries its advice (sendAction)
	if c := ecs.Count(rs); c.Failed > 0 {
		errs = append(errs, exitcode.Errorf(exitcode.OrderFailed, "%d of %d instances failed to %s: %s", c.Failed, len(rs), a, ecs.FailedSummary(rs)))
	}
	var unnamed []string // an ended job said nothing about them
	for _, r := range rs {
		if r.Status == ecs.StatusUnknown && r.JobID != "" {
			unnamed = append(unnamed, r.InstanceID)
		}
	}
	if len(unnamed) > 0 {
		err := exitcode.Errorf(exitcode.Failure, "%s: the outcome for %d of %d instances is unknown: ECS's job ended without naming their servers", a, len(unnamed), len(rs))
		errs = append(errs, cmdutil.WithAdvice(err, fmt.Sprintf("ECS may or may not have acted on %s. Do not run the command again until you know: check each server's status with `flexusl instance show ID`.", strings.Join(unnamed, ", "))))
	}
	if len(errs) == 0 {
		return nil
	}
	cmdutil.WarnErrors(f, errs[1:])
	return errs[0]
}
