package ordercmd_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/journal"
)

// runStub runs flexusl args with reg answering its API calls (no endpoint
// is configured: the Factory's HTTP client is reg's) and the environment
// given.
func runStub(t *testing.T, reg *apitest.Registry, env map[string]string, tty bool, stdin string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env, TTY: tty, Stdin: stdin, Reg: reg}, args...)
	return result{r.Out, r.Err, r.Code}
}

// run runs flexusl in-process with only the environment given.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env}, args...)
	return result{r.Out, r.Err, r.Code}
}

type result struct {
	out, err string
	code     int
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
