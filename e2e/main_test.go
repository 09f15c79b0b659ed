package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/rogpeppe/go-internal/testscript"
)

// End-to-end tests: testdata/script/*.txtar (at the repository root) run
// the flexusl binary, built here with `go build`, against a sandbox started
// for each script. The script command `sandbox` controls and inspects that
// sandbox.

// repoRoot is the repository root, relative to this package's directory
// (where `go test` runs the tests): the program, the Makefile, go.mod,
// configs/ and testdata/script live there.
const repoRoot = ".."

var binDirE2E string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flexusl-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDirE2E = dir
	// -buildvcs=false: the binary reports version "dev" (User-Agent
	// flexusl/dev) whether or not the checkout is a git work tree.
	out, err := exec.Command("go", "build", "-buildvcs=false", "-o", filepath.Join(dir, "flexusl"), repoRoot).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build flexusl: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// E2EToken is the sandbox token in scripts: distinctive, so a test can
// prove it never appears in output.
const E2EToken = "e2e-token-7c1f0a9d-SECRET"

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join(repoRoot, "testdata", "script"),
		Setup: func(env *testscript.Env) error {
			s, err := sandbox.New(sandbox.Options{Token: E2EToken, CompleteAfter: 300 * time.Millisecond})
			if err != nil {
				return err
			}
			ts := httptest.NewServer(s)
			env.Defer(ts.Close)
			env.Values["sandbox"] = s
			// A proxy that records CONNECT targets and refuses them.
			proxied := &connectLog{}
			px := httptest.NewServer(proxied)
			env.Defer(px.Close)
			env.Values["proxy"] = proxied
			env.Setenv("PROXY_URL", px.URL)
			env.Setenv("PATH", binDirE2E+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("FLEXUSL_BIN", filepath.Join(binDirE2E, "flexusl")) // for scripts that empty PATH
			env.Setenv("SANDBOX_URL", ts.URL)
			for k, v := range service.EnvAll(ts.URL) {
				env.Setenv(k, v)
			}
			env.Setenv("FLEXUSL_TOKEN", E2EToken)
			env.Setenv("SANDBOX_TOKEN", E2EToken)
			env.Setenv("SANDBOX_AK", s.AccessKey())
			env.Setenv("SANDBOX_SK", s.SecretKey())
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sandbox":  cmdSandbox,
			"ecs":      cmdECS,
			"jsonhas":  cmdJSONHas,
			"lacksenv": cmdLacksEnv,
			"proxied": func(ts *testscript.TestScript, neg bool, args []string) {
				got := ts.Value("proxy").(*connectLog).has(args[0])
				if got == neg {
					ts.Fatalf("proxy CONNECT to %s: %v", args[0], got)
				}
			},
			"perm": func(ts *testscript.TestScript, neg bool, args []string) {
				st, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				if got := fmt.Sprintf("%04o", st.Mode().Perm()); (got == args[1]) == neg {
					ts.Fatalf("%s has mode %s, want %s", args[0], got, args[1])
				}
			},
			// exits N PROG ARGS...: PROG exits with status N (stdout and
			// stderr kept for the next commands).
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				want, _ := strconv.Atoi(args[0])
				err := ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("%v", err)
				}
				if (got == want) == neg {
					ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
				}
			},
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
	})
}

