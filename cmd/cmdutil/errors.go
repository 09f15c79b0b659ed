package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/spf13/cobra"
)

// UsageError marks err as invalid input (exit 2: nothing was sent).
func UsageError(err error) error { return exitcode.New(exitcode.Usage, err) }

// UsageErrorf formats an invalid-input error (exit 2).
func UsageErrorf(format string, args ...any) error {
	return exitcode.Errorf(exitcode.Usage, format, args...)
}

// ProblemsError turns catalog or request problems into one exit-2 error,
// naming each field with the flag that sets it (flags maps field -> flag).
func ProblemsError(ps problem.Problems, flags map[string]string) error {
	label := func(field string) string {
		if fl, ok := flags[field]; ok {
			return fl + " (" + field + ")"
		}
		return field
	}
	if len(ps) == 1 {
		return UsageError(errors.New(ps.Render(label)))
	}
	lines := strings.Split(ps.Render(label), "\n")
	return UsageError(fmt.Errorf("%d problems:\n  %s", len(ps), strings.Join(lines, "\n  ")))
}

// ArgCountError is the one wording for a command given too few or too
// many arguments (exit 2): "flexusl order show takes an order ID (or
// --last), got 0 arguments; see: flexusl order show --help". wants says
// what it takes, as a person would ("an instance ID or name", "at least
// one rule ID").
func ArgCountError(cmd *cobra.Command, wants string, got int) error {
	return UsageErrorf("%s takes %s, got %d argument%s; see: %s --help", cmd.CommandPath(), wants, got, plural(got), cmd.CommandPath())
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ExactArgs is cobra.ExactArgs with exit code 2 and the usage line; what
// says what the arguments are ("an instance ID or name", "KEY").
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			wants := what
			if n != 1 {
				wants = fmt.Sprintf("%d arguments (%s)", n, what)
			}
			return ArgCountError(cmd, wants, len(args))
		}
		return nil
	}
}

// RangeArgs is cobra.RangeArgs with exit code 2 and the usage line.
func RangeArgs(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return ArgCountError(cmd, fmt.Sprintf("%d to %d arguments (%s)", lo, hi, what), len(args))
		}
		return nil
	}
}

// AtLeastOneArg requires one argument or more (what names one), with exit
// code 2 and the usage line.
func AtLeastOneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return ArgCountError(cmd, "at least one "+what, 0)
		}
		return nil
	}
}

// NoArgs is cobra.NoArgs with exit code 2.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return UsageErrorf("%s takes no arguments, got %q; see: %s --help", cmd.CommandPath(), args, cmd.CommandPath())
	}
	return nil
}

// GroupCommand makes cmd a command group: run bare it shows help; run with
// an unknown subcommand it fails with exit 2 and suggestions.
func GroupCommand(cmd *cobra.Command) *cobra.Command {
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return UnknownCommandError(c, args[0])
	}
	cmd.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
	return cmd
}
