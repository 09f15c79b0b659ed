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
