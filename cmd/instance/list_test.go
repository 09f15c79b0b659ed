package instancecmd_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

func TestListTableAndJSON(t *testing.T) {
	web1 := entry("6743d0e3708be6007b8c8012", "web-1", "ap-southeast-3", "RUNNING", "203.0.113.7", map[string]string{"env": "prod"})
	db := entry("6743d0e3708be6007b8c8013", "db", "tr-west-1", "STOPPED", "", nil)
	app := entry("6743d0e3708be6007b8c8014", "app", "ap-southeast-3", "RUNNING", "203.0.113.9", nil)
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", web1, db, app))
	reg.Register(subsQuery, subscriptions(subscription))

	out, errOut, code := runStub(t, reg, nil, "instance", "list")
	want := "ID                        NAME   REGION          STATUS   SPEC                  PUBLIC IP    EXPIRES                  CREATED\n" +
		"6743d0e3708be6007b8c8014  app    ap-southeast-3  RUNNING  hf.large.1.30m.linux  203.0.113.9  -                        2026-11-20 10:00:00 UTC\n" +
		"6743d0e3708be6007b8c8012  web-1  ap-southeast-3  RUNNING  hf.large.1.30m.linux  203.0.113.7  2026-12-20 15:59:59 UTC  2026-11-20 10:00:00 UTC\n" +
		"6743d0e3708be6007b8c8013  db     tr-west-1       STOPPED  hf.large.1.30m.linux  -            -                        2026-11-20 10:00:00 UTC\n"
	if code != 0 || out != want || errOut != "" {
		t.Errorf("exit %d\n%s\nstderr %q", code, out, errOut)
	}
	// One RMS listing of every region, 200 a page, the documented type;
	// then one BSS query for the expiry dates.
	if reg.Count(rmsList()) != 1 || reg.Count(subsQuery) != 1 || len(reg.Requests()) != 2 {
		t.Errorf("requests %v", lines(reg))
	}

	reg = apitest.New(t)
	reg.Register(rmsList("region_id", "tr-west-1"), listing("", db))
	reg.Register(subsQuery, subscriptions())
	out, _, code = runStub(t, reg, nil, "instance", "ls", "-o", "json", "--region", "tr-west-1")
	var vs []map[string]any
	if err := json.Unmarshal([]byte(out), &vs); err != nil || code != 0 || len(vs) != 1 {
		t.Fatalf("exit %d %v\n%s", code, err, out)
	}
	if keysOf(vs[0]) != "charging_mode,created,expires,id,name,order_id,public_ip,region,server_id,spec,status,tags" ||
		vs[0]["public_ip"] != "" || vs[0]["server_id"] != "srv-6743d0e3708be6007b8c8013" || vs[0]["order_id"] != "CS2611201000AAAAA" ||
		vs[0]["charging_mode"] != "prePaid" || fmt.Sprint(vs[0]["tags"]) != "map[]" {
		t.Errorf("%v", vs[0])
	}
	if rs := lines(reg); !strings.Contains(rs[len(rs)-2], "region_id=tr-west-1") {
		t.Errorf("region not sent: %v", rs)
	}
	// JSON keys keep the order.
	if !strings.HasPrefix(strings.Join(strings.Fields(out), " "), `[ { "id": "6743d0e3708be6007b8c8013", "name": "db", "region": "tr-west-1", "status": "STOPPED", "spec": "hf.large.1.30m.linux", "public_ip": "", "expires": "", "server_id":`) {
		t.Errorf("order: %s", out)
	}

	reg = apitest.New(t)
	reg.Register(rmsList(), listing("", web1, db, app))
	reg.Register(subsQuery, subscriptions(subscription))
	out, _, _ = runStub(t, reg, nil, "instance", "list", "--status", "running", "-o", "yaml")
	if strings.Count(out, "- id: ") != 2 || !strings.Contains(out, "env: prod") {
		t.Errorf("yaml:\n%s", out)
	}
	reg = apitest.New(t)
	reg.Register(rmsList("name", "web-1"), listing("", web1))
	reg.Register(subsQuery, subscriptions(subscription))
	out, _, _ = runStub(t, reg, nil, "instance", "list", "--name", "web-1", "-o", "json")
	if strings.Count(out, `"id"`) != 1 || !strings.Contains(out, `"public_ip": "203.0.113.7"`) {
		t.Errorf("--name: %s", out)
	}
	if rs := lines(reg); !strings.Contains(rs[len(rs)-2], "name=web-1") {
		t.Errorf("name not sent to RMS: %v", rs[len(rs)-2])
	}
}

