package instancecmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/spf13/cobra"
)

// NewCmdStart is `flexusl instance start`; runF replaces the run in tests.
func NewCmdStart(f *cmdutil.Factory, runF func(*ActionOptions) error) *cobra.Command {
	return newActionCmd(f, ecs.Start, runF,
		"Start the servers of instances (ECS batch start, one request per region)",
		`Start the ECS servers inside FlexusL instances.

Each argument is an instance ID or a unique instance name; all are looked
up with one RMS listing (in every region, or only in --region). They are
grouped per region and sent as one ECS batch start per region (split only
past 1,000 servers), never one call per instance. Each request is recorded
in the journal before it is sent, with its Client-Request-Id, and its job ID
before anything is printed. It is sent once: retried only when ECS provably
did not take it (HTTP 429, or no connection); after a server error or a
lost connection the outcome is unknown and flexusl says so instead of
trying again.

Then it waits for each ECS job to end (SUCCESS, or FAIL with each server's
reason): a spinner on a terminal, a line per change otherwise. A start
that ECS fails on a server that is running when read afterwards (ECS
ShowServer status ACTIVE) is shown as already_running, not as an error;
the failure's wording never decides. An instance whose server the ended
job does not name has an unknown outcome (exit 1). --no-wait returns once ECS has taken the requests, with the job
IDs; follow them with "flexusl job wait JOB_ID --region R".

Result: INSTANCE ID / NAME / REGION / JOB ID / RESULT; with -o json an
array of {"id","name","region","server_id","job_id","status","error"},
status one of submitted, succeeded, already_running, failed, running,
unknown, rejected, not_sent.

Exit codes: 0 all started; 4 a job failed for an instance (named);
5 --timeout passed (the jobs go on; the resume command is printed);
130 interrupted (likewise); 2 bad input (nothing sent); 3 credentials;
1 a request failed or its outcome is unknown.`,
		`  # start two instances, by name and by ID, and wait
  flexusl instance start web-1 6743d0e3708be6007b8c8012

  # start without waiting; follow the job later
  flexusl instance start web-1 --no-wait -o json
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3`)
}
