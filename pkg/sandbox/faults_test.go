package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// routeCall is one valid request per route, for the fault tests.
type routeCall struct {
	method, path, body string
	opts               []reqOpt
}

// routeCalls builds a valid request for every route against a world with
// two instances and a pending renewal order (pay and cancel each need
// their own).
func routeCalls(t *testing.T, e *tenv) map[string]func() routeCall {
	in := e.provision(2, sg)
	a := in[0]
	pending := func() string {
		r := e.do("POST", pathRenew, `{"resource_ids":["`+e.provision(1, sg)[0].ID+`"],"period_type":2,"period_num":1}`)
		ids := e.orderIDs(r)
		if len(ids) != 1 {
			t.Fatalf("no pending order: %s", r)
		}
		return ids[0]
	}
	return map[string]func() routeCall{
		RouteCreate: func() routeCall {
			return routeCall{"POST", pathCreate, pageBody, []reqOpt{header("Client-Request-Id", crid)}}
		},
		RouteOrder: func() routeCall { return routeCall{"GET", pathOrderDetails + a.OrderID, "", nil} },
		RouteIAM:   func() routeCall { return routeCall{"GET", pathProjects, "", nil} },
		RouteRMSList: func() routeCall {
			return routeCall{"GET", rmsPath("type=hcss.l-instance"), "", nil}
		},
		RouteECSShow: func() routeCall { return routeCall{"GET", ecsPath(sg, "/cloudservers/"+a.ServerID), "", nil} },
		RouteECSUpdate: func() routeCall {
			return routeCall{"PUT", ecsPath(sg, "/cloudservers/"+a.ServerID), `{"server":{"description":"x"}}`, nil}
		},
		RouteECSAction: func() routeCall {
			return routeCall{"POST", ecsPath(sg, "/cloudservers/action"), `{"reboot":{"type":"SOFT",` + servers(a.ServerID) + `}}`, nil}
		},
		RouteECSJob: func() routeCall {
			r := e.do("POST", ecsPath(sg, "/cloudservers/action"), `{"reboot":{"type":"SOFT",`+servers(a.ServerID)+`}}`)
			return routeCall{"GET", ecsPath(sg, "/jobs/"+r.obj()["job_id"].(string)), "", nil}
		},
		RouteECSPassword: func() routeCall {
			return routeCall{"PUT", ecsPath(sg, "/cloudservers/os-reset-passwords"), `{"new_password":"Xk7-pq9.Lm2",` + servers(a.ServerID) + `}`, nil}
		},
		RouteBSSRenew: func() routeCall {
			e.clk.Add(testComplete) // earlier renewals of a complete
			return routeCall{"POST", pathRenew, `{"resource_ids":["` + a.ID + `"],"period_type":2,"period_num":1,"is_auto_pay":1}`, nil}
		},
		RouteBSSUnsubscribe: func() routeCall {
			return routeCall{"POST", pathUnsubscribe, `{"resource_ids":["` + e.provision(1, sg)[0].ID + `"],"unsubscribe_type":1}`, nil}
		},
		RouteBSSAutoRenew: func() routeCall { return routeCall{"POST", pathAutoRenew + a.ID, "", nil} },
		RouteBSSPay: func() routeCall {
			return routeCall{"POST", pathPay, `{"order_id":"` + pending() + `","use_coupon":"NO","use_discount":"NO"}`, nil}
		},
		RouteBSSCancel:    func() routeCall { return routeCall{"PUT", pathCancel, `{"order_id":"` + pending() + `"}`, nil} },
		RouteBSSOrders:    func() routeCall { return routeCall{"GET", pathOrders, "", nil} },
		RouteBSSResources: func() routeCall { return routeCall{"POST", pathQueryResources, `{"only_main_resource":1}`, nil} },
		RouteBSSTraffic: func() routeCall {
			return routeCall{"POST", pathFreeResources, `{"free_resource_ids":["` + a.TrafficID + `"]}`, nil}
		},
	}
}

func (e *tenv) send(c routeCall) *resp {
	var body any
	if c.body != "" {
		body = c.body
	}
	return e.do(c.method, c.path, body, c.opts...)
}

