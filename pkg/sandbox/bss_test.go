package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (e *tenv) orderIDs(r *resp) []string {
	e.t.Helper()
	var res orderResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		e.t.Fatalf("%v: %s", err, r.body)
	}
	return res.OrderIDs
}

func failures(r *resp) map[string]string {
	var res orderResult
	json.Unmarshal(r.body, &res)
	out := map[string]string{}
	for _, f := range res.FailResourceInfos {
		out[f.ResourceID] = f.ErrorCode
	}
	return out
}

func TestRenew(t *testing.T) {
	e := newEnv(t)
	in := e.provision(12, sg)
	ids := func(n int) string {
		var q []string
		for _, x := range in[:n] {
			q = append(q, `"`+x.ID+`"`)
		}
		return "[" + strings.Join(q, ",") + "]"
	}
	for _, tt := range []struct{ body, field string }{
		{`{"period_type":2,"period_num":1}`, "resource_ids"},
		{`{"resource_ids":[],"period_type":2,"period_num":1}`, "resource_ids"},
		{`{"resource_ids":` + ids(11) + `,"period_type":2,"period_num":1}`, "at most 10"},
		{`{"resource_ids":["a","a"],"period_type":2,"period_num":1}`, "resource_ids[1]"},
		{`{"resource_ids":["a"],"period_num":1}`, "period_type"},
		{`{"resource_ids":["a"],"period_type":1,"period_num":1}`, "period_type"},
		{`{"resource_ids":["a"],"period_type":"2","period_num":1}`, "period_type"},
		{`{"resource_ids":["a"],"period_type":2}`, "period_num"},
		{`{"resource_ids":["a"],"period_type":2,"period_num":12}`, "period_num"},
		{`{"resource_ids":["a"],"period_type":2,"period_num":0}`, "period_num"},
		{`{"resource_ids":["a"],"period_type":3,"period_num":4}`, "period_num"},
		{`{"resource_ids":["a"],"period_type":2,"period_num":1,"is_auto_pay":2}`, "is_auto_pay"},
		{`{"resource_ids":["a"],"period_type":2,"period_num":1,"auto_pay":1}`, "auto_pay"},
	} {
		r := e.do("POST", pathRenew, tt.body)
		want(t, r, 400, "CBC.0100")
		if !strings.Contains(errorMessage(r), tt.field) {
			t.Errorf("%s: %q does not name %s", tt.body, errorMessage(r), tt.field)
		}
	}
	// Ten at once: one order; the expire_policy key is accepted and ignored.
	r := e.do("POST", pathRenew, `{"resource_ids":`+ids(10)+`,"period_type":3,"period_num":1,"is_auto_pay":0,"expire_policy":0}`)
	want(t, r, 200, "")
	orders := e.orderIDs(r)
	if len(orders) != 1 || len(failures(r)) != 0 {
		t.Fatalf("%s", r)
	}
	pending := orders[0]
	d := e.do("GET", pathOrderDetails+pending, nil).obj()["order_info"].(map[string]any)
	if d["status"] != float64(statusPendingPayment) || d["order_type"] != float64(orderRenewal) {
		t.Errorf("renewal order %v", d)
	}
	// In an unpaid order, a sub-resource, unknown, in progress.
	a := in[0]
	r = e.do("POST", pathRenew, `{"resource_ids":["`+a.ID+`","`+a.ServerID+`","ffffffffffffffffffffffff","`+in[10].ID+`"],"period_type":2,"period_num":1,"is_auto_pay":1}`)
	want(t, r, 200, "")
	f := failures(r)
	if f[a.ID] != "CBC.99003100" || f[a.ServerID] != "CBC.30010036" || f["ffffffffffffffffffffffff"] != "CBC.99003016" || len(f) != 3 || len(e.orderIDs(r)) != 1 {
		t.Errorf("failures %v: %s", f, r.body)
	}
	r = e.do("POST", pathRenew, `{"resource_ids":["`+in[10].ID+`"],"period_type":2,"period_num":1,"is_auto_pay":1}`)
	if f := failures(r); f[in[10].ID] != "CBC.99003144" {
		t.Errorf("in progress: %s", r.body)
	}
	// All refused: no order.
	r = e.do("POST", pathRenew, `{"resource_ids":["ffffffffffffffffffffffff"],"period_type":2,"period_num":1}`)
	if len(e.orderIDs(r)) != 0 {
		t.Errorf("%s", r)
	}
	// Paying the pending renewal extends all ten a year when it completes.
	before := e.inst(a.ID).ExpireTime
	want(t, e.do("POST", pathPay, `{"order_id":"`+pending+`","use_coupon":"NO","use_discount":"NO"}`), 204, "")
	e.clk.Add(testComplete)
	b, _ := time.Parse(layoutSeconds, before)
	x, _ := time.Parse(layoutSeconds, e.inst(a.ID).ExpireTime)
	if x.Sub(b) < 365*24*time.Hour || x.Sub(b) > 366*24*time.Hour {
		t.Errorf("a year: %s -> %s", b, x)
	}
}

