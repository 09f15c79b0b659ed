package instancecmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/service"
)

// The stubbed account of the money-safety table: two instances (as
// newFakeBSS(t, 2) has), and order CS250101000000001 pending payment.
const stubOrderID = "CS250101000000001"

var (
	stubRMS = apitest.REST("GET", "/v1/resource-manager/domains/"+fakeDomain+"/all-resources")
	// stubChanges are the calls that change something.
	stubChanges = map[string]apitest.Matcher{
		"renew":       apitest.REST("POST", "/v2/orders/subscriptions/resources/renew"),
		"unsubscribe": apitest.REST("POST", "/v2/orders/subscriptions/resources/unsubscribe"),
		"pay":         apitest.REST("POST", "/v3/orders/customer-orders/pay"),
		"cancel":      apitest.REST("PUT", "/v2/orders/customer-orders/cancel"),
	}
)

// stubListing answers RMS with newFakeBSS's n instances.
func stubListing(n int) apitest.Responder {
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("web-%d", i+1))
	}
	return stubListingOf(names...)
}

// stubListingOf answers RMS with an instance per name, in ap-southeast-3.
func stubListingOf(names ...string) apitest.Responder {
	return stubListingIn("ap-southeast-3", names...)
}

// stubListingIn answers RMS with an instance per name, in region.
func stubListingIn(region string, names ...string) apitest.Responder {
	var rs []any
	for i, name := range names {
		id := stubID(i)
		rs = append(rs, map[string]any{"id": id, "name": name, "region_id": region, "project_id": "p-" + region, "state": "Normal",
			"properties": map[string]any{"status": "RUNNING", "metadata": map[string]string{"charging_mode": "prePaid", "order_id": "CS0"},
				"resources": []any{
					map[string]any{"logical_resource_type": "huaweicloudinternal_ecs_instance", "physical_resource_id": "srv-" + id},
					map[string]any{"logical_resource_type": "huaweicloudinternal_eip", "physical_resource_id": "eip-" + id,
						"resource_attributes": []any{map[string]string{"key": "public_ip_address", "value": "203.0.113.7"}}},
					map[string]any{"logical_resource_type": "huaweicloudinternal_cbc_freeresource", "physical_resource_id": fmt.Sprintf("828e2c7c-3c8c-45a2-bebc-%012x", i)}}}})
	}
	b, _ := json.Marshal(map[string]any{"resources": rs, "page_info": map[string]any{"current_count": len(rs), "next_marker": nil}})
	return apitest.Bytes(200, b)
}

// stubOrderDetails answers the details of stubOrderID: type typ, status.
func stubOrderDetails(typ, status int) apitest.Responder {
	return stubOrderDetailsOf(stubOrderID, typ, status)
}

// stubOrderDetailsOf answers the details of order id: type typ, status.
func stubOrderDetailsOf(id string, typ, status int) apitest.Responder {
	return apitest.String(200, fmt.Sprintf(`{"total_count":1,"order_info":{"order_id":%q,"status":%d,"order_type":%d,"amount_after_discount":5,"currency":"USD",`+
		`"create_time":"2025-01-01T00:00:00Z","service_type_code":"hws.service.type.hcss"},"order_line_items":[]}`, id, status, typ))
}

// stubDetails matches the details of order id.
func stubDetails(id string) apitest.Matcher {
	return apitest.REST("GET", "/v2/orders/customer-orders/details/"+id)
}

// stubMoneyCall is one command that moves money, with the reads it makes
// before the change and the change's success.
type stubMoneyCall struct {
	route string
	args  []string // without --yes
	reads func(reg *apitest.Registry)
	ok    apitest.Responder
	after func(reg *apitest.Registry) // the reads after a success
}

var stubMoneyCalls = map[string]stubMoneyCall{
	"renew": {"renew", []string{"instance", "renew", "web-1", "--period", "2", "-o", "json"},
		func(reg *apitest.Registry) {
			reg.Register(stubRMS, stubListing(2))
			reg.Register(apitest.REST("POST", "/v2/bills/ratings/period-resources/renew-rate"), apitest.Wire(reg.T(), 200, "bss/renew-rate.response.json"))
		},
		apitest.String(200, `{"order_ids":["CS250101000000002"],"fail_resource_infos":[]}`), nil},
	"delete": {"unsubscribe", []string{"instance", "delete", "web-1", "-o", "json"},
		func(reg *apitest.Registry) { reg.Register(stubRMS, stubListing(2)) },
		apitest.String(200, `{"order_ids":["CS250101000000002"],"fail_resource_infos":[]}`), nil},
	"pay": {"pay", []string{"order", "pay", stubOrderID, "-o", "json"},
		func(reg *apitest.Registry) {
			reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/"+stubOrderID), stubOrderDetails(1, 6))
		},
		apitest.Status(204), func(reg *apitest.Registry) {
			reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/"+stubOrderID), stubOrderDetails(1, 5)).Persist()
		}},
	"cancel": {"cancel", []string{"order", "cancel", stubOrderID, "-o", "json"},
		func(reg *apitest.Registry) {
			reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/"+stubOrderID), stubOrderDetails(2, 6))
		},
		apitest.Status(204), func(reg *apitest.Registry) {
			reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/"+stubOrderID), stubOrderDetails(2, 4)).Persist()
		}},
}

