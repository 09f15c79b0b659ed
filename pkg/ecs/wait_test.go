package ecs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

// stepClock advances only when the waiter waits.
type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { return c.t }
func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.t = c.t.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

func runningJob(subs ...string) *api.Job {
	j := &api.Job{Status: "RUNNING"}
	for _, st := range subs {
		var s api.SubJob
		s.Status = st
		j.Entities.SubJobs = append(j.Entities.SubJobs, s)
	}
	return j
}

// Tracker.Wait is the one ECS job wait of instance start|stop|reboot and
// job wait: the progress lines it draws, how each end of a wait is
// reported, and that transient reads ride through.
func TestTrackerWait(t *testing.T) {
	transient := &api.TransientError{Op: "show job", Cause: errors.New("HTTP 503\nbody")}
	denied := &api.Error{StatusCode: 403, Code: "Ecs.0001"}
	done := &api.Job{Status: "SUCCESS"}
	tests := []struct {
		name     string
		action   Action // "" = a job followed for itself (job wait)
		answers  []any
		timeout  time.Duration
		wantErr  string // "" = none
		wantCode int
		wantLast string // the last progress line
		wantText []string
	}{
		{name: "job wait: ends", answers: []any{runningJob("SUCCESS", "INIT"), transient, done}, timeout: time.Minute,
			wantLast: "job j1: SUCCESS",
			wantText: []string{"job j1: RUNNING (1 of 2 servers done)", "job j1: RUNNING (1 of 2 servers done) - retrying after: HTTP 503"}},
		{name: "stop: ends", action: Stop, answers: []any{runningJob(), done}, timeout: time.Minute,
			wantLast: "stop: 1 of 1 instances done",
			wantText: []string{"stop: 0 of 1 instances done; job j1: RUNNING"}},
		{name: "job wait: timeout names the status and the resume command", answers: []any{runningJob("INIT")}, timeout: 3 * time.Second,
			wantErr: "timed out after 3s waiting for job j1 (last status: RUNNING (0 of 1 servers done)); resume with: flexusl job wait j1 --region ap-southeast-3", wantCode: exitcode.Timeout},
		{name: "stop: timeout", action: Stop, answers: []any{runningJob()}, timeout: 3 * time.Second,
			wantErr: "timed out after 3s waiting for job j1 (last status: stop: 0 of 1 instances done; job j1: RUNNING); resume with: flexusl job wait j1 --region ap-southeast-3", wantCode: exitcode.Timeout},
		{name: "a read that will not pass ends it as it is", answers: []any{denied}, timeout: time.Minute,
			wantErr: denied.Error()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := Batch{Region: "ap-southeast-3"}
			if tc.action != "" {
				b.Targets = []Target{target(1, "ap-southeast-3")}
				done.Entities.ServerID = b.Targets[0].ServerID
			}
			tr := &Tracker{Action: tc.action, Jobs: []*Tracked{{Batch: b, JobID: "j1"}}}
			if got := tr.Jobs[0].Text(); got != "job j1: checking" {
				t.Errorf("before the first read: %q", got)
			}
			var lines []string
			err := tr.Wait(context.Background(), &fakeJobs{answers: map[string][]any{"j1": tc.answers}},
				WaitOptions{Timeout: tc.timeout, Interval: time.Minute, Clock: &stepClock{t: time.Unix(0, 0)},
					Progress: func(s string, transient error) {
						if transient != nil {
							s += " - retrying after: " + transient.Error()
						}
						lines = append(lines, s)
					}})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !tr.Done() || lines[len(lines)-1] != tc.wantLast {
					t.Errorf("last line %q in %q", lines[len(lines)-1], lines)
				}
			} else if err == nil || err.Error() != tc.wantErr || (tc.wantCode != 0 && exitcode.Of(err) != tc.wantCode) {
				t.Fatalf("got %v (exit %d), want %q (exit %d)", err, exitcode.Of(err), tc.wantErr, tc.wantCode)
			}
			joined := strings.Join(lines, "\n")
			for _, w := range tc.wantText {
				if !strings.Contains(joined, w) {
					t.Errorf("no %q in\n%s", w, joined)
				}
			}
		})
	}
}