func TestUnsubscribe(t *testing.T) {
	e := newEnv(t)
	in := e.provision(4, sg)
	for _, tt := range []struct{ body, field string }{
		{`{"unsubscribe_type":1}`, "resource_ids"},
		{`{"resource_ids":["a"]}`, "unsubscribe_type"},
		{`{"resource_ids":["a"],"unsubscribe_type":3}`, "unsubscribe_type"},
		{`{"resource_ids":["a"],"unsubscribe_type":1,"unsubscribe_reason_type":6}`, "unsubscribe_reason_type"},
		{`{"resource_ids":["a"],"unsubscribe_type":1,"unsubscribe_reason":"` + strings.Repeat("r", 256) + `"}`, "unsubscribe_reason"},
	} {
		r := e.do("POST", pathUnsubscribe, tt.body)
		want(t, r, 400, "CBC.0100")
		if !strings.Contains(errorMessage(r), tt.field) {
			t.Errorf("%s: %q", tt.body, errorMessage(r))
		}
	}
	// Type 2 without a renewal to cancel; unknown; a sub-resource.
	r := e.do("POST", pathUnsubscribe, `{"resource_ids":["`+in[0].ID+`","nope","`+in[1].TrafficID+`"],"unsubscribe_type":2}`)
	if f := failures(r); f[in[0].ID] != "CBC.99003128" || f["nope"] != "CBC.99003012" || f[in[1].TrafficID] != "CBC.30010036" {
		t.Errorf("%s", r.body)
	}
	// Type 2 after a renewal: the expiry goes back, the instance stays.
	before := e.inst(in[0].ID).ExpireTime
	e.do("POST", pathRenew, `{"resource_ids":["`+in[0].ID+`"],"period_type":2,"period_num":3,"is_auto_pay":1}`)
	e.clk.Add(testComplete)
	if e.inst(in[0].ID).ExpireTime == before {
		t.Fatal("not renewed")
	}
	r = e.do("POST", pathUnsubscribe, `{"resource_ids":["`+in[0].ID+`"],"unsubscribe_type":2}`)
	if len(e.orderIDs(r)) != 1 {
		t.Fatalf("%s", r)
	}
	e.clk.Add(testComplete)
	if got := e.inst(in[0].ID); got.ExpireTime != before || got.State != "normal" {
		t.Errorf("after type 2: %+v, want expiry %s", got, before)
	}
	// Type 1: released with everything bundled; a second request while the
	// first is in progress is refused.
	r = e.do("POST", pathUnsubscribe, `{"resource_ids":["`+in[1].ID+`","`+in[2].ID+`"],"unsubscribe_type":1,"unsubscribe_reason_type":5,"unsubscribe_reason":"done"}`)
	orders := e.orderIDs(r)
	if len(orders) != 1 {
		t.Fatalf("%s", r)
	}
	r = e.do("POST", pathUnsubscribe, `{"resource_ids":["`+in[1].ID+`"],"unsubscribe_type":1}`)
	if f := failures(r); f[in[1].ID] != "CBC.99003651" {
		t.Errorf("in progress: %s", r.body)
	}
	e.clk.Add(testComplete)
	if st := e.inst(in[1].ID).State; st != "deleted" {
		t.Errorf("state %s", st)
	}
	want(t, e.do("POST", pathFreeResources, `{"free_resource_ids":["`+in[1].TrafficID+`"]}`), 200, "")
	if r := e.do("POST", pathFreeResources, `{"free_resource_ids":["`+in[1].TrafficID+`"]}`); has(string(r.body), in[1].TrafficID) {
		t.Errorf("released data package still answered: %s", r.body)
	}
	r = e.do("POST", pathUnsubscribe, `{"resource_ids":["`+in[1].ID+`"],"unsubscribe_type":1}`)
	if f := failures(r); f[in[1].ID] != "CBC.99003012" {
		t.Errorf("released: %s", r.body)
	}
	d := e.do("GET", pathOrderDetails+orders[0], nil)
	if !has(string(d.body), `"period_num":null`) || !has(string(d.body), `"order_type":4`) {
		t.Errorf("unsubscription order %s", d.body)
	}
}

