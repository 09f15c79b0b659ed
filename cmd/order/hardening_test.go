package cmd

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/ui"
)

// runStub runs flexusl args with reg answering its API calls (no endpoint
// is configured: the Factory's HTTP client is reg's) and the environment
// given.
func runStub(t *testing.T, reg *apitest.Registry, env map[string]string, tty bool, stdin string, args ...string) result {
	t.Helper()
	e := map[string]string{"FLEXUSL_CONFIG": filepath.Join(t.TempDir(), "config.yaml")}
	for k, v := range env {
		e[k] = v
	}
	io, in, out, errOut := ui.Test()
	io.SetTTY(tty, tty, tty)
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return e[k] }, HTTPClient: reg.HTTPClient}
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}
}

// countPath counts reg's requests whose path starts with prefix.
func countPath(reg *apitest.Registry, prefix string) int {
	n := 0
	for _, q := range reg.Requests() {
		if strings.HasPrefix(q.URL.Path, prefix) {
			n++
		}
	}
	return n
}

// orderCS1 is the details of order CS1.
var orderCS1 = apitest.REST("GET", "/v2/orders/customer-orders/details/CS1")

// An order ID that could leave the order path (../../x) or is otherwise
// not an order ID is refused before anything is sent: exit 2.
func TestInvalidOrderIDsExit2NothingSent(t *testing.T) {
	reg := apitest.New(t)
	env := map[string]string{"FLEXUSL_TOKEN": "t", "XDG_STATE_HOME": t.TempDir()}
	for _, id := range []string{"../../x", "CS1/../../v3/auth/tokens", "CS1?limit=1", "CS 1", "ÇS1", strings.Repeat("A", 65)} {
		for _, c := range []string{"show", "wait"} {
			r := runStub(t, reg, env, false, "", "order", c, id)
			if r.code != 2 || r.out != "" || !strings.Contains(r.err, "must be 1 to 64 letters, digits, '-' or '_'") || !strings.Contains(r.err, "nothing was sent") {
				t.Errorf("order %s %q: %+v", c, id, r)
			}
		}
	}
	if n := len(reg.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// order wait and show check that BSS's answer is about the order asked
// for: another order_id, or {"total_count":0}, is an error (never exit 0,
// never "status 0").
func TestOrderAnswerAboutAnotherOrderIsAnError(t *testing.T) {
	for body, want := range map[string]string{
		`{"total_count":1,"order_info":{"order_id":"CS-OTHER","status":5}}`: `asked about order CS1 but answered about order "CS-OTHER"`,
		`{"total_count":0}`: "no order CS1 in this account (BSS: total_count 0)",
	} {
		reg := apitest.New(t)
		reg.Register(orderCS1, apitest.String(200, body)).Persist()
		env := map[string]string{"FLEXUSL_TOKEN": "t", "XDG_STATE_HOME": t.TempDir()}
		for _, args := range [][]string{{"order", "wait", "CS1", "--interval", "1ms"}, {"order", "show", "CS1"}} {
			r := runStub(t, reg, env, false, "", args...)
			code := 1 // an answer about another order
			if strings.Contains(body, `"total_count":0`) {
				code = 2 // no such order: as a name that matches no instance
			}
			if r.code != code || r.out != "" || !strings.Contains(r.err, want) || strings.Contains(r.err, "status 0") {
				t.Errorf("%s on %s: %+v", args[1], body, r)
			}
		}
	}
}

// An endpoint with user information, or a malformed one, is refused with
// exit 2 and the password is never echoed: flag, environment, config set.
func TestEndpointWithPasswordIsRefusedUnechoed(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, []string{"regions", "list", "--endpoint", "http://user:S3CRET@127.0.0.1:1"}},
		{nil, []string{"regions", "list", "--bss-endpoint", "http://user:S3CRET@[::1"}},
		{map[string]string{"FLEXUSL_IAM_ENDPOINT": "https://u:S3CRET@iam.example.com:port"}, []string{"regions", "list"}},
		{map[string]string{"FLEXUSL_CONFIG": cfg}, []string{"config", "set", "endpoint", "https://u:S3CRET@h.example.com"}},
	} {
		r := run(t, tc.env, tc.args...)
		if r.code != 2 || strings.Contains(r.out+r.err, "S3CRET") || !strings.Contains(r.err, "****@") {
			t.Errorf("%v: %+v", tc.args, r)
		}
	}
	if _, err := os.Stat(cfg); err == nil {
		t.Error("config set wrote the file")
	}
}

