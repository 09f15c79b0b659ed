package instancecmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/spf13/cobra"
)

// NewCmdStop is `flexusl instance stop`; runF replaces the run in tests.
func NewCmdStop(f *cmdutil.Factory, runF func(*ActionOptions) error) *cobra.Command {
	return newActionCmd(f, ecs.Stop, runF,
		"Stop the servers of instances (ECS batch stop, one request per region)",
		`Stop the ECS servers inside FlexusL instances. A stopped FlexusL instance
is still billed: its package runs on until it expires.

--type soft (the default) asks the operating system to shut down; --type
hard powers the server off at once, like pulling the plug (unsaved data in
the server is lost).

Each argument is an instance ID or a unique instance name; all are looked
up with one RMS listing (in every region, or only in --region). They are
grouped per region and sent as one ECS batch stop per region (split only
past 1,000 servers), never one call per instance. Each request is recorded
in the journal before it is sent, with its Client-Request-Id, and its job ID
before anything is printed. It is sent once: retried only when ECS provably
did not take it (HTTP 429, or no connection); after a server error or a
lost connection the outcome is unknown and flexusl says so instead of
trying again.

Then it waits for each ECS job to end (SUCCESS, or FAIL with each server's
reason): a spinner on a terminal, a line per change otherwise. A stop
that ECS fails on a server that is stopped when read afterwards (ECS
ShowServer status SHUTOFF) is shown as already_stopped, not as an error;
the failure's wording never decides. An instance whose server the ended
job does not name has an unknown outcome (exit 1). --no-wait returns once ECS has taken the requests, with the job
IDs; follow them with "flexusl job wait JOB_ID --region R".

Result: INSTANCE ID / NAME / REGION / JOB ID / RESULT; with -o json an
array of {"id","name","region","server_id","job_id","status","error"},
status one of submitted, succeeded, already_stopped, failed, running,
unknown, rejected, not_sent.

Exit codes: 0 all stopped; 4 a job failed for an instance (named);
5 --timeout passed (the jobs go on; the resume command is printed);
130 interrupted (likewise); 2 bad input (nothing sent); 3 credentials;
1 a request failed or its outcome is unknown.`,
		`  # stop three instances in two regions: two requests, then wait
  flexusl instance stop web-1 web-2 db-1

  # force it, and read the result in a script
  flexusl instance stop web-1 --type hard -o json

  # only look in one region, give up waiting after 5 minutes
  flexusl instance stop web-1 --region ap-southeast-3 --timeout 5m`)
}
