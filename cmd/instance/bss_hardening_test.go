package instancecmd_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

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
				r := runReg(t, reg, bssEnv(dir), false, "", append(append([]string(nil), mc.args...), "--yes", "--wait", "--timeout", "1m")...)
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
			r := runReg(t, reg, env, false, "", tc.args...)
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
		r := runReg(t, reg, bssEnv(t.TempDir()), false, "", args...)
		if changes := stubChangeCount(reg) + countPath(reg, "/v2/orders/subscriptions/resources/autorenew/"); r.code != 2 || !strings.Contains(r.err, "in ap-southeast-3") || changes != 0 {
			t.Errorf("%v: exit %d, %d changes\n%s%s", args, r.code, changes, r.out, r.err)
		}
	}
	r := runReg(t, reg, bssEnv(t.TempDir()), false, "", "instance", "list", "--region", "ap-southeast-3", "-o", "json")
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
	r := runReg(t, reg, bssEnv(dir), false, "", "instance", "auto-renew", "web-1", "off", "-o", "json")
	if r.code != 1 || strings.Contains(r.out, "already off") || !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, "Do not run the command again") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	es := journalOf(t, dir)
	if len(es) != 1 || es[0].State != "unknown" {
		t.Errorf("journal %+v", es)
	}
}