// 429 and 500 can be queued for every route, answer in the right shapes,
// last Count requests, and the route works again afterwards.
func TestFaultsPerRoute(t *testing.T) {
	e := newEnv(t)
	calls := routeCalls(t, e)
	for _, route := range Routes() {
		mk, ok := calls[route]
		if !ok {
			t.Errorf("no test call for route %s", route)
			continue
		}
		t.Run(route, func(t *testing.T) {
			if err := e.s.AddFault(Fault{Route: route, Kind: FaultRateLimit, Count: 2}); err != nil {
				t.Fatal(err)
			}
			if err := e.s.AddFault(Fault{Route: route, Kind: FaultServer}); err != nil {
				t.Fatal(err)
			}
			c := mk()
			for i := 0; i < 2; i++ {
				r := e.send(c)
				want(t, r, 429, "APIGW.0308")
				checkShape(t, "apigw/error.json", r.body)
			}
			r := e.send(c)
			if r.status != 500 {
				t.Fatalf("500 fault: %s", r)
			}
			if route == RouteIAM {
				checkShape(t, "iam/error.json", r.body)
			}
			if r := e.send(mk()); r.status < 200 || r.status > 299 {
				t.Errorf("after the faults: %s", r)
			}
			// Every request reached the log, with its route.
			n := 0
			for _, lr := range e.s.Requests() {
				if lr.Route == route {
					n++
				}
			}
			if n < 4 {
				t.Errorf("%d requests of %s logged", n, route)
			}
		})
	}
}

// The 500 shapes per service.
func TestServerErrorShapes(t *testing.T) {
	e := newEnv(t)
	calls := routeCalls(t, e)
	for route, file := range map[string]string{RouteCreate: "hcss/error.json", RouteOrder: "bss/error.json", RouteBSSRenew: "bss/error.json",
		RouteRMSList: "rms/error.json", RouteECSShow: "ecs/error.json", RouteECSAction: "ecs/error.json", RouteIAM: "iam/error.json"} {
		e.s.AddFault(Fault{Route: route, Kind: FaultServer})
		r := e.send(calls[route]())
		want(t, r, 500, "")
		checkShape(t, file, r.body)
	}
}

// A dropped answer: the work is done (an order placed, a job started, a
// renewal ordered, a payment made), the connection closed.
func TestDropDoesTheWork(t *testing.T) {
	e := newEnv(t)
	calls := routeCalls(t, e)
	for _, tt := range []struct {
		route string
		done  func() bool
	}{
		{RouteCreate, func() bool { return countOrders(e, orderNew) == 2 }},
		{RouteECSAction, func() bool { e.s.mu.Lock(); defer e.s.mu.Unlock(); return len(e.s.jobs) == 1 }},
		{RouteBSSRenew, func() bool { return countOrders(e, orderRenewal) == 1 }},
	} {
		e.s.AddFault(Fault{Route: tt.route, Kind: FaultDrop})
		c := calls[tt.route]()
		req, _ := http.NewRequest(c.method, e.url+c.path, strings.NewReader(c.body))
		req.Header.Set("X-Auth-Token", DefaultToken)
		req.Header.Set("Client-Request-Id", crid)
		_, err := http.DefaultClient.Do(req)
		if err == nil {
			t.Errorf("%s: answered", tt.route)
		}
		if !tt.done() {
			t.Errorf("%s: the work was not done", tt.route)
		}
	}
	last := e.s.Requests()[len(e.s.Requests())-1]
	if last.Status != 0 {
		t.Errorf("dropped request logged with status %d", last.Status)
	}
}

func countOrders(e *tenv, typ int) int {
	n := 0
	for _, o := range e.s.Orders() {
		if o.OrderType == typ {
			n++
		}
	}
	return n
}

func TestLatencyFault(t *testing.T) {
	e := newEnv(t)
	e.s.AddFault(Fault{Route: RouteRMSList, Kind: FaultLatency, LatencyMS: 100})
	begin := time.Now()
	want(t, e.do("GET", rmsPath("type=hcss.l-instance"), nil), 200, "")
	if time.Since(begin) < 100*time.Millisecond {
		t.Error("no latency")
	}
}