// sandbox fault ROUTE KIND [COUNT [LATENCY_MS]]
// sandbox pay|cancel last|ORDER_ID
// sandbox complete-after DURATION
// sandbox orders N                   (exactly N orders placed)
// sandbox posts N                    (exactly N purchase POSTs received)
// sandbox one-request-id             (every purchase POST had the same Client-Request-Id)
// sandbox signed                     (every API request was AK/SK-signed)
// sandbox provision N [REGION...]     (N instances sandbox-0001... at once, round-robin over the regions)
// sandbox provision-after|job-after DURATION
// sandbox requests ROUTE N            (exactly N requests of a route, e.g. rms.list, ecs.action, bss.renew; * for every route)
// sandbox id NAME REGION VAR          (set $VAR to that instance's ID)
// sandbox traffic NAME GB             (the instance's data package has GB used)
// sandbox one-request-id-on ROUTE     (every request on ROUTE had the same Client-Request-Id)
// sandbox instance NAME KEY VALUE     (the control API's view of the instance has KEY = VALUE)
// sandbox rule-enabled FILE true|false (enable/disable, as the console does, the rule whose ID FILE holds)
// sandbox expiry-save NAME VAR        (set $VAR to the instance's expiry, as BSS writes it)
// sandbox expiry-moved NAME VAR N     (the expiry is N calendar months after the one saved in $VAR)
func cmdSandbox(ts *testscript.TestScript, neg bool, args []string) {
	s := ts.Value("sandbox").(*sandbox.Server)
	if len(args) == 0 {
		ts.Fatalf("usage: sandbox fault|pay|cancel|complete-after|orders|posts|one-request-id|signed|provision|provision-after|job-after|requests|id ...")
	}
	check := func(ok bool, format string, a ...any) {
		if ok == neg {
			ts.Fatalf(format, a...)
		}
	}
	orderID := func(a string) string {
		if a != "last" {
			return a
		}
		os := s.Orders()
		if len(os) == 0 {
			ts.Fatalf("sandbox has no orders")
		}
		return os[len(os)-1].OrderID
	}
	posts := func() []sandbox.LoggedRequest {
		var out []sandbox.LoggedRequest
		for _, r := range s.Requests() {
			if r.Method == "POST" && r.Path == "/v1/light-instances" {
				out = append(out, r)
			}
		}
		return out
	}
	switch args[0] {
	case "fault":
		f := sandbox.Fault{Route: args[1], Kind: args[2], Count: 1}
		if len(args) > 3 {
			f.Count, _ = strconv.Atoi(args[3])
		}
		if len(args) > 4 {
			f.LatencyMS, _ = strconv.Atoi(args[4])
		}
		ts.Check(s.AddFault(f))
	case "pay":
		ts.Check(s.Pay(orderID(args[1])))
	case "cancel":
		ts.Check(s.Cancel(orderID(args[1])))
	case "complete-after":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		s.SetCompleteAfter(d)
	case "orders":
		n, _ := strconv.Atoi(args[1])
		check(len(s.Orders()) == n, "sandbox has %d orders, want %d", len(s.Orders()), n)
	case "posts":
		n, _ := strconv.Atoi(args[1])
		check(len(posts()) == n, "sandbox got %d purchase POSTs, want %d", len(posts()), n)
	case "one-request-id":
		ids := map[string]bool{}
		for _, r := range posts() {
			ids[r.Header["Client-Request-Id"][0]] = true
		}
		check(len(ids) == 1, "purchase POSTs carried %d Client-Request-Ids, want 1", len(ids))
	case "provision":
		n, _ := strconv.Atoi(args[1])
		_, err := s.Provision(sandbox.ProvisionRequest{Count: n, Regions: args[2:]})
		ts.Check(err)
	case "id": // sandbox id NAME REGION VAR: $VAR = that instance's ID
		for _, in := range s.Instances() {
			if in.Name == args[1] && in.Region == args[2] {
				ts.Setenv(args[3], in.ID)
				return
			}
		}
		ts.Fatalf("sandbox has no instance %s in %s", args[1], args[2])
	case "provision-after", "job-after":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		if args[0] == "job-after" {
			s.SetJobAfter(d)
		} else {
			s.SetProvisionAfter(d)
		}
	case "requests":
		n, _ := strconv.Atoi(args[2])
		got := 0
		for _, r := range s.Requests() {
			if r.Route == args[1] || args[1] == "*" {
				got++
			}
		}
		check(got == n, "sandbox got %d %s requests, want %d", got, args[1], n)
	case "signed":
		ok := len(s.Requests()) > 0
		for _, r := range s.Requests() {
			a := r.Header["Authorization"]
			ok = ok && len(a) == 1 && len(r.Header["X-Auth-Token"]) == 0
		}
		check(ok, "not every request was AK/SK-signed")
	case "traffic":
		gb, err := strconv.ParseFloat(args[2], 64)
		ts.Check(err)
		ts.Check(s.SetTrafficUsed(sandboxInstance(ts, s, args[1]).ID, gb))
	case "one-request-id-on":
		ids := map[string]bool{}
		for _, r := range s.Requests() {
			if r.Route == args[1] {
				ids[strings.Join(r.Header["Client-Request-Id"], ",")] = true
			}
		}
		check(len(ids) == 1, "requests on %s carried %d Client-Request-Ids, want 1", args[1], len(ids))
	case "instance":
		in := sandboxInstance(ts, s, args[1])
		b, _ := json.Marshal(in)
		var m map[string]any
		json.Unmarshal(b, &m)
		got := fmt.Sprint(m[args[2]])
		check(got == args[3], "instance %s: %s = %s, want %s", args[1], args[2], got, args[3])
	case "rule-enabled":
		on, err := strconv.ParseBool(args[2])
		ts.Check(err)
		ts.Check(s.SetRuleEnabled(strings.TrimSpace(ts.ReadFile(args[1])), on))
	case "expiry-save":
		ts.Setenv(args[2], sandboxInstance(ts, s, args[1]).ExpireTime)
	case "expiry-moved":
		before, err := time.Parse(time.RFC3339, ts.Getenv(args[2]))
		ts.Check(err)
		after, err := time.Parse(time.RFC3339, sandboxInstance(ts, s, args[1]).ExpireTime)
		ts.Check(err)
		want, _ := strconv.Atoi(args[3])
		moved := (after.Year()*12 + int(after.Month())) - (before.Year()*12 + int(before.Month()))
		check(moved == want, "instance %s: expiry %s -> %s moved %d months, want %d", args[1], before, after, moved, want)
	default:
		ts.Fatalf("sandbox: unknown subcommand %q", args[0])
	}
}

