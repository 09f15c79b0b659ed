package ecs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
)

func target(i int, region string) Target {
	return Target{InstanceID: fmt.Sprintf("6743d0e3708be6007b8c%04d", i), Name: fmt.Sprintf("web-%d", i), Region: region,
		ProjectID: "p-" + region, ServerID: fmt.Sprintf("72a270de-665a-4f46-8d64-%012d", i)}
}

func TestPlanGroupsPerRegionAndSplits(t *testing.T) {
	ts := []Target{target(1, "tr-west-1"), target(2, "ap-southeast-3"), target(3, "tr-west-1"), target(2, "ap-southeast-3")}
	bs, ps := Plan(ts, 0)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if len(bs) != 2 || bs[0].Region != "ap-southeast-3" || bs[1].Region != "tr-west-1" {
		t.Fatalf("batches %+v", bs)
	}
	if got := bs[0].ServerIDs(); len(got) != 1 { // the repeated instance is sent once
		t.Errorf("ap-southeast-3 servers %v", got)
	}
	if got := bs[1].InstanceIDs(); len(got) != 2 || got[0] != ts[0].InstanceID || got[1] != ts[2].InstanceID {
		t.Errorf("tr-west-1 keeps the order given: %v", got)
	}
	if bs[1].ProjectID != "p-tr-west-1" {
		t.Errorf("project %q", bs[1].ProjectID)
	}

	// 2,500 instances in one region: 1,000 + 1,000 + 500.
	var many []Target
	for i := 0; i < 2500; i++ {
		many = append(many, target(i, "ap-southeast-1"))
	}
	bs, _ = Plan(many, 0)
	if len(bs) != 3 || len(bs[0].Targets) != 1000 || len(bs[1].Targets) != 1000 || len(bs[2].Targets) != 500 {
		t.Fatalf("%d batches", len(bs))
	}
	if bs[1].Targets[0].InstanceID != many[1000].InstanceID {
		t.Errorf("split out of order")
	}
	bs, _ = Plan(many[:7], 3)
	if len(bs) != 3 || len(bs[2].Targets) != 1 {
		t.Errorf("max 3: %d batches", len(bs))
	}
	// Appending to a batch does not write into the next one.
	bs[0].Targets = append(bs[0].Targets, target(99, "x"))
	if bs[1].Targets[0].InstanceID != many[3].InstanceID {
		t.Error("batches share memory")
	}
}

func TestPlanRefusesTargetsWithoutServer(t *testing.T) {
	ts := []Target{target(1, "ap-southeast-3"), {InstanceID: "6743d0e3708be6007b8c8012", Name: "new", Region: "ap-southeast-3"}, {InstanceID: "x", Name: "lost"}}
	bs, ps := Plan(ts, 0)
	if bs != nil || len(ps) != 2 {
		t.Fatalf("%v %v", bs, ps)
	}
	if !strings.Contains(ps[0].Error(), "new (6743d0e3708be6007b8c8012)") || !strings.Contains(ps[0].Error(), "no ECS server") || !strings.Contains(ps[1].Error(), "no region") {
		t.Errorf("%v", ps)
	}
}

func TestParseType(t *testing.T) {
	for _, tc := range []struct {
		a        Action
		in, want string
		bad      bool
	}{
		{Stop, "", "SOFT", false}, {Stop, "soft", "SOFT", false}, {Reboot, "HARD", "HARD", false}, {Reboot, "hard", "HARD", false},
		{Reboot, "", "SOFT", false}, {Stop, "medium", "", true}, {Start, "", "", false}, {Start, "soft", "", true},
	} {
		got, p := ParseType(tc.a, tc.in)
		if got != tc.want || (p != nil) != tc.bad {
			t.Errorf("%s %q: %q %v", tc.a, tc.in, got, p)
		}
	}
}