// stubFaults are the table's faults as responders.
var stubFaults = map[string]apitest.Responder{
	"429":     apitest.WithHeader(apitest.String(429, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`), "Retry-After", "0"),
	"500":     apitest.String(500, `{"error_code":"CBC.0999","error_msg":"Other errors."}`),
	"drop":    apitest.Err(io.ErrUnexpectedEOF), // taken, then the answer is lost
	"timeout": apitest.Hang(),                   // taken, then silence past FLEXUSL_TIMEOUT
}

// The money-safety table for renew, delete, pay and cancel, as for the
// purchase: 429,429,200 is one call taken once; 500, a dropped connection
// and a timeout are exactly one request, an unknown outcome, journaled,
// never a hint to try again; without a terminal and --yes nothing is sent.
func TestMoneySafetyTable(t *testing.T) {
	for name, mc := range stubMoneyCalls {
		for _, tc := range []struct {
			name    string
			faults  []string
			yes     bool
			code    int
			sends   int
			unknown bool
		}{
			{"429,429,200", []string{"429", "429"}, true, 0, 3, false},
			{"500", []string{"500"}, true, 1, 1, true},
			{"dropped", []string{"drop"}, true, 1, 1, true},
			{"timeout", []string{"timeout"}, true, 1, 1, true},
			{"no terminal, no --yes", nil, false, 2, 0, false},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				reg := apitest.New(t)
				dir := t.TempDir()
				args := append([]string(nil), mc.args...)
				if tc.yes {
					args = append(args, "--yes")
					mc.reads(reg)
					for _, f := range tc.faults {
						reg.Register(stubChanges[mc.route], stubFaults[f])
					}
					if !tc.unknown {
						reg.Register(stubChanges[mc.route], mc.ok)
						if mc.after != nil {
							mc.after(reg)
						}
					}
				}
				r := runReg(t, reg, bssEnv(dir), false, "", args...)
				if r.code != tc.code {
					t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", r.code, tc.code, r.out, r.err)
				}
				var sent []apitest.Request
				changes := 0
				for _, q := range reg.Requests() {
					if stubChanges[mc.route].Matches(q) {
						sent = append(sent, q)
					}
					for _, m := range stubChanges {
						if m.Matches(q) {
							changes++
						}
					}
				}
				if len(sent) != tc.sends || changes != tc.sends {
					t.Fatalf("%d %s requests (%d changes), want %d", len(sent), mc.route, changes, tc.sends)
				}
				if tc.sends == 0 {
					if n := len(reg.Requests()); n != 0 {
						t.Errorf("%d requests of any kind were sent before refusing", n)
					}
					if !strings.Contains(r.err, "--yes") || !strings.Contains(r.err, "nothing was sent") {
						t.Errorf("stderr %s", r.err)
					}
					return
				}
				crid := sent[0].Header.Get("Client-Request-Id")
				for _, s := range sent {
					if s.Header.Get("Client-Request-Id") != crid || crid == "" || string(s.Body) != string(sent[0].Body) {
						t.Errorf("a retry changed the request: %q vs %q", s.Header.Get("Client-Request-Id"), crid)
					}
				}
				if strings.Contains(strings.ToLower(r.out+r.err), "try again") || strings.Contains(r.out+r.err, "fake-token-SECRET") {
					t.Errorf("output:\n%s\n%s", r.out, r.err)
				}
				if !tc.unknown {
					if !journaled(t, dir, crid, "accepted") {
						t.Errorf("accepted call not journaled: %+v", journalOf(t, dir))
					}
					return
				}
				if !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, crid) || !strings.Contains(r.err, "Do not run the command again until you know") {
					t.Errorf("stderr does not say unknown / the request ID / what to check:\n%s", r.err)
				}
				if !journaled(t, dir, crid, "unknown") {
					t.Errorf("unknown outcome not journaled: %+v", journalOf(t, dir))
				}
				// How to find out is the kind's (journal.Kinds): an order
				// acted on is looked at, one placed is searched for.
				check := "flexusl order list --remote"
				if mc.route == "pay" || mc.route == "cancel" {
					check = "flexusl order show " + stubOrderID
				}
				if !strings.Contains(r.err, check) {
					t.Errorf("the advice does not say %q:\n%s", check, r.err)
				}
			})
		}
	}
}

var (
	stubRenew     = stubChanges["renew"]
	stubRenewRate = apitest.REST("POST", "/v2/bills/ratings/period-resources/renew-rate")
)

// stubID is the ID of newFakeBSS's i-th instance (web-<i+1>).
func stubID(i int) string { return fmt.Sprintf("6743d0e3708be6007b8c%04x", i) }

// stubRenewReads registers what a renewal of n listed instances reads:
// RMS once, and the documented renew-rate answer (persisting).
func stubRenewReads(reg *apitest.Registry, n int) {
	reg.Register(stubRMS, stubListing(n))
	reg.Register(stubRenewRate, apitest.Wire(reg.T(), 200, "bss/renew-rate.response.json")).Persist()
}

var (
	stubSubs       = apitest.REST("POST", "/v2/orders/suscriptions/resources/query")
	stubAutoRenew0 = "/v2/orders/subscriptions/resources/autorenew/" + stubID(0)
	stubAutoRenew1 = "/v2/orders/subscriptions/resources/autorenew/" + stubID(1)
	stubTraffic    = apitest.REST("POST", "/v2/payments/free-resources/usages/details/query")
)

// stubSubscriptions answers a subscription query with the instances
// web-1.. given by index, expiring 2025-01-31T15:59:59Z, auto-renew off.
func stubSubscriptions(ids ...int) apitest.Responder {
	var data []string
	for _, i := range ids {
		data = append(data, fmt.Sprintf(`{"resource_id":%q,"region_code":"ap-southeast-3","is_main_resource":1,"status":2,`+
			`"effective_time":"2024-12-31T10:00:00Z","expire_time":"2025-01-31T15:59:59Z","expire_policy":0}`, stubID(i)))
	}
	return apitest.String(200, fmt.Sprintf(`{"total_count":%d,"data":[%s]}`, len(data), strings.Join(data, ",")))
}

// stubChangeCount counts reg's requests that change something.
func stubChangeCount(reg *apitest.Registry) int {
	n := 0
	for _, q := range reg.Requests() {
		for _, m := range stubChanges {
			if m.Matches(q) {
				n++
			}
		}
	}
	return n
}

// bssEnv is the environment of a run against stubs: the state in dir.
func bssEnv(dir string) map[string]string {
	return map[string]string{"FLEXUSL_TOKEN": "fake-token-SECRET-77", "FLEXUSL_DOMAIN_ID": fakeDomain, "XDG_STATE_HOME": dir,
		"FLEXUSL_CONFIG": filepath.Join(dir, "config.yaml"), "FLEXUSL_TIMEOUT": "400ms"}
}

// Ctrl-C between two calls of a renewal: the first call's order is kept
// and printed, the second call is not sent (attempt.Sequence), and the run
// exits 130.
func TestRenewInterruptedBetweenCallsSendsNoMore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg := apitest.New(t)
	reg.Register(stubRMS, stubListing(12))
	reg.Register(stubRenew, func(q *apitest.Request) (*http.Response, error) {
		cancel() // Ctrl-C while the first call is answered
		return apitest.String(200, `{"order_ids":["CS250101000000001"],"fail_resource_infos":[]}`)(q)
	})
	args := []string{"instance", "renew", "--period", "1", "--auto-pay", "--yes", "--no-price", "-o", "json"}
	for i := range 12 {
		args = append(args, fmt.Sprintf("web-%d", i+1))
	}
	r := cmdtest.Run(t, cmdtest.Options{Env: bssEnv(t.TempDir()), Reg: reg, Ctx: ctx}, args...)
	var res struct {
		OrderIDs []string            `json:"order_ids"`
		Failed   []map[string]string `json:"failed"`
	}
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil || r.Code != 130 || reg.Count(stubRenew) != 1 {
		t.Fatalf("exit %d, %d renew calls, %v\n%s\n%s", r.Code, reg.Count(stubRenew), err, r.Out, r.Err)
	}
	if len(res.OrderIDs) != 1 || len(res.Failed) != 2 || res.Failed[0]["error"] != "not sent: interrupted before sending" {
		t.Errorf("result %+v", res)
	}
}

func TestRenewSplitsAtTenAndPrintsOrders(t *testing.T) {
	reg := apitest.New(t)
	stubRenewReads(reg, 12)
	reg.Register(stubRenew, apitest.String(200, `{"order_ids":["CS250101000000001"],"fail_resource_infos":[]}`))
	reg.Register(stubRenew, apitest.String(200, `{"order_ids":["CS250101000000002"],"fail_resource_infos":[]}`))
	dir := t.TempDir()
	args := []string{"instance", "renew", "--period", "1", "--period-type", "year", "--auto-pay", "--yes", "-o", "json"}
	for i := range 12 {
		args = append(args, fmt.Sprintf("web-%d", i+1))
	}
	r := runReg(t, reg, bssEnv(dir), false, "", args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var sent []apitest.Request
	for _, q := range reg.Requests() {
		if stubRenew.Matches(q) {
			sent = append(sent, q)
		}
	}
	if len(sent) != 2 {
		t.Fatalf("%d renew calls, want 2", len(sent))
	}
	var first, second struct {
		ResourceIDs []string `json:"resource_ids"`
		PeriodType  int      `json:"period_type"`
		PeriodNum   int      `json:"period_num"`
		IsAutoPay   int      `json:"is_auto_pay"`
	}
	json.Unmarshal(sent[0].Body, &first)
	json.Unmarshal(sent[1].Body, &second)
	if len(first.ResourceIDs) != 10 || len(second.ResourceIDs) != 2 || first.PeriodType != 3 || first.PeriodNum != 1 || first.IsAutoPay != 1 {
		t.Errorf("bodies %s / %s", sent[0].Body, sent[1].Body)
	}
	if sent[0].Header.Get("Client-Request-Id") == sent[1].Header.Get("Client-Request-Id") {
		t.Error("two calls share a Client-Request-Id")
	}
	var res struct {
		OrderIDs []string         `json:"order_ids"`
		Failed   []map[string]any `json:"failed"`
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil || len(res.OrderIDs) != 2 || res.Failed == nil || len(res.Failed) != 0 {
		t.Errorf("stdout %s (%v)", r.out, err)
	}
	if n := reg.Count(stubRMS); n != 1 {
		t.Errorf("%d RMS listings for 12 names, want 1", n)
	}
}

func TestRenewDryRunNeedsNoCredentials(t *testing.T) {
	reg := apitest.New(t) // nothing may be asked
	env := bssEnv(t.TempDir())
	delete(env, "FLEXUSL_TOKEN")
	id := stubID(0)
	r := runReg(t, reg, env, false, "", "instance", "renew", id, "--period", "1", "--dry-run", "-o", "json")
	if r.code != 0 || len(reg.Requests()) != 0 {
		t.Fatalf("dry run: exit %d, %d requests: %s", r.code, len(reg.Requests()), r.err)
	}
	var dry []struct {
		Method, URL string
		Headers     map[string]string
		Body        json.RawMessage
	}
	var body bytes.Buffer
	if err := json.Unmarshal([]byte(r.out), &dry); err != nil || len(dry) != 1 || dry[0].Method != "POST" || json.Compact(&body, dry[0].Body) != nil ||
		dry[0].URL != service.BSS.Get().Default+"/v2/orders/subscriptions/resources/renew" || body.String() != `{"resource_ids":["`+id+`"],"period_type":2,"period_num":1,"is_auto_pay":0}` ||
		dry[0].Headers["X-Auth-Token"] != "REDACTED" {
		t.Errorf("dry run %s (%v)", r.out, err)
	}
	// A name needs RMS, hence credentials: exit 3, nothing sent.
	r = runReg(t, reg, env, false, "", "instance", "renew", "web-1", "--period", "1", "--dry-run")
	if r.code != 3 || len(reg.Requests()) != 0 {
		t.Errorf("dry run by name without credentials: exit %d\n%s", r.code, r.err)
	}
}

func TestRenewPartialFailure(t *testing.T) {
	reg := apitest.New(t)
	stubRenewReads(reg, 2)
	reg.Register(stubRenew, apitest.String(200, `{"order_ids":["CS250101000000001"],"fail_resource_infos":[`+
		`{"error_code":"CBC.99003016","error_msg":"The resource does not exist.","resource_id":"`+stubID(1)+`"}]}`))
	r := runReg(t, reg, bssEnv(t.TempDir()), false, "", "instance", "renew", "web-1", "web-2", "--period", "1", "--yes", "-o", "json")
	var res struct {
		OrderIDs []string `json:"order_ids"`
		Failed   []struct {
			ID    string `json:"id"`
			Error string `json:"error"`
		} `json:"failed"`
	}
	if r.code != 1 || json.Unmarshal([]byte(r.out), &res) != nil || len(res.OrderIDs) != 1 || len(res.Failed) != 1 ||
		res.Failed[0].ID != stubID(1) || res.Failed[0].Error != "CBC.99003016: The resource does not exist." {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if !strings.Contains(r.err, "web-2") || !strings.Contains(r.err, "1 of 2 instance(s) were not taken") {
		t.Errorf("stderr %s", r.err)
	}
}

func TestRenewValidationSendsNothing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"web-1", "--period", "12"}, `--period "12": must be 1 to 11 when --period-type is month`},
		{[]string{"web-1", "--period-type", "year", "--period", "4"}, `--period "4": must be 1 to 3 when --period-type is year`},
		{[]string{"web-1", "--period-type", "week", "--period", "1"}, `--period-type "week": is not a renewal period type; allowed: month, year`},
		{[]string{"web-1"}, "--period: is required"},
		{[]string{"--period", "1"}, "at least one instance"},
		{[]string{"web-1", "web-1", "--period", "1"}, `"web-1": is given more than once`},
		{[]string{"web-1", "--period", "1", "--wait", "--timeout", "0s"}, "--timeout/--interval"},
		{[]string{"no-such", "--period", "1"}, `no instance with ID or name "no-such"`},
	} {
		reg := apitest.New(t)
		if tc.args[0] == "no-such" { // a name RMS does not list
			reg.Register(stubRMS, stubListing(1))
		}
		r := runReg(t, reg, bssEnv(t.TempDir()), false, "", append([]string{"instance", "renew", "--yes"}, tc.args...)...)
		if changes := stubChangeCount(reg); r.code != 2 || !strings.Contains(r.err, tc.want) || r.out != "" || changes != 0 {
			t.Errorf("%v: exit %d changes %d\n%s\nwant %q", tc.args, r.code, changes, r.err, tc.want)
		}
	}
}

func TestRenewConfirmationShowsExpiry(t *testing.T) {
	reg := apitest.New(t)
	stubRenewReads(reg, 1)
	reg.Register(stubRMS, stubListing(1))
	reg.Register(stubSubs, stubSubscriptions(0)).Persist()
	dir := t.TempDir()
	r := runReg(t, reg, bssEnv(dir), true, "n\n", "instance", "renew", "web-1", "--period", "1")
	if changes := stubChangeCount(reg); r.code != 2 || changes != 0 || !strings.Contains(r.err, "cancelled: nothing was sent") {
		t.Fatalf("decline: exit %d changes %d\n%s", r.code, changes, r.err)
	}
	for _, want := range []string{"You are about to renew 1 instance for 1 month.", "Auto-pay:", "flexusl order pay", "web-1", stubID(0),
		"2025-01-31 15:59:59 UTC", "2025-02-28 15:59:59 UTC", "Renew? [y/N]"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, r.err)
		}
	}
	reg.Register(stubRenew, apitest.String(200, `{"order_ids":["CS250101000000001"],"fail_resource_infos":[]}`))
	r = runReg(t, reg, bssEnv(dir), true, "y\n", "instance", "renew", "web-1", "--period", "1")
	if r.code != 0 || reg.Count(stubRenew) != 1 || !strings.Contains(r.out, "CS2501010000") || !strings.Contains(r.err, "wait for payment") {
		t.Errorf("accept: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
}

func TestRenewWaitFollowsOrders(t *testing.T) {
	reg := apitest.New(t)
	stubRenewReads(reg, 1)
	reg.Register(stubRenew, apitest.String(200, `{"order_ids":["`+stubOrderID+`"],"fail_resource_infos":[]}`))
	reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/"+stubOrderID), stubOrderDetails(2, 5)).Persist()
	r := runReg(t, reg, bssEnv(t.TempDir()), false, "", "instance", "renew", "web-1", "--period", "1", "--auto-pay", "--yes", "--wait", "--interval", "10ms", "-o", "json")
	var res struct {
		Orders []struct {
			Status    int    `json:"status"`
			OrderType string `json:"order_type"`
		} `json:"orders"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.out), &res) != nil || len(res.Orders) != 1 || res.Orders[0].Status != 5 || res.Orders[0].OrderType != "renewal" {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
}

func TestDeleteTypedConfirmation(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(stubRMS, stubListing(3)).Persist()
	unsubscribe := stubChanges["unsubscribe"]
	unsubscribes := func() []apitest.Request {
		var out []apitest.Request
		for _, q := range reg.Requests() {
			if unsubscribe.Matches(q) {
				out = append(out, q)
			}
		}
		return out
	}
	dir := t.TempDir()
	// Wrong name: nothing sent.
	r := runReg(t, reg, bssEnv(dir), true, "web-2\n", "instance", "delete", "web-1")
	if changes := stubChangeCount(reg); r.code != 2 || changes != 0 || !strings.Contains(r.err, "nothing was sent") {
		t.Fatalf("wrong name: exit %d changes %d\n%s", r.code, changes, r.err)
	}
	for _, want := range []string{"RELEASES it", "server, disks (EVS), backups (CBR vault), host security (HSS) and EIP", "cannot be undone",
		"203.0.113.7", "server, EIP, data package", "Type web-1 to confirm"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, r.err)
		}
	}
	// Right name: one unsubscription.
	reg.Register(unsubscribe, apitest.String(200, `{"order_ids":["CS250101000000001"],"fail_resource_infos":[]}`))
	r = runReg(t, reg, bssEnv(dir), true, "web-1\n", "instance", "delete", "web-1")
	if r.code != 0 || len(unsubscribes()) != 1 || !strings.Contains(string(unsubscribes()[0].Body), `"unsubscribe_type":1`) {
		t.Fatalf("right name: exit %d\n%s", r.code, r.err)
	}
	// Several: the number, through the alias.
	r = runReg(t, reg, bssEnv(dir), true, "3 instances\n", "instance", "unsubscribe", "web-1", "web-2", "web-3")
	if r.code != 2 || len(unsubscribes()) != 1 || !strings.Contains(r.err, "Type the number of instances (3) to confirm") {
		t.Fatalf("several, wrong: exit %d\n%s", r.code, r.err)
	}
	reg.Register(unsubscribe, apitest.String(200, `{"order_ids":["CS250101000000002"],"fail_resource_infos":[]}`))
	r = runReg(t, reg, bssEnv(dir), true, "3\n", "instance", "unsubscribe", "web-1", "web-2", "web-3")
	if r.code != 0 || len(unsubscribes()) != 2 {
		t.Fatalf("several: exit %d\n%s", r.code, r.err)
	}
}

