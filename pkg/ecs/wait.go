package ecs

import (
	"context"
	"fmt"
	"time"

	"github.com/flexusl/flexusl/pkg/wait"
)

// WaitOptions tune Tracker.Wait.
type WaitOptions struct {
	Timeout  time.Duration // give up after this long (exit 5; the jobs go on)
	Interval time.Duration // the longest gap between reads of a job
	Clock    wait.Clock    // nil: the real clock
	// Progress receives each progress line (Tracker.Text) and the read
	// error being ridden through, if any; nil: none. How it is drawn
	// (spinner, elapsed time) is the one wait view's (ui.Progress.Show).
	Progress func(text string, transient error)
}

// Wait follows the tracker's jobs with the one waiter (pkg/wait) until
// every one has ended (SUCCESS or FAIL: read them with Results or
// Jobs[i].Last), o.Timeout passes (exit 5) or ctx is cancelled (exit 130);
// both of those name the command that resumes the wait. Reads that may
// pass (429, 5xx, network) ride through and are shown in the progress;
// other read errors end the wait, returned as they are. s should not
// report transient errors itself (api.Client.WithNotify(nil)).
func (t *Tracker) Wait(ctx context.Context, s JobShower, o WaitOptions) error {
	if len(t.Jobs) == 0 {
		return nil
	}
	what := "job " + t.Jobs[0].JobID
	if len(t.Jobs) > 1 {
		what = fmt.Sprintf("%d jobs", len(t.Jobs))
	}
	wo := wait.Options{Timeout: o.Timeout, Interval: o.Interval, Clock: o.Clock, What: what, Resume: t.Resume(),
		OnEvent: func(e wait.Event) {
			if o.Progress == nil {
				return
			}
			o.Progress(t.Text(), e.Transient)
		}}
	_, err := wait.Until(ctx, wo, func(ctx context.Context) (wait.State, error) {
		done, err := t.Poll(ctx, s)
		if err != nil {
			return wait.State{}, err
		}
		return wait.State{Text: t.lastStatus(), Done: done}, nil
	})
	return err
}

// lastStatus is what a timeout or interrupt says was seen last: the job's
// status when one job is followed for itself (job wait), else the
// progress line.
func (t *Tracker) lastStatus() string {
	if t.Action == "" && len(t.Jobs) == 1 {
		return t.Jobs[0].Status()
	}
	return t.Text()
}
