package instancecmd_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

var buyArgs = []string{"instance", "buy", "--region", "ap-southeast-3", "--name", "web", "--image", "BT", "--spec", "hf.large.1.30m.linux",
	"--quantity", "2", "--auto-pay", "--yes", "--wait", "--interval", "10ms"}

var (
	buyCall     = apitest.REST("POST", "/v1/light-instances")
	orderDetail = apitest.REST("GET", "/v2/orders/customer-orders/details/CS2611271000BBBBB")
	rmsAP3      = rmsList("region_id", "ap-southeast-3")
	bought1     = entry("aaaaaaaaaaaaaaaaaaaaaaa1", "web-0001", "ap-southeast-3", "RUNNING", "203.0.113.1", nil)
	bought2     = entry("aaaaaaaaaaaaaaaaaaaaaaa2", "web-0002", "ap-southeast-3", "RUNNING", "203.0.113.2", nil)
)

// stubOrder answers the details of order CS2611271000BBBBB with status
// (5: completed, 3: not yet).
func stubOrder(reg *apitest.Registry, status int) {
	reg.Register(orderDetail, apitest.String(200, fmt.Sprintf(`{"total_count":1,"order_info":{"order_id":"CS2611271000BBBBB","status":%d,"order_type":1,"create_time":"2026-11-27T10:00:00Z","currency":"USD"},"order_line_items":[]}`, status))).Persist()
}

// stubBuy answers the purchase of buyArgs (two instances, order
// CS2611271000BBBBB) with IAM's documented project list and BSS's
// documented price, and the order's details with status.
func stubBuy(t *testing.T, reg *apitest.Registry, status int) {
	reg.Register(apitest.REST("GET", "/v3/projects"), apitest.Wire(t, 200, "iam/projects.response.json"))
	reg.Register(apitest.REST("POST", "/v2/bills/ratings/period-resources/subscribe-rate"), apitest.Wire(t, 200, "bss/subscribe-rate.response.json"))
	reg.Register(buyCall, apitest.String(202, `{"order_id":"CS2611271000BBBBB","instance_ids":["aaaaaaaaaaaaaaaaaaaaaaa1","aaaaaaaaaaaaaaaaaaaaaaa2"]}`))
	stubOrder(reg, status)
}

