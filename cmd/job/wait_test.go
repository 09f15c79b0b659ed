package jobcmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
)

const (
	server1 = "72a270de-665a-4f46-8d64-24ad6edccdd1"
	server2 = "72a270de-665a-4f46-8d64-24ad6edccdd2"
)

// fake answers ShowJob with answers[i] for the i-th read (the last one
// repeats), IAM's project look-up, and an RMS listing that knows server1.
type fake struct {
	mu      sync.Mutex
	answers []string
	reads   int
	paths   []string
	rmsFail bool
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	switch {
	case r.URL.Path == "/v3/projects":
		io.WriteString(w, `{"projects":[{"id":"proj-ap3","name":"ap-southeast-3"}]}`)
	case strings.HasSuffix(r.URL.Path, "/all-resources"):
		if f.rmsFail {
			w.WriteHeader(403)
			io.WriteString(w, `{"error_code":"RMS.00010003","error_msg":"no permission"}`)
			return
		}
		fmt.Fprintf(w, `{"resources":[{"id":"6743d0e3708be6007b8c8012","name":"web-1","region_id":"ap-southeast-3","properties":{"resources":[{"logical_resource_type":"huaweicloudinternal_ecs_instance","physical_resource_id":%q}]}}],"page_info":{"next_marker":null}}`, server1)
	case r.URL.Path == "/v1/proj-ap3/jobs/job1":
		a := f.answers[min(f.reads, len(f.answers)-1)]
		f.reads++
		if strings.HasPrefix(a, "HTTP ") {
			var code int
			fmt.Sscanf(a, "HTTP %d", &code)
			w.WriteHeader(code)
			return
		}
		io.WriteString(w, a)
	default:
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"Ecs.0005","message":"no such job"}}`)
	}
}

func run(t *testing.T, f *fake, args ...string) (string, string, int) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_RMS_ENDPOINT": srv.URL, "FLEXUSL_ECS_ENDPOINT": srv.URL, "FLEXUSL_VPC_ENDPOINT": srv.URL, "FLEXUSL_IAM_ENDPOINT": srv.URL, "FLEXUSL_TOKEN": "t",
		"FLEXUSL_DOMAIN_ID": "dom1", "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": dir}
	io, _, out, errOut := ui.Test()
	fc := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }}
	code := cmd.Run(context.Background(), fc, append([]string{"job", "wait"}, args...))
	return out.String(), errOut.String(), code
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
	f := &fake{answers: []string{job("RUNNING", sub(server1, "RUNNING", ""), sub(server2, "INIT", "")), "HTTP 503",
		job("SUCCESS", sub(server1, "SUCCESS", ""), sub(server2, "SUCCESS", ""))}}
	out, errOut, code := run(t, f, "job1", "--region", "ap-southeast-3", "--interval", "10ms", "-o", "json")
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
	if f.reads != 3 || !strings.Contains(errOut, "RUNNING (0 of 2 servers done)") {
		t.Errorf("%d reads: %s", f.reads, errOut)
	}
}

func TestJobWaitFailureNamesInstance(t *testing.T) {
	f := &fake{answers: []string{job("FAIL", sub(server1, "FAIL", "Instance[x] could not be found."), sub(server2, "SUCCESS", ""))}}
	out, errOut, code := run(t, f, "job1", "--region", "ap-southeast-3", "--interval", "10ms")
	if code != 4 || !strings.Contains(errOut, "job job1 (FAIL) failed for 1 of 2 servers: web-1 (6743d0e3708be6007b8c8012): Ecs.0114: Instance[x] could not be found.") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "INSTANCE ID") || !strings.Contains(out, "FAIL") {
		t.Errorf("%s", out)
	}
	// Without RMS the servers are still shown, with a warning.
	f = &fake{answers: f.answers, rmsFail: true}
	out, errOut, code = run(t, f, "job1", "--region", "ap-southeast-3", "--interval", "10ms", "-o", "json")
	if code != 4 || !strings.Contains(errOut, "without their instances") || !strings.Contains(errOut, "server "+server1) || !strings.Contains(out, server1) {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
}

func TestJobWaitEnds(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		f := &fake{answers: []string{job("RUNNING")}}
		out, errOut, code := run(t, f, "job1", "--region", "ap-southeast-3", "--interval", "10ms", "--timeout", "50ms")
		if code != 5 || out != "" || !strings.Contains(errOut, "resume with: flexusl job wait job1 --region ap-southeast-3") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("no region", func(t *testing.T) {
		f := &fake{}
		_, errOut, code := run(t, f, "job1")
		if code != 2 || !strings.Contains(errOut, "--region") || len(f.paths) != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("bad job ID", func(t *testing.T) {
		f := &fake{}
		_, errOut, code := run(t, f, "../x", "--region", "ap-southeast-3")
		if code != 2 || len(f.paths) != 0 {
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
			f := &fake{}
			_, errOut, code := run(t, f, args...)
			if code != 2 || len(f.paths) != 0 || !strings.Contains(errOut, "nothing was sent") || strings.Contains(errOut, "resume with") {
				t.Errorf("%q: exit %d: %s", args, code, errOut)
			}
		}
	})
	t.Run("unknown job: exit 2, as an unknown order or instance", func(t *testing.T) {
		f := &fake{}
		_, errOut, code := run(t, f, "nojob", "--region", "ap-southeast-3")
		if code != 2 || !strings.Contains(errOut, "no job nojob in ap-southeast-3") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

// A job that ends SUCCESS with a failed sub-job exits 4, as instance stop
// does for the same answer, naming the server. Before: exit 0.
func TestJobWaitFailedSubJobOfASuccessfulJobExits4(t *testing.T) {
	f := &fake{answers: []string{job("SUCCESS", sub(server1, "FAIL", "Instance[x] could not be found."), sub(server2, "SUCCESS", ""))}}
	_, errOut, code := run(t, f, "job1", "--region", "ap-southeast-3", "--interval", "10ms")
	if code != 4 || !strings.Contains(errOut, "job job1 (SUCCESS) failed for 1 of 2 servers: web-1 (6743d0e3708be6007b8c8012): Ecs.0114") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
