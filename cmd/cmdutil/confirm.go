package cmdutil

import (
	"fmt"
	"time"

	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/pflag"
)

// Confirm is the one confirmation of the commands that ask before they
// act: those that spend money or pay (buy, renew, pay, apply), release or
// cancel (delete, cancel), or change access (reset-password, the
// firewall). start, stop, reboot, update and auto-renew act without
// asking, as hcloud's power commands do: none of them charges, pays or
// releases anything when it runs. Without --yes it shows what is about to happen on
// stderr (escaped: it holds server and file text) and asks; without a
// terminal it refuses (exit 2) rather than block or guess; a "no", end of
// input or Ctrl-C cancels with nothing sent (exit 2, or 130).
type Confirm struct {
	Yes bool // --yes: do not ask
	// Verb is what is refused: "refusing to <Verb> without confirmation".
	Verb string
	// Else is what the refusal offers besides --yes: ", or --dry-run to
	// see the plan" ("" for none).
	Else string
}

// Check refuses, before anything is read or sent, a run that would have
// to ask but has no terminal to ask on.
func (c Confirm) Check(f *Factory) error {
	if c.Yes || f.IO.CanPrompt() {
		return nil
	}
	return UsageErrorf("refusing to %s without confirmation: no terminal to ask on; pass --yes%s (nothing was sent)", c.Verb, c.Else)
}

// Ask shows summary and asks question ([y/N]), unless --yes.
func (c Confirm) Ask(f *Factory, summary, question string) error {
	if c.Yes {
		return nil
	}
	if err := c.Check(f); err != nil {
		return err
	}
	fmt.Fprint(f.IO.ErrOut, safetext.Text(summary))
	ok, err := f.IO.Confirm(question)
	if err != nil {
		return PromptError(err)
	}
	if !ok {
		return UsageErrorf("cancelled: nothing was sent")
	}
	return nil
}

// AskTyped shows summary and asks for want to be typed, as gh repo delete
// does, for what cannot be undone (releasing instances), unless --yes.
// Anything else cancels.
func (c Confirm) AskTyped(f *Factory, summary, want, question string) error {
	if c.Yes {
		return nil
	}
	if err := c.Check(f); err != nil {
		return err
	}
	fmt.Fprint(f.IO.ErrOut, safetext.Text(summary))
	answer, err := f.IO.Input(question, "")
	if err != nil {
		return PromptError(err)
	}
	if answer != want {
		return UsageErrorf("cancelled: the answer %q does not match %q; nothing was sent", answer, safetext.Line(want))
	}
	return nil
}

// The flags every state-changing command shares, each declared here once
// with one help text.

// YesFlag declares --yes (-y); verb says what is done without asking.
func YesFlag(fs *pflag.FlagSet, p *bool, verb string) {
	fs.BoolVarP(p, "yes", "y", false, verb+" without asking (required without a terminal)")
}

// DryRunFlag declares --dry-run; note adds what this command's dry run
// also does ("" for none).
func DryRunFlag(fs *pflag.FlagSet, p *bool, note string) {
	fs.BoolVar(p, "dry-run", false, "print the request(s) that would be sent; send nothing"+note)
}

// WaitFlags declares --wait (when wait is not nil, with waitUsage: what
// is waited for), --timeout (default def) and --interval. Without --wait
// (the command always waits) the texts say so.
func WaitFlags(fs *pflag.FlagSet, wait *bool, waitUsage string, timeout, interval *time.Duration, def time.Duration) {
	with := ""
	if wait != nil {
		fs.BoolVar(wait, "wait", false, waitUsage)
		with = "with --wait: "
	}
	fs.DurationVar(timeout, "timeout", def, with+"give up waiting after this long (exit 5; what is waited for goes on)")
	fs.DurationVar(interval, "interval", 10*time.Second, with+"the longest gap between status checks")
}
