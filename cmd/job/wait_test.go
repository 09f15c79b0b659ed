package jobcmd_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

const (
	server1 = "72a270de-665a-4f46-8d64-24ad6edccdd1"
	server2 = "72a270de-665a-4f46-8d64-24ad6edccdd2"
)

// project is ap-southeast-3's project ID in IAM's documented project list
// (testdata/wire/iam/projects.response.json), which knows no other region.
const project = "067cf8aecf3e4d6b9b4a5c0e1f2d3c4b"

var (
	projects = apitest.REST("GET", "/v3/projects")
	rms      = apitest.REST("GET", "/v1/resource-manager/domains/dom1/all-resources")
	showJob1 = apitest.REST("GET", "/v1/"+project+"/jobs/job1")
)

// stubProjects answers IAM's project look-ups with the documented list.
func stubProjects(t *testing.T, reg *apitest.Registry) {
	reg.Register(projects, apitest.Wire(t, 200, "iam/projects.response.json")).Persist()
}

// stubRMS answers RMS listings with one that knows server1, or with a
// refusal (403) when fail is set.
func stubRMS(reg *apitest.Registry, fail bool) {
	if fail {
		reg.Register(rms, apitest.String(403, `{"error_code":"RMS.00010003","error_msg":"no permission"}`)).Persist()
		return
	}
	reg.Register(rms, apitest.String(200, fmt.Sprintf(`{"resources":[{"id":"6743d0e3708be6007b8c8012","name":"web-1","region_id":"ap-southeast-3","properties":{"resources":[{"logical_resource_type":"huaweicloudinternal_ecs_instance","physical_resource_id":%q}]}}],"page_info":{"next_marker":null}}`, server1))).Persist()
}

// stubJob answers ShowJob job1 with answers in turn, the last one
// repeating; an answer "HTTP n" is status n with no body.
func stubJob(reg *apitest.Registry, answers ...string) {
	for i, a := range answers {
		var resp apitest.Responder
		if code, ok := strings.CutPrefix(a, "HTTP "); ok {
			n, _ := strconv.Atoi(code)
			resp = apitest.Status(n)
		} else {
			resp = apitest.String(200, a)
		}
		s := reg.Register(showJob1, resp)
		if i == len(answers)-1 {
			s.Persist()
		}
	}
}

// stubWait answers a job wait in ap-southeast-3: IAM's projects, RMS (or
// its refusal) and job1's answers.
func stubWait(t *testing.T, rmsFail bool, answers ...string) *apitest.Registry {
	reg := apitest.New(t)
	stubProjects(t, reg)
	stubRMS(reg, rmsFail)
	stubJob(reg, answers...)
	return reg
}

// run runs `flexusl job wait args` with reg answering its API calls.
func run(t *testing.T, reg *apitest.Registry, args ...string) (string, string, int) {
	t.Helper()
	return runIn(t, reg, t.TempDir(), nil, append([]string{"job", "wait"}, args...)...)
}

func job(status string, subs ...string) string {
	return fmt.Sprintf(`{"status":%q,"job_id":"job1","job_type":"batchStopServers","begin_time":"2024-11-26T02:20:11.052Z","entities":{"sub_jobs_total":%d,"sub_jobs":[%s]}}`,
		status, len(subs), strings.Join(subs, ","))
}

func sub(server, status, reason string) string {
	if reason == "" {
		return fmt.Sprintf(`{"status":%q,"job_id":"s-%s","entities":{"server_id":%q}}`, status, server[len(server)-3:], server)
	}
	return fmt.Sprintf(`{"status":%q,"job_id":"s-%s","error_code":"Ecs.0114","fail_reason":"Ecs.0114: %s","entities":{"server_id":%q,"errorcode_message":%q}}`,
		status, server[len(server)-3:], reason, server, reason)
}

