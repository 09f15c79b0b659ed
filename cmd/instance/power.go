package instancecmd

import (
	"fmt"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/spf13/cobra"
)

// powerVerb is one row of the `instance start|stop|reboot` family: the
// help that differs between the verbs. What the action does (its body
// key, --type, the states it is refused in or "already" reached) is its
// row in pkg/ecs's table; a new ECS power action is one row there and one
// here.
type powerVerb struct {
	action  ecs.Action
	short   string // the Short help
	intro   string // the Long help's first paragraphs
	waiting string // the Long help on the wait's end and the result
	example string
}

// powerVerbs are start, stop and reboot, in the order `instance --help`
// lists them.
var powerVerbs = []powerVerb{
	{action: ecs.Start,
		short: "Start the servers of instances (ECS batch start, one request per region)",
		intro: `Start the ECS servers inside FlexusL instances.`,
		waiting: `Then it waits for each ECS job to end (SUCCESS, or FAIL with each server's
reason): a spinner on a terminal, a line per change otherwise. A start
that ECS fails on a server that is running when read afterwards (ECS
ShowServer status ACTIVE) is shown as already_running, not as an error;
the failure's wording never decides. An instance whose server the ended
job does not name has an unknown outcome (exit 1). --no-wait returns once ECS has taken the requests, with the job
IDs; follow them with "flexusl job wait JOB_ID --region R".

Result: INSTANCE ID / NAME / REGION / JOB ID / RESULT; with -o json an
array of {"id","name","region","server_id","job_id","status","error"},
status one of submitted, succeeded, already_running, failed, running,
unknown, rejected, not_sent.`,
		example: `  # start two instances, by name and by ID, and wait
  flexusl instance start web-1 6743d0e3708be6007b8c8012

  # start without waiting; follow the job later
  flexusl instance start web-1 --no-wait -o json
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3`},
	{action: ecs.Stop,
		short: "Stop the servers of instances (ECS batch stop, one request per region)",
		intro: `Stop the ECS servers inside FlexusL instances. A stopped FlexusL instance
is still billed: its package runs on until it expires.

--type soft (the default) asks the operating system to shut down; --type
hard powers the server off at once, like pulling the plug (unsaved data in
the server is lost).`,
		waiting: `Then it waits for each ECS job to end (SUCCESS, or FAIL with each server's
reason): a spinner on a terminal, a line per change otherwise. A stop
that ECS fails on a server that is stopped when read afterwards (ECS
ShowServer status SHUTOFF) is shown as already_stopped, not as an error;
the failure's wording never decides. An instance whose server the ended
job does not name has an unknown outcome (exit 1). --no-wait returns once ECS has taken the requests, with the job
IDs; follow them with "flexusl job wait JOB_ID --region R".

Result: INSTANCE ID / NAME / REGION / JOB ID / RESULT; with -o json an
array of {"id","name","region","server_id","job_id","status","error"},
status one of submitted, succeeded, already_stopped, failed, running,
unknown, rejected, not_sent.`,
		example: `  # stop three instances in two regions: two requests, then wait
  flexusl instance stop web-1 web-2 db-1

  # force it, and read the result in a script
  flexusl instance stop web-1 --type hard -o json

  # only look in one region, give up waiting after 5 minutes
  flexusl instance stop web-1 --region ap-southeast-3 --timeout 5m`},
	{action: ecs.Reboot,
		short: "Reboot the servers of instances (ECS batch reboot, one request per region)",
		intro: `Restart the ECS servers inside FlexusL instances.

--type soft (the default) asks the operating system to restart; --type hard
resets the server at once (unsaved data in the server is lost). ECS fails
the reboot of a stopped server: start it instead.`,
		waiting: `Then it waits for each ECS job to end (SUCCESS, or FAIL with each server's
reason): a spinner on a terminal, a line per change otherwise. --no-wait
returns once ECS has taken the requests, with the job IDs; follow them with
"flexusl job wait JOB_ID --region R".

Result: INSTANCE ID / NAME / REGION / JOB ID / RESULT; with -o json an
array of {"id","name","region","server_id","job_id","status","error"},
status one of submitted, succeeded, failed, running, unknown, rejected,
not_sent.`,
		example: `  # restart an instance and wait until ECS reports it done
  flexusl instance reboot web-1

  # a hard reset, without waiting; follow the job later
  flexusl instance reboot web-1 --type hard --no-wait
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3`},
}

// powerSending is the Long help on how the requests are sent, the same
// for every verb (%s: the verb).
const powerSending = `Each argument is an instance ID or a unique instance name; all are looked
up with one RMS listing (in every region, or only in --region). They are
grouped per region and sent as one ECS batch %s per region (split only
past 1,000 servers), never one call per instance. Each request is recorded
in the journal before it is sent, with its Client-Request-Id, and its job ID
before anything is printed. It is sent once: retried only when ECS provably
did not take it (HTTP 429, or no connection); after a server error or a
lost connection the outcome is unknown and flexusl says so instead of
trying again, and sends no other region's batch (they read "not sent: an
earlier request's outcome is unknown"), as every command that sends several
requests does.`

// powerExits is the Long help on exit codes (%s: the verb's past tense).
const powerExits = `Exit codes: 0 all %s; 4 a job failed for an instance (named);
5 --timeout passed (the jobs go on; the resume command is printed);
130 interrupted (likewise); 2 bad input (nothing sent); 3 credentials;
1 a request failed or its outcome is unknown.`

// newPowerCmds builds one command per row of powerVerbs; runF replaces
// the run in tests.
func newPowerCmds(f *cmdutil.Factory, runF func(*ActionOptions) error) []*cobra.Command {
	cmds := make([]*cobra.Command, len(powerVerbs))
	for i, v := range powerVerbs {
		cmds[i] = newPowerCmd(f, v, runF)
	}
	return cmds
}

// newPowerCmd builds `instance start`, `stop` or `reboot` from its row.
func newPowerCmd(f *cmdutil.Factory, v powerVerb, runF func(*ActionOptions) error) *cobra.Command {
	opts := &ActionOptions{Action: v.action}
	typeUse := ""
	if v.action.Typed() {
		typeUse = " [--type soft|hard]"
	}
	cmd := &cobra.Command{
		Use:     string(v.action) + " ID|NAME..." + typeUse + " [--no-wait] [--timeout 10m] [--interval 10s]",
		Short:   v.short,
		Long:    v.intro + "\n\n" + fmt.Sprintf(powerSending, v.action) + "\n\n" + v.waiting + "\n\n" + fmt.Sprintf(powerExits, v.action.Done()),
		Example: v.example,
		Args:    cmdutil.AtLeastOneArg("instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return actionRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	fl := cmd.Flags()
	if v.action.Typed() {
		fl.StringVar(&opts.Type, "type", "soft", "soft (the OS shuts down or restarts cleanly) or hard (forced, like pulling the power)")
		cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(ecs.Types, cobra.ShellCompDirectiveNoFileComp))
	}
	fl.BoolVar(&opts.NoWait, "no-wait", false, "return once ECS has taken the request, with the job IDs (follow them with: flexusl job wait)")
	cmdutil.WaitFlags(fl, nil, "", &opts.Timeout, &opts.Interval, 10*time.Minute)
	cmdutil.JSONKeys(cmd, "", ActionResult{})
	return cmd
}