func TestPayAndCancel(t *testing.T) {
	e := newEnv(t)
	in := e.provision(3, sg)
	renew := func(id string) string {
		r := e.do("POST", pathRenew, `{"resource_ids":["`+id+`"],"period_type":2,"period_num":1}`)
		return e.orderIDs(r)[0]
	}
	o1, o2 := renew(in[0].ID), renew(in[1].ID)
	pay := func(body string) *resp { return e.do("POST", pathPay, body) }
	for _, tt := range []struct{ body, field string }{
		{`{"use_coupon":"NO","use_discount":"NO"}`, "order_id"},
		{`{"order_id":"` + o1 + `","use_discount":"NO"}`, "use_coupon"},
		{`{"order_id":"` + o1 + `","use_coupon":"no","use_discount":"NO"}`, "use_coupon"},
		{`{"order_id":"` + o1 + `","use_coupon":"NO"}`, "use_discount"},
		{`{"order_id":"` + o1 + `","use_coupon":"YES","use_discount":"NO"}`, "coupon_infos"},
		{`{"order_id":"` + o1 + `","use_coupon":"NO","use_discount":"YES","discount_infos":[]}`, "discount_infos"},
		{`{"order_id":"` + o1 + `","use_coupon":"NO","use_discount":"NO","coupon_infos":[{"id":"c","type":300}]}`, "coupon_infos"},
	} {
		r := pay(tt.body)
		want(t, r, 400, "CBC.0100")
		if !strings.Contains(errorMessage(r), tt.field) {
			t.Errorf("%s: %q", tt.body, errorMessage(r))
		}
	}
	want(t, pay(`{"order_id":"CS000","use_coupon":"NO","use_discount":"NO"}`), 400, "CBC.30000010")
	want(t, pay(`{"order_id":"`+o1+`","use_coupon":"YES","use_discount":"NO","coupon_infos":[{"id":"c","type":300}]}`), 400, "CBC.99003108")
	e.s.AddFault(Fault{Route: RouteBSSPay, Kind: FaultInsufficientBalance})
	want(t, pay(`{"order_id":"`+o1+`","use_coupon":"NO","use_discount":"NO"}`), 400, "CBC.99005003")
	if st := e.s.Orders()[1].Status; st != statusPendingPayment {
		t.Errorf("insufficient balance paid the order: %d", st)
	}
	r := pay(`{"order_id":"` + o1 + `","use_coupon":"NO","use_discount":"NO"}`)
	want(t, r, 204, "")
	if len(r.body) != 0 || r.hdr.Get("X-Request-Id") == "" {
		t.Errorf("204 with %q", r.body)
	}
	want(t, pay(`{"order_id":"`+o1+`","use_coupon":"NO","use_discount":"NO"}`), 400, "CBC.99003106")
	// Cancel: only pending payment.
	want(t, e.do("PUT", pathCancel, `{}`), 400, "CBC.0100")
	want(t, e.do("PUT", pathCancel, `{"order_id":"CS000"}`), 400, "CBC.0100")
	want(t, e.do("PUT", pathCancel, `{"order_id":"`+o1+`"}`), 400, "CBC.99005010")
	want(t, e.do("PUT", pathCancel, `{"order_id":"`+o2+`"}`), 204, "")
	want(t, e.do("PUT", pathCancel, `{"order_id":"`+o2+`"}`), 400, "CBC.99005010")
	if st := e.do("GET", pathOrderDetails+o2, nil).obj()["order_info"].(map[string]any)["status"]; st != float64(statusCancelled) {
		t.Errorf("cancelled order status %v", st)
	}
	want(t, pay(`{"order_id":"`+o2+`","use_coupon":"NO","use_discount":"NO"}`), 400, "CBC.99003106")
	// A cancelled renewal frees the resource for another one.
	if f := failures(e.do("POST", pathRenew, `{"resource_ids":["`+in[1].ID+`"],"period_type":2,"period_num":1}`)); len(f) != 0 {
		t.Errorf("%v", f)
	}
	// A purchase placed without auto-pay is paid the same way; its
	// instances appear after completion.
	id, ids := e.buy(func(b map[string]any) { b["is_auto_pay"] = false })
	want(t, pay(`{"order_id":"`+id+`","use_coupon":"NO","use_discount":"NO"}`), 204, "")
	e.clk.Add(testComplete + testProvision)
	if e.inst(ids[0]).State != "normal" {
		t.Error("paid purchase not provisioned")
	}
}

