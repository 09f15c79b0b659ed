// Package jobcmd holds `flexusl job`: following ECS jobs.
package jobcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/spf13/cobra"
)

// Short is `flexusl job`'s one-line help: root help lists it from
// here without building the command.
const Short = "Follow ECS jobs (server start, stop, reboot): wait, show, list"

// NewCmdJob is `flexusl job`.
func NewCmdJob(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: Short,
		Long: `Follow ECS jobs. ECS runs server actions (instance start, stop, reboot)
as jobs: the request returns a job ID at once, and the job reaches SUCCESS
or FAIL later, with one sub-job per server. A job belongs to a region.`,
		Example: `  flexusl job list
  flexusl job show ff80808290c6b7b60191ef522de6257b
  flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3`,
	}
	cmd.AddCommand(NewCmdWait(f, nil), NewCmdShow(f, nil), NewCmdList(f, nil))
	return cmdutil.GroupCommand(cmd)
}