// Without billing permission the listing is still printed, with a warning
// saying why the expiry dates are missing.
func TestListWithoutBSS(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", entry("6743d0e3708be6007b8c8012", "web-1", "ap-southeast-3", "RUNNING", "203.0.113.7", nil)))
	reg.Register(subsQuery, apitest.String(403, injected403))
	out, errOut, code := runStub(t, reg, nil, "instance", "list")
	if code != 0 || !strings.Contains(out, "web-1") || !strings.Contains(errOut, "expiry dates are not shown: ") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// Nothing found: an empty result on stdout, the reason on stderr, exit 0.
func TestListEmpty(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing(""))
	reg.Register(rmsList("region_id", "me-east-1"), listing(""))
	out, errOut, code := runStub(t, reg, nil, "instance", "list")
	if code != 0 || out != "" || errOut != "No instances found in any region.\n" {
		t.Errorf("exit %d %q %q", code, out, errOut)
	}
	out, errOut, code = runStub(t, reg, nil, "instance", "list", "--region", "me-east-1", "--status", "stopped", "-o", "json")
	if code != 0 || out != "[]\n" || errOut != "No instances found in me-east-1 with status stopped.\n" {
		t.Errorf("exit %d %q %q", code, out, errOut)
	}
}

// Bad input exits 2 before anything is sent.
func TestListInvalidSendsNothing(t *testing.T) {
	reg := apitest.New(t)
	for _, args := range [][]string{
		{"--region", "eu-west-0"},
		{"--status", "run\x01"},
		{"--name", strings.Repeat("n", 129)},
		{"extra"},
		{"-o", "xml"},
	} {
		out, errOut, code := runStub(t, reg, nil, append([]string{"instance", "list"}, args...)...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "Error: ") {
			t.Errorf("%q: exit %d %q %q", args, code, out, errOut)
		}
	}
	_, errOut, _ := runStub(t, reg, nil, "instance", "list", "--region", "eu-west-0")
	if !strings.Contains(errOut, `--region (region) "eu-west-0": is not a FlexusL region`) {
		t.Errorf("%s", errOut)
	}
	if len(reg.Requests()) != 0 {
		t.Errorf("sent %v", lines(reg))
	}
	// The profile's region does not narrow the listing.
	reg.Register(rmsList(), listing(""))
	runStub(t, reg, map[string]string{"FLEXUSL_REGION": "tr-west-1"}, "instance", "list")
	if rs := lines(reg); len(rs) != 1 || strings.Contains(rs[0], "region_id") {
		t.Errorf("%v", rs)
	}
}

// Failures: a refused listing is the API error (403: exit 3, with the
// permission); 5xx are retried.
func TestListErrors(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), apitest.String(403, injected403))
	out, errOut, code := runStub(t, reg, nil, "instance", "list")
	if code != 3 || out != "" || !strings.Contains(errOut, "list instances: HTTP 403 FAKE.403") || !strings.Contains(errOut, "rms:resources:list") {
		t.Errorf("exit %d %q", code, errOut)
	}
	reg.Register(rmsList(), apitest.String(503, `{"error_code":"FAKE.503","error_msg":"injected","request_id":"r-1"}`)).Persist()
	_, errOut, code = runStub(t, reg, map[string]string{"FLEXUSL_MAX_RETRIES": "2"}, "instance", "list")
	if code != 1 || reg.Count(rmsList()) != 4 || !strings.Contains(errOut, "retry 2/2") {
		t.Errorf("exit %d after %d: %s", code, reg.Count(rmsList()), errOut)
	}
	// Without credentials: exit 3, nothing sent.
	before := len(reg.Requests())
	_, _, code = runStub(t, reg, map[string]string{"FLEXUSL_TOKEN": ""}, "instance", "list")
	if code != 3 || len(reg.Requests()) != before {
		t.Errorf("exit %d", code)
	}
}