// The documented ShowJob example (one sub-job SUCCESS, one FAIL) maps back
// to the two instances.
func TestJobResultsFromDocumentedExample(t *testing.T) {
	j := showJobExample(t)
	b := Batch{Region: "ap-southeast-3", Targets: []Target{
		{InstanceID: "i1", Name: "web-1", Region: "ap-southeast-3", ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd1"},
		{InstanceID: "i2", Name: "web-2", Region: "ap-southeast-3", ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd2"},
	}}
	rs := JobResults(Reboot, b, "ff80", j)
	if rs[0].Status != StatusSucceeded || rs[0].Error != "" || rs[0].JobID != "ff80" || rs[0].Text(Reboot) != "succeeded" {
		t.Errorf("first %+v", rs[0])
	}
	if rs[1].Status != StatusFailed || rs[1].Error != "Ecs.0114: Instance[72a270de-665a-4f46-8d64-24ad6edccdd2] could not be found." || rs[1].Ok() {
		t.Errorf("second %+v", rs[1])
	}
	if s := FailedSummary(rs); !strings.Contains(s, "web-2 (i2)") || strings.Contains(s, "web-1") {
		t.Errorf("summary %q", s)
	}
	if c := Count(rs); c.Ok != 1 || c.Failed != 1 {
		t.Errorf("counts %+v", c)
	}
}

// showJobExample is the documented ShowJob example (testdata/wire).
func showJobExample(t *testing.T) *api.Job {
	t.Helper()
	b, err := os.ReadFile("../../testdata/wire/ecs/show-job.response.json")
	if err != nil {
		t.Fatal(err)
	}
	var j api.Job
	if err := api.DecodeJSON(b, &j); err != nil {
		t.Fatal(err)
	}
	return &j
}

func TestJobResults(t *testing.T) {
	b := Batch{Region: "r", Targets: []Target{target(1, "r"), target(2, "r")}}
	sub := func(i int, status, code, reason, msg string) api.SubJob {
		s := api.SubJob{Status: status, ErrorCode: code, FailReason: reason}
		s.Entities.ServerID, s.Entities.ErrorcodeMessage = b.Targets[i].ServerID, msg
		return s
	}
	job := func(status string, subs ...api.SubJob) *api.Job {
		j := &api.Job{Status: status}
		j.Entities.SubJobs = subs
		return j
	}
	single := func(status, server, code, reason string) *api.Job {
		j := &api.Job{Status: status, ErrorCode: code, FailReason: reason}
		j.Entities.ServerID = server
		return j
	}
	other := func(status string) api.SubJob {
		s := api.SubJob{Status: status}
		s.Entities.ServerID = "72a270de-665a-4f46-8d64-0000000000ff"
		return s
	}
	tests := []struct {
		name   string
		a      Action
		j      *api.Job
		status [2]string
		err0   string
	}{
		{"not read yet", Stop, nil, [2]string{StatusRunning, StatusRunning}, ""},
		{"running", Stop, job("RUNNING", sub(0, "SUCCESS", "", "", ""), sub(1, "RUNNING", "", "", "")), [2]string{StatusSucceeded, StatusRunning}, ""},
		{"success without sub-jobs names nobody", Stop, job("SUCCESS"), [2]string{StatusUnknown, StatusUnknown}, "ECS's job ended SUCCESS without naming this server (0 sub-job(s) about other servers)"},
		{"single-server job", Stop, single("SUCCESS", b.Targets[0].ServerID, "", ""), [2]string{StatusSucceeded, StatusUnknown}, ""},
		{"fail without sub-jobs names nobody", Stop, &api.Job{Status: "FAIL", ErrorCode: "Ecs.0001", FailReason: "quota"}, [2]string{StatusUnknown, StatusUnknown}, "ECS's job ended FAIL without naming this server (0 sub-job(s) about other servers)"},
		{"single-server job failed", Stop, single("FAIL", b.Targets[0].ServerID, "Ecs.0001", "quota"), [2]string{StatusFailed, StatusUnknown}, "Ecs.0001: quota"},
		{"success about other servers only", Stop, job("SUCCESS", other("SUCCESS")), [2]string{StatusUnknown, StatusUnknown}, "ECS's job ended SUCCESS without naming this server (1 sub-job(s) about other servers)"},
		{"code not repeated", Stop, job("FAIL", sub(0, "FAIL", "Ecs.0114", "Ecs.0114: Instance[x] could not be found.", "")), [2]string{StatusFailed, StatusUnknown}, "Ecs.0114: Instance[x] could not be found."},
		{"errorcode_message preferred", Stop, job("FAIL", sub(0, "FAIL", "Ecs.0114", "Ecs.0114: long", "Instance[x] could not be found.")), [2]string{StatusFailed, StatusUnknown}, "Ecs.0114: Instance[x] could not be found."},
		// The reason's words never make a failure "already": only the
		// server's status read afterwards does (see TestAlready).
		{"already running is a failure here", Start, job("FAIL", sub(0, "FAIL", "Ecs.0103", "Ecs.0103: Server x is already running (ACTIVE).", "Server x is already running (ACTIVE)."), sub(1, "SUCCESS", "", "", "")), [2]string{StatusFailed, StatusSucceeded}, "Ecs.0103: Server x is already running (ACTIVE)."},
		{"already stopped is a failure here", Stop, job("FAIL", sub(0, "FAIL", "Ecs.0103", "", "Server x is already stopped (SHUTOFF)."), sub(1, "SUCCESS", "", "", "")), [2]string{StatusFailed, StatusSucceeded}, "Ecs.0103: Server x is already stopped (SHUTOFF)."},
		{"reboot of a stopped server fails", Reboot, job("FAIL", sub(0, "FAIL", "Ecs.0103", "", "Server x is stopped (SHUTOFF) and cannot be rebooted."), sub(1, "SUCCESS", "", "", "")), [2]string{StatusFailed, StatusSucceeded}, "Ecs.0103: Server x is stopped (SHUTOFF) and cannot be rebooted."},
		{"fail with no reason", Stop, job("FAIL", sub(0, "FAIL", "", "", ""), sub(1, "SUCCESS", "", "", "")), [2]string{StatusFailed, StatusSucceeded}, "the sub-job failed without a reason"},
		{"server missing from sub-jobs", Stop, job("FAIL", sub(1, "SUCCESS", "", "", "")), [2]string{StatusUnknown, StatusSucceeded}, "ECS's job ended FAIL without naming this server (1 sub-job(s) about other servers)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := JobResults(tc.a, b, "j", tc.j)
			if rs[0].Status != tc.status[0] || rs[1].Status != tc.status[1] || rs[0].Error != tc.err0 {
				t.Errorf("%+v", rs)
			}
		})
	}
}

// A failed start or stop is "already" running or stopped only when the
// server, read afterwards, is in that state; whatever its reason says.
func TestAlready(t *testing.T) {
	failed := Result{Status: StatusFailed, Error: "Ecs.0103: Server x is already stopped (SHUTOFF)."}
	for _, tc := range []struct {
		a      Action
		r      Result
		status string
		want   string
	}{
		{Stop, failed, "SHUTOFF", StatusAlreadyStopped},
		{Stop, failed, "ACTIVE", StatusFailed}, // the words say stopped; the server does not
		{Start, failed, "ACTIVE", StatusAlreadyRunning},
		{Start, failed, "SHUTOFF", StatusFailed},
		{Reboot, failed, "ACTIVE", StatusFailed},
		{Stop, Result{Status: StatusUnknown}, "SHUTOFF", StatusUnknown},
		{Stop, failed, "", StatusFailed},
	} {
		got, ok := Already(tc.a, tc.r, tc.status)
		if got.Status != tc.want || ok != (tc.want != tc.r.Status) || (ok && got.Error != "") {
			t.Errorf("%s %s with server %q: %+v %v", tc.a, tc.r.Status, tc.status, got, ok)
		}
	}
}

func TestResultText(t *testing.T) {
	for st, want := range map[string]string{
		// The JSON value, as every table shows it (#22).
		StatusSucceeded: "succeeded", StatusAlreadyRunning: "already_running", StatusAlreadyStopped: "already_stopped",
		StatusSubmitted: "submitted", StatusRunning: "running", StatusUnknown: "unknown",
		StatusRejected: "rejected: E", StatusNotSent: "not_sent: E", StatusFailed: "failed: E",
	} {
		if got := (Result{Status: st, Error: "E"}).Text(Stop); got != want {
			t.Errorf("%s: %q, want %q", st, got, want)
		}
	}
}

// fakeJobs answers ShowJob from a script per job: each read takes the
// next answer (the last one repeats).
type fakeJobs struct {
	answers map[string][]any // *api.Job or error
	reads   map[string]int
}

func (f *fakeJobs) ShowJob(_ context.Context, call api.ECSCall, id string) (*api.Job, error) {
	if f.reads == nil {
		f.reads = map[string]int{}
	}
	as := f.answers[id]
	a := as[min(f.reads[id], len(as)-1)]
	f.reads[id]++
	if err, ok := a.(error); ok {
		return nil, err
	}
	return a.(*api.Job), nil
}

// The tracker reads each unended job once per poll, goes on past a failed
// read of one job, and stops reading a job once it ended.
func TestTrackerPoll(t *testing.T) {
	b1 := Batch{Region: "a", Targets: []Target{target(1, "a")}}
	b2 := Batch{Region: "b", Targets: []Target{target(2, "b")}}
	transient := &api.TransientError{Op: "show job", Cause: errors.New("HTTP 503")}
	done1, done2 := &api.Job{Status: "SUCCESS"}, &api.Job{Status: "SUCCESS"}
	done1.Entities.ServerID, done2.Entities.ServerID = b1.Targets[0].ServerID, b2.Targets[0].ServerID
	f := &fakeJobs{answers: map[string][]any{
		"j1": {&api.Job{Status: "RUNNING"}, done1},
		"j2": {transient, &api.Job{Status: "RUNNING"}, done2},
	}}
	tr := &Tracker{Action: Stop, Jobs: []*Tracked{{Batch: b1, JobID: "j1"}, {Batch: b2, JobID: "j2"}}}
	if !strings.Contains(tr.Text(), "0 of 2 instances done") || !strings.Contains(tr.Text(), "job j1: checking") {
		t.Errorf("text %q", tr.Text())
	}
	done, err := tr.Poll(context.Background(), f)
	if done || !api.IsTransient(err) || f.reads["j1"] != 1 || f.reads["j2"] != 1 {
		t.Fatalf("poll 1: %v %v %v", done, err, f.reads)
	}
	done, err = tr.Poll(context.Background(), f)
	if done || err != nil {
		t.Fatalf("poll 2: %v %v", done, err)
	}
	if got := tr.Resume(); got != "flexusl job wait j2 --region b" {
		t.Errorf("resume %q", got)
	}
	if !strings.Contains(tr.Text(), "1 of 2 instances done; job j2: RUNNING") {
		t.Errorf("text %q", tr.Text())
	}
	done, err = tr.Poll(context.Background(), f)
	if !done || err != nil || f.reads["j1"] != 2 || f.reads["j2"] != 3 {
		t.Fatalf("poll 3: %v %v %v", done, err, f.reads)
	}
	rs := tr.Results()
	if len(rs) != 2 || rs[0].Status != StatusSucceeded || rs[1].Status != StatusSucceeded || rs[1].JobID != "j2" {
		t.Errorf("results %+v", rs)
	}
}

func TestServerResults(t *testing.T) {
	j := showJobExample(t)
	rs := ServerResults(j)
	if len(rs) != 2 || rs[0].Status != "SUCCESS" || rs[0].Error != "" || rs[1].Status != "FAIL" ||
		rs[1].Error != "Ecs.0114: Instance[72a270de-665a-4f46-8d64-24ad6edccdd2] could not be found." || rs[1].JobID != "ff80808290c6b7b60191ef522de6257d" {
		t.Errorf("%+v", rs)
	}
	if JobError(j) != "Ecs.0114: Instance[72a270de-665a-4f46-8d64-24ad6edccdd2] could not be found." {
		t.Errorf("job error %q", JobError(j))
	}
	single := &api.Job{Status: "FAIL", ErrorCode: "Ecs.0001"}
	single.Entities.ServerID = "s1"
	if rs := ServerResults(single); len(rs) != 1 || rs[0].ServerID != "s1" || rs[0].Error != "Ecs.0001" {
		t.Errorf("%+v", rs)
	}
	if rs := ServerResults(&api.Job{Status: "SUCCESS"}); rs != nil || JobError(&api.Job{Status: "FAIL"}) != "the job failed" {
		t.Errorf("%+v", rs)
	}
}

// Two instances that RMS lists with one server: a problem naming both,
// and nothing planned (issue 18, item 12). The same instance twice is
// still acted on once.
func TestPlanRefusesTwoInstancesSharingAServer(t *testing.T) {
	a, b := target(1, "ap-southeast-3"), target(2, "ap-southeast-3")
	b.ServerID = a.ServerID
	bs, ps := Plan([]Target{a, b, target(3, "tr-west-1")}, 0)
	if bs != nil || len(ps) != 1 || !strings.Contains(ps[0].Error(), label(b)) || !strings.Contains(ps[0].Error(), "RMS lists its ECS server "+a.ServerID+" for "+label(a)+" too") {
		t.Fatalf("%v %v", bs, ps)
	}
	// In another region too.
	c := target(4, "tr-west-1")
	c.ServerID = a.ServerID
	if bs, ps := Plan([]Target{a, c}, 0); bs != nil || len(ps) != 1 {
		t.Errorf("%v %v", bs, ps)
	}
	if bs, ps := Plan([]Target{a, a}, 0); len(ps) != 0 || len(bs) != 1 || len(bs[0].Targets) != 1 {
		t.Errorf("%v %v", bs, ps)
	}
}
