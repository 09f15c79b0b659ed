package instancecmd_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/ui"
)

// cloud is a stateful RMS + ECS answered through the Factory's HTTP client
// (an apitest registry, no server): instances listed by RMS, batch actions
// that create jobs, jobs that end after a number of reads, password resets
// and server updates. It checks, for every request that changes a server,
// that the journal already holds the attempt with its Client-Request-Id.
type cloud struct {
	t       *testing.T
	journal string
	reg     *apitest.Registry
	stub    sync.Once

	mu        sync.Mutex
	instances []inst
	reqs      []seen
	// jobAfter: a job ends at its jobAfter-th read; failServer fails that
	// server's sub-job with failReason.
	jobAfter   int
	failServer string
	failReason string
	jobReads   map[string]int
	jobs       map[string][]string // job -> servers
	// answer, when set, answers batch actions (and resets) instead
	answer func(n int, w http.ResponseWriter) bool
	// jobAnswer, when set, answers an ended job's read instead
	jobAnswer func(id string) string
	// serverStatus is what ShowServer says of a server ("" is ACTIVE)
	serverStatus map[string]string
	posts        int
}

type inst struct {
	id, name, region, server string
	project                  string // RMS's project_id; "" is project(region)
}

type seen struct {
	Method, Path, RequestID string
	Body                    string
	Journaled               bool
}

func project(region string) string { return "proj-" + region }

func newCloud(t *testing.T, n int, regions ...string) *cloud {
	c := &cloud{t: t, jobAfter: 2, jobReads: map[string]int{}, jobs: map[string][]string{}}
	for i := 0; i < n; i++ {
		c.instances = append(c.instances, inst{id: fmt.Sprintf("6743d0e3708be6007b8c%04d", i+1), name: fmt.Sprintf("web-%d", i+1),
			region: regions[i%len(regions)], server: fmt.Sprintf("72a270de-665a-4f46-8d64-%012d", i+1)})
	}
	c.reg = apitest.New(t)
	return c
}

// everything matches every request: the cloud routes them itself (what it
// does not know it answers 404, as the old fake server did).
var everything = apitest.Func("any request to the RMS and ECS cloud", apitest.All)

// httpClient is the Factory's HTTP client: the registry, answering every
// request with c.respond. The stub is registered at the first request, so
// a test that sends nothing (and asserts so) leaves no unused stub behind.
func (c *cloud) httpClient() (*http.Client, error) {
	return &http.Client{Transport: firstRequest{c}}, nil
}

// firstRequest registers the cloud's stub when a request first arrives,
// then hands every request to the registry.
type firstRequest struct{ c *cloud }

func (f firstRequest) RoundTrip(req *http.Request) (*http.Response, error) {
	f.c.stub.Do(func() { f.c.reg.Register(everything, f.c.respond).Persist() })
	return f.c.reg.RoundTrip(req)
}

// respond answers q as the cloud: the handler below writes into a
// recorder, whose result is the answer.
func (c *cloud) respond(q *apitest.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	c.serve(rec, q)
	return rec.Result(), nil
}

