package jobcmd

import (
	"context"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `job show`.
type ShowOptions struct {
	JobID string
}

// NewCmdShow is `flexusl job show`; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{}
	cmd := &cobra.Command{
		Use:   "show JOB_ID [--region R]",
		Short: "Show an ECS job's status now, with its servers",
		Long: `Show an ECS job's status as ECS reports it now (one request; job wait
follows it to the end), with one line per server and the instance it
belongs to, as job wait prints it.

The region is found as job wait finds it: --region or FLEXUSL_REGION,
else the journal's record of the call that started the job, else the
profile's region.

Exit codes: 0 the job was shown, whatever its status (job wait exits 4
for a failed job); 2 bad input; 3 credentials; 1 ECS could not be asked.`,
		Example: `  flexusl job show ff80808290c6b7b60191ef522de6257b
  flexusl job show ff80808290c6b7b60191ef522de6257b --region tr-west-1 -o json`,
		Args: cmdutil.ExactArgs(1, "a job ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JobID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeJobIDs(f),
	}
	return cmd
}

func showRun(ctx context.Context, f *cmdutil.Factory, opts *ShowOptions) error {
	region, client, err := jobCall(f, "job show", opts.JobID)
	if err != nil {
		return err
	}
	j, err := client.ShowJob(ctx, api.ECSCall{Region: region}, opts.JobID)
	if err != nil {
		return noSuchJob(err, opts.JobID, region)
	}
	return printView(f, view(j, region, instancesOf(ctx, f, client, j, region)))
}
