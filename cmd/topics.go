package cmd

import (
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
       start|stop|reboot, job wait); the order or job goes on
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT): at the confirmation
       prompt nothing was sent; during a purchase the request may have been
       sent: it is journaled, as unknown

Errors are printed on stderr as "Error: ...". stdout holds only results.`,
		Example: `  flexusl order wait --last --timeout 20m; case $? in 0) echo ready;; 5) echo "still processing";; esac`,
	}
}
