package sandbox

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// The provisioning clock: an order completes after CompleteAfter; its
// instances appear in RMS and ECS ProvisionAfter later, never before.
func TestProvisioningClock(t *testing.T) {
	e := newEnv(t)
	orderID, ids := e.buy(func(b map[string]any) {
		b["instance_name"] = "web"
		b["tags"] = []any{map[string]any{"key": "env", "value": "prod"}}
	})
	count := func() int {
		list, _ := e.listAll("type=hcss.l-instance")
		return len(list)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d instances before the order completed", n)
	}
	e.clk.Add(testComplete)
	if n := count(); n != 0 {
		t.Fatalf("%d instances right at completion (provision-after %s)", n, testProvision)
	}
	if st := e.inst(ids[0]).State; st != "provisioning" {
		t.Errorf("control API state %q", st)
	}
	e.clk.Add(testProvision - time.Millisecond)
	if n := count(); n != 0 {
		t.Fatalf("%d instances 1ms early", n)
	}
	e.clk.Add(time.Millisecond)
	list, _ := e.listAll("type=hcss.l-instance")
	if len(list) != 2 {
		t.Fatalf("%d instances after provision-after, want 2", len(list))
	}
	seenIP := map[string]bool{}
	for i, r := range list {
		p := r.Properties
		if r.ID != ids[i] || r.Name != fmt.Sprintf("web-%04d", i+1) || r.RegionID != sg || r.ProjectID != ProjectID(sg) ||
			r.State != "Normal" || r.ProvisioningState != "Succeeded" || p.Status != "RUNNING" || r.Tags["env"] != "prod" ||
			p.Metadata["charging_mode"] != "prePaid" || p.Metadata["order_id"] != orderID || p.Metadata["resource_spec_code"] != "hf.large.1.30m.linux" {
			t.Errorf("instance %d: %+v", i, r)
		}
		types := []string{}
		for _, sub := range p.Resources {
			types = append(types, sub.LogicalResourceType)
			if sub.LogicalResourceType == lrtEIP {
				ip := net.ParseIP(sub.ResourceAttributes[0].Value)
				if sub.ResourceAttributes[0].Key != "public_ip_address" || ip == nil || !strings.HasPrefix(ip.String(), "203.0.113.") || seenIP[ip.String()] {
					t.Errorf("EIP %+v", sub)
				}
				seenIP[ip.String()] = true
			}
		}
		if got := strings.Join(types, " "); got != lrtECS+" "+lrtEIP+" "+lrtTraffic+" "+lrtEVS+" "+lrtCBR+" "+lrtHSS {
			t.Errorf("resources %s", got)
		}
	}
	// Provision-after 0: visible at completion.
	e.s.SetProvisionAfter(0)
	e.buy(nil)
	e.clk.Add(testComplete)
	if n := count(); n != 4 {
		t.Errorf("provision-after 0: %d instances", n)
	}
}