func TestJobWaitSuccess(t *testing.T) {
	reg := stubWait(t, false, job("RUNNING", sub(server1, "RUNNING", ""), sub(server2, "INIT", "")), "HTTP 503",
		job("SUCCESS", sub(server1, "SUCCESS", ""), sub(server2, "SUCCESS", "")))
	out, errOut, code := run(t, reg, "job1", "--region", "ap-southeast-3", "--interval", "10ms", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		JobID          string `json:"job_id"`
		Region, Status string
		SubJobs        []map[string]string `json:"sub_jobs"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err, out)
	}
	if v.JobID != "job1" || v.Status != "SUCCESS" || v.Region != "ap-southeast-3" || len(v.SubJobs) != 2 {
		t.Fatalf("%+v", v)
	}
	if s := v.SubJobs[0]; s["instance_id"] != "6743d0e3708be6007b8c8012" || s["name"] != "web-1" || s["server_id"] != server1 || s["status"] != "SUCCESS" {
		t.Errorf("%v", s)
	}
	if s := v.SubJobs[1]; s["instance_id"] != "" || s["server_id"] != server2 {
		t.Errorf("%v", s)
	}
	if reads := reg.Count(showJob1); reads != 3 || !strings.Contains(errOut, "RUNNING (0 of 2 servers done)") {
		t.Errorf("%d reads: %s", reads, errOut)
	}
}

func TestJobWaitFailureNamesInstance(t *testing.T) {
	answer := job("FAIL", sub(server1, "FAIL", "Instance[x] could not be found."), sub(server2, "SUCCESS", ""))
	out, errOut, code := run(t, stubWait(t, false, answer), "job1", "--region", "ap-southeast-3", "--interval", "10ms")
	if code != 4 || !strings.Contains(errOut, "job job1 (FAIL) failed for 1 of 2 servers: web-1 (6743d0e3708be6007b8c8012): Ecs.0114: Instance[x] could not be found.") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "INSTANCE ID") || !strings.Contains(out, "FAIL") {
		t.Errorf("%s", out)
	}
	// Without RMS the servers are still shown, with a warning.
	out, errOut, code = run(t, stubWait(t, true, answer), "job1", "--region", "ap-southeast-3", "--interval", "10ms", "-o", "json")
	if code != 4 || !strings.Contains(errOut, "without their instances") || !strings.Contains(errOut, "server "+server1) || !strings.Contains(out, server1) {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
}

func TestJobWaitEnds(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		reg := apitest.New(t) // a job without sub-jobs: no server to look up in RMS
		stubProjects(t, reg)
		stubJob(reg, job("RUNNING"))
		out, errOut, code := run(t, reg, "job1", "--region", "ap-southeast-3", "--interval", "10ms", "--timeout", "50ms")
		if code != 5 || out != "" || !strings.Contains(errOut, "resume with: flexusl job wait job1 --region ap-southeast-3") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("no region", func(t *testing.T) {
		reg := apitest.New(t)
		_, errOut, code := run(t, reg, "job1")
		if code != 2 || !strings.Contains(errOut, "--region") || len(reg.Requests()) != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("bad job ID", func(t *testing.T) {
		reg := apitest.New(t)
		_, errOut, code := run(t, reg, "../x", "--region", "ap-southeast-3")
		if code != 2 || len(reg.Requests()) != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("job ID or region that is not one", func(t *testing.T) {
		for _, args := range [][]string{
			{"x $(touch /tmp/PWNED) ; echo", "--region", "ap-southeast-3"},
			{strings.Repeat("f", 65), "--region", "ap-southeast-3"},
			{"job.1", "--region", "ap-southeast-3"},
			{"job1", "--region", "x.attacker.example/#"},
			{"job1", "--region", "ap-southeast-3; id"},
		} {
			reg := apitest.New(t)
			_, errOut, code := run(t, reg, args...)
			if code != 2 || len(reg.Requests()) != 0 || !strings.Contains(errOut, "nothing was sent") || strings.Contains(errOut, "resume with") {
				t.Errorf("%q: exit %d: %s", args, code, errOut)
			}
		}
	})
	t.Run("unknown job: exit 2, as an unknown order or instance", func(t *testing.T) {
		reg := apitest.New(t)
		stubProjects(t, reg)
		reg.Register(apitest.REST("GET", "/v1/"+project+"/jobs/nojob"), apitest.String(404, `{"error":{"code":"Ecs.0005","message":"no such job"}}`))
		_, errOut, code := run(t, reg, "nojob", "--region", "ap-southeast-3")
		if code != 2 || !strings.Contains(errOut, "no job nojob in ap-southeast-3") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

// A job that ends SUCCESS with a failed sub-job exits 4, as instance stop
// does for the same answer, naming the server. Before: exit 0.
func TestJobWaitFailedSubJobOfASuccessfulJobExits4(t *testing.T) {
	reg := stubWait(t, false, job("SUCCESS", sub(server1, "FAIL", "Instance[x] could not be found."), sub(server2, "SUCCESS", "")))
	_, errOut, code := run(t, reg, "job1", "--region", "ap-southeast-3", "--interval", "10ms")
	if code != 4 || !strings.Contains(errOut, "job job1 (SUCCESS) failed for 1 of 2 servers: web-1 (6743d0e3708be6007b8c8012): Ecs.0114") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