// An existing config directory open to others is closed to 0700.
func TestConfigDirIsTightened(t *testing.T) {
	xdg := t.TempDir()
	dir := filepath.Join(xdg, "flexusl")
	os.MkdirAll(dir, 0o755)
	os.Chmod(dir, 0o755)
	r := run(t, map[string]string{"XDG_CONFIG_HOME": xdg, "FLEXUSL_CONFIG": ""}, "config", "set", "region", "ap-southeast-3")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %04o", st.Mode().Perm())
	}
	// Reading is enough: a directory loosened later is closed again.
	os.Chmod(dir, 0o750)
	if r := run(t, map[string]string{"XDG_CONFIG_HOME": xdg, "FLEXUSL_CONFIG": ""}, "config", "get", "region"); r.code != 0 || r.out != "ap-southeast-3\n" {
		t.Fatalf("%+v", r)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode after a read %04o", st.Mode().Perm())
	}
}

// order list lists what placed (or may have placed) orders: purchases,
// folded with their outcome; server operations are in the journal too but
// place no orders.
func TestOrderListShowsPurchasesFolded(t *testing.T) {
	state := t.TempDir()
	path := filepath.Join(state, "flexusl", "orders.jsonl")
	a, _ := journal.Begin(path, journal.Entry{Kind: journal.KindPurchase, Profile: "default", RequestID: "c1", Name: "web-1", Region: "ap-southeast-3", Spec: "hf.large.1.30m.linux", Quantity: 1})
	a.Finish(journal.Outcome{State: journal.StateAccepted, OrderIDs: []string{"CS1"}})
	e, _ := journal.Begin(path, journal.Entry{Kind: journal.KindECSAction, RequestID: "c2", ResourceIDs: []string{"i1"}})
	e.Finish(journal.Outcome{State: journal.StateAccepted, JobIDs: []string{"j1"}})
	journal.Begin(path, journal.Entry{Kind: journal.KindPurchase, Profile: "default", RequestID: "c3", Name: "web-2", Region: "ap-southeast-3", Quantity: 2})
	r := run(t, map[string]string{"XDG_STATE_HOME": state}, "order", "list")
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.Contains(lines[1], "- (request c3)") || !strings.HasSuffix(lines[1], "unknown") ||
		!strings.HasPrefix(lines[2], "CS1 ") || !strings.HasSuffix(lines[2], "accepted") {
		t.Errorf("%+v", r)
	}
}

// order pay X and order cancel X act only on an answer about X that is
// pending payment: an answer about another (pending) order, or
// {"total_count":0} (which read as status 0 before), is refused and
// nothing is sent. Before: an answer about another pending order was paid
// (its amount shown), and total_count 0 said "status 0".
func TestOrderPayAndCancelCheckTheAnswerIsAboutTheOrder(t *testing.T) {
	for body, want := range map[string]string{
		`{"total_count":1,"order_info":{"order_id":"CS-OTHER","status":6,"order_type":1,"amount_after_discount":99,"currency":"USD"}}`: `asked about order CS1 but answered about order "CS-OTHER"`,
		`{"total_count":0}`: "no order CS1 in this account (BSS: total_count 0)",
	} {
		reg := apitest.New(t)
		reg.Register(orderCS1, apitest.String(200, body)).Persist()
		env := map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_DOMAIN_ID": "d", "XDG_STATE_HOME": t.TempDir()}
		for _, verb := range []string{"pay", "cancel"} {
			r := runStub(t, reg, env, false, "", "order", verb, "CS1", "--yes")
			code := 1
			if strings.Contains(body, `"total_count":0`) {
				code = 2
			}
			if r.code != code || r.out != "" || !strings.Contains(r.err, want) || !strings.Contains(r.err, "nothing was sent") || strings.Contains(r.err, "status 0") {
				t.Errorf("%s on %s: %+v", verb, body, r)
			}
		}
		writes := 0
		for _, q := range reg.Requests() {
			if q.Method != http.MethodGet {
				writes++
			}
		}
		if writes != 0 {
			t.Errorf("%s: %d pay/cancel requests sent", body, writes)
		}
	}
}

