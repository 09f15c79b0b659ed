package cmdutil

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/ui"
)

// TestConfirm is the one confirmation every state-changing verb uses:
// --yes never asks, no terminal refuses, only "y"/"yes" (or the typed
// answer) goes on, and the summary (server text) is shown escaped.
func TestConfirm(t *testing.T) {
	tests := []struct {
		name   string
		yes    bool
		tty    bool
		typed  string // "" = a [y/N] question
		input  string
		code   int
		errHas string
		shown  bool // the summary and question were shown
	}{
		{"--yes without a terminal", true, false, "", "", 0, "", false},
		{"--yes on a terminal does not ask", true, true, "", "n\n", 0, "", false},
		{"no terminal", false, false, "", "y\n", 2, "refusing to renew without confirmation: no terminal to ask on; pass --yes, or else (nothing was sent)", false},
		{"yes", false, true, "", "y\n", 0, "", true},
		{"YES", false, true, "", " YES \n", 0, "", true},
		{"no", false, true, "", "n\n", 2, "cancelled: nothing was sent", true},
		{"empty is no", false, true, "", "\n", 2, "cancelled: nothing was sent", true},
		{"end of input", false, true, "", "", 2, "cancelled", true},
		{"typed right", false, true, "web-1", "web-1\n", 0, "", true},
		{"typed wrong", false, true, "web-1", "y\n", 2, `the answer "y" does not match "web-1"; nothing was sent`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, in, _, errOut := ui.Test()
			io.SetTTY(tt.tty, tt.tty, tt.tty)
			in.WriteString(tt.input)
			f := &Factory{IO: io}
			c := Confirm{Yes: tt.yes, Verb: "renew", Else: ", or else"}
			summary := "renew \x1b]0;owned\x07web-1\n"
			var err error
			if tt.typed != "" {
				err = c.AskTyped(f, summary, tt.typed, "Type web-1 to confirm")
			} else {
				err = c.Ask(f, summary, "Renew?")
			}
			if exitcode.Of(err) != tt.code || tt.errHas != "" && !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("err %v (exit %d), want exit %d %q", err, exitcode.Of(err), tt.code, tt.errHas)
			}
			got := errOut.String()
			if shown := strings.Contains(got, "renew ^[]0;owned^Gweb-1\n"); shown != tt.shown {
				t.Errorf("summary shown %v, want %v:\n%q", shown, tt.shown, got)
			}
			if strings.ContainsAny(got, "\x1b\x07") {
				t.Errorf("control characters reached the terminal: %q", got)
			}
		})
	}
}
