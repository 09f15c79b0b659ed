package instancecmd

import (
	"context"
	"fmt"
	"strconv"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/billing"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/spf13/cobra"
)

// AutoRenewOptions are the inputs of `instance auto-renew`.
type AutoRenewOptions struct {
	Args       []string // instances, then on|off
	Times      int
	TimesGiven bool // --times was given
	DryRun     bool
}

// AutoRenewResult is one instance's line of the result.
type AutoRenewResult struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	AutoRenew bool   `json:"auto_renew"` // the state asked for
	Times     *int   `json:"times"`      // with --times: renewals allowed (0 unlimited)
	OK        bool   `json:"ok"`
	Note      string `json:"note"`
	Error     string `json:"error"`
}

// NewCmdAutoRenew is `flexusl instance auto-renew`; runF replaces the run
// in tests.
func NewCmdAutoRenew(f *cmdutil.Factory, runF func(*AutoRenewOptions) error) *cobra.Command {
	opts := &AutoRenewOptions{}
	cmd := &cobra.Command{
		Use:   "auto-renew ID|NAME... on|off [--times N]",
		Short: "Turn automatic renewal on or off (BSS AutoRenewalResources)",
		Long: `Turn automatic renewal of FlexusL instances on or off with BSS
AutoRenewalResources / CancelAutoRenewalResources, one call per instance.
With auto-renew on, BSS tries to charge the renewal at 03:00 seven days
before expiry and daily after that; --times N limits it to N renewals
(0-99, 0 unlimited, the default). The instance's own period type is kept.
The attached server, disks and EIP follow the instance.

Each call is journaled before it is sent and never repeated after an
unknown outcome. Turning off an auto-renewal that is already off is
reported as such, not as a failure. flexusl instance show shows the
current setting.`,
		Example: `  flexusl instance auto-renew web-1 on
  flexusl instance auto-renew web-1 web-2 on --times 3
  flexusl instance auto-renew 6743d0e3708be6007b8c8012 off -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return cmdutil.ArgCountError(cmd, "at least one instance ID or name and then on or off", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.TimesGiven = cmd.Flags().Changed("times")
			if runF != nil {
				return runF(opts)
			}
			return autoRenewRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	cmd.Flags().IntVar(&opts.Times, "times", 0, "with on: how many times to renew, 0-99 (0 = unlimited)")
	cmdutil.DryRunFlag(cmd.Flags(), &opts.DryRun, "")
	cmdutil.JSONKeys(cmd, "", AutoRenewResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}

func autoRenewRun(ctx context.Context, f *cmdutil.Factory, opts *AutoRenewOptions) error {
	names, on, times, err := parseAutoRenew(opts)
	if err != nil {
		return err
	}
	targets, err := resolveInstances(ctx, f, names, opts.DryRun)
	if err != nil {
		return err
	}
	body := api.AutoRenewRequest{AutoRenewTimes: times}
	if opts.DryRun {
		return autoRenewDryRun(f, targets, on, body)
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	results, err := setAutoRenewEach(ctx, f, client, targets, on, body)
	if results == nil {
		return err
	}
	if perr := printAutoRenew(f, results); perr != nil {
		return perr
	}
	return err
}

// parseAutoRenew checks the arguments (instances, then on or off) and
// --times before anything is read or sent (exit 2).
func parseAutoRenew(opts *AutoRenewOptions) (names []string, on bool, times *int, err error) {
	if len(opts.Args) < 2 {
		return nil, false, nil, cmdutil.UsageErrorf("auto-renew takes at least one instance ID or name and then on or off, got %d argument(s)", len(opts.Args))
	}
	names, sw := opts.Args[:len(opts.Args)-1], opts.Args[len(opts.Args)-1]
	on, p := billing.ParseOnOff(sw)
	var ps problem.Problems
	if p != nil {
		ps = append(ps, *p)
	}
	if opts.TimesGiven {
		ps = append(ps, billing.ValidateAutoRenewTimes(opts.Times)...)
		if p == nil && !on {
			ps = append(ps, problem.Problem{Field: "--times", Value: strconv.Itoa(opts.Times), Reason: "goes only with on"})
		}
		t := opts.Times
		times = &t
	}
	if len(ps) > 0 {
		return nil, false, nil, cmdutil.ProblemsError(ps, nil)
	}
	return names, on, times, checkArgs(names)
}

// autoRenewDryRun prints the requests, one per instance; nothing is sent.
func autoRenewDryRun(f *cmdutil.Factory, targets []api.Resource, on bool, body api.AutoRenewRequest) error {
	bare, err := f.BareClient()
	if err != nil {
		return err
	}
	var preps []*api.Prepared
	for _, t := range targets {
		p, err := bare.PrepareAutoRenew(cmdutil.DryRunRequestID, t.ID, on, body)
		if err != nil {
			return err
		}
		preps = append(preps, p)
	}
	return f.PrintDryRuns("Turning auto-renew "+onOff(on)+" for "+plural(len(targets), "instance"), preps)
}

// setAutoRenewEach changes each instance's auto-renewal once, journaled
// (cmdutil.SetAutoRenew). After an unknown outcome, a journal that cannot
// be written or an interrupt it sends no more. It returns each
// instance's result (nil when nothing was sent) and the error the run
// ends with.
func setAutoRenewEach(ctx context.Context, f *cmdutil.Factory, client *api.Client, targets []api.Resource, on bool, body api.AutoRenewRequest) ([]AutoRenewResult, error) {
	results := make([]AutoRenewResult, 0, len(targets))
	var unknown, firstErr error
	var seq attempt.Sequence // no change after an unknown outcome or an interrupt
	failed := 0
	for i, t := range targets {
		r := AutoRenewResult{ID: t.ID, Name: t.Name, AutoRenew: on, Times: body.AutoRenewTimes}
		if why := seq.Skip(ctx); why != "" {
			if why == attempt.NotSentInterrupted && unknown == nil {
				unknown = exitcode.Errorf(exitcode.Interrupted, "auto-renew: interrupted; %d instance(s) not sent", len(targets)-i)
			}
			r.Error = why
			results, failed = append(results, r), failed+1
			continue
		}
		c := cmdutil.SetAutoRenew(ctx, f, client, t.ID, t.Name, t.RegionID, on, body)
		err := c.Err
		seq.SentErr(err)
		switch {
		case !c.Began && i == 0:
			return nil, err
		case !c.Began:
			r.Error = "not sent: " + cmdutil.FirstLine(err.Error())
			results, failed, unknown = append(results, r), failed+1, err
			seq.Stop(r.Error)
			continue
		case c.AlreadyOff:
			r.OK, r.Note = true, "was already off"
		case err == nil:
			r.OK = true
		case api.IsUnknownOutcome(err):
			r.Error = "outcome unknown (Client-Request-Id " + c.RequestID + "): " + cmdutil.FirstLine(err.Error())
			unknown = err
			failed++
		default:
			r.Error = cmdutil.FirstLine(err.Error())
			failed++
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				unknown = err
			}
		}
		results = append(results, r)
	}
	switch {
	case unknown != nil:
		return results, unknown
	case failed == 1 && len(targets) == 1:
		return results, firstErr
	case failed > 0:
		return results, exitcode.Errorf(exitcode.Failure, "auto-renew: %d of %d instance(s) failed", failed, len(targets))
	}
	return results, nil
}

// printAutoRenew prints each instance's result.
func printAutoRenew(f *cmdutil.Factory, results []AutoRenewResult) error {
	return f.Print(results, func() ([]string, [][]string) {
		rows := make([][]string, len(results))
		for i, r := range results {
			res := "ok"
			switch {
			case r.Error != "":
				res = "failed: " + r.Error
			case r.Note != "":
				res = "ok (" + r.Note + ")"
			}
			set := onOff(r.AutoRenew)
			if r.Times != nil && *r.Times > 0 {
				set += fmt.Sprintf(" (%d times)", *r.Times)
			}
			rows[i] = []string{r.ID, cmdutil.Dash(r.Name), set, res}
		}
		return []string{"ID", "NAME", "AUTO-RENEW", "RESULT"}, rows
	})
}
