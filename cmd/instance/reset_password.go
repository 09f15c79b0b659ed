package instancecmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/spf13/cobra"
)

// ResetPasswordOptions are the inputs of `instance reset-password`. The
// password is never a flag or an argument: it is read from stdin or a
// prompt.
type ResetPasswordOptions struct {
	Args          []string
	PasswordStdin bool
	Yes           bool
}

// ResetResult is one instance's line of the result (JSON keys stable).
type ResetResult struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Region   string `json:"region"`
	ServerID string `json:"server_id"`
	Status   string `json:"status"`
	Error    string `json:"error"`
}

// NewCmdResetPassword is `flexusl instance reset-password`; runF replaces
// the run in tests.
func NewCmdResetPassword(f *cmdutil.Factory, runF func(*ResetPasswordOptions) error) *cobra.Command {
	opts := &ResetPasswordOptions{}
	cmd := &cobra.Command{
		Use:   "reset-password ID|NAME... [--password-stdin] [--yes]",
		Short: "Set a new root/Administrator password on the servers of instances",
		Long: `Set a new login password (root on Linux, Administrator on Windows) on the
ECS servers inside FlexusL instances, with ECS's batch password reset (one
request per region, split only past 1,000 servers).

The new password is read from stdin with --password-stdin (one line), or
asked twice without echo on a terminal (ECS's rules are checked after the
first entry: a refused one is asked again at once, up to three times). It
is never a flag or an argument,
and it appears in no output, log, --debug dump, journal entry or error.

It is checked offline against ECS's documented password rules first; each
rule it breaks is named and nothing is sent (exit 2):
  - 8 to 26 characters;
  - only letters, digits and the special characters ! @ % - _ = + [ ] : . / ?
  - none of ~ ` + "`" + ` # & ^ , { } * ( ) ; " ' < > | \ $ and no Chinese characters;
  - at least three of: uppercase letters, lowercase letters, digits,
    special characters;
  - not root or Administrator, nor either reversed (any letter case);
  - no three consecutive characters of Administrator (adm, min, tor...).

On a terminal it names the instances and asks for confirmation; without a
terminal it needs --yes and never prompts. Each request is journaled (its
Client-Request-Id and instances, never the password) before it is sent,
and sent once: after a server error or a lost connection the outcome is
unknown and flexusl says so instead of trying again.

As ECS documents it: the new password takes effect after the server is
started or restarted (flexusl instance reboot); the reset works on running
and stopped servers; it needs the image's password-reset plug-in (FlexusL
public and application images have it; a private image may not), and ECS
does not report a failure inside the server.

Result: INSTANCE ID / NAME / REGION / RESULT; with -o json an array of
{"id","name","region","server_id","status","error"}, status one of
succeeded, failed, unknown, rejected, not_sent. ECS's answer lists the
servers it reset; a server it does not list, or that a refusal naming
other servers does not name, is unknown.

Exit codes: 0 reset; 2 bad input or weak password (nothing sent) or not
confirmed; 3 credentials; 1 a request was refused or its outcome is
unknown.`,
		Example: `  # asked twice without echo, then confirmed
  flexusl instance reset-password web-1

  # a script: the password from a secret store, no prompt
  pass show flexusl/web | flexusl instance reset-password web-1 web-2 --password-stdin --yes -o json

  # then restart so the new password takes effect
  flexusl instance reboot web-1 web-2`,
		Args: cmdutil.AtLeastOneArg("instance ID or name (the password is read from stdin or a prompt, never an argument)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return resetPasswordRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the new password from the first line of stdin (at most 1 MiB)")
	cmdutil.YesFlag(cmd.Flags(), &opts.Yes, "reset")
	cmdutil.JSONKeys(cmd, "", ResetResult{})
	return cmd
}

// readNewPassword reads the password from stdin or asks for it twice.
func readNewPassword(f *cmdutil.Factory, fromStdin bool) (string, error) {
	if fromStdin {
		p, err := f.IO.ReadSecretLine()
		if err != nil {
			return "", cmdutil.UsageErrorf("--password-stdin: %s (nothing was sent)", cmdutil.StdinProblem(err))
		}
		return p, nil
	}
	if !f.IO.CanPrompt() {
		return "", cmdutil.UsageErrorf("no terminal to ask for the new password on: pass it on stdin with --password-stdin (nothing was sent)")
	}
	// ECS's rules are checked after the first entry, so a person is asked
	// again at once instead of typing a password twice to learn it is
	// refused; a few tries, then the last reason is the error.
	const tries = 3
	var last error
	for i := 0; i < tries; i++ {
		p, err := f.IO.Password("New password")
		if err != nil {
			return "", err
		}
		if err := ecs.ValidatePassword(p); err != nil {
			last = exitcode.New(exitcode.Usage, err)
			if i < tries-1 {
				f.IO.Warnf("%s\nTry again.", strings.TrimSuffix(strings.Replace(err.Error(), " (nothing was sent)", "", 1), "\n"))
			}
			continue
		}
		again, err := f.IO.Password("Repeat the new password")
		if err != nil {
			return "", err
		}
		if p == again {
			return p, nil
		}
		last = cmdutil.UsageErrorf("the two passwords differ (nothing was sent)")
		if i < tries-1 {
			f.IO.Warnf("the two passwords differ. Try again.")
		}
	}
	return "", last
}

func resetPasswordRun(ctx context.Context, f *cmdutil.Factory, opts *ResetPasswordOptions) error {
	// 1. Everything that needs no request first: arguments, output format,
	// confirmation possible, credentials present, and the password's rules.
	for _, a := range opts.Args {
		if err := resolve.CheckArg(a); err != nil {
			return err
		}
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	confirm := cmdutil.Confirm{Yes: opts.Yes, Verb: "reset passwords"}
	if err := confirm.Check(f); err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	password, err := readNewPassword(f, opts.PasswordStdin)
	if err != nil {
		return err
	}
	if err := ecs.ValidatePassword(password); err != nil {
		return exitcode.New(exitcode.Usage, err)
	}

	// 2. Instances -> servers, batches per region.
	targets, err := resolveTargets(ctx, f, client, opts.Args)
	if err != nil {
		return err
	}
	batches, ps := ecs.Plan(targets, 0)
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}

	// 3. Confirm on a terminal, naming the instances.
	if !opts.Yes {
		if err := confirm.Ask(f, resetSummary(targets, batches), "Reset the password?"); err != nil {
			return err
		}
	}

	// 4. Send each batch once, journaled before and after.
	results, errs := sendResets(ctx, f, client, password, batches)

	// 5. Results, then what the docs say about when it takes effect.
	if err := printResets(f, results); err != nil {
		return err
	}
	if len(errs) == 0 {
		return nil
	}
	cmdutil.WarnErrors(f, errs[1:])
	return errs[0]
}

// resetSummary names the instances whose password is about to change.
func resetSummary(targets []ecs.Target, batches []ecs.Batch) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You are about to set a new root/Administrator password on %d instance(s):\n", len(targets))
	for _, bt := range batches {
		for _, t := range bt.Targets {
			fmt.Fprintf(&b, "  %s  %s  %s\n", safetext.Line(t.InstanceID), safetext.Line(t.Name), safetext.Line(t.Region)) // names come from RMS
		}
	}
	return b.String()
}