// A renew or unsubscribe answer about resources that were not asked about
// (fail_resource_infos naming another instance), or naming an order ID
// that is not an ID (a shell command, a path, terminal escapes), is an
// unknown outcome for the batch: journaled unknown, the do-not-repeat
// advice, exit 1, and the bad ID never printed raw. Before: journaled
// accepted, exit 1 with "see the warnings above" and no warnings; the
// order ID reached the resume line as `flexusl order wait CS1$(touch...)`.
func TestRenewAndDeleteAnswersAboutOtherThingsAreUnknown(t *testing.T) {
	for name, body := range map[string]string{
		"fail_resource_infos outside":  `{"order_ids":[],"fail_resource_infos":[{"error_code":"CBC.1","error_msg":"x","resource_id":"ffffffffffffffffffffffff"}]}`,
		"fail_resource_infos repeated": `{"order_ids":[],"fail_resource_infos":[{"error_code":"CBC.1","resource_id":"6743d0e3708be6007b8c0000"},{"error_code":"CBC.1","resource_id":"6743d0e3708be6007b8c0000"}]}`,
		"order id shell":               `{"order_ids":["CS1$(touch${IFS}pwned)"]}`,
		"order id escapes":             `{"order_ids":["CS1\u001b]0;x\u0007"]}`,
		"order id dot-dot":             `{"order_ids":[".."]}`,
	} {
		for _, mc := range []stubMoneyCall{stubMoneyCalls["renew"], stubMoneyCalls["delete"]} {
			t.Run(name+"/"+mc.route, func(t *testing.T) {
				reg := apitest.New(t)
				dir := t.TempDir()
				mc.reads(reg)
				reg.Register(stubChanges[mc.route], apitest.String(200, body)) // a hostile answer
				r := runStub(t, reg, bssEnv(dir), false, "", append(append([]string(nil), mc.args...), "--yes", "--wait", "--timeout", "1m")...)
				if r.code != 1 || !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, "Do not") || strings.Contains(r.err, "see the warnings above") {
					t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
				}
				for _, bad := range []string{"$(touch", "\x1b", "\x07", "^[", "order wait ..", "details/..", "ffffffffffffffffffffffff"} {
					if strings.Contains(r.out+r.err, bad) {
						t.Errorf("%q reached the output:\n%s\n%s", bad, r.out, r.err)
					}
				}
				if n := reg.Count(stubChanges[mc.route]); n != 1 {
					t.Errorf("%d %s requests", n, mc.route)
				}
				if n := countPath(reg, "/v2/orders/customer-orders/details/"); n != 0 {
					t.Errorf("%d order reads after an unknown outcome", n)
				}
				var states []string
				for _, e := range journalOf(t, dir) {
					states = append(states, e.State)
				}
				if got := strings.Join(states, ","); got != "unknown" {
					t.Errorf("journal states %s", got)
				}
			})
		}
	}
}

// An order ID in the journal that is not an ID (written by an older
// version from a hostile renew answer) never reaches the --last prompt, a
// path or a printed command: refused, nothing read or sent. Before: ESC
// and BEL reached the prompt ("Pay order CS1^[]0;x^G?" raw) and ".." was
// read as /details/.. .
func TestLastOrderIDFromTheJournalIsChecked(t *testing.T) {
	for _, bad := range []string{"CS1\x1b]0;x\x07", "..", "CS1$(touch${IFS}pwned)"} {
		reg := apitest.New(t) // nothing may be asked
		dir := t.TempDir()
		env := map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_DOMAIN_ID": "d", "XDG_STATE_HOME": dir}
		os.MkdirAll(filepath.Join(dir, "flexusl"), 0o700)
		line := `{"attempt":"a1","time":"2026-01-01T00:00:00Z","kind":"renew","request_id":"r1","order_ids":[` + strconv.Quote(bad) + `],"state":"accepted","finished":"2026-01-01T00:00:01Z"}` + "\n"
		if err := os.WriteFile(filepath.Join(dir, "flexusl", "orders.jsonl"), []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"order", "pay", "--last"}, {"order", "cancel", "--last", "--yes"}, {"order", "show", "--last"}, {"order", "wait", "--last"}} {
			r := runStub(t, reg, env, true, "y\n", args...)
			if r.code != 2 || strings.ContainsAny(r.out+r.err, "\x1b\x07") || strings.Contains(r.out+r.err, "order wait CS1$(") {
				t.Errorf("%v with %q: %+v", args, bad, r)
			}
		}
		if n := len(reg.Requests()); n != 0 {
			t.Errorf("%q: %d requests sent", bad, n)
		}
	}
}

