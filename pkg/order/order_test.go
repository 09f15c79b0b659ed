package order

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

// fakeClock advances only when a waiter waits.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.t = c.t.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	c.mu.Unlock()
	return ch
}

// script answers polls by time: status(t) or an error.
type script struct {
	clk   *fakeClock
	start time.Time
	f     func(elapsed time.Duration, n int) (int, error)
	polls []time.Duration
}

func (s *script) ShowOrder(ctx context.Context, id string) (*api.OrderDetails, error) {
	el := s.clk.Now().Sub(s.start)
	s.polls = append(s.polls, el)
	st, err := s.f(el, len(s.polls))
	if err != nil {
		return nil, err
	}
	return &api.OrderDetails{OrderInfo: api.OrderInfo{OrderID: id, Status: st}}, nil
}

func newScript(f func(time.Duration, int) (int, error)) (*script, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
	return &script{clk: clk, start: clk.t, f: f}, clk
}

func TestPollScheduleGrowsToTheIntervalAndNoticesCompletion(t *testing.T) {
	const interval = 10 * time.Second
	doneAt := 95 * time.Second
	s, clk := newScript(func(el time.Duration, _ int) (int, error) {
		if el >= doneAt {
			return 5, nil
		}
		return 3, nil
	})
	d, err := Wait(context.Background(), s, "CS1", Options{Timeout: 30 * time.Minute, Interval: interval, Clock: clk})
	if err != nil || d.OrderInfo.Status != 5 {
		t.Fatalf("%v %v", d, err)
	}
	if s.polls[0] != 0 {
		t.Errorf("first poll at %s, want at once", s.polls[0])
	}
	want := []time.Duration{0, 1 * time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second, 25 * time.Second}
	for i, w := range want {
		if s.polls[i] != w {
			t.Fatalf("polls %v, want to start %v", s.polls, want)
		}
	}
	// Once at the cap: no more than one request per interval.
	for i := 1; i < len(s.polls); i++ {
		if gap := s.polls[i] - s.polls[i-1]; gap > interval || (s.polls[i-1] >= 15*time.Second && gap < interval) {
			t.Errorf("gap %s between polls %d and %d", gap, i-1, i)
		}
	}
	// Completion noticed within one interval.
	if last := s.polls[len(s.polls)-1]; last < doneAt || last-doneAt > interval {
		t.Errorf("completed at %s, noticed at %s", doneAt, last)
	}
}

func TestSmallIntervalCapsFirstGap(t *testing.T) {
	s, clk := newScript(func(el time.Duration, n int) (int, error) {
		if n == 4 {
			return 5, nil
		}
		return 3, nil
	})
	Wait(context.Background(), s, "CS1", Options{Timeout: time.Minute, Interval: 100 * time.Millisecond, Clock: clk})
	for i := 1; i < len(s.polls); i++ {
		if s.polls[i]-s.polls[i-1] != 100*time.Millisecond {
			t.Errorf("polls %v", s.polls)
		}
	}
}