func (c *cloud) journaled(crid string) bool {
	f, err := os.Open(c.journal)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec struct {
			RequestID string `json:"request_id"`
			State     string `json:"state"`
			Kind      string `json:"kind"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.RequestID == crid && rec.State == "sending" && rec.Kind == "ecs_action" {
			return true
		}
	}
	return false
}

func (c *cloud) serve(w http.ResponseWriter, r *apitest.Request) {
	body := r.Body
	crid := r.Header.Get("Client-Request-Id")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, seen{r.Method, r.URL.Path, crid, string(body), crid != "" && c.journaled(crid)})
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/resource-manager/domains/dom1/all-resources"):
		region := r.URL.Query().Get("region_id")
		var rs []map[string]any
		for _, in := range c.instances {
			if region != "" && in.region != region {
				continue
			}
			proj := in.project
			if proj == "" {
				proj = project(in.region)
			}
			rs = append(rs, map[string]any{"id": in.id, "name": in.name, "region_id": in.region, "project_id": proj,
				"properties": map[string]any{"status": "RUNNING", "resources": []map[string]any{{"logical_resource_type": "huaweicloudinternal_ecs_instance", "physical_resource_id": in.server}}}})
		}
		json.NewEncoder(w).Encode(map[string]any{"resources": rs, "page_info": map[string]any{"current_count": len(rs), "next_marker": nil}})
	case r.Method == "POST" && len(parts) == 4 && parts[2] == "cloudservers" && parts[3] == "action":
		c.posts++
		if c.answer != nil && c.answer(c.posts, w) {
			return
		}
		var req map[string]struct {
			Servers []struct{ ID string } `json:"servers"`
		}
		json.Unmarshal(body, &req)
		id := fmt.Sprintf("job-%d", len(c.jobs)+1)
		for _, v := range req {
			for _, s := range v.Servers {
				c.jobs[id] = append(c.jobs[id], s.ID)
			}
		}
		fmt.Fprintf(w, `{"job_id":%q}`, id)
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "jobs":
		id := parts[3]
		c.jobReads[id]++
		servers, ok := c.jobs[id]
		if !ok {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"Ecs.0005","message":"no such job"}}`)
			return
		}
		status := "RUNNING"
		if c.jobReads[id] >= c.jobAfter {
			status = "SUCCESS"
			if c.jobAnswer != nil {
				io.WriteString(w, c.jobAnswer(id))
				return
			}
		}
		var subs []map[string]any
		overall := status
		for _, s := range servers {
			sub := map[string]any{"status": status, "job_id": id + "-" + s[len(s)-4:], "entities": map[string]any{"server_id": s}}
			if status == "SUCCESS" && s == c.failServer {
				sub["status"], sub["error_code"], sub["fail_reason"] = "FAIL", "Ecs.0103", c.failReason
				sub["entities"].(map[string]any)["errorcode_message"] = c.failReason
				overall = "FAIL"
			}
			subs = append(subs, sub)
		}
		json.NewEncoder(w).Encode(map[string]any{"status": overall, "job_id": id, "job_type": "batchStopServers",
			"entities": map[string]any{"sub_jobs_total": len(subs), "sub_jobs": subs}})
	case r.Method == "PUT" && len(parts) == 4 && parts[3] == "os-reset-passwords":
		c.posts++
		if c.answer != nil && c.answer(c.posts, w) {
			return
		}
		var req struct{ Servers []struct{ ID string } }
		json.Unmarshal(body, &req)
		var out []map[string]string
		for _, s := range req.Servers {
			out = append(out, map[string]string{"id": s.ID})
		}
		json.NewEncoder(w).Encode(map[string]any{"response": out})
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "cloudservers":
		st := c.serverStatus[parts[3]]
		if st == "" {
			st = "ACTIVE"
		}
		fmt.Fprintf(w, `{"server":{"id":%q,"name":"srv","status":%q}}`, parts[3], st)
	case r.Method == "PUT" && len(parts) == 4 && parts[2] == "cloudservers":
		var req struct {
			Server map[string]string `json:"server"`
		}
		json.Unmarshal(body, &req)
		name := "srv"
		if v, ok := req.Server["name"]; ok {
			name = v
		}
		json.NewEncoder(w).Encode(map[string]any{"server": map[string]any{"id": parts[3], "name": name, "description": req.Server["description"],
			"OS-EXT-SRV-ATTR:hostname": req.Server["hostname"], "status": "ACTIVE", "updated": "2024-11-26T02:14:40Z"}})
	default:
		w.WriteHeader(404)
		fmt.Fprintf(w, `{"error":{"code":"X","message":"no route %s %s"}}`, r.Method, r.URL.Path)
	}
}

func (c *cloud) requests(method, suffix string) []seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []seen
	for _, r := range c.reqs {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func (c *cloud) all() []seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seen(nil), c.reqs...)
}

func (c *cloud) jobPolls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.jobReads {
		n += v
	}
	return n
}

type runResult struct {
	out, err string
	code     int
}

// run runs flexusl in-process against the cloud; tty makes every stream a
// terminal; password answers the no-echo prompts.
func (c *cloud) run(t *testing.T, tty bool, stdin, password string, args ...string) runResult {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_TOKEN": token,
		"FLEXUSL_DOMAIN_ID": "dom1", "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": dir}
	for _, a := range args {
		if strings.HasPrefix(a, "FLEXUSL_") || strings.HasPrefix(a, "XDG_") {
			k, v, _ := strings.Cut(a, "=")
			env[k] = v
		}
	}
	var rest []string
	for _, a := range args {
		if !strings.HasPrefix(a, "FLEXUSL_") && !strings.HasPrefix(a, "XDG_") {
			rest = append(rest, a)
		}
	}
	c.journal = filepath.Join(env["XDG_STATE_HOME"], "flexusl", "orders.jsonl")
	io, in, out, errOut := ui.Test()
	io.SetTTY(tty, tty, tty)
	// password: what each prompt reads; several lines are successive
	// entries (the last repeats).
	entries, n := strings.Split(password, "\n"), 0
	io.SetPasswordReader(func(int) ([]byte, error) {
		p := entries[min(n, len(entries)-1)]
		n++
		return []byte(p), nil
	})
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }, HTTPClient: c.httpClient}
	code := cmd.Run(context.Background(), f, rest)
	return runResult{out.String(), errOut.String(), code}
}

