package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// subscribeBody is a subscribe-rate request for plans in region.
func subscribeBody(region string, periodType, periods, n int, specs ...string) string {
	var infos []string
	for i, s := range specs {
		infos = append(infos, fmt.Sprintf(`{"id":"%d","cloud_service_type":"hws.service.type.hcss","resource_type":"hws.resource.type.hecsfusion","resource_spec":%q,"region":%q,"period_type":%d,"period_num":%d,"subscription_num":%d}`,
			i+1, s, region, periodType, periods, n))
	}
	return `{"project_id":"` + ProjectID(sg) + `","product_infos":[` + strings.Join(infos, ",") + `]}`
}

// The made-up prices: 3 + vCPUs + 2.5 x GiB a month, a year is ten
// months; years get two discounts, the 15% one marked best. Every answer
// says the figures are made up.
func TestSubscribeRatePricesEveryPlan(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", pathSubscribeRate, subscribeBody(sg, 2, 3, 2, "hf.large.1.30m.linux", "hf.xlarge.4.30m.linux"))
	want(t, r, 200, "")
	checkShape(t, "bss/subscribe-rate.response.json", r.body)
	if !strings.Contains(r.hdr.Get("X-Sandbox-Note"), "made-up") {
		t.Errorf("X-Sandbox-Note %q", r.hdr.Get("X-Sandbox-Note"))
	}
	var a subscribeRateAnswer
	json.Unmarshal(r.body, &a)
	// hf.large.1: 3+2+5 = 10 a month; x3 months x2 instances = 60.
	// hf.xlarge.4: 3+4+40 = 47; x6 = 282.
	if a.Official.Amount != 342 || len(a.Official.Products) != 2 || a.Official.Products[0].Amount != 60 || a.Official.Products[1].Amount != 282 ||
		a.Official.Products[0].ID != "1" || !strings.Contains(a.Official.Products[0].ProductID, "MADE-UP") || len(a.Discounts) != 0 || a.Currency != "USD" {
		t.Errorf("%s", r.body)
	}

	r = e.do("POST", pathSubscribeRate, subscribeBody(sg, 3, 1, 1, "hf.large.1.30m.linux"))
	want(t, r, 200, "")
	checkShape(t, "bss/subscribe-rate.discount.response.json", r.body)
	json.Unmarshal(r.body, &a)
	if a.Official.Amount != 100 || len(a.Discounts) != 2 || a.Discounts[0].Amount != 85 || a.Discounts[0].DiscountAmount != 15 || a.Discounts[0].BestOffer != 1 ||
		a.Discounts[1].Amount != 95 || a.Discounts[1].BestOffer != 0 || !strings.Contains(a.Discounts[0].DiscountName, "made-up") ||
		a.Discounts[0].Products[0].Amount != 85 || a.Discounts[0].Products[0].OfficialAmount != 100 {
		t.Errorf("%s", r.body)
	}
}

// Every rule of the request is checked, and a product that is not a
// FlexusL plan of the catalog fails the whole call with CBC.99006006.
func TestSubscribeRateRefusals(t *testing.T) {
	e := newEnv(t)
	good := subscribeBody(sg, 2, 1, 1, "hf.large.1.30m.linux")
	tests := []struct {
		name, body, code, msg string
	}{
		{"unknown spec", subscribeBody(sg, 2, 1, 1, "hf.large.1.30m.linux", "hf.large.05.40g.30m.linux"), "CBC.99006006", "not found"},
		{"bundle part", strings.Replace(good, "hws.service.type.hcss", "hws.service.type.ec2", 1), "CBC.99006006", "not found"},
		{"unknown region", subscribeBody("mars-1", 2, 1, 1, "hf.large.1.30m.linux"), "CBC.99006006", "not found"},
		{"no project", strings.Replace(good, ProjectID(sg), "", 1), "CBC.0100", "project_id is required"},
		{"other project", strings.Replace(good, ProjectID(sg), "0123", 1), "CBC.0100", "not a project"},
		{"no products", `{"project_id":"` + ProjectID(sg) + `","product_infos":[]}`, "CBC.0100", "1 to 100"},
		{"101 products", subscribeBody(sg, 2, 1, 1, strings.Split(strings.Repeat("hf.large.1.30m.linux ", 101), " ")[:101]...), "CBC.0100", "1 to 100"},
		{"repeated id", strings.Replace(subscribeBody(sg, 2, 1, 1, "hf.large.1.30m.linux", "hf.large.2.30m.linux"), `"id":"2"`, `"id":"1"`, 1), "CBC.0100", "repeated"},
		{"period type", subscribeBody(sg, 4, 1, 1, "hf.large.1.30m.linux"), "CBC.0100", "period_type 4"},
		{"period num", subscribeBody(sg, 3, 4, 1, "hf.large.1.30m.linux"), "CBC.0100", "1 to 3 years"},
		{"no quantity", subscribeBody(sg, 2, 1, 0, "hf.large.1.30m.linux"), "CBC.0100", "subscription_num"},
		{"unknown field", strings.Replace(good, `"region"`, `"regoin":"x","region"`, 1), "CBC.0100", "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("POST", pathSubscribeRate, tt.body)
			want(t, r, 400, tt.code)
			if !strings.Contains(errorMessage(r), tt.msg) {
				t.Errorf("message %q lacks %q", errorMessage(r), tt.msg)
			}
		})
	}
}