func TestListOrders(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := 0; i < 12; i++ {
		id, _ := e.buy(func(b map[string]any) {
			if i%3 == 0 {
				b["is_auto_pay"] = false
			}
		})
		ids = append(ids, id)
		e.clk.Add(time.Minute)
	}
	list := func(q string) ordersPage {
		t.Helper()
		r := e.do("GET", pathOrders+"?"+q, nil)
		want(t, r, 200, "")
		var p ordersPage
		json.Unmarshal(r.body, &p)
		return p
	}
	p := list("")
	if p.TotalCount != 12 || len(p.OrderInfos) != 10 || p.OrderInfos[0].OrderID != ids[11] {
		t.Errorf("default: newest first, 10 a page: %d %d", p.TotalCount, len(p.OrderInfos))
	}
	if p := list("offset=10&limit=10"); len(p.OrderInfos) != 2 || p.OrderInfos[1].OrderID != ids[0] {
		t.Errorf("offset: %+v", p)
	}
	if p := list("order_by=createTime&limit=1"); p.OrderInfos[0].OrderID != ids[0] {
		t.Errorf("ascending: %+v", p)
	}
	if p := list("status=6"); p.TotalCount != 4 {
		t.Errorf("status=6: %d", p.TotalCount)
	}
	for _, o := range list("status=6").OrderInfos {
		if o.PaymentTime != "" {
			t.Errorf("unpaid order with a payment time: %+v", o)
		}
	}
	if p := list("status=5"); p.TotalCount != 8 {
		t.Errorf("status=5: %d", p.TotalCount)
	}
	if p := list("order_id=" + ids[3]); p.TotalCount != 1 {
		t.Errorf("order_id: %d", p.TotalCount)
	}
	if p := list("order_type=2"); p.TotalCount != 0 {
		t.Errorf("order_type=2: %d", p.TotalCount)
	}
	begin := fmtTime(e.clk.Now().Add(-3*time.Minute), layoutSeconds)
	if p := list("create_time_begin=" + url.QueryEscape(begin)); p.TotalCount != 3 {
		t.Errorf("create_time_begin: %d", p.TotalCount)
	}
	if p := list("service_type_code=hws.service.type.obs"); p.TotalCount != 0 {
		t.Errorf("service_type_code: %d", p.TotalCount)
	}
	if p := list("payment_time_end=" + url.QueryEscape(fmtTime(e.clk.Now(), layoutSeconds))); p.TotalCount != 8 {
		t.Errorf("payment_time_end: %d", p.TotalCount)
	}
	for _, q := range []string{"limit=0", "limit=101", "offset=-1", "status=7", "order_type=5", "order_by=created",
		"create_time_begin=2025-01-01", "method=all", "limit=x"} {
		r := e.do("GET", pathOrders+"?"+q, nil)
		want(t, r, 400, "CBC.0100")
		name, _, _ := strings.Cut(q, "=")
		if !strings.Contains(errorMessage(r), name) {
			t.Errorf("%s: %q", q, errorMessage(r))
		}
	}
}