func (c *cloud) journalLines(t *testing.T) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(c.journal)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("journal line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

type actionLine struct {
	ID, Name, Region, ServerID, JobID, Status, Error string
}

func decodeActions(t *testing.T, out string) []actionLine {
	t.Helper()
	var raw []map[string]string
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rs []actionLine
	for _, m := range raw {
		for _, k := range []string{"id", "name", "region", "server_id", "job_id", "status", "error"} {
			if _, ok := m[k]; !ok {
				t.Errorf("result lacks %q: %v", k, m)
			}
		}
		rs = append(rs, actionLine{m["id"], m["name"], m["region"], m["server_id"], m["job_id"], m["status"], m["error"]})
	}
	return rs
}

// Stopping 3 instances in 2 regions sends exactly 2 batch requests, each
// journaled before it left, then follows both jobs to their end.
func TestStopBatchesPerRegion(t *testing.T) {
	c := newCloud(t, 3, "tr-west-1", "ap-southeast-3")
	r := c.run(t, false, "", "", "instance", "stop", "web-1", "web-2", "6743d0e3708be6007b8c0003", "--interval", "10ms", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	posts := c.requests("POST", "/cloudservers/action")
	if len(posts) != 2 {
		t.Fatalf("%d batch requests, want 2", len(posts))
	}
	want := map[string]string{
		"/v1/proj-ap-southeast-3/cloudservers/action": `{"os-stop":{"type":"SOFT","servers":[{"id":"72a270de-665a-4f46-8d64-000000000002"}]}}`,
		"/v1/proj-tr-west-1/cloudservers/action":      `{"os-stop":{"type":"SOFT","servers":[{"id":"72a270de-665a-4f46-8d64-000000000001"},{"id":"72a270de-665a-4f46-8d64-000000000003"}]}}`,
	}
	for _, p := range posts {
		if want[p.Path] != p.Body {
			t.Errorf("%s %s", p.Path, p.Body)
		}
		if !p.Journaled {
			t.Errorf("%s was sent before it was journaled", p.RequestID)
		}
	}
	if posts[0].RequestID == posts[1].RequestID {
		t.Error("two batches share a Client-Request-Id")
	}
	rs := decodeActions(t, r.out)
	if len(rs) != 3 {
		t.Fatalf("%v", rs)
	}
	for _, x := range rs {
		if x.Status != "succeeded" || x.JobID == "" || x.ServerID == "" || x.Error != "" {
			t.Errorf("%+v", x)
		}
	}
	// The journal: per batch a sending record, then accepted with the job.
	lines := c.journalLines(t)
	if len(lines) != 4 || lines[0]["state"] != "sending" || lines[1]["state"] != "accepted" || lines[1]["job_ids"] == nil || lines[0]["attempt"] != lines[1]["attempt"] {
		t.Errorf("journal %v", lines)
	}
	if ids := lines[0]["resource_ids"].([]any); len(ids) != 1 || ids[0] != "6743d0e3708be6007b8c0002" || lines[0]["region"] != "ap-southeast-3" {
		t.Errorf("journal %v", lines[0])
	}
	// One read per job per round: each job ends at its second read.
	if p := c.jobPolls(); p != 4 {
		t.Errorf("%d job reads, want 4", p)
	}
	// Table output.
	r = c.run(t, false, "", "", "instance", "stop", "web-1", "--type", "hard", "--interval", "10ms")
	if r.code != 0 || !strings.Contains(r.out, "INSTANCE ID") || !strings.Contains(r.out, "succeeded") || strings.Contains(r.err, "Error") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if p := c.requests("POST", "/cloudservers/action"); !strings.Contains(p[len(p)-1].Body, `"type":"HARD"`) {
		t.Errorf("--type hard sent %s", p[len(p)-1].Body)
	}
}

// 100 instances in one region: one batch request and one job read per
// poll, not 100 of either.
func TestStopHundredInOneRegionCostsOneRequest(t *testing.T) {
	c := newCloud(t, 100, "ap-southeast-1")
	c.jobAfter = 3
	args := []string{"instance", "stop", "--interval", "10ms", "-o", "json"}
	for i := 1; i <= 100; i++ {
		args = append(args, fmt.Sprintf("web-%d", i))
	}
	r := c.run(t, false, "", "", args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if n := len(c.requests("POST", "/cloudservers/action")); n != 1 {
		t.Errorf("%d batch requests", n)
	}
	if n := len(c.requests("GET", "/all-resources")); n != 1 {
		t.Errorf("%d RMS listings", n)
	}
	if p := c.jobPolls(); p != 3 {
		t.Errorf("%d job reads for a job that ends at the third", p)
	}
	if len(decodeActions(t, r.out)) != 100 {
		t.Error("not 100 results")
	}
}

func TestActionExitCodes(t *testing.T) {
	t.Run("failed sub-job exits 4 naming the instance", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3")
		c.failServer, c.failReason = "72a270de-665a-4f46-8d64-000000000002", "Ecs.0103: Server is locked."
		r := c.run(t, false, "", "", "instance", "reboot", "web-1", "web-2", "--interval", "10ms", "-o", "json")
		if r.code != 4 || !strings.Contains(r.err, "1 of 2 instances failed to reboot: web-2 (6743d0e3708be6007b8c0002): Ecs.0103: Server is locked.") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		rs := decodeActions(t, r.out)
		if rs[0].Status != "succeeded" || rs[1].Status != "failed" || rs[1].Error != "Ecs.0103: Server is locked." {
			t.Errorf("%+v", rs)
		}
	})
	t.Run("already stopped only when the server is stopped", func(t *testing.T) {
		// The reason says "already stopped", but the server, read
		// afterwards, is running: a failure (exit 4), never "already
		// stopped". Before: the reason's words decided.
		c := newCloud(t, 1, "ap-southeast-3")
		c.failServer, c.failReason = "72a270de-665a-4f46-8d64-000000000001", "Server 72a2... is already stopped (SHUTOFF)."
		r := c.run(t, false, "", "", "instance", "stop", "web-1", "--interval", "10ms", "-o", "json")
		if rs := decodeActions(t, r.out); r.code != 4 || rs[0].Status != "failed" {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
		}
		c = newCloud(t, 1, "ap-southeast-3")
		c.failServer, c.failReason = "72a270de-665a-4f46-8d64-000000000001", "Ecs.0103: bad state"
		c.serverStatus = map[string]string{"72a270de-665a-4f46-8d64-000000000001": "SHUTOFF"}
		r = c.run(t, false, "", "", "instance", "stop", "web-1", "--interval", "10ms")
		if r.code != 0 || !strings.Contains(r.out, "already_stopped") {
			t.Fatalf("server SHUTOFF: exit %d\n%s\n%s", r.code, r.out, r.err)
		}
	})
	t.Run("a job that does not name the server is an unknown outcome", func(t *testing.T) {
		// SUCCESS with sub-jobs about another server, or none: not
		// "stopped". Before: both instances read "stopped", exit 0.
		for _, answer := range []string{
			`{"status":"SUCCESS","job_id":"job-1","entities":{"sub_jobs_total":1,"sub_jobs":[{"status":"SUCCESS","entities":{"server_id":"72a270de-665a-4f46-8d64-0000000000ff"}}]}}`,
			`{"status":"SUCCESS","job_id":"job-1","entities":{}}`,
		} {
			c := newCloud(t, 2, "ap-southeast-3")
			c.jobAnswer = func(string) string { return answer }
			r := c.run(t, false, "", "", "instance", "stop", "web-1", "web-2", "--interval", "10ms", "-o", "json")
			if r.code != 1 || !strings.Contains(r.err, "outcome for 2 of 2 instances is unknown") || !strings.Contains(r.err, "Do not run the command again") {
				t.Fatalf("%s: exit %d\n%s", answer, r.code, r.err)
			}
			if rs := decodeActions(t, r.out); rs[0].Status != "unknown" || rs[1].Status != "unknown" {
				t.Errorf("%+v", rs)
			}
		}
	})
	t.Run("already running is no error", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3")
		c.failServer, c.failReason = "72a270de-665a-4f46-8d64-000000000001", "Server 72a2... is already running (ACTIVE)."
		r := c.run(t, false, "", "", "instance", "start", "web-1", "web-2", "--interval", "10ms")
		if r.code != 0 || !strings.Contains(r.out, "already_running") || !strings.Contains(r.out, "succeeded") {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
		}
	})
	t.Run("500 on the batch is an unknown outcome, sent once, journaled", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		c.answer = func(n int, w http.ResponseWriter) bool {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"code":"Ecs.0000","message":"internal error"}}`)
			return true
		}
		r := c.run(t, false, "", "", "instance", "stop", "web-1", "--interval", "10ms", "-o", "json")
		posts := c.requests("POST", "/cloudservers/action")
		if r.code != 1 || len(posts) != 1 || !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, posts[0].RequestID) ||
			strings.Contains(strings.ToLower(r.err), "try again") || !strings.Contains(r.err, "Do not run the command again") {
			t.Fatalf("exit %d, %d posts: %s", r.code, len(posts), r.err)
		}
		if rs := decodeActions(t, r.out); rs[0].Status != "unknown" || rs[0].JobID != "" {
			t.Errorf("%+v", rs)
		}
		lines := c.journalLines(t)
		if len(lines) != 2 || lines[1]["state"] != "unknown" || lines[0]["request_id"] != posts[0].RequestID || !posts[0].Journaled {
			t.Errorf("journal %v", lines)
		}
		if c.jobPolls() != 0 {
			t.Error("polled a job that was never created")
		}
	})
	t.Run("429 is retried with the same request", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		c.answer = func(n int, w http.ResponseWriter) bool {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(429)
				return true
			}
			return false
		}
		r := c.run(t, false, "", "", "instance", "stop", "web-1", "--interval", "10ms")
		posts := c.requests("POST", "/cloudservers/action")
		if r.code != 0 || len(posts) != 2 || posts[0].RequestID != posts[1].RequestID || posts[0].Body != posts[1].Body {
			t.Fatalf("exit %d, %d posts: %s", r.code, len(posts), r.err)
		}
		if !strings.Contains(r.err, "rate limited") {
			t.Errorf("retry not announced: %s", r.err)
		}
	})
	t.Run("timeout exits 5 with the resume command and the results", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		c.jobAfter = 1 << 30
		r := c.run(t, false, "", "", "instance", "stop", "web-1", "--interval", "10ms", "--timeout", "50ms", "-o", "json")
		if r.code != 5 || !strings.Contains(r.err, "flexusl job wait job-1 --region ap-southeast-3") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		if rs := decodeActions(t, r.out); rs[0].Status != "running" || rs[0].JobID != "job-1" {
			t.Errorf("%+v", rs)
		}
	})
	t.Run("no-wait returns the job", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3", "tr-west-1")
		r := c.run(t, false, "", "", "instance", "reboot", "web-1", "web-2", "--no-wait", "-o", "json")
		if r.code != 0 || c.jobPolls() != 0 || !strings.Contains(r.err, "flexusl job wait job-1 --region ap-southeast-3") || !strings.Contains(r.err, "job-2 --region tr-west-1") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		for _, x := range decodeActions(t, r.out) {
			if x.Status != "submitted" || x.JobID == "" {
				t.Errorf("%+v", x)
			}
		}
	})
}

// Bad input exits 2 and sends nothing that changes a server.
func TestActionBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		args    []string
		want    string
		listing bool // one RMS listing happened (the instance is looked up)
	}{
		"no instance":       {[]string{"instance", "stop"}, "takes at least one instance ID or name", false},
		"bad type":          {[]string{"instance", "stop", "web-1", "--type", "gentle"}, `--type "gentle": is not a stop or reboot type; allowed: soft, hard`, false},
		"start has no type": {[]string{"instance", "start", "web-1", "--type", "hard"}, "unknown flag: --type", false},
		"zero timeout":      {[]string{"instance", "stop", "web-1", "--timeout", "0s"}, "must be positive", false},
		"control character": {[]string{"instance", "stop", "web\x1b[2J"}, "control character", false},
		"unknown instance":  {[]string{"instance", "stop", "web-9"}, `no instance with ID or name "web-9" in any region`, true},
		"other region":      {[]string{"instance", "stop", "web-1", "--region", "tr-west-1"}, `"web-1" in tr-west-1`, true},
		"bad output":        {[]string{"instance", "stop", "web-1", "-o", "xml"}, "xml", false},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCloud(t, 2, "ap-southeast-3")
			r := c.run(t, false, "", "", tc.args...)
			if r.code != 2 || !strings.Contains(r.err, tc.want) {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			all := c.all()
			if (len(all) == 1) != tc.listing || len(c.requests("POST", "")) != 0 {
				t.Errorf("requests %+v", all)
			}
		})
	}
}

// Completion is offline: --type's values, and instance IDs from the
// journal's purchases (newest first, not repeating typed ones).
func TestServerOperationCompletion(t *testing.T) {
	c := newCloud(t, 0, "x")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "flexusl"), 0o700)
	os.WriteFile(filepath.Join(dir, "flexusl", "orders.jsonl"), []byte(
		`{"time":"2026-11-01T00:00:00Z","region":"tr-west-1","name":"old","order_id":"CS1","instance_ids":["aaaaaaaaaaaaaaaaaaaaaaaa"],"state":"accepted"}`+"\n"+
			`{"time":"2026-11-03T00:00:00Z","region":"me-east-1","name":"new","order_id":"CS2","instance_ids":["bbbbbbbbbbbbbbbbbbbbbbbb","cccccccccccccccccccccccc"],"state":"accepted"}`+"\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"instance", "stop", "--type", ""}, "soft|hard"},
		{[]string{"instance", "reboot", "--type", ""}, "soft|hard"},
		{[]string{"instance", "stop", ""}, "bbbbbbbbbbbbbbbbbbbbbbbb\tnew me-east-1|cccccccccccccccccccccccc\tnew me-east-1|aaaaaaaaaaaaaaaaaaaaaaaa\told tr-west-1"},
		{[]string{"instance", "start", "bbbbbbbbbbbbbbbbbbbbbbbb", "a"}, "aaaaaaaaaaaaaaaaaaaaaaaa\told tr-west-1"},
		{[]string{"instance", "update", "aaaaaaaaaaaaaaaaaaaaaaaa", ""}, ""},
	} {
		r := c.run(t, false, "", "", append(append([]string{"__complete"}, tc.args...), "XDG_STATE_HOME="+dir)...)
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
			if l != "" && !strings.HasPrefix(l, ":") {
				got = append(got, l)
			}
		}
		if r.code != 0 || strings.Join(got, "|") != tc.want {
			t.Errorf("%v: exit %d, got %q, want %q", tc.args, r.code, strings.Join(got, "|"), tc.want)
		}
	}
	if len(c.all()) != 0 {
		t.Error("completion used the network")
	}
}

// Ctrl-C while waiting: exit 130, the results so far on stdout, the
// command that resumes the wait on stderr; the job was created once.
func TestActionInterruptedWhileWaiting(t *testing.T) {
	c := newCloud(t, 1, "me-east-1")
	c.jobAfter = 1 << 30
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_TOKEN": token,
		"FLEXUSL_DOMAIN_ID": "dom1", "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": dir}
	c.journal = filepath.Join(dir, "flexusl", "orders.jsonl")
	io, _, out, errOut := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }, HTTPClient: c.httpClient}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for c.jobPolls() < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	code := cmd.Run(ctx, f, []string{"instance", "stop", "web-1", "--interval", "10ms", "-o", "json"})
	if code != 130 || !strings.Contains(errOut.String(), "interrupted while waiting for job job-1") ||
		!strings.Contains(errOut.String(), "resume with: flexusl job wait job-1 --region me-east-1") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if rs := decodeActions(t, out.String()); len(rs) != 1 || rs[0].Status != "running" || rs[0].JobID != "job-1" {
		t.Errorf("%+v", rs)
	}
	if n := len(c.requests("POST", "/cloudservers/action")); n != 1 {
		t.Errorf("%d batch requests", n)
	}
}

// Two instances that RMS lists with the same server: stop (and every
// server operation) exits 2 naming both, and nothing is sent (issue 18,
// item 12).
func TestActionRefusesInstancesSharingAServer(t *testing.T) {
	c := newCloud(t, 2, "ap-southeast-3")
	c.instances[1].server = c.instances[0].server
	for _, args := range [][]string{{"instance", "stop", "web-1", "web-2"}, {"instance", "reboot", "web-1", "web-2", "--no-wait"}} {
		r := c.run(t, false, "", "", args...)
		if r.code != 2 || !strings.Contains(r.err, "web-2 (6743d0e3708be6007b8c0002)") ||
			!strings.Contains(r.err, "RMS lists its ECS server 72a270de-665a-4f46-8d64-000000000001 for web-1 (6743d0e3708be6007b8c0001) too") {
			t.Errorf("%v: exit %d: %s", args, r.code, r.err)
		}
	}
	if len(c.requests("POST", "")) != 0 {
		t.Errorf("sent: %+v", c.all())
	}
}