// sendResets sends each region's batch once (sendReset). After an
// unknown outcome or an interrupt it sends no more: the rest read as not
// sent.
func sendResets(ctx context.Context, f *cmdutil.Factory, client *api.Client, password string, batches []ecs.Batch) ([]ResetResult, []error) {
	var results []ResetResult
	var errs []error
	var seq attempt.Sequence // no batch after an unknown outcome or an interrupt
	interrupted := 0
	for _, b := range batches {
		if why := seq.Skip(ctx); why != "" {
			results = append(results, resetResults(b, ecs.StatusNotSent, why)...)
			if why == attempt.NotSentInterrupted {
				interrupted++
			}
			continue
		}
		rs, r := sendReset(ctx, f, client, password, b)
		// As journaled: a refusal naming only some servers is an unknown
		// outcome for the others, and stops the rest too.
		seq.Sent(r)
		results = append(results, rs...)
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	if interrupted > 0 {
		errs = append(errs, exitcode.Errorf(exitcode.Interrupted, "reset passwords: interrupted; %d region(s) not sent", interrupted))
	}
	return results, errs
}

// printResets prints each instance's result, then (on stderr) how the
// new password takes effect.
func printResets(f *cmdutil.Factory, results []ResetResult) error {
	if err := f.Print(results, func() ([]string, [][]string) {
		rows := make([][]string, len(results))
		for i, r := range results {
			rows[i] = []string{r.ID, r.Name, r.Region, resetText(r)}
		}
		return []string{"INSTANCE ID", "NAME", "REGION", "RESULT"}, rows
	}); err != nil {
		return err
	}
	var reset []string // instance IDs (checked when resolved), safe in a command line
	for _, r := range results {
		if r.Status == ecs.StatusSucceeded && api.ValidID(r.ID) {
			reset = append(reset, r.ID)
		}
	}
	if len(reset) > 0 {
		f.IO.Infof("The new password takes effect after the server is started or restarted (ECS): flexusl instance reboot %s", strings.Join(reset, " "))
	}
	return nil
}

func resetResults(b ecs.Batch, status, errText string) []ResetResult {
	out := make([]ResetResult, len(b.Targets))
	for i, t := range b.Targets {
		out[i] = ResetResult{ID: t.InstanceID, Name: t.Name, Region: t.Region, ServerID: t.ServerID, Status: status, Error: errText}
	}
	return out
}

// resetText is the RESULT cell: the JSON status (as every table shows the
// value JSON has), with the error where there is one.
func resetText(r ResetResult) string {
	if r.Error != "" && r.Status != ecs.StatusSucceeded {
		return r.Status + ": " + r.Error
	}
	return r.Status
}

// sendReset journals and sends one batch and maps the answer to its
// instances; the result is the call's, as journaled.
func sendReset(ctx context.Context, f *cmdutil.Factory, client *api.Client, password string, b ecs.Batch) ([]ResetResult, attempt.Result) {
	var out []ResetResult
	res := ecsChange(f, "password reset", "reset passwords in "+b.Region, service.ResetPasswords.String(), b.Region, b.InstanceIDs(), func(crid string) attempt.Answer {
		res, err := client.BatchResetServersPassword(ctx, api.ECSCall{Region: b.Region, ProjectID: b.ProjectID, RequestID: crid}, password, b.ServerIDs())
		var pe *api.ResetPasswordError
		switch {
		case errors.As(err, &pe):
			// ECS named the servers it refused; whether it reset the
			// others is not documented: their outcome is unknown.
			out = resetResults(b, ecs.StatusUnknown, "ECS refused the request for other servers and does not say whether this one was reset")
			for i := range out {
				if why, ok := pe.Servers[out[i].ServerID]; ok {
					out[i].Status, out[i].Error = ecs.StatusFailed, why
				}
			}
			if ids := unknownResets(out); len(ids) > 0 {
				return attempt.Answer{State: journal.StateUnknown, Err: err, Subject: ecsSubject("password reset", ids, b.Region)}
			}
			return attempt.Answer{Err: err}
		case err != nil:
			var ae *api.Error
			if errors.As(err, &ae) && ae.Code == "Ecs.0114" {
				ids := b.InstanceIDs()
				err = cmdutil.WithAdvice(err, fmt.Sprintf("ECS does not know the server of %s in %s: check it with `flexusl instance show %s`",
					strings.Join(ids, ", "), b.Region, ids[0]))
			}
			return attempt.Answer{Err: err}
		}
		// The answer lists the servers whose password was reset; about a
		// server it does not list (an empty list included) it says
		// nothing.
		listed := map[string]bool{}
		for _, s := range res.Response {
			listed[s.ID] = true
		}
		out = resetResults(b, ecs.StatusSucceeded, "")
		for i := range out {
			if !listed[out[i].ServerID] {
				out[i].Status, out[i].Error = ecs.StatusUnknown, "ECS's answer does not list this server"
			}
		}
		if ids := unknownResets(out); len(ids) > 0 {
			return attempt.Answer{State: journal.StateUnknown, Subject: ecsSubject("password reset", ids, b.Region), Err: &api.UnknownOutcomeError{Op: "reset passwords in " + b.Region, RequestID: crid,
				Cause: fmt.Errorf("ECS took the request, but its answer does not list %d of the %d servers", len(ids), len(out))}}
		}
		return attempt.Answer{}
	})
	if res.Err != nil && out == nil {
		out = resetResults(b, batchStatus(res.Err), cmdutil.FirstLine(res.Err.Error()))
	}
	return out, res
}

// unknownResets are the instances whose reset outcome is unknown.
func unknownResets(rs []ResetResult) []string {
	var ids []string
	for _, r := range rs {
		if r.Status == ecs.StatusUnknown {
			ids = append(ids, r.ID)
		}
	}
	return ids
}