// job_fail: the next job's sub-jobs fail (all, or one server's).
func TestJobFailFault(t *testing.T) {
	e := newEnv(t)
	in := e.provision(3, sg)
	e.s.AddFault(Fault{Route: RouteECSAction, Kind: FaultJobFail, ServerID: in[1].ServerID})
	j := e.action(sg, `{"reboot":{"type":"SOFT",`+servers(in[0].ServerID, in[1].ServerID, in[2].ServerID)+`}}`)
	e.clk.Add(testJob)
	v := e.job(sg, j)
	if v.Status != "FAIL" || v.Entities.SubJobs[0].Status != "SUCCESS" || v.Entities.SubJobs[1].Status != "FAIL" ||
		v.Entities.SubJobs[2].Status != "SUCCESS" || !strings.Contains(v.Entities.SubJobs[1].Entities.ErrorcodeMessage, in[1].ServerID) {
		t.Errorf("%+v", v)
	}
	e.s.AddFault(Fault{Route: RouteECSAction, Kind: FaultJobFail})
	j = e.action(sg, `{"os-stop":{`+servers(in[0].ServerID, in[2].ServerID)+`}}`)
	e.clk.Add(testJob)
	if v := e.job(sg, j); v.Status != "FAIL" || v.Entities.SubJobs[0].Status != "FAIL" || v.Entities.SubJobs[1].Status != "FAIL" {
		t.Errorf("%+v", v)
	}
	if e.inst(in[0].ID).ServerStatus != "ACTIVE" {
		t.Error("a failed stop stopped the server")
	}
	// The next job is fine again.
	j = e.action(sg, `{"os-stop":{`+servers(in[0].ServerID)+`}}`)
	e.clk.Add(testJob)
	if v := e.job(sg, j); v.Status != "SUCCESS" {
		t.Errorf("%+v", v)
	}
}

func TestAddFaultValidation(t *testing.T) {
	e := newEnv(t)
	for _, f := range []Fault{
		{Route: "x", Kind: FaultServer},
		{Route: RouteCreate, Kind: "teapot"},
		{Route: RouteECSShow, Kind: FaultSoldOut},
		{Route: RouteBSSRenew, Kind: FaultQuota},
		{Route: RouteECSJob, Kind: FaultJobFail},
		{Route: RouteBSSRenew, Kind: FaultInsufficientBalance},
		{Route: RouteECSShow, Kind: FaultServer, ServerID: "x"},
		{Route: RouteECSShow, Kind: FaultLatency},
		{Route: RouteUnknown, Kind: FaultServer},
	} {
		if err := e.s.AddFault(f); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
	for _, k := range []string{FaultSoldOut, FaultQuota} {
		e.s.AddFault(Fault{Route: RouteCreate, Kind: k})
	}
	want(t, e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid)), 400, "HCSS.14000010")
	want(t, e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid)), 400, "HCSS.14000011")
}