func TestOutcomes(t *testing.T) {
	transient := &api.TransientError{Op: "show order", Cause: errors.New("HTTP 503")}
	tests := []struct {
		name   string
		f      func(time.Duration, int) (int, error)
		code   int
		text   string
		events func(t *testing.T, es []Event)
	}{
		{"cancelled", func(time.Duration, int) (int, error) { return 4, nil }, exitcode.OrderFailed, "was cancelled", nil},
		{"timeout", func(time.Duration, int) (int, error) { return 3, nil }, exitcode.Timeout, "last status: processing); resume with: flexusl order wait CS1", nil},
		{"auth error ends", func(time.Duration, int) (int, error) { return 0, &api.Error{StatusCode: 401} }, exitcode.Auth, "", nil},
		{"transient errors ride out", func(_ time.Duration, n int) (int, error) {
			if n < 4 {
				return 0, transient
			}
			return 5, nil
		}, 0, "", func(t *testing.T, es []Event) {
			if es[0].Transient == nil || es[3].Status != 5 {
				t.Errorf("events %+v", es)
			}
		}},
		{"pending payment then paid", func(_ time.Duration, n int) (int, error) {
			switch {
			case n < 3:
				return 6, nil
			case n < 5:
				return 3, nil
			}
			return 5, nil
		}, 0, "", func(t *testing.T, es []Event) {
			var changes []int
			for _, e := range es {
				if e.Changed {
					changes = append(changes, e.Status)
				}
			}
			if len(changes) != 3 || changes[0] != 6 || changes[1] != 3 || changes[2] != 5 {
				t.Errorf("changes %v", changes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk := newScript(tt.f)
			var es []Event
			_, err := Wait(context.Background(), s, "CS1", Options{Timeout: 2 * time.Minute, Interval: 10 * time.Second, Clock: clk, OnEvent: func(e Event) { es = append(es, e) }})
			if exitcode.Of(err) != tt.code || (tt.text != "" && !strings.Contains(err.Error(), tt.text)) {
				t.Fatalf("err %v (exit %d), want exit %d %q", err, exitcode.Of(err), tt.code, tt.text)
			}
			if tt.events != nil {
				tt.events(t, es)
			}
		})
	}
}

func TestTimeoutPollsAtTheDeadline(t *testing.T) {
	s, clk := newScript(func(time.Duration, int) (int, error) { return 3, nil })
	Wait(context.Background(), s, "CS1", Options{Timeout: 20 * time.Second, Interval: 10 * time.Second, Clock: clk})
	if last := s.polls[len(s.polls)-1]; last != 20*time.Second {
		t.Errorf("last poll at %s, want at the 20s deadline (%v)", last, s.polls)
	}
}

func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, _ := newScript(func(_ time.Duration, n int) (int, error) {
		if n == 2 {
			cancel()
		}
		return 3, nil
	})
	_, err := Wait(ctx, s, "CS9", Options{Timeout: time.Hour, Interval: time.Millisecond})
	if exitcode.Of(err) != exitcode.Interrupted || !strings.Contains(err.Error(), "flexusl order wait CS9") {
		t.Errorf("%v", err)
	}
}

func TestView(t *testing.T) {
	v := NewView(&api.OrderDetails{OrderInfo: api.OrderInfo{OrderID: "CS1", Status: 6, OrderType: 1, Currency: "USD"}}, nil)
	if v.StatusText != "pending payment" || v.OrderType != "new purchase" || v.InstanceIDs == nil {
		t.Errorf("%+v", v)
	}
}

// shower answers every poll with d (its order ID as given).
type shower struct {
	d     api.OrderDetails
	polls int
}

func (s *shower) ShowOrder(ctx context.Context, id string) (*api.OrderDetails, error) {
	s.polls++
	d := s.d
	return &d, nil
}

// An answer about another order, or about no order, is not "status 0"
// and never a completed wait.
func TestWaitChecksTheAnswerIsAboutTheOrder(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
	other := &shower{d: api.OrderDetails{TotalCount: 1, OrderInfo: api.OrderInfo{OrderID: "CS-OTHER", Status: 5}}}
	_, err := Wait(context.Background(), other, "CS1", Options{Timeout: time.Minute, Interval: time.Second, Clock: clk})
	if err == nil || exitcode.Of(err) != exitcode.Failure || !strings.Contains(err.Error(), `asked about order CS1 but answered about order "CS-OTHER"`) || other.polls != 1 {
		t.Errorf("other order: %v after %d polls", err, other.polls)
	}
	none := &shower{d: api.OrderDetails{TotalCount: 0, OrderInfo: api.OrderInfo{OrderID: "CS1"}}} // what {"total_count":0} decodes to
	_, err = Wait(context.Background(), none, "CS1", Options{Timeout: time.Minute, Interval: time.Second, Clock: clk})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no order CS1 in this account (BSS: total_count 0)") || exitcode.Of(err) != exitcode.Usage || none.polls != 1 {
		t.Errorf("no order: %v after %d polls", err, none.polls)
	}
	// Just placed: not listed yet is waited through for the grace period.
	none.polls = 0
	var transient int
	_, err = Wait(context.Background(), none, "CS1", Options{Timeout: 10 * time.Minute, Interval: 10 * time.Second, NotFoundGrace: time.Minute, Clock: clk,
		OnEvent: func(e Event) {
			if e.Transient != nil {
				transient++
			}
		}})
	if !errors.Is(err, ErrNotFound) || none.polls < 3 || transient != none.polls-1 {
		t.Errorf("grace: %v after %d polls, %d transient", err, none.polls, transient)
	}
}

func TestCheckID(t *testing.T) {
	for id, ok := range map[string]bool{"CS24022811305H1EW": true, "a-b_c9": true, "../../x": false, "": false, "CS1/../x": false, "CS 1": false,
		"CS1?x=1": false, "CS1#": false, strings.Repeat("A", 65): false, "ÇS1": false} {
		err := CheckID(id)
		if (err == nil) != ok || (!ok && exitcode.Of(err) != exitcode.Usage) {
			t.Errorf("%q: %v", id, err)
		}
	}
}

// Every time in JSON is RFC 3339, whatever layout BSS used.
func TestViewTimesAreRFC3339(t *testing.T) {
	v := NewView(&api.OrderDetails{OrderInfo: api.OrderInfo{OrderID: "CS1", CreateTime: "2026-11-27 10:00:00", PaymentTime: "2026-11-27T10:00:05Z"}}, []string{"i-1"})
	if v.CreateTime != "2026-11-27T10:00:00Z" || v.PaymentTime != "2026-11-27T10:00:05Z" {
		t.Errorf("create %q payment %q", v.CreateTime, v.PaymentTime)
	}
	for in, want := range map[string]string{"": "", "2026-11-27T10:00:00": "2026-11-27T10:00:00Z", "soon": "soon", "2026-11-27T18:00:00+08:00": "2026-11-27T18:00:00+08:00"} {
		if got := RFC3339(in); got != want {
			t.Errorf("RFC3339(%q) = %q, want %q", in, got, want)
		}
	}
}