// Renewal prices: per instance with its extras when asked, yearly
// discounts, refusals per instance with HTTP 200.
func TestRenewRate(t *testing.T) {
	e := newEnv(t)
	// The page's example: hf.large.1 with evs 20, cbr 20, hss: 10 + 1 + 1
	// + 2 = 14 a month.
	_, ids := e.buyProvisioned(nil)
	r := e.do("POST", pathRenewRate, `{"resource_ids":["`+ids[0]+`","`+ids[1]+`"],"period_type":2,"period_num":2,"include_relative_resources":true}`)
	want(t, r, 200, "")
	checkShape(t, "bss/renew-rate.response.json", r.body)
	var a renewRateAnswer
	json.Unmarshal(r.body, &a)
	if a.Official.Amount != "56.00" || len(a.Results) != 2 || a.Results[0].Amount != "28.00" || a.Results[0].ResourceID != ids[0] || len(a.Fails) != 0 ||
		a.Official.InstallmentAmount != "28.00" || len(a.Discounts) != 0 {
		t.Errorf("%s", r.body)
	}
	// Without the attached resources: the plan alone (10 a month).
	r = e.do("POST", pathRenewRate, `{"resource_ids":["`+ids[0]+`"],"period_type":2,"period_num":1}`)
	json.Unmarshal(r.body, &a)
	if a.Official.Amount != "10.00" {
		t.Errorf("%s", r.body)
	}
	// A year, an unknown instance and the server of an instance.
	srv := e.inst(ids[0]).ServerID
	r = e.do("POST", pathRenewRate, `{"resource_ids":["`+ids[0]+`","6743d0e3708be6007b8c8013","`+srv+`"],"period_type":3,"period_num":1,"include_relative_resources":true}`)
	want(t, r, 200, "")
	checkShape(t, "bss/renew-rate.discount.response.json", r.body)
	json.Unmarshal(r.body, &a)
	if a.Official.Amount != "140.00" || len(a.Discounts) != 2 || a.Discounts[0].Amount != "119.00" || a.Discounts[0].DiscountAmount != "21.00" ||
		len(a.Fails) != 2 || a.Fails[0].ErrorCode != "CBC.30050009" || a.Fails[1].ErrorCode != "CBC.30050007" {
		t.Errorf("%s", r.body)
	}
	// An instance with a renewal in progress is not priced, as it is not
	// renewed.
	want(t, e.do("POST", pathRenew, `{"resource_ids":["`+ids[1]+`"],"period_type":2,"period_num":1,"is_auto_pay":1}`), 200, "")
	r = e.do("POST", pathRenewRate, `{"resource_ids":["`+ids[1]+`"],"period_type":2,"period_num":1}`)
	json.Unmarshal(r.body, &a)
	if len(a.Results) != 0 || len(a.Fails) != 1 || a.Fails[0].ErrorCode != "CBC.30050011" {
		t.Errorf("%s", r.body)
	}
	for _, tt := range []struct{ body, code string }{
		{`{"resource_ids":[],"period_type":2,"period_num":1}`, "CBC.0100"},
		{`{"resource_ids":["a","a"],"period_type":2,"period_num":1}`, "CBC.30050012"},
		{`{"resource_ids":["a"],"period_type":2,"period_num":12}`, "CBC.0100"},
		{`{"resource_ids":["a"],"period_num":1}`, "CBC.0100"},
	} {
		want(t, e.do("POST", pathRenewRate, tt.body), 400, tt.code)
	}
}

// The control API makes the rating routes answer "product not found", 403
// or late; the kinds are refused on other routes.
func TestPriceFaults(t *testing.T) {
	e := newEnv(t)
	body := subscribeBody(sg, 2, 1, 1, "hf.large.1.30m.linux")
	for _, tt := range []struct {
		route, kind string
		status      int
		code        string
	}{
		{RouteBSSSubscribeRate, FaultProductNotFound, 400, "CBC.99006006"},
		{RouteBSSSubscribeRate, FaultForbidden, 403, "CBC.0151"},
		{RouteBSSRenewRate, FaultProductNotFound, 400, "CBC.99006006"},
		{RouteBSSRenewRate, FaultForbidden, 403, "CBC.0151"},
	} {
		if err := e.s.AddFault(Fault{Route: tt.route, Kind: tt.kind}); err != nil {
			t.Fatal(err)
		}
		path, b := pathSubscribeRate, body
		if tt.route == RouteBSSRenewRate {
			path, b = pathRenewRate, `{"resource_ids":["6743d0e3708be6007b8c8012"],"period_type":2,"period_num":1}`
		}
		r := e.do("POST", path, b)
		want(t, r, tt.status, tt.code)
		checkShape(t, "bss/error.json", r.body)
	}
	if err := e.s.AddFault(Fault{Route: RouteBSSSubscribeRate, Kind: FaultLatency, LatencyMS: 300}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	want(t, e.do("POST", pathSubscribeRate, body), 200, "")
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answered after %s, want 300ms or more", d)
	}
	// 403 applies to every route (the IAM policy lacks its permission);
	// product_not_found only to the rating routes.
	for _, f := range []Fault{{Route: RouteBSSRenew, Kind: FaultProductNotFound}, {Route: RouteCreate, Kind: FaultProductNotFound}} {
		if err := e.s.AddFault(f); err == nil || !strings.Contains(err.Error(), "bss.subscribe-rate") {
			t.Errorf("%+v: %v", f, err)
		}
	}
	log := e.s.Requests()
	if n := len(log); log[n-1].Route != RouteBSSSubscribeRate {
		t.Errorf("logged route %q", log[n-1].Route)
	}
}