func TestAutoRenewAndQuery(t *testing.T) {
	e := newEnv(t)
	_, ids := e.buyProvisioned(func(b map[string]any) { b["is_auto_renew"] = false; b["purchase_quantity"] = 1 })
	id := ids[0]
	policy := func() float64 {
		r := e.do("POST", pathQueryResources, `{"resource_ids":["`+id+`"],"only_main_resource":1}`)
		return r.obj()["data"].([]any)[0].(map[string]any)["expire_policy"].(float64)
	}
	if policy() != 0 {
		t.Error("bought without auto-renew")
	}
	want(t, e.do("DELETE", pathAutoRenew+id, nil), 400, "CBC.99003605")
	want(t, e.do("POST", pathAutoRenew+id, nil), 204, "")
	if policy() != 3 {
		t.Error("auto-renew on: want expire_policy 3")
	}
	want(t, e.do("POST", pathAutoRenew+id, `{"auto_renew_times":5,"period_type":"YEAR"}`), 204, "")
	want(t, e.do("DELETE", pathAutoRenew+id, nil), 204, "")
	if policy() != 0 {
		t.Error("auto-renew off")
	}
	want(t, e.do("POST", pathAutoRenew+id, `{"auto_renew_times":100}`), 400, "CBC.0100")
	want(t, e.do("POST", pathAutoRenew+id, `{"period_type":"month"}`), 400, "CBC.0100")
	want(t, e.do("POST", pathAutoRenew+"ffffffffffffffffffffffff", nil), 400, "CBC.99003012")
	want(t, e.do("DELETE", pathAutoRenew+"ffffffffffffffffffffffff", nil), 400, "CBC.99003012")
	// Bought with auto-renew: 3 from the start.
	_, ids2 := e.buyProvisioned(func(b map[string]any) { b["purchase_quantity"] = 1 })
	r := e.do("POST", pathQueryResources, `{"resource_ids":["`+ids2[0]+`"]}`)
	var p resourcesPage
	json.Unmarshal(r.body, &p)
	// only_main_resource 0: the package, its server, EIP, data package, EVS, CBR, HSS.
	if p.TotalCount != 7 || p.Data[0].ExpirePolicy != 3 || p.Data[0].IsMainResource != 1 || p.Data[1].ParentResourceID != ids2[0] || p.Data[1].ResourceTypeCode != "hws.resource.type.vm" {
		t.Errorf("%s", r.body)
	}
	eff, _ := time.Parse(layoutSeconds, p.Data[0].EffectiveTime)
	exp, _ := time.Parse(layoutSeconds, p.Data[0].ExpireTime)
	if exp.Sub(eff) < 28*24*time.Hour || exp.Sub(eff) > 32*24*time.Hour {
		t.Errorf("a month: %s -> %s", eff, exp)
	}
	for q, n := range map[string]int{
		`{"only_main_resource":1}`:                                            2,
		`{"only_main_resource":1,"limit":1,"offset":1}`:                       1,
		`{"resource_ids":["` + p.Data[1].ResourceID + `"]}`:                   1,
		`{"order_id":"` + e.s.Orders()[1].OrderID + `"}`:                      7,
		`{"status_list":[3],"only_main_resource":1}`:                          0,
		`{"service_type_code":"hws.service.type.ec2"}`:                        2,
		`{"expire_time_end":"2025-01-01T00:00:00Z"}`:                          0,
		`{"expire_time_begin":"2025-01-01T00:00:00Z","only_main_resource":1}`: 2,
	} {
		r := e.do("POST", pathQueryResources, q)
		want(t, r, 200, "")
		if got := len(r.obj()["data"].([]any)); got != n {
			t.Errorf("%s: %d rows, want %d", q, got, n)
		}
	}
	for _, q := range []string{`{"limit":0}`, `{"limit":501}`, `{"only_main_resource":2}`, `{"service_type_code":""}`,
		`{"status_list":[1]}`, `{"expire_time_begin":"tomorrow"}`, `{"resource_id":"x"}`, `{"offset":-1}`} {
		want(t, e.do("POST", pathQueryResources, q), 400, "CBC.0100")
	}
}