// The whole life of an instance: buy -> complete -> provisioned -> stop
// job -> SHUTOFF -> start -> renew -> expiry extended -> unsubscribe ->
// gone.
func TestFullStory(t *testing.T) {
	e := newEnv(t)
	_, ids := e.buy(func(b map[string]any) { b["purchase_quantity"] = 1; b["is_auto_renew"] = false })
	id := ids[0]
	e.clk.Add(testComplete + testProvision)
	list, _ := e.listAll("type=hcss.l-instance")
	if len(list) != 1 {
		t.Fatalf("%d instances", len(list))
	}
	serverID := list[0].Properties.Resources[0].PhysicalResourceID
	show := func() serverDetail {
		t.Helper()
		r := e.do("GET", ecsPath(sg, "/cloudservers/"+serverID), nil)
		want(t, r, 200, "")
		var v struct{ Server serverDetail }
		json.Unmarshal(r.body, &v)
		return v.Server
	}
	if s := show(); s.Status != "ACTIVE" || s.Addresses[s.Addresses2Key()][1].Addr != e.inst(id).PublicIP {
		t.Fatalf("server %+v", s)
	}
	jobStatus := func(job string) string {
		t.Helper()
		r := e.do("GET", ecsPath(sg, "/jobs/"+job), nil)
		want(t, r, 200, "")
		return r.obj()["status"].(string)
	}
	action := func(body string) string {
		t.Helper()
		r := e.do("POST", ecsPath(sg, "/cloudservers/action"), body)
		want(t, r, 200, "")
		return r.obj()["job_id"].(string)
	}

	// Stop: INIT, RUNNING (task powering-off), SUCCESS, SHUTOFF.
	job := action(`{"os-stop":{"type":"SOFT","servers":[{"id":"` + serverID + `"}]}}`)
	if st := jobStatus(job); st != "INIT" {
		t.Errorf("new job %s", st)
	}
	e.clk.Add(testJob / 2)
	if st, s := jobStatus(job), show(); st != "RUNNING" || s.Status != "ACTIVE" || s.TaskState != "powering-off" {
		t.Errorf("running job %s, server %s/%s", st, s.Status, s.TaskState)
	}
	e.clk.Add(testJob / 2)
	if st, s := jobStatus(job), show(); st != "SUCCESS" || s.Status != "SHUTOFF" || s.VMState != "stopped" || s.PowerState != 4 {
		t.Errorf("ended job %s, server %+v", st, s)
	}
	list, _ = e.listAll("type=hcss.l-instance")
	if list[0].Properties.Status != "STOPPED" {
		t.Errorf("RMS status %s", list[0].Properties.Status)
	}

	// Start.
	job = action(`{"os-start":{"servers":[{"id":"` + serverID + `"}]}}`)
	e.clk.Add(testJob)
	if st, s := jobStatus(job), show(); st != "SUCCESS" || s.Status != "ACTIVE" {
		t.Errorf("start: job %s, server %s", st, s.Status)
	}

	// Renew two months, paid: the expiry moves when the order completes.
	before := e.inst(id).ExpireTime
	r := e.do("POST", pathRenew, `{"resource_ids":["`+id+`"],"period_type":2,"period_num":2,"is_auto_pay":1}`)
	want(t, r, 200, "")
	renewal := r.obj()["order_ids"].([]any)[0].(string)
	if e.inst(id).ExpireTime != before {
		t.Error("expiry moved before the renewal completed")
	}
	e.clk.Add(testComplete)
	after := e.inst(id).ExpireTime
	b, _ := time.Parse(layoutSeconds, before)
	a, _ := time.Parse(layoutSeconds, after)
	if d := a.Sub(b); d < 58*24*time.Hour || d > 62*24*time.Hour {
		t.Errorf("renewed 2 months: %s -> %s", before, after)
	}
	r = e.do("POST", pathQueryResources, `{"resource_ids":["`+id+`"],"only_main_resource":1}`)
	if got := r.obj()["data"].([]any)[0].(map[string]any)["expire_time"]; got != after {
		t.Errorf("subscription expire_time %v, want %s", got, after)
	}
	r = e.do("GET", pathOrderDetails+renewal, nil)
	var d orderDetails
	json.Unmarshal(r.body, &d)
	if d.OrderInfo.OrderType != orderRenewal || d.OrderInfo.Status != statusCompleted || d.OrderLineItems[0].EffectiveTime != before || d.OrderLineItems[0].ExpireTime != after {
		t.Errorf("renewal order %s", r.body)
	}

	// Unsubscribe: gone from RMS and ECS once the order completes.
	r = e.do("POST", pathUnsubscribe, `{"resource_ids":["`+id+`"],"unsubscribe_type":1}`)
	want(t, r, 200, "")
	if fails := r.obj()["fail_resource_infos"].([]any); len(fails) != 0 {
		t.Fatalf("%s", r)
	}
	if list, _ = e.listAll("type=hcss.l-instance"); len(list) != 1 {
		t.Error("released before the unsubscription completed")
	}
	e.clk.Add(testComplete)
	if list, _ = e.listAll("type=hcss.l-instance"); len(list) != 0 {
		t.Errorf("%d instances after unsubscription", len(list))
	}
	want(t, e.do("GET", ecsPath(sg, "/cloudservers/"+serverID), nil), 404, "Ecs.0114")
	r = e.do("POST", pathQueryResources, `{"resource_ids":["`+id+`"]}`)
	if st := r.obj()["data"].([]any)[0].(map[string]any)["status"]; st != float64(3) {
		t.Errorf("subscription status after unsubscription %v, want 3 (closed)", st)
	}
	orders := e.s.Orders()
	if types := fmt.Sprint(orders[0].OrderType, orders[1].OrderType, orders[2].OrderType); types != "1 2 4" {
		t.Errorf("order types %s", types)
	}
}

// Addresses2Key is the only network of a server (tests).
func (s serverDetail) Addresses2Key() string {
	for k := range s.Addresses {
		return k
	}
	return ""
}

