package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/signer"
)

func TestPageExampleAccepted(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", pathCreate, wire(t, "hcss/create-light-instances.request.json"), header("Client-Request-Id", crid))
	want(t, r, 202, "")
	out := r.obj()
	if !regexp.MustCompile(`^CS[A-Z0-9]{15}$`).MatchString(out["order_id"].(string)) {
		t.Errorf("order id %v", out["order_id"])
	}
	ids := out["instance_ids"].([]any)
	if len(ids) != 2 {
		t.Fatalf("instance ids %v, want 2 (purchase_quantity 2)", ids)
	}
	for _, id := range ids {
		if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id.(string)) {
			t.Errorf("instance id %v", id)
		}
	}
	if o := e.s.Orders(); len(o) != 1 || o[0].ClientRequestID != crid || o[0].Status != statusProcessing || o[0].OrderType != orderNew {
		t.Errorf("orders %+v", o)
	}
}

// Each rule of the page: 400 HCSS.14000001 naming the field; no order.
func TestValidationRules(t *testing.T) {
	base := map[string]any{}
	json.Unmarshal([]byte(pageBody), &base)
	tests := []struct {
		name  string
		set   map[string]any // keys to set (nil value deletes)
		crid  *string
		field string
	}{
		{"name missing", map[string]any{"instance_name": nil}, nil, "instance_name"},
		{"name bad", map[string]any{"instance_name": "1abc"}, nil, "instance_name"},
		{"name long", map[string]any{"instance_name": strings.Repeat("a", 129)}, nil, "instance_name"},
		{"description long", map[string]any{"description": strings.Repeat("d", 1025)}, nil, "description"},
		{"spec missing", map[string]any{"plan_spec": nil}, nil, "plan_spec"},
		{"spec unknown", map[string]any{"plan_spec": "hf.large.3.30m.linux"}, nil, "plan_spec"},
		{"spec not for image", map[string]any{"plan_spec": "hf.large.05.30m.linux"}, nil, "plan_spec"},
		{"image unknown", map[string]any{"image_ref": map[string]any{"image_name": "BTT", "image_version": "6.8.35"}}, nil, "image_ref.image_name"},
		{"version unknown", map[string]any{"image_ref": map[string]any{"image_name": "BT", "image_version": "7"}}, nil, "image_ref.image_version"},
		{"image id and name", map[string]any{"image_ref": map[string]any{"image_name": "BT", "image_id": "x"}}, nil, "image_ref.image_id"},
		{"image missing", map[string]any{"image_ref": nil}, nil, "image_ref"},
		{"region unknown", map[string]any{"region": "cn-north-4"}, nil, "region"},
		{"region missing", map[string]any{"region": nil}, nil, "region"},
		{"version not in region", map[string]any{"image_ref": map[string]any{"image_name": "CentOS", "image_version": "8.2"}, "region": "tr-west-1"}, nil, "image_ref.image_version"},
		{"025 not in region", map[string]any{"image_ref": map[string]any{"image_name": "Debian", "image_version": "11.1"}, "plan_spec": "hf.large.025.30m.linux", "region": "ap-southeast-2"}, nil, "plan_spec"},
		{"charging postPaid", map[string]any{"charging_mode": "postPaid"}, nil, "charging_mode"},
		{"period type", map[string]any{"period_type": "week"}, nil, "period_type"},
		{"period num string", map[string]any{"period_num": "1"}, nil, "period_num"},
		{"period num month 10", map[string]any{"period_num": 10}, nil, "period_num"},
		{"period num year 4", map[string]any{"period_type": "year", "period_num": 4}, nil, "period_num"},
		{"period num missing", map[string]any{"period_num": nil}, nil, "period_num"},
		{"quantity string", map[string]any{"purchase_quantity": "2"}, nil, "purchase_quantity"},
		{"quantity 201", map[string]any{"purchase_quantity": 201}, nil, "purchase_quantity"},
		{"quantity 0", map[string]any{"purchase_quantity": 0}, nil, "purchase_quantity"},
		{"auto renew string", map[string]any{"is_auto_renew": "yes"}, nil, "is_auto_renew"},
		{"auto pay number", map[string]any{"is_auto_pay": 1}, nil, "is_auto_pay"},
		{"evs too small", map[string]any{"extra_resources": []any{map[string]any{"type": "evs", "size": 5}}}, nil, "extra_resources[0].size"},
		{"cbr too big", map[string]any{"extra_resources": []any{map[string]any{"type": "cbr", "size": 4096}}}, nil, "extra_resources[0].size"},
		{"hss with size", map[string]any{"extra_resources": []any{map[string]any{"type": "hss", "size": 20}}}, nil, "extra_resources[0].size"},
		{"extra unknown type", map[string]any{"extra_resources": []any{map[string]any{"type": "eip"}}}, nil, "extra_resources[0].type"},
		{"extra twice", map[string]any{"extra_resources": []any{map[string]any{"type": "hss"}, map[string]any{"type": "hss"}}}, nil, "extra_resources[1].type"},
		{"page heading key", map[string]any{"ExtraResources": []any{}}, nil, "ExtraResources"},
		{"tag key bad", map[string]any{"tags": []any{map[string]any{"key": "1k", "value": "v"}}}, nil, "tags[0].key"},
		{"tag key long", map[string]any{"tags": []any{map[string]any{"key": strings.Repeat("k", 33), "value": "v"}}}, nil, "tags[0].key"},
		{"tag value long", map[string]any{"tags": []any{map[string]any{"key": "k", "value": strings.Repeat("v", 2049)}}}, nil, "tags[0].value"},
		{"tag duplicate", map[string]any{"tags": []any{map[string]any{"key": "k", "value": "a"}, map[string]any{"key": "k", "value": "b"}}}, nil, "tags[1].key"},
		{"unknown field", map[string]any{"flavor": "x"}, nil, "flavor"},
		{"crid missing", nil, strp(""), "Client-Request-Id"},
		{"crid short", nil, strp("abc"), "Client-Request-Id"},
		{"crid bad char", nil, strp("85a56f6c_8aee-4e4b-bf76-5d98d1ac023d"), "Client-Request-Id"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{}
			for k, v := range base {
				body[k] = v
			}
			for k, v := range tt.set {
				if v == nil {
					delete(body, k)
				} else {
					body[k] = v
				}
			}
			id := crid
			if tt.crid != nil {
				id = *tt.crid
			}
			r := e.do("POST", pathCreate, body, header("Client-Request-Id", id))
			want(t, r, 400, "HCSS.14000001")
			if msg := errorMessage(r); !strings.Contains(msg, tt.field) {
				t.Errorf("message %q does not name %s", msg, tt.field)
			}
			if rid := r.obj()["request_id"]; rid != r.hdr.Get("X-Request-Id") || rid == "" {
				t.Errorf("body request_id %v, header %q: want one ID", rid, r.hdr.Get("X-Request-Id"))
			}
		})
	}
	if n := len(e.s.Orders()); n != 0 {
		t.Errorf("%d orders placed by invalid requests", n)
	}
}