func TestControlAPI(t *testing.T) {
	e := newEnv(t)
	do := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	if st, b := do("POST", "/_sandbox/faults", `{"route":"create","kind":"quota","count":1}`); st != 200 {
		t.Fatalf("%d %s", st, b)
	}
	if r := e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid)); r.status != 400 {
		t.Errorf("fault not applied: %s", r)
	}
	if st, _ := do("POST", "/_sandbox/faults", `{"route":"create","kind":"quota","cnt":1}`); st != 400 {
		t.Error("unknown fault field accepted")
	}
	if st, b := do("POST", "/_sandbox/faults", `{"route":"ecs.action","kind":"job_fail","server_id":"s1"}`); st != 200 {
		t.Errorf("job_fail: %d %s", st, b)
	}
	id, _ := e.buy(func(b map[string]any) { b["is_auto_pay"] = false })
	if st, b := do("POST", "/_sandbox/orders/"+id+"/pay", ""); st != 200 {
		t.Errorf("pay: %d %s", st, b)
	}
	if st, _ := do("POST", "/_sandbox/orders/CSNOPE/cancel", ""); st != 400 {
		t.Error("cancel of unknown order")
	}
	st, b := do("GET", "/_sandbox/requests", "")
	var reqs []LoggedRequest
	json.Unmarshal(b, &reqs)
	if st != 200 || len(reqs) != 2 || reqs[0].Status != 400 || reqs[1].Status != 202 || !strings.Contains(reqs[1].Body, "test-0620-01") || reqs[1].Route != RouteCreate {
		t.Errorf("requests: %d %+v", st, reqs)
	}
	// Bulk provisioning, traffic, settings, instances, orders.
	st, b = do("POST", "/_sandbox/instances", `{"count":7,"regions":["ap-southeast-1","tr-west-1"],"name":"bulk"}`)
	var made []InstanceSummary
	json.Unmarshal(b, &made)
	if st != 200 || len(made) != 7 || made[0].Name != "bulk-0001" || made[0].Region != "ap-southeast-1" || made[1].Region != "tr-west-1" || made[0].State != "normal" {
		t.Fatalf("provision: %d %s", st, b)
	}
	for _, bad := range []string{`{"count":0}`, `{"count":1,"regions":["mars-1"]}`, `{"count":1,"spec":"x"}`, `{"count":1,"period_type":"week"}`, `{"count":1,"size":2}`} {
		if st, _ := do("POST", "/_sandbox/instances", bad); st != 400 {
			t.Errorf("%s accepted", bad)
		}
	}
	if st, b := do("POST", "/_sandbox/instances/"+made[0].ID+"/traffic", `{"used_gb":12.5}`); st != 200 || e.inst(made[0].ID).TrafficUsedGB != 12.5 {
		t.Errorf("traffic: %d %s", st, b)
	}
	if st, _ := do("POST", "/_sandbox/instances/"+made[0].ID+"/traffic", `{}`); st != 400 {
		t.Error("traffic without used_gb")
	}
	if st, b := do("POST", "/_sandbox/settings", `{"complete_after":"1s","provision_after":"0s","job_after":"250ms"}`); st != 200 ||
		e.s.opts.CompleteAfter != time.Second || e.s.opts.ProvisionAfter != 0 || e.s.opts.JobAfter != 250*time.Millisecond {
		t.Errorf("settings: %d %s", st, b)
	}
	for _, bad := range []string{`{"complete_after":"0s"}`, `{"job_after":"-1s"}`, `{"provision_after":"soon"}`} {
		if st, _ := do("POST", "/_sandbox/settings", bad); st != 400 {
			t.Errorf("%s accepted", bad)
		}
	}
	st, b = do("GET", "/_sandbox/instances", "")
	if st != 200 || bytes.Count(b, []byte(`"server_id"`)) != 7 {
		t.Errorf("instances: %s", b)
	}
	st, b = do("GET", "/_sandbox/orders", "")
	if st != 200 || !bytes.Contains(b, []byte(`"order_type":1`)) {
		t.Errorf("orders: %s", b)
	}
	if st, _ := do("POST", "/_sandbox/reset", ""); st != 200 || len(e.s.Orders()) != 0 || len(e.s.Requests()) != 0 || len(e.s.Instances()) != 0 {
		t.Error("reset")
	}
	if st, b := do("GET", "/v1/nothing", ""); st != 404 || !bytes.Contains(b, []byte("APIGW.0101")) {
		t.Errorf("unknown route: %d %s", st, b)
	}
	// A known path with another method is unknown too, and logged.
	if st, b := do("DELETE", pathCreate, ""); st != 404 || !bytes.Contains(b, []byte("APIGW.0101")) {
		t.Errorf("wrong method: %d %s", st, b)
	}
	if reqs := e.s.Requests(); len(reqs) != 2 || reqs[1].Route != RouteUnknown || reqs[1].Method != "DELETE" {
		t.Errorf("unknown routes logged: %+v", reqs)
	}
}