func TestTraffic(t *testing.T) {
	e := newEnv(t)
	a := e.provision(1, sg)[0]
	if err := e.s.SetTrafficUsed(a.ID, 281.5); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", pathFreeResources, `{"free_resource_ids":["`+a.TrafficID+`","828e2c7c-3c8c-45a2-bebc-98cb3e77d06e"]}`, header("X-Language", "en_US"))
	want(t, r, 200, "")
	var out freeResourcesAnswer
	json.Unmarshal(r.body, &out)
	if len(out.FreeResources) != 1 {
		t.Fatalf("%s", r.body)
	}
	f := out.FreeResources[0]
	if f.OriginalAmount != 3072 || f.Amount != 3072-281.5 || f.MeasureID != 10 || f.UsageTypeName != "Upstream traffic" || f.QuotaReuseCycle != 4 {
		t.Errorf("%+v", f)
	}
	start, _ := time.Parse(layoutSeconds, f.StartTime)
	end, _ := time.Parse(layoutSeconds, f.EndTime)
	if now := e.clk.Now(); now.Before(start) || !now.Before(end) {
		t.Errorf("cycle %s - %s does not hold %s", start, end, now)
	}
	e.clk.Add(40 * 24 * time.Hour)
	r = e.do("POST", pathFreeResources, `{"free_resource_ids":["`+a.TrafficID+`"]}`)
	json.Unmarshal(r.body, &out)
	if s2, _ := time.Parse(layoutSeconds, out.FreeResources[0].StartTime); !s2.Equal(end) || out.FreeResources[0].UsageTypeName != "上行流量" {
		t.Errorf("next cycle: %+v", out.FreeResources[0])
	}
	e.s.SetTrafficUsed(a.ID, 5000)
	if r := e.do("POST", pathFreeResources, `{"free_resource_ids":["`+a.TrafficID+`"]}`); !has(string(r.body), `"amount":0,`) {
		t.Errorf("over-used: %s", r.body)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("%q", fmt.Sprint("id-", i))
	}
	for _, q := range []string{`{}`, `{"free_resource_ids":[]}`, `{"free_resource_ids":[` + strings.Join(many, ",") + `]}`,
		`{"free_resource_ids":["a_b"]}`, `{"free_resource_ids":["` + strings.Repeat("a", 65) + `"]}`} {
		want(t, e.do("POST", pathFreeResources, q), 400, "CBC.0100")
	}
	if err := e.s.SetTrafficUsed("nope", 1); err == nil {
		t.Error("unknown instance")
	}
	// Figures JSON cannot carry, or beyond any package: refused, and the
	// answers (BSS and the control API) still encode.
	for _, v := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), -1, 2e9, math.MaxFloat64} {
		if err := e.s.SetTrafficUsed(a.ID, v); err == nil || !strings.Contains(err.Error(), "must be a number from 0 to 1e+09") {
			t.Errorf("%v: %v", v, err)
		}
	}
	if r := e.do("POST", pathFreeResources, `{"free_resource_ids":["`+a.TrafficID+`"]}`); r.status != 200 {
		t.Errorf("%s", r)
	}
	if _, err := json.Marshal(e.s.Instances()); err != nil {
		t.Error(err)
	}
}