func TestOrderLifecycle(t *testing.T) {
	e := newEnv(t)
	status := func(id string) int {
		t.Helper()
		r := e.do("GET", pathOrderDetails+id, nil)
		want(t, r, 200, "")
		var d orderDetails
		json.Unmarshal(r.body, &d)
		return d.OrderInfo.Status
	}
	id, _ := e.buy(nil)
	if got := status(id); got != 3 {
		t.Errorf("new order status %d, want 3", got)
	}
	e.clk.Add(testComplete)
	if got := status(id); got != 5 {
		t.Errorf("after complete-after: %d, want 5", got)
	}

	// Auto-pay off: 6 until paid, then 3, then 5.
	id, _ = e.buy(func(b map[string]any) { b["is_auto_pay"] = false })
	e.clk.Add(time.Hour)
	if got := status(id); got != 6 {
		t.Errorf("unpaid order status %d, want 6", got)
	}
	if err := e.s.Pay(id); err != nil {
		t.Fatal(err)
	}
	if got := status(id); got != 3 {
		t.Errorf("paid order status %d, want 3", got)
	}
	e.clk.Add(testComplete)
	if got := status(id); got != 5 {
		t.Errorf("paid order later: %d, want 5", got)
	}
	if err := e.s.Pay(id); err == nil {
		t.Error("paid twice")
	}

	// Cancel.
	id, _ = e.buy(func(b map[string]any) { delete(b, "is_auto_pay") })
	if err := e.s.Cancel(id); err != nil {
		t.Fatal(err)
	}
	if got := status(id); got != 4 {
		t.Errorf("cancelled: %d", got)
	}

	// Unknown order: Huawei's error shape.
	r := e.do("GET", pathOrderDetails+"CS000000000000000", nil)
	want(t, r, 400, "CBC.0101")
	if !strings.Contains(errorMessage(r), "does not exist") {
		t.Errorf("%s", r)
	}
}