// buy --wait: the order completes, then RMS lists the instances (after a
// lag) RUNNING with public IPs; they are printed in the list shape.
func TestBuyWaitEndsWithIPs(t *testing.T) {
	other := entry("cccccccccccccccccccccccc", "other", "ap-southeast-3", "RUNNING", "203.0.113.3", nil)
	reg := apitest.New(t)
	stubBuy(t, reg, 5)
	// The instances show in RMS at the third listing.
	reg.Register(rmsAP3, listing(""))
	reg.Register(rmsAP3, listing(""))
	reg.Register(rmsAP3, listing("", bought1, bought2, other)).Persist()
	out, errOut, code := runStub(t, reg, nil, append(buyArgs, "-o", "json")...)
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	insts, _ := r["instances"].([]any)
	if keysOf(r) != "client_request_id,instance_ids,instances,order,order_id,price,region" || len(insts) != 2 {
		t.Fatalf("%v", r)
	}
	first := insts[0].(map[string]any)
	if keysOf(first) != "charging_mode,created,expires,id,name,order_id,public_ip,region,server_id,spec,status,tags" ||
		first["id"] != "aaaaaaaaaaaaaaaaaaaaaaa1" || first["public_ip"] != "203.0.113.1" || insts[1].(map[string]any)["public_ip"] != "203.0.113.2" {
		t.Errorf("%v", insts)
	}
	// Progress on stderr: the order, then the instances.
	for _, w := range []string{"order CS2611271000BBBBB: completed", "instances 0/2 running with a public IP, 2 not listed yet", "instances 2/2 running with a public IP"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	// RMS asked in the purchase's region only.
	if reg.Count(rmsAP3) != 3 {
		t.Errorf("%v", lines(reg))
	}

	reg = apitest.New(t)
	stubBuy(t, reg, 5)
	reg.Register(rmsAP3, listing("", bought1, bought2, other)).Persist()
	out, _, code = runStub(t, reg, nil, buyArgs...)
	if code != 0 || !strings.Contains(out, "\n\nINSTANCE ID               PUBLIC IP\naaaaaaaaaaaaaaaaaaaaaaa1  203.0.113.1\naaaaaaaaaaaaaaaaaaaaaaa2  203.0.113.2\n") ||
		!strings.HasPrefix(out, "ORDER ID           INSTANCE IDS") {
		t.Errorf("table:\n%s", out)
	}
}

// Instances that do not show in time: exit 5 with the command that looks
// again; stdout still has the purchase and what was seen.
func TestBuyWaitInstancesTimeout(t *testing.T) {
	reg := apitest.New(t)
	stubBuy(t, reg, 5)
	reg.Register(rmsAP3, listing("", bought1, entry("aaaaaaaaaaaaaaaaaaaaaaa2", "web-0002", "ap-southeast-3", "CREATING", "", nil))).Persist()
	out, errOut, code := runStub(t, reg, nil, append(buyArgs, "--timeout", "300ms", "-o", "json")...)
	if code != 5 || !strings.Contains(out, `"order_id": "CS2611271000BBBBB"`) || !strings.Contains(out, `"status": "CREATING"`) ||
		!strings.Contains(errOut, "ms waiting for the instances of order CS2611271000BBBBB (last status: 1/2 running with a public IP); "+
			"resume with: flexusl order wait CS2611271000BBBBB (or look with: flexusl instance list --region ap-southeast-3)") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// The order never completed: no instance wait, no instances key.
	reg = apitest.New(t)
	stubBuy(t, reg, 3)
	out, _, code = runStub(t, reg, nil, append(buyArgs, "--timeout", "100ms", "-o", "json")...)
	if code != 5 || strings.Contains(out, `"instances"`) || countPrefix(reg, "GET /v1/resource-manager") != 0 {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// order wait on a purchase in the journal waits for its instances too.
func TestOrderWaitPurchaseWaitsForInstances(t *testing.T) {
	reg := apitest.New(t)
	stubOrder(reg, 5)
	reg.Register(rmsAP3, listing("", bought1, bought2)).Persist()
	state := filepath.Join(t.TempDir(), "state")
	os.MkdirAll(filepath.Join(state, "flexusl"), 0o700)
	os.WriteFile(filepath.Join(state, "flexusl", "orders.jsonl"), []byte(
		`{"time":"2026-11-27T10:00:00Z","region":"ap-southeast-3","name":"web","order_id":"CS2611271000BBBBB","instance_ids":["aaaaaaaaaaaaaaaaaaaaaaa1","aaaaaaaaaaaaaaaaaaaaaaa2"],"state":"accepted"}`+"\n"+
			`{"time":"2026-11-27T10:00:00Z","region":"ap-southeast-3","name":"x","order_id":"CSNOIDS0000000000","state":"accepted"}`+"\n"), 0o600)
	env := map[string]string{"XDG_STATE_HOME": state}
	out, errOut, code := runStub(t, reg, env, "order", "wait", "CS2611271000BBBBB", "--interval", "10ms", "-o", "json")
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	if insts, _ := r["instances"].([]any); len(insts) != 2 || r["status_text"] != "completed" {
		t.Errorf("%v", r)
	}
	out, _, code = runStub(t, reg, env, "order", "wait", "CS2611271000BBBBB", "--interval", "10ms")
	if code != 0 || !strings.Contains(out, "\n\nINSTANCE ID               PUBLIC IP\naaaaaaaaaaaaaaaaaaaaaaa1  203.0.113.1\n") {
		t.Errorf("table:\n%s", out)
	}
	// An order the journal has no instances for: the order only.
	n := countPrefix(reg, "GET /v1/resource-manager")
	reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/CSNOIDS0000000000"), apitest.String(200,
		`{"total_count":1,"order_info":{"order_id":"CSNOIDS0000000000","status":5,"order_type":1,"create_time":"2026-11-27T10:00:00Z","currency":"USD"},"order_line_items":[]}`))
	out, _, code = runStub(t, reg, env, "order", "wait", "CSNOIDS0000000000", "--interval", "10ms", "-o", "json")
	if code != 0 || strings.Contains(out, "instances\": [{") || countPrefix(reg, "GET /v1/resource-manager") != n {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// The order completed but its instances cannot be followed (RMS refuses
// the listing without rms:resources:list, or cannot be reached): the
// purchase is done, so buy --wait and order wait print it and exit 0, with
// a warning saying how to look later (issue 18, item 4).
func TestWaitCompletedOrderInstancesNotFollowable(t *testing.T) {
	reg := apitest.New(t)
	stubBuy(t, reg, 5)
	reg.Register(rmsAP3, apitest.String(403, injected403)).Persist()
	out, errOut, code := runStub(t, reg, nil, append(buyArgs, "-o", "json")...)
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	order, _ := r["order"].(map[string]any)
	if ids, _ := r["instance_ids"].([]any); len(ids) != 2 || order["status_text"] != "completed" || r["order_id"] != "CS2611271000BBBBB" {
		t.Errorf("%v", r)
	}
	for _, w := range []string{
		"Warning: order CS2611271000BBBBB completed: its instances (aaaaaaaaaaaaaaaaaaaaaaa1, aaaaaaaaaaaaaaaaaaaaaaa2) are created, but they could not be followed: list instances: HTTP 403 FAKE.403",
		"Look at them later with: flexusl instance list --region ap-southeast-3 (listing instances needs the IAM permission rms:resources:list).",
	} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if strings.Contains(errOut, "Error:") {
		t.Errorf("an error for a completed purchase:\n%s", errOut)
	}

	// order wait on the same purchase from the journal: the same.
	state := filepath.Join(t.TempDir(), "state")
	os.MkdirAll(filepath.Join(state, "flexusl"), 0o700)
	os.WriteFile(filepath.Join(state, "flexusl", "orders.jsonl"), []byte(
		`{"time":"2026-11-27T10:00:00Z","region":"ap-southeast-3","name":"web","order_id":"CS2611271000BBBBB","instance_ids":["aaaaaaaaaaaaaaaaaaaaaaa1"],"state":"accepted"}`+"\n"), 0o600)
	env := map[string]string{"XDG_STATE_HOME": state}
	out, errOut, code = runStub(t, reg, env, "order", "wait", "CS2611271000BBBBB", "--interval", "10ms")
	if code != 0 || !strings.Contains(out, "CS2611271000BBBBB") || !strings.Contains(out, "aaaaaaaaaaaaaaaaaaaaaaa1") ||
		!strings.Contains(errOut, "could not be followed: list instances: HTTP 403") || !strings.Contains(errOut, "rms:resources:list") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}

	// RMS cannot be reached: the same, exit 0.
	reg = apitest.New(t)
	stubBuy(t, reg, 5)
	reg.Register(rmsAP3, apitest.Refused()).Persist()
	out, errOut, code = runStub(t, reg, nil, append(buyArgs, "-o", "json")...)
	if code != 0 || !strings.Contains(out, `"status_text": "completed"`) || !strings.Contains(errOut, "could not be followed") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}

	// Instances not listed before --timeout still exit 5.
	reg = apitest.New(t)
	stubBuy(t, reg, 5)
	reg.Register(rmsAP3, listing("")).Persist()
	_, errOut, code = runStub(t, reg, nil, append(buyArgs, "--timeout", "200ms")...)
	if code != 5 || !strings.Contains(errOut, "timed out") || strings.Contains(errOut, "could not be followed") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