// sandboxInstance finds an instance of the sandbox by name or ID.
func sandboxInstance(ts *testscript.TestScript, s *sandbox.Server, nameOrID string) sandbox.InstanceSummary {
	for _, in := range s.Instances() {
		if in.Name == nameOrID || in.ID == nameOrID {
			return in
		}
	}
	ts.Fatalf("sandbox has no instance %q", nameOrID)
	return sandbox.InstanceSummary{}
}

// jsonhas FILE KEY... : FILE (stdout or stderr or a path) is exactly one
// JSON document with these top-level keys.
func cmdJSONHas(ts *testscript.TestScript, neg bool, args []string) {
	var data string
	switch args[0] {
	case "stdout":
		data = ts.ReadFile("stdout")
	default:
		data = ts.ReadFile(args[0])
	}
	dec := json.NewDecoder(strings.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		ts.Fatalf("%s is not JSON: %v\n%s", args[0], err, data)
	}
	if dec.More() {
		ts.Fatalf("%s holds more than one JSON document", args[0])
	}
	if m, ok := v.(map[string]any); ok {
		for _, k := range args[1:] {
			if _, ok := m[k]; !ok {
				ts.Fatalf("%s lacks key %q", args[0], k)
			}
		}
	}
}

// lacksenv FILE VAR: fails when FILE contains the value of $VAR (literal, not a
// regexp), for secrets.
func cmdLacksEnv(ts *testscript.TestScript, neg bool, args []string) {
	data := ts.ReadFile(args[0])
	secret := ts.Getenv(args[1])
	if secret == "" {
		ts.Fatalf("lacksenv: $%s is empty", args[1])
	}
	if bytes.Contains([]byte(data), []byte(secret)) {
		ts.Fatalf("%s contains the value of $%s", args[0], args[1])
	}
}

// connectLog is a proxy that records CONNECT targets and answers 403.
type connectLog struct {
	mu      sync.Mutex
	targets []string
}

func (p *connectLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.targets = append(p.targets, r.Method+" "+r.Host)
	p.mu.Unlock()
	w.WriteHeader(http.StatusForbidden)
}

func (p *connectLog) has(host string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range p.targets {
		if t == "CONNECT "+host {
			return true
		}
	}
	return false
}