// The order details fixed by issue #11: line items carry service_type_code
// and the period's window; an unpaid order has no payment_time.
func TestOrderDetailsFields(t *testing.T) {
	e := newEnv(t)
	id, _ := e.buy(func(b map[string]any) { b["is_auto_pay"] = false; b["period_type"] = "year"; b["period_num"] = 2 })
	r := e.do("GET", pathOrderDetails+id, nil)
	if has(string(r.body), "payment_time\"") || has(string(r.body), "cloud_service_type_code") || has(string(r.body), "effective_time") {
		t.Errorf("unpaid order: %s", r.body)
	}
	checkShape(t, "bss/order-details.unpaid.response.json", r.body)
	e.s.Pay(id)
	e.clk.Add(testComplete)
	r = e.do("GET", pathOrderDetails+id, nil)
	checkShape(t, "bss/order-details.response.json", r.body)
	var d orderDetails
	json.Unmarshal(r.body, &d)
	li := d.OrderLineItems[0]
	if li.ServiceTypeCode != serviceTypeHCSS || li.PeriodType != periodYear || *li.PeriodNum != 2 || li.SubscriptionNum != 2 ||
		li.EffectiveTime == "" || d.OrderInfo.PaymentTime == "" {
		t.Errorf("line item %+v", li)
	}
	eff, _ := time.Parse(layoutSeconds, li.EffectiveTime)
	exp, _ := time.Parse(layoutSeconds, li.ExpireTime)
	if exp.Sub(eff) < 729*24*time.Hour || exp.Sub(eff) > 732*24*time.Hour || exp.Format("15:04:05") != "15:59:59" {
		t.Errorf("two years from %s: %s", eff, exp)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t)
	for name, opts := range map[string][]reqOpt{
		"none":        {noAuth},
		"wrong token": {header("X-Auth-Token", "nope")},
		"bad scheme":  {noAuth, header("Authorization", "Basic x")},
	} {
		r := e.do("POST", pathCreate, pageBody, append(opts, header("Client-Request-Id", crid))...)
		if r.status != 401 || errorCode(r) != "APIGW.0301" {
			t.Errorf("%s: %s", name, r)
		}
	}
	// AK/SK: the purchase needs a project, BSS the sandbox's domain.
	r := e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid), e.aksk(ProjectID(sg), ""))
	want(t, r, 202, "")
	id := r.obj()["order_id"].(string)
	want(t, e.do("GET", pathOrderDetails+id, nil, e.aksk("", DefaultDomainID)), 200, "")
	want(t, e.do("GET", pathOrderDetails+id, nil, e.aksk("", "other")), 401, "APIGW.0301")
	want(t, e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid), e.aksk("", "")), 401, "APIGW.0301")
	// A wrong secret, a tampered body.
	wrong := func(r *http.Request, body []byte) {
		r.Header.Del("X-Auth-Token")
		r.Header.Set("X-Project-Id", "p")
		signer.Sign(r, body, DefaultAccessKey, "wrong", e.clk.Now(), true)
	}
	want(t, e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid), wrong), 401, "APIGW.0301")
	tampered := func(r *http.Request, body []byte) {
		r.Header.Del("X-Auth-Token")
		r.Header.Set("X-Project-Id", "p")
		signer.Sign(r, []byte(strings.Replace(string(body), "test-0620-01", "other", 1)), DefaultAccessKey, DefaultSecretKey, e.clk.Now(), true)
	}
	want(t, e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid), tampered), 401, "APIGW.0301")
	// The log redacts credentials.
	for _, lr := range e.s.Requests() {
		for k, v := range lr.Header {
			if (k == "X-Auth-Token" || k == "Authorization") && v[0] != "REDACTED" {
				t.Errorf("%s logged: %v", k, v)
			}
		}
	}
}

