package jobcmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/spf13/cobra"
)

// WaitOptions are the inputs of `job wait`.
type WaitOptions struct {
	JobID    string
	Timeout  time.Duration
	Interval time.Duration
}

// View is a job as `job wait` prints it (JSON keys stable).
type View struct {
	JobID     string       `json:"job_id"`
	JobType   string       `json:"job_type"`
	Region    string       `json:"region"`
	Status    string       `json:"status"`
	BeginTime string       `json:"begin_time"`
	EndTime   string       `json:"end_time"`
	Error     string       `json:"error"`
	SubJobs   []SubJobView `json:"sub_jobs"`
}

// SubJobView is one server of a job, with the instance it belongs to when
// RMS knows it.
type SubJobView struct {
	JobID      string `json:"job_id"`
	ServerID   string `json:"server_id"`
	InstanceID string `json:"instance_id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Error      string `json:"error"`
}

// NewCmdWait is `flexusl job wait`; runF replaces the run in tests.
func NewCmdWait(f *cmdutil.Factory, runF func(*WaitOptions) error) *cobra.Command {
	opts := &WaitOptions{}
	cmd := &cobra.Command{
		Use:   "wait JOB_ID [--region R] [--timeout 10m] [--interval 10s]",
		Short: "Wait until an ECS job ends",
		Long: `Wait until an ECS job (instance start, stop or reboot) ends. It is the
command "instance start|stop|reboot" print to resume a wait that timed out
or was interrupted, and follows any ECS job of the region.

--region is the job's region (the flag or FLEXUSL_REGION). Without it, a
job flexusl started from this machine is asked for in the region its
journal recorded (see job list); any other job in the profile's region.
It checks at once, then with growing gaps up to --interval. Rate limits,
server errors and network errors do not end the wait. Progress goes to
stderr: a spinner on a terminal, otherwise one line per status change.

When the job ends it prints one line per server (sub-job) with the
instance it belongs to (one RMS listing of the region; when that fails the
server IDs are shown alone): INSTANCE ID / NAME / SERVER ID / STATUS /
ERROR; with -o json {"job_id","job_type","region","status","begin_time",
"end_time","error","sub_jobs":[{"job_id","server_id","instance_id","name",
"status","error"}]}.

Exit codes: 0 SUCCESS; 4 FAIL (the failed servers are named); 5 --timeout
passed; 130 interrupted (the job goes on; both print the resume command);
2 bad input; 3 credentials.`,
		Example: `  flexusl job wait ff80808290c6b7b60191ef522de6257b      # a job flexusl started: region from the journal
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region tr-west-1 --timeout 30m -o json`,
		Args: cmdutil.ExactArgs(1, "a job ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JobID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return waitRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeJobIDs(f),
	}
	cmdutil.WaitFlags(cmd.Flags(), nil, "", &opts.Timeout, &opts.Interval, 10*time.Minute)
	cmdutil.JSONKeys(cmd, "", View{})
	return cmd
}

func waitRun(ctx context.Context, f *cmdutil.Factory, opts *WaitOptions) error {
	if opts.Timeout <= 0 || opts.Interval <= 0 {
		return cmdutil.UsageErrorf("--timeout and --interval must be positive")
	}
	region, client, err := jobCall(f, "job wait", opts.JobID)
	if err != nil {
		return err
	}
	quiet := client.WithNotify(nil) // the waiter reports transient errors itself
	tr := &ecs.Tracker{Jobs: []*ecs.Tracked{{Batch: ecs.Batch{Region: region}, JobID: opts.JobID}}}
	p := f.IO.StartWait(tr.Text(), f.Clock())
	werr := tr.Wait(ctx, quiet, ecs.WaitOptions{Timeout: opts.Timeout, Interval: opts.Interval, Progress: p.Show})
	p.Stop()
	if werr != nil {
		return noSuchJob(werr, opts.JobID, region)
	}
	last := tr.Jobs[0].Last
	v := view(last, region, instancesOf(ctx, f, quiet, last, region))
	if err := printView(f, v); err != nil {
		return err
	}
	// A failed sub-job fails the wait (exit 4, as instance stop does),
	// whatever the job's own status says.
	var failed []string
	for _, s := range v.SubJobs {
		if s.Status == api.JobFail {
			failed = append(failed, fmt.Sprintf("%s: %s", serverLabel(s), s.Error))
		}
	}
	switch {
	case len(failed) > 0:
		return exitcode.Errorf(exitcode.OrderFailed, "job %s (%s) failed for %d of %d servers: %s", last.JobID, last.Status, len(failed), len(v.SubJobs), strings.Join(failed, "; "))
	case last.Status == api.JobFail:
		return exitcode.Errorf(exitcode.OrderFailed, "job %s failed: %s", last.JobID, v.Error)
	}
	return nil
}

// instancesOf maps the job's servers to their instances with one RMS
// listing of the region; on failure it warns and maps nothing.
func instancesOf(ctx context.Context, f *cmdutil.Factory, client *api.Client, j *api.Job, region string) map[string]api.Resource {
	if len(ecs.ServerResults(j)) == 0 {
		return nil
	}
	rs, err := client.ListInstances(ctx, api.ListInstancesOptions{Region: region})
	if err != nil {
		f.IO.Warnf("the job's servers are shown without their instances: %s", cmdutil.FirstLine(err.Error()))
		return nil
	}
	m := map[string]api.Resource{}
	for _, r := range rs {
		if id := r.ServerID(); id != "" {
			m[id] = r
		}
	}
	return m
}

func view(j *api.Job, region string, instances map[string]api.Resource) *View {
	v := &View{JobID: j.JobID, JobType: j.JobType, Region: region, Status: j.Status, BeginTime: j.BeginTime, EndTime: j.EndTime,
		Error: ecs.JobError(j), SubJobs: []SubJobView{}}
	for _, s := range ecs.ServerResults(j) {
		sv := SubJobView{JobID: s.JobID, ServerID: s.ServerID, Status: s.Status, Error: s.Error}
		if r, ok := instances[s.ServerID]; ok {
			sv.InstanceID, sv.Name = r.ID, r.Name
		}
		v.SubJobs = append(v.SubJobs, sv)
	}
	return v
}

func serverLabel(s SubJobView) string {
	if s.InstanceID != "" {
		return fmt.Sprintf("%s (%s)", s.Name, s.InstanceID)
	}
	return "server " + s.ServerID
}

func printView(f *cmdutil.Factory, v *View) error {
	f.IO.Infof("Job %s (%s) in %s: %s", v.JobID, cmdutil.Dash(v.JobType), v.Region, v.Status)
	return f.Print(v, func() ([]string, [][]string) {
		rows := make([][]string, len(v.SubJobs))
		for i, s := range v.SubJobs {
			rows[i] = []string{cmdutil.Dash(s.InstanceID), cmdutil.Dash(s.Name), s.ServerID, s.Status, cmdutil.Dash(s.Error)}
		}
		if len(rows) == 0 {
			rows = [][]string{{"-", "-", "-", v.Status, cmdutil.Dash(v.Error)}}
		}
		return []string{"INSTANCE ID", "NAME", "SERVER ID", "STATUS", "ERROR"}, rows
	})
}