// The request log prints one line per answered request when asked, none
// otherwise.
func TestLogLines(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	e := newEnv(t, func(o *Options) {
		o.Log = func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }
	})
	e.do("GET", rmsPath("type=hcss.l-instance"), nil)
	e.do("GET", "/v1/none", nil)
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 2 || !strings.Contains(lines[0], "GET /v1/resource-manager/domains/") || !strings.Contains(lines[0], " 200 rms.list ") ||
		!strings.Contains(lines[1], " 404 unknown ") {
		t.Errorf("%q", lines)
	}
}

// 64 concurrent clients doing everything at once: every answer is a
// documented one, nothing is lost or duplicated (run with -race).
func TestConcurrentMixedCalls(t *testing.T) {
	e := newEnv(t)
	in := e.provision(16, sg, "tr-west-1")
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n*8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := in[i%len(in)]
			region := a.Region
			check := func(r *resp, ok ...int) {
				for _, s := range ok {
					if r.status == s {
						return
					}
				}
				errs <- fmt.Errorf("client %d: %s", i, r)
			}
			body := strings.Replace(pageBody, "test-0620-01", fmt.Sprintf("web-%d", i), 1)
			check(e.do("POST", pathCreate, body, header("Client-Request-Id", fmt.Sprintf("%08d-0000-4000-8000-000000000000", i))), 202)
			check(e.do("GET", rmsPath("type=hcss.l-instance&limit=5"), nil), 200)
			check(e.do("GET", ecsPath(region, "/cloudservers/"+a.ServerID), nil), 200)
			r := e.do("POST", ecsPath(region, "/cloudservers/action"), `{"reboot":{"type":"SOFT",`+servers(a.ServerID)+`}}`)
			check(r, 200)
			if id, ok := r.obj()["job_id"].(string); ok {
				check(e.do("GET", ecsPath(region, "/jobs/"+id), nil), 200)
			}
			check(e.do("POST", pathRenew, `{"resource_ids":["`+a.ID+`"],"period_type":2,"period_num":1,"is_auto_pay":1}`), 200)
			check(e.do("POST", pathQueryResources, `{"resource_ids":["`+a.ID+`"]}`), 200)
			check(e.do("GET", pathOrders+"?limit=100", nil), 200)
			check(e.do("PUT", ecsPath(region, "/cloudservers/os-reset-passwords"), `{"new_password":"Xk7-pq9.Lm2",`+servers(a.ServerID)+`}`), 200)
			if i%8 == 0 {
				e.clk.Add(time.Second)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	purchases, renewals := countOrders(e, orderNew), countOrders(e, orderRenewal)
	if purchases != n+2 { // 64 bought, 2 bulk orders
		t.Errorf("%d purchase orders, want %d", purchases, n+2)
	}
	seen := map[string]bool{}
	for _, o := range e.s.Orders() {
		if seen[o.OrderID] {
			t.Errorf("order %s twice", o.OrderID)
		}
		seen[o.OrderID] = true
	}
	if renewals < 16 || renewals > n {
		t.Errorf("%d renewals", renewals)
	}
	if len(e.s.Requests()) < n*8 {
		t.Errorf("%d requests logged", len(e.s.Requests()))
	}
}

// A 403 fault answers in the service's error shape, naming the permission
// the route needs; the next request is served.
func TestForbiddenFault(t *testing.T) {
	e := newEnv(t)
	calls := routeCalls(t, e)
	for route, file := range map[string]string{RouteRMSList: "rms/error.json", RouteOrder: "bss/error.json", RouteECSShow: "ecs/error.json", RouteCreate: "hcss/error.json"} {
		if err := e.s.AddFault(Fault{Route: route, Kind: FaultForbidden}); err != nil {
			t.Fatal(err)
		}
		c := calls[route]()
		r := e.send(c)
		want(t, r, 403, "")
		checkShape(t, file, r.body)
		if route == RouteRMSList && !strings.Contains(string(r.body), "Policy doesn't allow rms:resources:list to be performed.") {
			t.Errorf("%s", r.body)
		}
		if r := e.send(calls[route]()); r.status < 200 || r.status > 299 {
			t.Errorf("%s after the fault: %s", route, r)
		}
	}
}