func TestAutoRenew(t *testing.T) {
	reg := apitest.New(t)
	dir := t.TempDir()
	env := bssEnv(dir)
	reg.Register(stubRMS, stubListing(2)).Persist()
	reg.Register(apitest.REST("POST", stubAutoRenew0), apitest.Status(204))
	reg.Register(apitest.REST("POST", stubAutoRenew1), apitest.Status(204))
	autorenews := func() []apitest.Request {
		var out []apitest.Request
		for _, q := range reg.Requests() {
			if strings.HasPrefix(q.URL.Path, "/v2/orders/subscriptions/resources/autorenew/") {
				out = append(out, q)
			}
		}
		return out
	}
	r := runReg(t, reg, env, false, "", "instance", "auto-renew", "web-1", "web-2", "on", "--times", "3", "-o", "json")
	if r.code != 0 || len(autorenews()) != 2 {
		t.Fatalf("on: exit %d\n%s", r.code, r.err)
	}
	for _, s := range autorenews() {
		if s.Method != "POST" || string(s.Body) != `{"auto_renew_times":3}` || s.Header.Get("Client-Request-Id") == "" {
			t.Errorf("on sent %s %s %s", s.Method, s.URL.Path, s.Body)
		}
	}
	var res []map[string]any
	if json.Unmarshal([]byte(r.out), &res) != nil || len(res) != 2 || res[0]["auto_renew"] != true || res[0]["ok"] != true || res[0]["times"] != 3.0 {
		t.Errorf("stdout %s", r.out)
	}
	reg.Register(apitest.REST("DELETE", stubAutoRenew0), apitest.Status(204))
	r = runReg(t, reg, env, false, "", "instance", "auto-renew", "web-1", "off")
	last := autorenews()[2]
	if r.code != 0 || last.Method != "DELETE" || len(last.Body) != 0 || last.URL.Path != stubAutoRenew0 || len(autorenews()) != 3 {
		t.Errorf("off: exit %d %s %q\n%s", r.code, last.Method, last.Body, r.err)
	}
	reg.Register(apitest.REST("DELETE", stubAutoRenew0), apitest.String(400, `{"error_code":"CBC.99003605","error_msg":"already cancelled"}`))
	r = runReg(t, reg, env, false, "", "instance", "auto-renew", "web-1", "off")
	if r.code != 0 || !strings.Contains(r.out, "already off") {
		t.Errorf("off twice: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	for _, bad := range [][]string{{"web-1", "on", "--times", "100"}, {"web-1", "off", "--times", "2"}, {"web-1", "maybe"}, {"on"}, {"web-1", "on", "--times", "-1"}} {
		n := len(reg.Requests())
		r := runReg(t, reg, env, false, "", append([]string{"instance", "auto-renew"}, bad...)...)
		if r.code != 2 || len(reg.Requests()) != n {
			t.Errorf("%v: exit %d, %d requests\n%s", bad, r.code, len(reg.Requests())-n, r.err)
		}
	}
	// An unknown outcome is checked where auto-renew shows (instance show),
	// not in the orders: auto-renew places none (journal.Kinds).
	reg.Register(apitest.REST("DELETE", stubAutoRenew1), apitest.String(500, `{"error_code":"CBC.0999","error_msg":"internal"}`))
	r = runReg(t, reg, env, false, "", "instance", "auto-renew", "web-2", "off")
	if r.code != 1 || !strings.Contains(r.err, "Do not run the command again until you know: `flexusl instance show` gives each instance's AUTO RENEW") || strings.Contains(r.err, "order list") {
		t.Errorf("unknown outcome: exit %d\n%s", r.code, r.err)
	}
}

func TestTraffic(t *testing.T) {
	reg := apitest.New(t)
	usage := func(i int, remaining float64) string {
		return fmt.Sprintf(`{"free_resource_id":"828e2c7c-3c8c-45a2-bebc-%012x","usage_type_name":"Upstream traffic","quota_reuse_cycle":4,"quota_reuse_cycle_type":2,`+
			`"start_time":"2025-01-25T16:00:00Z","end_time":"2025-02-25T16:00:00Z","amount":%v,"original_amount":1024,"measure_id":10}`, i, remaining)
	}
	reg.Register(stubRMS, stubListing(2)).Persist()
	reg.Register(stubTraffic, apitest.String(200, `{"free_resources":[`+usage(0, 742.5)+`,`+usage(1, 0)+`]}`))
	reg.Register(stubTraffic, apitest.String(200, `{"free_resources":[`+usage(0, 742.5)+`]}`))
	env := bssEnv(t.TempDir())
	r := runReg(t, reg, env, false, "", "instance", "traffic", "-o", "json")
	var rows []map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.out), &rows) != nil || len(rows) != 2 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	want := map[string]any{"id": stubID(0), "name": "web-1", "total_gb": 1024.0, "used_gb": 281.5, "remaining_gb": 742.5, "used_percent": 27.5, "resets_at": "2025-02-25T16:00:00Z"}
	for k, v := range want {
		if rows[0][k] != v {
			t.Errorf("%s = %v, want %v", k, rows[0][k], v)
		}
	}
	if rows[1]["used_percent"] != 100.0 {
		t.Errorf("row 2 %v", rows[1])
	}
	if qs := reg.Requests(); reg.Count(stubTraffic) != 1 || qs[len(qs)-1].Header.Get("X-Language") != "en_US" {
		t.Errorf("traffic calls %+v", qs)
	}
	// One instance by name, as a table on a terminal: a bar.
	r = runReg(t, reg, env, true, "", "instance", "traffic", "web-1")
	if r.code != 0 || !strings.Contains(r.out, "[######..............] 27.5%") || !strings.Contains(r.out, "742.50") {
		t.Errorf("table:\n%s\n%s", r.out, r.err)
	}
}