// Every page is read: 450 instances in 3 regions at 200 a page are 3
// requests.
func TestListReadsEveryPage(t *testing.T) {
	regions := []string{"ap-southeast-1", "ap-southeast-3", "tr-west-1"}
	var all []map[string]any
	for i := 0; i < 450; i++ {
		all = append(all, entry(fmt.Sprintf("%024x", i), fmt.Sprintf("n-%03d", i), regions[i%3], "RUNNING", fmt.Sprintf("203.0.113.%d", i%250), nil))
	}
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("mk-200", all[:200]...))
	reg.Register(rmsList("marker", "mk-200"), listing("mk-400", all[200:400]...))
	reg.Register(rmsList("marker", "mk-400"), listing("", all[400:]...))
	reg.Register(subsQuery, subscriptions()).Persist()
	out, _, code := runStub(t, reg, nil, "instance", "list", "-o", "json")
	var vs []map[string]any
	json.Unmarshal([]byte(out), &vs)
	rms := apitest.REST("GET", rmsPath)
	if code != 0 || len(vs) != 450 || reg.Count(rms) != 3 {
		t.Errorf("exit %d, %d instances, %d requests", code, len(vs), reg.Count(rms))
	}
	if rs := lines(reg); !strings.Contains(rs[1], "marker=mk-200") || !strings.Contains(rs[2], "marker=mk-400") {
		t.Errorf("%v", rs)
	}
}

// list and show fill the completion cache (0600 in 0700); completion reads
// it and the journal offline.
func TestCacheAndCompletion(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", entry("6743d0e3708be6007b8c8012", "web-1", "ap-southeast-3", "RUNNING", "203.0.113.7", nil),
		entry("6743d0e3708be6007b8c8013", "dup", "tr-west-1", "RUNNING", "", nil), entry("6743d0e3708be6007b8c8014", "dup", "ap-southeast-3", "RUNNING", "", nil)))
	reg.Register(subsQuery, subscriptions())
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	os.MkdirAll(filepath.Join(state, "flexusl"), 0o700)
	os.WriteFile(filepath.Join(state, "flexusl", "orders.jsonl"), []byte(
		// Bought before the listing below, which does not hold it: gone
		// (deleted, or its order cancelled): not offered.
		`{"time":"2026-11-03T00:00:00Z","region":"me-east-1","name":"gone","order_id":"CSOLD000000000001","instance_ids":["bbbbbbbbbbbbbbbbbbbbbbb0"],"state":"accepted"}`+"\n"+
			// Bought after it (the listing is made now): offered.
			`{"time":"2999-11-03T00:00:00Z","region":"me-east-1","name":"fresh","order_id":"CSNEW000000000002","instance_ids":["bbbbbbbbbbbbbbbbbbbbbbb1"],"state":"accepted"}`+"\n"), 0o600)
	env := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache"), "XDG_STATE_HOME": state}
	if _, _, code := runStub(t, reg, env, "instance", "list"); code != 0 {
		t.Fatal(code)
	}
	path := filepath.Join(dir, "cache", "flexusl", "instances.json")
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%v %v", st, err)
		}
		if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
			t.Errorf("dir %v", st.Mode())
		}
	}
	n := len(reg.Requests())
	out, _, code := runStub(t, reg, env, "__complete", "instance", "show", "")
	if code != 0 || len(reg.Requests()) != n {
		t.Fatalf("exit %d, %d requests", code, len(reg.Requests())-n)
	}
	// Unique names first (dup names two instances: not offered), then IDs.
	want := "web-1\t6743d0e3708be6007b8c8012 ap-southeast-3\n" +
		"fresh\tbbbbbbbbbbbbbbbbbbbbbbb1 me-east-1\n" +
		"6743d0e3708be6007b8c8014\tdup ap-southeast-3\n" +
		"6743d0e3708be6007b8c8012\tweb-1 ap-southeast-3\n" +
		"6743d0e3708be6007b8c8013\tdup tr-west-1\n" +
		"bbbbbbbbbbbbbbbbbbbbbbb1\tfresh me-east-1\n:"
	if !strings.HasPrefix(out, want) {
		t.Errorf("completion:\n%s", out)
	}
	out, _, _ = runStub(t, reg, env, "__complete", "instance", "show", "--region", "tr-west-1", "")
	if !strings.HasPrefix(out, "dup\t6743d0e3708be6007b8c8013 tr-west-1\n6743d0e3708be6007b8c8013\tdup tr-west-1\n:") {
		t.Errorf("completion in a region:\n%s", out)
	}
	out, _, _ = runStub(t, reg, env, "__complete", "instance", "ssh", "web-1", "")
	if strings.Contains(out, "6743") {
		t.Errorf("second argument completed:\n%s", out)
	}
	out, _, _ = runStub(t, reg, env, "__complete", "instance", "show", "we")
	if !strings.HasPrefix(out, "web-1\t") || strings.Count(out, "\n") != 2 {
		t.Errorf("prefix:\n%s", out)
	}
}

