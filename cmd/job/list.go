package jobcmd

import (
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/spf13/cobra"
)

// ListEntry is one journaled server operation as `job list` prints it: the
// journal's keys (as order list prints them), and job_id, the first job
// the call started.
type ListEntry struct {
	journal.Entry
	JobID string `json:"job_id"`
}

// ListOptions are the inputs of `job list`.
type ListOptions struct {
	Limit int
}

// NewCmdList is `flexusl job list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list [--limit N]",
		Short: "List the server operations flexusl started from this machine (the journal), newest first",
		Long: `List the server operations (instance start, stop, reboot, reset-password,
update) that flexusl sent from this machine, newest first, from the local
journal: when, the operation, the region, the instances, the jobs ECS
started and the request's outcome ("accepted", "unknown", "rejected",
"not sent"). It sends nothing; job show and job wait ask ECS about a job
(no --region needed for these).

With -o json an array of the journal's entries (time, kind, operation,
request_id, region, resource_ids, job_ids, state, error) with job_id, the
first job.`,
		Example: `  flexusl job list
  flexusl job list --limit 5 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(f, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "at most this many, newest first (0: all)")
	return cmd
}

func listRun(f *cmdutil.Factory, opts *ListOptions) error {
	if opts.Limit < 0 {
		return cmdutil.UsageErrorf("--limit %d: must be 0 (all) or more", opts.Limit)
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	entries, path, err := f.ReadJournal()
	if err != nil {
		return err
	}
	rows := []ListEntry{}
	for _, e := range journal.Newest(entries) {
		if e.Kind != journal.KindECSAction {
			continue
		}
		if opts.Limit > 0 && len(rows) == opts.Limit {
			break
		}
		l := ListEntry{Entry: e.InSeconds()}
		if len(e.JobIDs) > 0 {
			l.JobID = e.JobIDs[0]
		}
		rows = append(rows, l)
	}
	if len(rows) == 0 {
		f.IO.Infof("No server operations in this machine's journal (%s): it holds what flexusl did from here.", path)
	}
	return f.Print(rows, func() ([]string, [][]string) {
		out := make([][]string, len(rows))
		for i, r := range rows {
			jobs := strings.Join(r.JobIDs, ",")
			if jobs == "" {
				jobs = "- (request " + r.RequestID + ")"
			}
			out[i] = []string{jobs, cmdutil.Dash(r.Region), cmdutil.TableTime(r.Time), cmdutil.Dash(operationName(r.Operation)),
				cmdutil.Dash(strings.Join(r.ResourceIDs, ",")), r.State}
		}
		return []string{"JOB ID", "REGION", "CREATED", "OPERATION", "INSTANCES", "REQUEST OUTCOME"}, out // ID, REGION first, as every table
	})
}

// operationName is the journaled operation without its method and path
// ("POST /v1/{project_id}/cloudservers/action os-stop SOFT" -> "os-stop
// SOFT"), or as it is when it has no such prefix.
func operationName(op string) string {
	fields := strings.Fields(op)
	if len(fields) > 2 && strings.HasPrefix(fields[1], "/") {
		return strings.Join(fields[2:], " ")
	}
	return op
}

// completeJobIDs offers the journal's job IDs, newest first (offline).
func completeJobIDs(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		path, err := f.JournalPath()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, _, err := journal.Read(path)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var ids []string
		seen := map[string]bool{}
		for _, e := range journal.Newest(entries) {
			for _, id := range e.JobIDs {
				if api.ValidID(id) && !seen[id] && len(ids) < 50 {
					seen[id] = true
					ids = append(ids, id+"\t"+e.Region)
				}
			}
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	}
}