func TestOrderPayAndCancelRefuseWhatIsNotPending(t *testing.T) {
	reg := apitest.New(t)
	env := bssEnv(t.TempDir())
	done, pending, other := "CS250101000000001", "CS250101000000002", "CS250101000000003"
	reg.Register(stubDetails(done), stubOrderDetailsOf(done, 1, 5)).Persist()
	// Paying a completed order: already paid, nothing sent, exit 0 (as stop
	// on a stopped server). Cancelling it: its state forbids it, exit 2.
	r0 := runReg(t, reg, env, false, "", "order", "pay", done, "--yes", "-o", "json")
	if r0.code != 0 || stubChangeCount(reg) != 0 || !strings.Contains(r0.err, "is already paid (completed): nothing was sent") || !strings.Contains(r0.out, `"action": "already_paid"`) {
		t.Errorf("pay completed: exit %d\n%s\n%s", r0.code, r0.out, r0.err)
	}
	r0 = runReg(t, reg, env, false, "", "order", "cancel", done, "--yes")
	if r0.code != 2 || stubChangeCount(reg) != 0 || !strings.Contains(r0.err, "is completed (status 5), not pending payment (6)") || !strings.Contains(r0.err, "nothing was sent") {
		t.Errorf("cancel completed: exit %d\n%s", r0.code, r0.err)
	}
	// On a terminal pay shows the amount and currency, then pays.
	reg.Register(stubDetails(pending), stubOrderDetailsOf(pending, 2, 6))
	reg.Register(stubChanges["pay"], apitest.Status(204))
	reg.Register(stubDetails(pending), stubOrderDetailsOf(pending, 2, 5)).Persist()
	r := runReg(t, reg, env, true, "y\n", "order", "pay", pending)
	if r.code != 0 || !strings.Contains(r.err, "renewal") || !strings.Contains(r.err, "5.00 USD") || !strings.Contains(r.err, "Pay order "+pending+"? [y/N]") ||
		!strings.Contains(r.out, "paid") || !strings.Contains(r.out, "completed") {
		t.Errorf("pay: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	var pays []string
	for _, q := range reg.Requests() {
		if stubChanges["pay"].Matches(q) {
			pays = append(pays, string(q.Body))
		}
	}
	if b := pays[0]; b != `{"order_id":"`+pending+`","use_coupon":"NO","use_discount":"NO"}` {
		t.Errorf("pay body %s", b)
	}
	// Insufficient balance: the service's refusal, with what to do.
	reg.Register(stubDetails(other), stubOrderDetailsOf(other, 1, 6))
	reg.Register(stubChanges["pay"], apitest.String(400, `{"error_code":"CBC.99005003","error_msg":"refused by the test"}`))
	r = runReg(t, reg, env, false, "", "order", "pay", other, "--yes")
	if r.code != 1 || !strings.Contains(r.err, "CBC.99005003") || !strings.Contains(r.err, "top it up") {
		t.Errorf("balance: exit %d\n%s", r.code, r.err)
	}
	// Dry run: nothing read, nothing sent.
	n := len(reg.Requests())
	r = runReg(t, reg, env, false, "", "order", "cancel", other, "--dry-run")
	if r.code != 0 || len(reg.Requests()) != n || !strings.Contains(r.out, "PUT "+service.BSS.Get().Default+"/v2/orders/customer-orders/cancel") || !strings.Contains(r.out, `"order_id": "`+other+`"`) {
		t.Errorf("dry run: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
}

func TestOrderListRemote(t *testing.T) {
	reg := apitest.New(t)
	dir := t.TempDir()
	env := bssEnv(dir)
	orders := apitest.REST("GET", "/v2/orders/customer-orders")
	now := time.Now().UTC().Format("2006-01-02T15:04:05Z")
	order := func(id string, typ, status int) string {
		return fmt.Sprintf(`{"order_id":%q,"status":%d,"order_type":%d,"amount_after_discount":5,"currency":"USD","create_time":%q,"service_type_code":"hws.service.type.hcss"}`,
			id, status, typ, now)
	}
	two := order("CS250101000000001", 1, 5) + "," + order("CS250101000000002", 2, 6)
	reg.Register(orders, apitest.String(200, `{"total_count":2,"order_infos":[`+two+`]}`))
	// A fresh machine: the journal is empty, the orders are listed.
	r := runReg(t, reg, env, false, "", "order", "list", "--remote", "--since", "7d", "-o", "json")
	var l struct {
		Orders []struct {
			OrderID   string `json:"order_id"`
			OrderType string `json:"order_type"`
		} `json:"orders"`
		Unknown []struct {
			RequestID string   `json:"request_id"`
			Kind      string   `json:"kind"`
			Matches   []string `json:"possible_matches"`
		} `json:"unknown_attempts"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.out), &l) != nil || len(l.Orders) != 2 || l.Unknown == nil || len(l.Unknown) != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	queries := func() []string {
		var qs []string
		for _, q := range reg.Requests() {
			if orders.Matches(q) {
				qs = append(qs, q.URL.RawQuery)
			}
		}
		return qs
	}
	q := queries()[0]
	if !strings.Contains(q, "create_time_begin=") || !strings.Contains(q, "order_by=-createTime") || !strings.Contains(q, "limit=100") || !strings.Contains(q, "offset=0") {
		t.Errorf("query %s", q)
	}
	// A renewal whose answer was lost: listed with the order it placed.
	stubRenewReads(reg, 2)
	reg.Register(stubRenew, stubFaults["drop"]) // BSS placed renewal order CS250101000000003, then the answer was lost
	if r := runReg(t, reg, env, false, "", "instance", "renew", "web-2", "--period", "1", "--yes"); r.code != 1 {
		t.Fatalf("renew: exit %d %s", r.code, r.err)
	}
	crid := reg.Requests()[len(reg.Requests())-1].Header.Get("Client-Request-Id")
	reg.Register(orders, apitest.String(200, `{"total_count":3,"order_infos":[`+two+","+order("CS250101000000003", 2, 6)+`]}`)).Persist()
	r = runReg(t, reg, env, false, "", "order", "list", "--remote", "-o", "json")
	if r.code != 0 || json.Unmarshal([]byte(r.out), &l) != nil || len(l.Unknown) != 1 || l.Unknown[0].RequestID != crid || l.Unknown[0].Kind != "renew" || len(l.Unknown[0].Matches) != 2 {
		// Two renewal orders exist within the window: the test's own and
		// the one the lost call placed; both are possible.
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	r = runReg(t, reg, env, false, "", "order", "list", "--remote")
	if !strings.Contains(r.out, "? request "+crid) || !strings.Contains(r.out, "possible match: CS") || !strings.Contains(r.out, "unknown outcome") {
		t.Errorf("table:\n%s", r.out)
	}
	// Filters by name, checked offline.
	r = runReg(t, reg, env, false, "", "order", "list", "--remote", "--status", "pending-payment", "--type", "renewal")
	if len(queries()) == 0 {
		t.Fatalf("filters: exit %d, no listing sent", r.code)
	}
	if q := queries()[len(queries())-1]; r.code != 0 || !strings.Contains(q, "status=6") || !strings.Contains(q, "order_type=2") {
		t.Errorf("filters: exit %d, query %s", r.code, q)
	}
	n := len(reg.Requests())
	for _, bad := range [][]string{{"--remote", "--status", "paid"}, {"--remote", "--since", "7 days"}, {"--status", "6"}, {"--remote", "--type", "refund"}} {
		r := runReg(t, reg, env, false, "", append([]string{"order", "list"}, bad...)...)
		if r.code != 2 || len(reg.Requests()) != n {
			t.Errorf("%v: exit %d\n%s", bad, r.code, r.err)
		}
	}
}

// A prompt answered by end of input (Ctrl-D) cancels: exit 2, nothing sent.
func TestPromptAtEOFCancels(t *testing.T) {
	reg := apitest.New(t)
	env := bssEnv(t.TempDir())
	id := stubOrderID
	reg.Register(stubRMS, stubListing(1)).Persist()
	reg.Register(stubSubs, stubSubscriptions(0)).Persist()
	reg.Register(stubRenewRate, apitest.Wire(t, 200, "bss/renew-rate.response.json")).Persist()
	reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/"+id), stubOrderDetails(1, 6)).Persist()
	for _, args := range [][]string{{"instance", "delete", "web-1"}, {"instance", "renew", "web-1", "--period", "1"}, {"order", "pay", id}, {"order", "cancel", id}} {
		r := runReg(t, reg, env, true, "", args...)
		if changes := stubChangeCount(reg); r.code != 2 || changes != 0 || !strings.Contains(r.err, "nothing was sent") {
			t.Errorf("%v: exit %d, %d changes\n%s", args, r.code, changes, r.err)
		}
	}
}

// Text from RMS and BSS reaches the terminal escaped: an instance name
// cannot clear the screen or rewrite the confirmation.
func TestConfirmationsEscapeServerText(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(stubRMS, stubListingOf("evil\x1b[2J\rname")).Persist()
	reg.Register(stubSubs, stubSubscriptions(0)).Persist()
	reg.Register(stubRenewRate, apitest.Wire(t, 200, "bss/renew-rate.response.json")).Persist()
	env := bssEnv(t.TempDir())
	for _, args := range [][]string{{"instance", "renew", stubID(0), "--period", "1"}, {"instance", "delete", stubID(0)}} {
		r := runReg(t, reg, env, true, "n\n", args...)
		if r.code != 2 || strings.ContainsAny(r.err, "\x1b\r") || !strings.Contains(r.err, "evil^[[2J^Mname") || stubChangeCount(reg) != 0 {
			t.Errorf("%v: exit %d\n%q", args, r.code, r.err)
		}
	}
}

// After a renewal whose outcome is unknown, the next renewal warns about
// it before asking.
func TestNextRenewWarnsAboutUnknown(t *testing.T) {
	reg := apitest.New(t)
	env := bssEnv(t.TempDir())
	stubRenewReads(reg, 1)
	reg.Register(stubRenew, stubFaults["500"])
	if r := runReg(t, reg, env, false, "", "instance", "renew", "web-1", "--period", "1", "--yes"); r.code != 1 {
		t.Fatalf("exit %d %s", r.code, r.err)
	}
	crid := reg.Requests()[len(reg.Requests())-1].Header.Get("Client-Request-Id")
	reg.Register(stubRMS, stubListing(1))
	reg.Register(apitest.REST("POST", "/v2/orders/suscriptions/resources/query"), apitest.String(200, `{"total_count":0,"data":[]}`))
	r := runReg(t, reg, env, true, "n\n", "instance", "renew", "web-1", "--period", "1")
	if r.code != 2 || !strings.Contains(r.err, "an earlier renewal's outcome is unknown") || !strings.Contains(r.err, crid) || !strings.Contains(r.err, "flexusl order list --remote") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
}