// Server text in the cache never reaches the terminal raw: a name with
// control characters is not offered, and descriptions are escaped.
func TestCompletionEscapesCachedText(t *testing.T) {
	reg := apitest.New(t)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "flexusl"), 0o700)
	os.WriteFile(filepath.Join(dir, "flexusl", "instances.json"), []byte(
		`{"version":1,"instances":[{"id":"6743d0e3708be6007b8c8012","name":"evil\u001b[2J","region":"ap-southeast-3"}]}`), 0o600)
	out, _, code := runStub(t, reg, map[string]string{"XDG_CACHE_HOME": dir}, "__complete", "instance", "show", "")
	if code != 0 || strings.Contains(out, "\x1b") || !strings.HasPrefix(out, "6743d0e3708be6007b8c8012\tevil^[[2J ap-southeast-3\n") {
		t.Errorf("%q", out)
	}
}

// RMS leaves properties untyped: a number or an object where text is read
// does not fail the listing; an entry that cannot be read at all is left
// out with a warning naming its ID (issue 18, item 3).
func TestListToleratesOddEntries(t *testing.T) {
	instances := []map[string]any{entry("6743d0e3708be6007b8c8012", "web-1", "ap-southeast-3", "RUNNING", "203.0.113.7", nil),
		entry("6743d0e3708be6007b8c8013", "web-2", "ap-southeast-3", "RUNNING", "203.0.113.8", nil),
		entry("6743d0e3708be6007b8c8014", "web-3", "ap-southeast-3", "RUNNING", "", nil)}
	props := instances[0]["properties"].(map[string]any)
	props["metadata"].(map[string]any)["cpu"] = 2
	props["metadata"].(map[string]any)["extend"] = map[string]any{"a": 1}
	eip := props["resources"].([]any)[1].(map[string]any)
	eip["resource_attributes"] = append(eip["resource_attributes"].([]any), map[string]any{"key": "bandwidth", "value": map[string]any{"size": 30}})
	instances[1]["properties"] = "unavailable\x1b[31m"
	instances[2]["tags"] = map[string]any{"tier": 2}
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", instances...))
	reg.Register(subsQuery, subscriptions())
	out, errOut, code := runStub(t, reg, nil, "instance", "list", "-o", "json")
	var vs []map[string]any
	if err := json.Unmarshal([]byte(out), &vs); err != nil || code != 0 || len(vs) != 2 {
		t.Fatalf("exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	if vs[0]["public_ip"] != "203.0.113.7" || vs[1]["id"] != "6743d0e3708be6007b8c8014" {
		t.Errorf("%v", vs)
	}
	if !strings.Contains(errOut, "Warning: list instances: RMS entry 6743d0e3708be6007b8c8013 left out: it cannot be read") || strings.Count(errOut, "Warning") != 1 {
		t.Errorf("stderr %q", errOut)
	}
}
