package wait

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

// fakeClock advances only when the waiter waits.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	gaps []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.gaps = append(c.gaps, d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

func TestUntil(t *testing.T) {
	transient := &api.TransientError{Op: "show job", Cause: errors.New("HTTP 503")}
	tests := []struct {
		name  string
		poll  func(n int) (State, error)
		code  int
		text  string
		polls int
	}{
		{"done after transient", func(n int) (State, error) {
			switch n {
			case 1:
				return State{Text: "RUNNING"}, nil
			case 2:
				return State{}, transient
			}
			return State{Text: "SUCCESS", Done: true}, nil
		}, 0, "", 3},
		{"failed", func(n int) (State, error) {
			return State{Text: "FAIL", Done: true, Failed: exitcode.Errorf(exitcode.OrderFailed, "job failed")}, nil
		}, exitcode.OrderFailed, "job failed", 1},
		{"hard error", func(n int) (State, error) { return State{}, errors.New("HTTP 404") }, 1, "HTTP 404", 1},
		{"timeout", func(n int) (State, error) { return State{Text: "RUNNING"}, nil }, exitcode.Timeout,
			"timed out after 1m0s waiting for job J (last status: RUNNING); resume with: flexusl job wait J", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Unix(0, 0)}
			n := 0
			var events []Event
			_, err := Until(context.Background(), Options{Timeout: time.Minute, Interval: 10 * time.Second, Clock: clk, What: "job J", Resume: "flexusl job wait J",
				OnEvent: func(e Event) { events = append(events, e) }}, func(context.Context) (State, error) { n++; return tt.poll(n) })
			if exitcode.Of(err) != tt.code || (tt.text != "" && !strings.Contains(err.Error(), tt.text)) {
				t.Errorf("exit %d: %v", exitcode.Of(err), err)
			}
			if tt.polls > 0 && n != tt.polls {
				t.Errorf("%d polls, want %d", n, tt.polls)
			}
			if tt.name == "done after transient" && (len(events) != 3 || events[1].Transient == nil || !events[0].Changed || !events[2].Changed) {
				t.Errorf("events %+v", events)
			}
			if tt.name == "timeout" {
				want := "1s 2s 4s 8s 10s 10s 10s 10s 5s"
				var got []string
				for _, g := range clk.gaps {
					got = append(got, g.String())
				}
				if strings.Join(got, " ") != want {
					t.Errorf("gaps %v, want %s", got, want)
				}
			}
		})
	}
}

func TestUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Until(ctx, Options{Timeout: time.Hour, Interval: time.Millisecond, What: "order CS9", Resume: "flexusl order wait CS9"},
		func(context.Context) (State, error) { cancel(); return State{Text: "processing"}, nil })
	if exitcode.Of(err) != exitcode.Interrupted || !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "order CS9 goes on; resume with: flexusl order wait CS9") {
		t.Errorf("%v", err)
	}
}
