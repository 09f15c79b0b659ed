package cmdutil

import (
	"errors"

	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/ui"
)

// PromptError is how a confirmation ends when its prompt could not be
// answered: interrupted (Ctrl-C) exits 130, end of input or a read error
// exits 2; either way nothing was sent.
func PromptError(err error) error {
	if errors.Is(err, ui.ErrInterrupted) {
		return exitcode.Errorf(exitcode.Interrupted, "cancelled: nothing was sent")
	}
	return UsageErrorf("cancelled (%v): nothing was sent", err)
}

// StdinProblem says why no password could be read from stdin, for
// --password-stdin errors (never the text read).
func StdinProblem(err error) string {
	if errors.Is(err, ui.ErrLineTooLong) {
		return "the first line of stdin is over 1 MiB: not a password"
	}
	return "no password could be read from stdin"
}
