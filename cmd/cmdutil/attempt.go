package cmdutil

import (
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/journal"
)

// Attempts is the runner for this run's state-changing calls
// (pkg/attempt): the profile's journal, the run's clock, warnings on
// stderr. Every call that places, pays, renews or cancels an order, or
// changes a server or a firewall, goes through it.
func (f *Factory) Attempts() (*attempt.Runner, error) {
	path, err := f.JournalPath()
	if err != nil {
		return nil, err
	}
	profile := ""
	if cfg, err := f.Config(); err == nil {
		profile = cfg.Profile()
	}
	return &attempt.Runner{Journal: path, Profile: profile, Now: f.Clock, Warnf: f.IO.Warnf,
		Begun: func() { f.attempted.Store(true) }}, nil
}

// Run makes one at-most-once call through the run's attempt runner
// (Factory.Attempts); when the journal's place cannot be found nothing is
// sent.
func (f *Factory) Run(c attempt.Call, send func(requestID string) attempt.Answer) attempt.Result {
	r, err := f.Attempts()
	if err != nil {
		return attempt.Result{Answer: attempt.Answer{Err: err, State: journal.StateNotSent}}
	}
	return r.Run(c, send)
}

// WarnUnresolved warns, before a call of kind is confirmed and sent, about
// the profile's latest attempts of that kind whose outcome is unknown
// (attempt.Runner.Unresolved).
func WarnUnresolved(f *Factory, kind string) {
	r, err := f.Attempts()
	if err != nil {
		return
	}
	text, err := r.Unresolved(kind)
	switch {
	case err != nil:
		f.IO.Warnf("%v", err)
	case text != "":
		f.IO.Warnf("%s", text)
	}
}
