// Package wait is flexusl's one waiter: it polls something (a BSS order,
// an ECS job, an instance's state) at once, then with gaps of 1 s, 2 s,
// 4 s ... capped at an interval, until it is done, the timeout passes
// (exit 5) or the wait is interrupted (exit 130). Failures that may pass
// (429, 5xx, network) ride through and are reported as events. Displaying
// progress is the caller's job (see OnEvent).
package wait

import (
	"context"
	"errors"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

// Clock is the time source of a wait (tests use a fake one).
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// State is one observation of what is waited for.
type State struct {
	Text   string // shown in progress and in timeout messages: "processing"
	Done   bool   // the wait is over
	Failed error  // with Done: it ended badly (returned as the wait's error)
}

// Event is what a waiter reports as it goes.
type Event struct {
	State     State
	Elapsed   time.Duration // since the wait began
	Transient error         // set when a poll failed in a way that may pass
	Changed   bool          // the state's text differs from the previous one
	Polls     int           // polls so far
}

// Options tune Until.
type Options struct {
	Timeout  time.Duration // give up after this long (exit 5)
	Interval time.Duration // the longest gap between polls
	Clock    Clock
	OnEvent  func(Event)
	What     string // what is waited for, in messages: "order CS123"
	Resume   string // the command that picks the wait up again
}

// FirstGap is the gap after the first poll; gaps double up to Interval.
const FirstGap = time.Second

// NextGap is the gap after prev: FirstGap (or the interval when smaller),
// doubling, capped at the interval.
func NextGap(prev, interval time.Duration) time.Duration {
	if prev == 0 {
		return min(FirstGap, interval)
	}
	return min(prev*2, interval)
}

// ErrTimeout and ErrInterrupted are wrapped by the errors Until returns
// when the wait ends that way.
var (
	ErrTimeout     = errors.New("timed out")
	ErrInterrupted = errors.New("interrupted")
)

// Until polls until a State is Done, o.Timeout passes (exit 5) or ctx is
// cancelled (exit 130). A poll error that api.IsTransient says may pass
// does not end the wait; others do, returned as they are. It returns the
// last State seen.
func Until(ctx context.Context, o Options, poll func(ctx context.Context) (State, error)) (State, error) {
	clk := o.Clock
	if clk == nil {
		clk = realClock{}
	}
	start := clk.Now()
	deadline := start.Add(o.Timeout)
	var gap time.Duration
	var last State
	seen := false
	for n := 1; ; n++ {
		st, err := poll(ctx)
		now := clk.Now()
		switch {
		case err != nil && ctx.Err() != nil:
			return last, interrupted(o, last, seen)
		case err != nil && api.IsTransient(err):
			emit(o, Event{State: last, Elapsed: now.Sub(start), Transient: err, Polls: n})
		case err != nil:
			return last, err
		default:
			changed := !seen || st.Text != last.Text
			last, seen = st, true
			emit(o, Event{State: st, Elapsed: now.Sub(start), Changed: changed, Polls: n})
			if st.Done {
				return st, st.Failed
			}
		}
		if !now.Before(deadline) {
			return last, exitcode.New(exitcode.Timeout, &waitError{kind: ErrTimeout, msg: "timed out after " + o.Timeout.String() + " waiting for " + o.What + " (last status: " + text(last, seen) + ")" + resume(o)})
		}
		gap = NextGap(gap, o.Interval)
		select {
		case <-ctx.Done():
			return last, interrupted(o, last, seen)
		case <-clk.After(min(gap, deadline.Sub(now))):
		}
	}
}

type waitError struct {
	kind error
	msg  string
}

func (e *waitError) Error() string { return e.msg }
func (e *waitError) Unwrap() error { return e.kind }

func interrupted(o Options, last State, seen bool) error {
	return exitcode.New(exitcode.Interrupted, &waitError{kind: ErrInterrupted, msg: "interrupted while waiting for " + o.What + " (last status: " + text(last, seen) + "); " + o.What + " goes on" + resume(o)})
}

func text(s State, seen bool) string {
	if !seen || s.Text == "" {
		return "unknown"
	}
	return s.Text
}

func resume(o Options) string {
	if o.Resume == "" {
		return ""
	}
	return "; resume with: " + o.Resume
}

func emit(o Options, e Event) {
	if o.OnEvent != nil {
		o.OnEvent(e)
	}
}