// RMS: filters, validation, domain, paging.
func TestRMSList(t *testing.T) {
	e := newEnv(t)
	if _, err := e.s.Provision(ProvisionRequest{Count: 5, Regions: []string{"ap-southeast-1", "tr-west-1"}, Name: "api"}); err != nil {
		t.Fatal(err)
	}
	list, _ := e.listAll("type=hcss.l-instance&region_id=tr-west-1")
	if len(list) != 2 || list[0].Name != "api-0002" || list[1].Name != "api-0004" {
		t.Errorf("region filter: %d %v", len(list), list)
	}
	if list, _ = e.listAll("type=hcss.l-instance&name=api-0003"); len(list) != 1 || list[0].RegionID != "ap-southeast-1" {
		t.Errorf("name filter: %v", list)
	}
	id := e.s.Instances()[4].ID
	if list, _ = e.listAll("type=hcss.l-instance&id=" + id); len(list) != 1 || list[0].ID != id {
		t.Errorf("id filter: %v", list)
	}
	if list, _ = e.listAll("type=ecs.cloudservers"); len(list) != 0 {
		t.Errorf("another type: %v", list)
	}
	for _, q := range []string{"", "type=hcss", "type=hcss.l-instance&limit=0", "type=hcss.l-instance&limit=201",
		"type=hcss.l-instance&limit=x", "type=hcss.l-instance&marker=abc", "type=hcss.l-instance&marker=bm90LW91cnM"} {
		r := e.do("GET", rmsPath(q), nil)
		want(t, r, 400, "RMS.00010001")
	}
	want(t, e.do("GET", pathRMSPrefix+"other/all-resources?type=hcss.l-instance", nil), 403, "RMS.00010002")
	want(t, e.do("GET", rmsPath("type=hcss.l-instance"), nil, e.aksk("", DefaultDomainID)), 200, "")
	want(t, e.do("GET", rmsPath("type=hcss.l-instance"), nil, e.aksk(ProjectID(sg), "")), 401, "APIGW.0301")
	// Pages of 2: 3 requests, markers 4-400 characters, the last null.
	r := e.do("GET", rmsPath("type=hcss.l-instance&limit=2"), nil)
	var p rmsPage
	json.Unmarshal(r.body, &p)
	if p.PageInfo.NextMarker == nil || len(*p.PageInfo.NextMarker) < 4 || len(*p.PageInfo.NextMarker) > 400 || p.PageInfo.CurrentCount != 2 {
		t.Errorf("page 1: %s", r.body)
	}
	if _, n := e.listAll("type=hcss.l-instance&limit=2"); n != 3 {
		t.Errorf("%d requests for 5 at 2 a page", n)
	}
	if _, n := e.listAll("type=hcss.l-instance&limit=5"); n != 1 {
		t.Errorf("%d requests for 5 at 5 a page (no empty last page)", n)
	}
}

// 1,000 instances in 3 regions: every page read, none twice, IPs unique;
// 200 a page takes 5 requests; 450 in 3 regions is 3 at 200 a page.
func TestRMSThousandInstances(t *testing.T) {
	e := newEnv(t)
	regions := []string{"ap-southeast-1", "ap-southeast-3", "tr-west-1"}
	if _, err := e.s.Provision(ProvisionRequest{Count: 1000, Regions: regions}); err != nil {
		t.Fatal(err)
	}
	list, n := e.listAll("type=hcss.l-instance&limit=200")
	if len(list) != 1000 || n != 5 {
		t.Fatalf("%d instances in %d requests", len(list), n)
	}
	ids, ips := map[string]bool{}, map[string]bool{}
	for _, r := range list {
		ip := r.Properties.Resources[1].ResourceAttributes[0].Value
		if ids[r.ID] || ips[ip] || net.ParseIP(ip) == nil {
			t.Fatalf("duplicate or bad: %s %s", r.ID, ip)
		}
		ids[r.ID], ips[ip] = true, true
	}
	if _, n := e.listAll("type=hcss.l-instance"); n != 10 {
		t.Errorf("default limit 100: %d requests", n)
	}
	list, _ = e.listAll("type=hcss.l-instance&limit=200&region_id=tr-west-1")
	if len(list) != 333 {
		t.Errorf("tr-west-1: %d", len(list))
	}
	e.s.Reset()
	e.s.Provision(ProvisionRequest{Count: 450, Regions: regions})
	if list, n := e.listAll("type=hcss.l-instance&limit=200"); len(list) != 450 || n != 3 {
		t.Errorf("450: %d in %d requests", len(list), n)
	}
}

func TestPublicIPs(t *testing.T) {
	seen := map[string]bool{}
	for n := 0; n < 5000; n++ {
		ip := net.ParseIP(publicIP(n)).To4()
		if ip == nil || seen[ip.String()] || ip[3] == 0 || ip[3] == 255 {
			t.Fatalf("address %d: %s", n, publicIP(n))
		}
		seen[ip.String()] = true
	}
	if publicIP(0) != "203.0.113.1" || publicIP(253) != "203.0.113.254" || publicIP(254) != "198.51.100.1" {
		t.Errorf("first range: %s %s %s", publicIP(0), publicIP(253), publicIP(254))
	}
}
