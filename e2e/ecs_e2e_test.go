package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/rogpeppe/go-internal/testscript"
)

// The script command `ecs` inspects the sandbox for the server operations
// (instance start|stop|reboot|reset-password|update, job wait); `sandbox
// provision`, `job-after` and `requests` prepare it and count requests:
//
//	ecs one-request-id ROUTE [N]     every request of ROUTE (or its last N) carried the same Client-Request-Id
//	ecs status NAME STATUS           the server of instance NAME is STATUS (ACTIVE, SHUTOFF...)
//	ecs resets NAME N                the password of NAME's server was reset N times
//	ecs fail-job NAME                the next batch action fails NAME's sub-job
//	ecs control-lacks PATH VAR       the control API's answer at PATH lacks $VAR (literal)
//	ecs job-of REGION VAR            set $VAR to the job ID of REGION in stdout (instance ... -o json)
//	ecs server NAME KEY VALUE        ECS ShowServer of NAME's server has KEY (a top-level string) = VALUE
func cmdECS(ts *testscript.TestScript, neg bool, args []string) {
	s := ts.Value("sandbox").(*sandbox.Server)
	if len(args) == 0 {
		ts.Fatalf("usage: ecs one-request-id|status|resets|fail-job|control-lacks|job-of|server ...")
	}
	check := func(ok bool, format string, a ...any) {
		if ok == neg {
			ts.Fatalf(format, a...)
		}
	}
	of := func(route string) []sandbox.LoggedRequest {
		var out []sandbox.LoggedRequest
		for _, r := range s.Requests() {
			if r.Route == route {
				out = append(out, r)
			}
		}
		return out
	}
	instance := func(name string) sandbox.InstanceSummary {
		for _, in := range s.Instances() {
			if in.Name == name {
				return in
			}
		}
		ts.Fatalf("the sandbox has no instance %s", name)
		return sandbox.InstanceSummary{}
	}
	switch args[0] {
	case "one-request-id":
		rs := of(args[1])
		if len(args) > 2 {
			n, _ := strconv.Atoi(args[2])
			rs = rs[max(0, len(rs)-n):]
		}
		ids := map[string]bool{}
		for _, r := range rs {
			ids[strings.Join(r.Header["Client-Request-Id"], ",")] = true
		}
		check(len(ids) == 1, "%s requests carried %d Client-Request-Ids, want 1", args[1], len(ids))
	case "status":
		got := instance(args[1]).ServerStatus
		check(got == args[2], "the server of %s is %s, want %s", args[1], got, args[2])
	case "resets":
		n, _ := strconv.Atoi(args[2])
		got := instance(args[1]).PasswordResets
		check(got == n, "the password of %s was reset %d times, want %d", args[1], got, n)
	case "fail-job":
		ts.Check(s.AddFault(sandbox.Fault{Route: sandbox.RouteECSAction, Kind: sandbox.FaultJobFail, ServerID: instance(args[1]).ServerID}))
	case "control-lacks":
		resp, err := http.Get(ts.Getenv("SANDBOX_URL") + args[1])
		ts.Check(err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ts.Check(err)
		secret := ts.Getenv(args[2])
		if secret == "" || resp.StatusCode != 200 {
			ts.Fatalf("control-lacks: $%s is empty or %s answered %d", args[2], args[1], resp.StatusCode)
		}
		check(!strings.Contains(string(body), secret), "%s holds the value of $%s", args[1], args[2])
	case "job-of":
		var rs []struct {
			Region string `json:"region"`
			JobID  string `json:"job_id"`
		}
		ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &rs))
		for _, r := range rs {
			if r.Region == args[1] && r.JobID != "" {
				ts.Setenv(args[2], r.JobID)
				return
			}
		}
		ts.Fatalf("stdout has no job in %s", args[1])
	case "server":
		in := instance(args[1])
		req, err := http.NewRequest("GET", ts.Getenv("SANDBOX_URL")+"/v1/"+in.ProjectID+"/cloudservers/"+in.ServerID, nil)
		ts.Check(err)
		req.Header.Set("X-Auth-Token", ts.Getenv("SANDBOX_TOKEN"))
		resp, err := http.DefaultClient.Do(req)
		ts.Check(err)
		defer resp.Body.Close()
		var v struct {
			Server map[string]any `json:"server"`
		}
		ts.Check(json.NewDecoder(resp.Body).Decode(&v))
		got, _ := v.Server[args[2]].(string)
		check(got == args[3], "the server of %s has %s %q, want %q", args[1], args[2], got, args[3])
	default:
		ts.Fatalf("ecs: unknown subcommand %q (want one of %s)", args[0],
			strings.Join(slices.Sorted(slices.Values([]string{"one-request-id", "status", "resets", "fail-job", "control-lacks", "job-of", "server"})), ", "))
	}
}
