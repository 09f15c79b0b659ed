package instancecmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/spf13/cobra"
)

// NewCmdReboot is `flexusl instance reboot`; runF replaces the run in
// tests.
func NewCmdReboot(f *cmdutil.Factory, runF func(*ActionOptions) error) *cobra.Command {
	return newActionCmd(f, ecs.Reboot, runF,
		"Reboot the servers of instances (ECS batch reboot, one request per region)",
		`Restart the ECS servers inside FlexusL instances.

--type soft (the default) asks the operating system to restart; --type hard
resets the server at once (unsaved data in the server is lost). ECS fails
the reboot of a stopped server: start it instead.

Each argument is an instance ID or a unique instance name; all are looked
up with one RMS listing (in every region, or only in --region). They are
grouped per region and sent as one ECS batch reboot per region (split only
past 1,000 servers), never one call per instance. Each request is recorded
in the journal before it is sent, with its Client-Request-Id, and its job ID
before anything is printed. It is sent once: retried only when ECS provably
did not take it (HTTP 429, or no connection); after a server error or a
lost connection the outcome is unknown and flexusl says so instead of
trying again.

Then it waits for each ECS job to end (SUCCESS, or FAIL with each server's
reason): a spinner on a terminal, a line per change otherwise. --no-wait
returns once ECS has taken the requests, with the job IDs; follow them with
"flexusl job wait JOB_ID --region R".

Result: INSTANCE ID / NAME / REGION / JOB ID / RESULT; with -o json an
array of {"id","name","region","server_id","job_id","status","error"},
status one of submitted, succeeded, failed, running, unknown, rejected,
not_sent.

Exit codes: 0 all rebooted; 4 a job failed for an instance (named);
5 --timeout passed (the jobs go on; the resume command is printed);
130 interrupted (likewise); 2 bad input (nothing sent); 3 credentials;
1 a request failed or its outcome is unknown.`,
		`  # restart an instance and wait until ECS reports it done
  flexusl instance reboot web-1

  # a hard reset, without waiting; follow the job later
  flexusl instance reboot web-1 --type hard --no-wait
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3`)
}