// Unbounded answers: an 8 MiB RMS page of empty entries (3.5 GB of memory
// and a 100 MB table before), RMS markers going round A->B->A, and BSS
// total_count 1e9 (hundreds of requests without end) each stop with a
// clear error naming the service, within a bounded number of requests,
// and print nothing on stdout.
func TestUnboundedAnswersStop(t *testing.T) {
	var big strings.Builder
	big.WriteString(`{"resources":[{}`)
	for big.Len() < 8<<20-100 {
		big.WriteString(`,{}`)
	}
	big.WriteString(`],"page_info":{"current_count":1,"next_marker":null}}`)
	rms := apitest.REST("GET", "/v1/resource-manager/domains/d/all-resources")
	orders := apitest.REST("GET", "/v2/orders/customer-orders")
	for name, tc := range map[string]struct {
		route  apitest.Matcher
		answer func(n int) string
		args   []string
		want   string
		max    int
	}{
		"RMS 8 MiB of entries": {rms, func(int) string { return big.String() }, []string{"instance", "list"}, "RMS answered more than 200 entries", 1},
		"RMS markers A->B->A": {rms, func(n int) string {
			return fmt.Sprintf(`{"resources":[],"page_info":{"current_count":0,"next_marker":%q}}`, []string{"A", "B"}[(n-1)%2])
		}, []string{"instance", "list"}, `RMS named page marker "A" again`, 4},
		"BSS total_count 1e9": {orders, func(n int) string {
			return fmt.Sprintf(`{"total_count":1000000000,"order_infos":[{"order_id":"CS%08d","status":5,"order_type":1,"create_time":"2026-12-01T00:00:00Z"}]}`, n)
		}, []string{"order", "list", "--remote"}, "BSS keeps answering with more pages", 101},
	} {
		t.Run(name, func(t *testing.T) {
			reg := apitest.New(t)
			var n int // the answer's number (requests are sent one by one)
			reg.Register(tc.route, func(q *apitest.Request) (*http.Response, error) {
				n++
				return apitest.String(200, tc.answer(n))(q)
			}).Persist()
			env := map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_DOMAIN_ID": "d", "XDG_STATE_HOME": t.TempDir(), "FLEXUSL_MAX_RETRIES": "0"}
			r := runStub(t, reg, env, false, "", tc.args...)
			if n := len(reg.Requests()); r.code != 1 || r.out != "" || !strings.Contains(r.err, tc.want) || n > tc.max {
				t.Errorf("%d requests, exit %d, stdout %d bytes\n%.2000s", n, r.code, len(r.out), r.err)
			}
		})
	}
}

// --region scopes what a name or ID resolves to: RMS answering an
// ap-southeast-3 query with a tr-west-1 "web-1" must not let a command for
// ap-southeast-3 act on it. Before: `instance delete web-1 --region
// ap-southeast-3 --yes` unsubscribed the tr-west-1 instance.
func TestRegionScopesResolution(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(stubRMS, stubListingIn("tr-west-1", "web-1")).Persist() // whatever region_id asks
	id := stubID(0)
	for _, args := range [][]string{
		{"instance", "delete", "web-1", "--region", "ap-southeast-3", "--yes"},
		{"instance", "delete", id, "--region", "ap-southeast-3", "--yes"},
		{"instance", "renew", "web-1", "--period", "1", "--region", "ap-southeast-3", "--yes"},
		{"instance", "auto-renew", "web-1", "off", "--region", "ap-southeast-3"},
		{"instance", "show", "web-1", "--region", "ap-southeast-3"},
	} {
		r := runStub(t, reg, bssEnv(t.TempDir()), false, "", args...)
		if changes := stubChangeCount(reg) + countPath(reg, "/v2/orders/subscriptions/resources/autorenew/"); r.code != 2 || !strings.Contains(r.err, "in ap-southeast-3") || changes != 0 {
			t.Errorf("%v: exit %d, %d changes\n%s%s", args, r.code, changes, r.out, r.err)
		}
	}
	r := runStub(t, reg, bssEnv(t.TempDir()), false, "", "instance", "list", "--region", "ap-southeast-3", "-o", "json")
	if r.code != 0 || strings.Contains(r.out, id) {
		t.Errorf("list: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// `auto-renew off` answered 500 with the "already off" code is an unknown
// outcome (exit 1, journaled unknown, do-not-repeat advice), never "was
// already off": only a refusal (4xx) says that. Before: exit 0, "ok (was
// already off)".
func TestAutoRenewOff500IsUnknown(t *testing.T) {
	reg := apitest.New(t)
	dir := t.TempDir()
	reg.Register(stubRMS, stubListing(1))
	reg.Register(apitest.REST("DELETE", stubAutoRenew0), apitest.String(500, `{"error_code":"CBC.99003605","error_msg":"a 5xx with a refusal's code"}`))
	r := runStub(t, reg, bssEnv(dir), false, "", "instance", "auto-renew", "web-1", "off", "-o", "json")
	if r.code != 1 || strings.Contains(r.out, "already off") || !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, "Do not run the command again") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	es := journalOf(t, dir)
	if len(es) != 1 || es[0].State != "unknown" {
		t.Errorf("journal %+v", es)
	}
}
