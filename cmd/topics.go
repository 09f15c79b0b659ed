package cmd

import (
	"strings"

	"github.com/flexusl/flexusl/pkg/output"
	"github.com/spf13/cobra"
)

// exitCodesTopic is `flexusl help exit-codes`.
func exitCodesTopic() *cobra.Command {
	return &cobra.Command{
		Use:   exitCodesName,
		Short: "What flexusl's exit codes mean",
		Long: `flexusl exits with:

  0    success; for order wait and instance buy --wait also a completed
       purchase whose instances could not be followed (RMS refused or could
       not be reached: a warning says how to look later)
  1    a failure not listed below: a server error, an outcome that is unknown
       (the purchase request was sent but no answer came: check the console
       and flexusl order list before buying again; the Client-Request-Id is
       printed and journaled), or a journal that cannot be written before a
       purchase (then nothing was sent, and the message says so)
  2    invalid input or usage, or a declined confirmation: nothing was sent
  3    authentication or permission: no credentials, an expired token,
       HTTP 401/403
  4    the order was cancelled or failed (order wait, instance buy --wait),
       or an ECS job failed for an instance (instance start|stop|reboot,
       job wait)
  5    waiting timed out (order wait, instance buy --wait, instance
       start|stop|reboot, job wait, apply --wait); the order or job goes on
  6    apply --dry-run: changes are pending (or purchases held back): the
       account is not yet what the fleet file declares; nothing was sent
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT): at the confirmation
       prompt nothing was sent; during a purchase the request may have been
       sent: it is journaled, as unknown

Errors are printed on stderr as "Error: ...". stdout holds only results.`,
		Example: `  flexusl order wait --last --timeout 20m; case $? in 0) echo ready;; 5) echo "still processing";; esac
  flexusl apply -f fleet.yaml --dry-run; case $? in 0) echo "as declared";; 6) echo "changes pending";; *) exit 1;; esac`,
	}
}

// formattingTopic is `flexusl help formatting`: --jq, --template and
// --columns.
func formattingTopic() *cobra.Command {
	return &cobra.Command{
		Use:   formattingName,
		Short: "Shape a command's output for scripts: --jq, --template, --columns",
		Long: `Every command that prints a result takes three flags that shape it, all
working on the result's JSON form (the data -o json prints, with the same
keys; a list command's --help names them). They exclude each other, and
are checked before the command does anything: an expression or template
that does not compile, or an unknown column, exits 2 with nothing sent.

--jq EXPR
  A jq expression, run in-process (no jq needed). Each value it yields is
  printed on a line: a string as its text (as jq -r does), anything else
  as JSON, indented as -o json is (object keys sorted). Values are exact;
  only a string printed raw to a terminal has its control characters
  escaped. The expression sees the result and nothing else ($ENV is
  empty). --jq prints JSON data whatever -o says; -o table or yaml on the
  command line with it is an error.

--template TPL
  A Go template (text/template) over the same data. Every string in the
  data is escaped as table cells are (a control character shows as ^[,
  ^M, ...), so use --jq or -o json for exact values. Helpers:
` + indent(output.TemplateFuncs, "    ") + `

--columns a,b,c
  A table of those JSON keys only, in that order: one row per record,
  times as tables show them, "-" for an empty value, lists joined by
  commas. An unknown name is an error that lists the valid ones: exit 2
  before anything is sent on commands whose --help names their JSON keys,
  else exit 1 once the result shows it. -o json or yaml on the command
  line with it is an error.

When a shape fails on the result itself (jq's .name on a list), flexusl
exits 1 and prints nothing; but when the command has changed something
(a purchase, a renewal, a server started), its result is printed as
plain JSON instead and the failure is a warning, so the result is never
lost.`,
		Example: `  flexusl instance list --jq '.[].public_ip'
  flexusl instance list --jq '.[] | select(.status == "RUNNING") | .id'
  flexusl order list --template '{{range .}}{{tablerow .order_id (timeago .time) .state}}{{end}}'
  flexusl specs list --columns code,vcpus,memory_gib`,
	}
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
