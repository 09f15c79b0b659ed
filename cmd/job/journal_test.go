package jobcmd_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/ui"
)

// runIn runs flexusl args with reg answering its API calls, the journal in
// stateDir and the extra environment given. No endpoint is configured: the
// Factory's HTTP client is reg's.
func runIn(t *testing.T, reg *apitest.Registry, stateDir string, extra map[string]string, args ...string) (string, string, int) {
	t.Helper()
	env := map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_DOMAIN_ID": "dom1", "FLEXUSL_CONFIG": filepath.Join(stateDir, "c.yaml"), "XDG_STATE_HOME": stateDir}
	for k, v := range extra {
		env[k] = v
	}
	io, _, out, errOut := ui.Test()
	fc := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }, HTTPClient: reg.HTTPClient}
	code := cmd.Run(context.Background(), fc, args)
	return out.String(), errOut.String(), code
}

// journalStop records a stop flexusl sent in region that started job1.
func journalStop(t *testing.T, stateDir, region string) {
	t.Helper()
	path, err := journal.DefaultPath(func(k string) string { return map[string]string{"XDG_STATE_HOME": stateDir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := journal.Begin(path, journal.Entry{Time: time.Date(2026, 12, 4, 9, 0, 0, 123456789, time.UTC), Profile: "default", Kind: journal.KindECSAction,
		Operation: "POST /v1/{project_id}/cloudservers/action os-stop SOFT", RequestID: "req-1", Region: region, ResourceIDs: []string{"6743d0e3708be6007b8c8012"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Finish(journal.Outcome{State: journal.StateAccepted, JobIDs: []string{"job1"}}); err != nil {
		t.Fatal(err)
	}
}

// A job flexusl started needs no --region: the journal has it. --region
// (or FLEXUSL_REGION) still decides when given.
func TestJobWaitRegionFromJournal(t *testing.T) {
	dir := t.TempDir()
	journalStop(t, dir, "ap-southeast-3")
	answer := job("SUCCESS", sub(server1, "SUCCESS", ""))
	out, errOut, code := runIn(t, stubWait(t, false, answer), dir, nil, "job", "wait", "job1", "--interval", "10ms", "-o", "json")
	if code != 0 || !strings.Contains(out, `"region": "ap-southeast-3"`) {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	reg := apitest.New(t)
	stubProjects(t, reg)
	_, errOut, code = runIn(t, reg, dir, map[string]string{"FLEXUSL_REGION": "tr-west-1"}, "job", "wait", "job1", "--interval", "10ms")
	if code == 0 || reg.Count(showJob1) != 0 {
		t.Errorf("FLEXUSL_REGION tr-west-1 did not decide: exit %d, %v: %s", code, reg.Requests(), errOut)
	}
	// Not in the journal and no region: exit 2, nothing sent, and it says why.
	reg = apitest.New(t)
	_, errOut, code = runIn(t, reg, t.TempDir(), nil, "job", "show", "job1")
	if code != 2 || len(reg.Requests()) != 0 || !strings.Contains(errOut, "job job1 is not in this machine's journal; pass --region") {
		t.Errorf("exit %d, %v: %s", code, reg.Requests(), errOut)
	}
}

// job show asks once and shows the job, whatever its status (exit 0).
func TestJobShow(t *testing.T) {
	dir := t.TempDir()
	journalStop(t, dir, "ap-southeast-3")
	reg := stubWait(t, false, job("FAIL", sub(server1, "FAIL", "no")))
	out, errOut, code := runIn(t, reg, dir, nil, "job", "show", "job1")
	if reads := reg.Count(showJob1); code != 0 || reads != 1 || !strings.Contains(out, "web-1") || !strings.Contains(out, "FAIL") {
		t.Fatalf("exit %d, %d reads: %s\n%s", code, reads, errOut, out)
	}
}

// job list shows the journal's server operations, newest first, offline.
func TestJobList(t *testing.T) {
	dir := t.TempDir()
	reg := apitest.New(t)
	_, errOut, code := runIn(t, reg, dir, nil, "job", "list")
	if code != 0 || !strings.Contains(errOut, "No server operations in this machine's journal") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	journalStop(t, dir, "ap-southeast-3")
	out, errOut, code := runIn(t, reg, dir, nil, "job", "list", "-o", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 {
		t.Fatalf("exit %d %v: %s\n%s", code, err, errOut, out)
	}
	if len(rows) != 1 || rows[0]["job_id"] != "job1" || rows[0]["region"] != "ap-southeast-3" || rows[0]["state"] != "accepted" || rows[0]["time"] != "2026-12-04T09:00:00Z" {
		t.Errorf("%v", rows)
	}
	out, _, _ = runIn(t, reg, dir, nil, "job", "list")
	if !strings.Contains(out, "job1") || !strings.Contains(out, "os-stop SOFT") || !strings.Contains(out, "2026-12-04 09:00:00 UTC") {
		t.Errorf("%s", out)
	}
	if len(reg.Requests()) != 0 {
		t.Errorf("job list sent %v", reg.Requests())
	}
}