// One request ID per answer: the body's request_id (where the shape has
// one) is the X-Request-Id header and the one in the request log.
func TestOneRequestID(t *testing.T) {
	e := newEnv(t)
	for _, r := range []*resp{
		e.do("POST", pathCreate, `{}`, header("Client-Request-Id", crid)),
		e.do("GET", "/v1/none", nil),
		e.do("GET", rmsPath("limit=0&type=hcss.l-instance"), nil),
		e.do("GET", pathOrderDetails+"CSX", nil),
		e.do("GET", pathProjects, nil),
	} {
		id := r.hdr.Get("X-Request-Id")
		if len(id) != 32 {
			t.Errorf("X-Request-Id %q: %s", id, r)
		}
		if b, ok := r.obj()["request_id"]; ok && b != id {
			t.Errorf("body request_id %v, header %s", b, id)
		}
	}
	reqs := e.s.Requests()
	if len(reqs) != 5 || reqs[1].Route != RouteUnknown || reqs[1].Status != 404 || reqs[0].RequestID == "" {
		t.Errorf("log %+v", reqs)
	}
}

func TestIAM(t *testing.T) {
	e := newEnv(t)
	token := func(scope string) *resp {
		return e.do("POST", pathTokens, `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"user","password":"sandbox","domain":{"name":"acct"}}}},"scope":`+scope+`}}`, noAuth)
	}
	r := token(`{"project":{"name":"tr-west-1"}}`)
	want(t, r, 201, "")
	if !strings.HasPrefix(r.hdr.Get("X-Subject-Token"), DefaultToken+".") {
		t.Errorf("X-Subject-Token %q", r.hdr.Get("X-Subject-Token"))
	}
	var tok tokenAnswer
	json.Unmarshal(r.body, &tok)
	exp, _ := time.Parse(time.RFC3339, tok.Token.ExpiresAt)
	if exp.Sub(e.clk.Now()) != 24*time.Hour || tok.Token.Project.ID != ProjectID("tr-west-1") || tok.Token.Project.Domain.ID != DefaultDomainID ||
		tok.Token.User.ID == "" || tok.Token.User.Domain.Name != "acct" || len(tok.Token.Roles) == 0 || len(tok.Token.Catalog) == 0 ||
		!strings.HasPrefix(tok.Token.Catalog[0].Endpoints[0].URL, e.url) {
		t.Errorf("token %s", r.body)
	}
	// Domain scope: a global token.
	r = token(`{"domain":{"name":"acct"}}`)
	want(t, r, 201, "")
	if !has(string(r.body), `"domain":{"id":"`+DefaultDomainID) || has(string(r.body), `"project"`) {
		t.Errorf("domain token %s", r.body)
	}
	want(t, token(`{"domain":{"name":"someone-else"}}`), 401, "401")
	want(t, token(`{"project":{"name":"cn-north-4"}}`), 400, "400")
	want(t, token(`{}`), 400, "400")
	r = e.do("POST", pathTokens, `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"wrong","domain":{"name":"a"}}}},"scope":{"project":{"name":"tr-west-1"}}}}`, noAuth)
	want(t, r, 401, "401")
	if m := r.obj()["error"].(map[string]any); m["title"] != "Unauthorized" {
		t.Errorf("%s", r)
	}
	// The password never reaches the log.
	for _, lr := range e.s.Requests() {
		if strings.Contains(lr.Body, "sandbox") || strings.Contains(lr.Body, "wrong") {
			t.Errorf("token request body logged: %s", lr.Body)
		}
	}
	// The token method: an issued token exchanged for a region's project
	// token, with the same expiry, refused for an unknown token or a
	// project named without its account.
	e.clk.Add(time.Hour)
	r = token(`{"domain":{"name":"acct"}}`)
	dom := r.hdr.Get("X-Subject-Token")
	exchange := func(tokenID, scope string) *resp {
		return e.do("POST", pathTokens, `{"auth":{"identity":{"methods":["token"],"token":{"id":"`+tokenID+`"}},"scope":`+scope+`}}`, noAuth)
	}
	e.clk.Add(time.Hour)
	r = exchange(dom, `{"project":{"name":"me-east-1","domain":{"name":"acct"}}}`)
	want(t, r, 201, "")
	me := r.hdr.Get("X-Subject-Token")
	json.Unmarshal(r.body, &tok)
	exp, _ = time.Parse(time.RFC3339, tok.Token.ExpiresAt)
	if !strings.HasPrefix(me, DefaultToken+".") || me == dom || exp.Sub(e.clk.Now()) != 23*time.Hour || tok.Token.Project.Name != "me-east-1" || tok.Token.Methods[0] != "token" {
		t.Errorf("exchanged token %q %s", me, r.body)
	}
	want(t, exchange(dom, `{"project":{"name":"me-east-1"}}`), 400, "400")
	want(t, exchange(dom, `{"project":{"name":"me-east-1","domain":{"name":"other"}}}`), 400, "400")
	want(t, exchange("sandbox.forged", `{"project":{"name":"me-east-1","domain":{"name":"acct"}}}`), 401, "401")
	// Issued tokens act in their own scope only: a project token in its
	// region (the body's region for HCSS, the path's project for ECS),
	// any issued token on global and IAM calls; none after it expires.
	buy := func(tok, region string) *resp {
		body := strings.Replace(pageBody, `"ap-southeast-3"`, `"`+region+`"`, 1)
		return e.do("POST", pathCreate, body, header("X-Auth-Token", tok), header("Client-Request-Id", crid))
	}
	tr := exchange(dom, `{"project":{"name":"tr-west-1","domain":{"name":"acct"}}}`).hdr.Get("X-Subject-Token")
	want(t, buy(tr, "ap-southeast-3"), 401, "APIGW.0301")
	want(t, buy(dom, "tr-west-1"), 401, "APIGW.0301")
	server := "/cloudservers/0b4e5a4c-7f3e-4f43-9a59-6d1f1b2e7c11"
	want(t, e.do("GET", ecsPath("tr-west-1", server), nil, header("X-Auth-Token", me)), 401, "APIGW.0301")
	want(t, e.do("GET", ecsPath("me-east-1", server), nil, header("X-Auth-Token", me)), 404, "")
	want(t, buy(tr, "tr-west-1"), 202, "")
	want(t, e.do("GET", pathOrderDetails+"CSX", nil, header("X-Auth-Token", dom)), 400, "")
	want(t, e.do("GET", pathProjects, nil, header("X-Auth-Token", me)), 200, "")
	e.clk.Add(23 * time.Hour)
	want(t, e.do("GET", pathProjects, nil, header("X-Auth-Token", me)), 401, "401")
	want(t, exchange(dom, `{"project":{"name":"me-east-1","domain":{"name":"acct"}}}`), 401, "401")
	// Projects: enabled, domain_id; AK/SK without a scope is enough.
	r = e.do("GET", pathProjects+"?name=me-east-1", nil, e.aksk("", ""))
	want(t, r, 200, "")
	var ps projectsAnswer
	json.Unmarshal(r.body, &ps)
	if len(ps.Projects) != 1 || ps.Projects[0].ID != ProjectID("me-east-1") || !ps.Projects[0].Enabled || ps.Projects[0].DomainID != DefaultDomainID {
		t.Errorf("projects %s", r.body)
	}
	r = e.do("GET", pathDomains, nil)
	if !has(string(r.body), DefaultDomainID) {
		t.Errorf("domains %s", r)
	}
	// Bad credentials on IAM's look-ups answer in IAM's shape.
	want(t, e.do("GET", pathProjects, nil, header("X-Auth-Token", "bad")), 401, "401")
}

func TestServeStopsOnCancel(t *testing.T) {
	e := newEnv(t)
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !IsLoopback(l.Addr().String()) || IsLoopback("0.0.0.0:1") {
		t.Error("IsLoopback")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, l, e.s) }()
	res, err := http.Get("http://" + l.Addr().String() + "/_sandbox/orders")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop")
	}
}
