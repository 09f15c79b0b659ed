package sandbox

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// shape is the key structure of a JSON value: its type, an object's keys
// with their shapes, an array's element shape (the union over its
// elements).
type shape struct {
	kind string // object, array, string, number, bool, null
	keys map[string]*shape
	elem *shape // nil for an empty array
}

func shapeOf(v any) *shape {
	switch x := v.(type) {
	case map[string]any:
		s := &shape{kind: "object", keys: map[string]*shape{}}
		for k, e := range x {
			s.keys[k] = shapeOf(e)
		}
		return s
	case []any:
		s := &shape{kind: "array"}
		for _, e := range x {
			s.elem = union(s.elem, shapeOf(e))
		}
		return s
	case string:
		return &shape{kind: "string"}
	case float64, json.Number:
		return &shape{kind: "number"}
	case bool:
		return &shape{kind: "bool"}
	}
	return &shape{kind: "null"}
}

// union merges two element shapes: an object gets every key either has.
func union(a, b *shape) *shape {
	switch {
	case a == nil || a.kind == "null":
		return b
	case b == nil || b.kind == "null":
		return a
	case a.kind != b.kind:
		return &shape{kind: a.kind + "|" + b.kind}
	case a.kind == "object":
		out := &shape{kind: "object", keys: map[string]*shape{}}
		for k, v := range a.keys {
			out.keys[k] = v
		}
		for k, v := range b.keys {
			out.keys[k] = union(out.keys[k], v)
		}
		return out
	case a.kind == "array":
		return &shape{kind: "array", elem: union(a.elem, b.elem)}
	}
	return a
}

// freeFormMaps are objects keyed by IDs (ECS addresses: network ID ->
// addresses): their values are compared as the union of all entries.
var freeFormMaps = map[string]bool{"$.server.addresses": true}

// asMap folds an ID-keyed object into one entry holding the union.
func asMap(s *shape) *shape {
	var u *shape
	for _, v := range s.keys {
		u = union(u, v)
	}
	return &shape{kind: "object", keys: map[string]*shape{"*": u}}
}

// shapeDiff lists where got's structure differs from the documented
// example's. Values never matter; null matches any type (documented
// examples use null for absent values); an empty object or array in the
// example stands for any content (free-form maps such as tags, lists that
// may be empty); an empty array in the answer matches any array.
func shapeDiff(path string, doc, got *shape) []string {
	if freeFormMaps[path] && doc != nil && got != nil && doc.kind == "object" && got.kind == "object" {
		doc, got = asMap(doc), asMap(got)
	}
	if doc == nil || got == nil || doc.kind == "null" || got.kind == "null" {
		return nil
	}
	if doc.kind != got.kind {
		return []string{fmt.Sprintf("%s: documented %s, answered %s", path, doc.kind, got.kind)}
	}
	var out []string
	switch doc.kind {
	case "object":
		if len(doc.keys) == 0 {
			return nil
		}
		for _, k := range sortedKeys(doc.keys) {
			if _, ok := got.keys[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: documented, missing from the answer", path, k))
				continue
			}
			out = append(out, shapeDiff(path+"."+k, doc.keys[k], got.keys[k])...)
		}
		for _, k := range sortedKeys(got.keys) {
			if _, ok := doc.keys[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: answered, not documented", path, k))
			}
		}
	case "array":
		out = shapeDiff(path+"[]", doc.elem, got.elem)
	}
	return out
}

// checkShape fails unless the answer has the key structure of the
// documented example testdata/wire/<file>. Every route's test uses it.
func checkShape(t *testing.T, file string, got []byte) {
	t.Helper()
	var d, g any
	if err := json.Unmarshal(wire(t, file), &d); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, got)
	}
	if diff := shapeDiff("$", shapeOf(d), shapeOf(g)); len(diff) > 0 {
		t.Errorf("answer differs from %s:\n  %s\nanswer: %s", file, strings.Join(diff, "\n  "), got)
	}
}

// The helper itself: what it accepts and what it catches.
func TestShapeDiff(t *testing.T) {
	parse := func(s string) *shape {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return shapeOf(v)
	}
	tests := []struct {
		doc, got string
		diffs    int
	}{
		{`{"a":1,"b":"x"}`, `{"a":2,"b":"y"}`, 0},
		{`{"a":1}`, `{"a":"1"}`, 1},
		{`{"a":1}`, `{"a":1,"b":2}`, 1},
		{`{"a":1,"b":2}`, `{"a":1}`, 1},
		{`{"a":null}`, `{"a":"x"}`, 0},
		{`{"a":"x"}`, `{"a":null}`, 0},
		{`{"tags":{}}`, `{"tags":{"k":"v"}}`, 0},
		{`{"l":[{"a":1},{"a":1,"b":2}]}`, `{"l":[{"a":1,"b":3}]}`, 0},
		{`{"l":[{"a":1}]}`, `{"l":[{"a":1,"c":3}]}`, 1},
		{`{"l":[{"a":1}]}`, `{"l":[]}`, 0},
		{`{"o":{"x":{"y":1}}}`, `{"o":{"x":{"y":true}}}`, 1},
		{`{"cloud_service_type_code":"x"}`, `{"service_type_code":"x"}`, 2},
	}
	for _, tt := range tests {
		if d := shapeDiff("$", parse(tt.doc), parse(tt.got)); len(d) != tt.diffs {
			t.Errorf("%s vs %s: %d diffs %v, want %d", tt.doc, tt.got, len(d), d, tt.diffs)
		}
	}
}

// Every file in testdata/wire is readable: JSON documents, one-line HTTP
// request lines, a README naming each file.
func TestWireFiles(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "wire")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		n++
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		b, _ := os.ReadFile(p)
		switch filepath.Ext(p) {
		case ".json":
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
		case ".http":
			if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "GET /") {
				t.Errorf("%s: want one GET line", rel)
			}
		default:
			t.Errorf("%s: unexpected file", rel)
		}
		if !strings.Contains(string(readme), "`"+rel+"`") {
			t.Errorf("%s is not described in testdata/wire/README.md", rel)
		}
		return nil
	})
	if n < 40 {
		t.Errorf("only %d wire files", n)
	}
}

// Every route answers in the shape of its documented example.
func TestAnswersHaveDocumentedShapes(t *testing.T) {
	e := newEnv(t)
	orderID, ids := e.buyProvisioned(nil)
	a := e.inst(ids[0])
	// A pending renewal order, for the order list and the unpaid details.
	r := e.do("POST", pathRenew, `{"resource_ids":["`+ids[1]+`"],"period_type":2,"period_num":1,"is_auto_pay":0}`)
	want(t, r, 200, "")
	pendingRenewal := r.obj()["order_ids"].([]any)[0].(string)

	cases := []struct {
		name, file string
		call       func() *resp
		status     int
	}{
		{"hcss create", "hcss/create-light-instances.response.json", func() *resp {
			return e.do("POST", pathCreate, pageBody, header("Client-Request-Id", crid))
		}, 202},
		{"hcss error", "hcss/error.json", func() *resp {
			return e.do("POST", pathCreate, `{"instance_name":"x"}`, header("Client-Request-Id", crid))
		}, 400},
		{"bss order details", "bss/order-details.response.json", func() *resp { return e.do("GET", pathOrderDetails+orderID, nil) }, 200},
		{"bss order details unpaid", "bss/order-details.unpaid.response.json", func() *resp { return e.do("GET", pathOrderDetails+pendingRenewal, nil) }, 200},
		{"bss list orders", "bss/list-customer-orders.response.json", func() *resp {
			return e.do("GET", pathOrders+"?status=6&order_type=2&limit=10&offset=0&order_by=-createTime", nil)
		}, 200},
		{"bss renew", "bss/renew.response.json", func() *resp {
			return e.do("POST", pathRenew, `{"resource_ids":["`+ids[0]+`"],"period_type":2,"period_num":1,"is_auto_pay":1}`)
		}, 200},
		{"bss renew partial", "bss/renew.partial.response.json", func() *resp {
			e.clk.Add(testComplete)
			return e.do("POST", pathRenew, `{"resource_ids":["`+ids[0]+`","6743d0e3708be6007b8c8013"],"period_type":2,"period_num":1,"is_auto_pay":1}`)
		}, 200},
		{"bss query resources", "bss/query-resources.response.json", func() *resp {
			return e.do("POST", pathQueryResources, `{"resource_ids":["`+ids[0]+`"],"only_main_resource":1,"offset":0,"limit":10}`)
		}, 200},
		{"bss free resources", "bss/free-resource-usages.response.json", func() *resp {
			return e.do("POST", pathFreeResources, `{"free_resource_ids":["`+a.TrafficID+`"]}`)
		}, 200},
		{"bss error", "bss/error.json", func() *resp {
			return e.do("POST", pathPay, `{"order_id":"`+orderID+`","use_coupon":"NO","use_discount":"NO"}`)
		}, 400},
		{"rms list", "rms/list-all-resources.response.json", func() *resp { return e.do("GET", rmsPath("type=hcss.l-instance&region_id="+sg+"&limit=200"), nil) }, 200},
		{"rms error", "rms/error.json", func() *resp { return e.do("GET", rmsPath("type=hcss.l-instance&limit=201"), nil) }, 400},
		{"ecs show", "ecs/show-server.response.json", func() *resp { return e.do("GET", ecsPath(sg, "/cloudservers/"+a.ServerID), nil) }, 200},
		{"ecs error", "ecs/error.json", func() *resp { return e.do("GET", ecsPath(sg, "/cloudservers/abc"), nil) }, 404},
		{"ecs update", "ecs/update-server.response.json", func() *resp {
			return e.do("PUT", ecsPath(sg, "/cloudservers/"+a.ServerID), wire(t, "ecs/update-server.request.json"))
		}, 200},
		{"ecs action", "ecs/batch-action.response.json", func() *resp {
			return e.do("POST", ecsPath(sg, "/cloudservers/action"), `{"reboot":{"type":"SOFT","servers":[{"id":"`+a.ServerID+`"},{"id":"72a270de-665a-4f46-8d64-24ad6edccdd2"}]}}`)
		}, 200},
		{"ecs action error", "ecs/batch-action.error.json", func() *resp {
			return e.do("POST", ecsPath(sg, "/cloudservers/action"), `{"reboot":{"servers":[{"id":"`+a.ServerID+`"}]}}`)
		}, 400},
		{"ecs job", "ecs/show-job.response.json", func() *resp {
			r := e.do("POST", ecsPath(sg, "/cloudservers/action"), `{"reboot":{"type":"SOFT","servers":[{"id":"`+a.ServerID+`"},{"id":"72a270de-665a-4f46-8d64-24ad6edccdd2"}]}}`)
			e.clk.Add(testJob)
			return e.do("GET", ecsPath(sg, "/jobs/"+r.obj()["job_id"].(string)), nil)
		}, 200},
		{"ecs password", "ecs/reset-password.response.json", func() *resp {
			return e.do("PUT", ecsPath(sg, "/cloudservers/os-reset-passwords"), `{"new_password":"Xk7-pq9.Lm2","servers":[{"id":"`+a.ServerID+`"}]}`)
		}, 200},
		{"ecs password error", "ecs/reset-password.error.json", func() *resp {
			return e.do("PUT", ecsPath(sg, "/cloudservers/os-reset-passwords"), `{"new_password":"Xk7-pq9.Lm2","servers":[{"id":"`+a.ServerID+`"},{"id":"72a270de-665a-4f46-8d64-24ad6edccdd2"}]}`)
		}, 404},
		{"bss unsubscribe", "bss/unsubscribe.response.json", func() *resp {
			return e.do("POST", pathUnsubscribe, wireWith(t, "bss/unsubscribe.request.json", "6743d0e3708be6007b8c8012", ids[0]))
		}, 200},
		{"iam token", "iam/token.response.json", func() *resp {
			return e.do("POST", pathTokens, wireWith(t, "iam/token.request.json", `"PASS"`, `"sandbox"`), noAuth)
		}, 201},
		{"iam domain token", "iam/token.domain.response.json", func() *resp {
			return e.do("POST", pathTokens, wireWith(t, "iam/token.domain.request.json", `"PASS"`, `"sandbox"`), noAuth)
		}, 201},
		{"iam projects", "iam/projects.response.json", func() *resp { return e.do("GET", pathProjects+"?name="+sg, nil) }, 200},
		{"iam domains", "iam/domains.response.json", func() *resp { return e.do("GET", pathDomains, nil) }, 200},
		{"iam error", "iam/error.json", func() *resp { return e.do("POST", pathTokens, wire(t, "iam/token.request.json"), noAuth) }, 401},
		{"iam auth error", "iam/error.json", func() *resp { return e.do("GET", pathProjects, nil, noAuth) }, 401},
		{"vpc groups", "vpc/list-security-groups.response.json", func() *resp {
			return e.do("GET", vpcPath(sg, "/vpc/security-groups?name=sg-default-smb"), nil)
		}, 200},
		{"vpc rules", "vpc/list-security-group-rules.response.json", func() *resp {
			return e.do("GET", vpcPath(sg, "/vpc/security-group-rules?direction=ingress&protocol=icmp&security_group_id="+e.defaultGroupID(sg)), nil)
		}, 200},
		{"vpc create rule", "vpc/create-security-group-rule.response.json", func() *resp {
			return e.do("POST", vpcPath(sg, "/vpc/security-group-rules"), wireWith(t, "vpc/create-security-group-rule.request.json", testGroupID, e.defaultGroupID(sg)))
		}, 201},
		{"vpc show rule", "vpc/show-security-group-rule.response.json", func() *resp {
			return e.do("GET", vpcPath(sg, "/vpc/security-group-rules/"+e.firstRuleID(sg)), nil)
		}, 200},
		{"vpc error", "vpc/error.json", func() *resp { return e.do("DELETE", vpcPath(sg, "/vpc/security-group-rules/nothing"), nil) }, 404},
		{"gateway unknown route", "apigw/error.json", func() *resp { return e.do("GET", "/v9/nothing", nil) }, 404},
		{"gateway auth", "apigw/error.json", func() *resp { return e.do("GET", ecsPath(sg, "/cloudservers/x"), nil, header("X-Auth-Token", "wrong")) }, 401},
		{"gateway throttling", "apigw/error.json", func() *resp {
			e.s.AddFault(Fault{Route: RouteBSSTraffic, Kind: FaultRateLimit})
			return e.do("POST", pathFreeResources, `{"free_resource_ids":["`+a.TrafficID+`"]}`)
		}, 429},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.call()
			want(t, r, tc.status, "")
			checkShape(t, tc.file, r.body)
		})
	}
}

// wireWith is a documented request with old replaced by new.
func wireWith(t *testing.T, file string, pairs ...string) string {
	s := string(wire(t, file))
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return s
}

// Every documented request example is accepted (2xx), with the example's
// IDs replaced by the sandbox's own.
func TestDocumentedRequestsAccepted(t *testing.T) {
	e := newEnv(t)
	_, ids := e.buyProvisioned(nil)
	a := e.inst(ids[0])
	spare, err := e.s.Provision(ProvisionRequest{Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	pendingOrder := func() string {
		id := spare[0].ID
		spare = spare[1:]
		r := e.do("POST", pathRenew, `{"resource_ids":["`+id+`"],"period_type":2,"period_num":1}`)
		want(t, r, 200, "")
		return r.obj()["order_ids"].([]any)[0].(string)
	}
	ids2 := func(order string) []string {
		return []string{"6743d0e3708be6007b8c8012", a.ID, "72a270de-665a-4f46-8d64-24ad6edccdd1", a.ServerID,
			"828e2c7c-3c8c-45a2-bebc-98cb3e77d06e", a.TrafficID, "CS241125185460CZY", order, `"PASS"`, `"sandbox"`,
			"{domain_id}", DefaultDomainID, "{project_id}", ProjectID(sg), testGroupID, e.defaultGroupID(sg),
			// The rating example: the console's spec code is not a plan of
			// the purchase API (NETWORK-AND-PRICES.md §17).
			"067cf8aecf3e4d6b9b4a5c0e1f2d3c4b", ProjectID(sg), "hf.large.05.40g.30m.linux", "hf.large.1.30m.linux"}
	}
	files := []struct {
		file, method, path string
		opts               []reqOpt
	}{
		{"hcss/create-light-instances.request.json", "POST", pathCreate, []reqOpt{header("Client-Request-Id", crid)}},
		{"rms/list-all-resources.request.http", "", "", nil},
		{"ecs/update-server.request.json", "PUT", ecsPath(sg, "/cloudservers/"+a.ServerID), nil},
		{"ecs/batch-action.stop.request.json", "POST", ecsPath(sg, "/cloudservers/action"), nil},
		{"ecs/batch-action.start.request.json", "POST", ecsPath(sg, "/cloudservers/action"), nil},
		{"ecs/batch-action.reboot.request.json", "POST", ecsPath(sg, "/cloudservers/action"), nil},
		{"ecs/reset-password.request.json", "PUT", ecsPath(sg, "/cloudservers/os-reset-passwords"), nil},
		{"ecs/reset-password.dry-run.request.json", "PUT", ecsPath(sg, "/cloudservers/os-reset-passwords"), nil},
		{"bss/renew.request.json", "POST", pathRenew, nil},
		{"bss/pay-orders.request.json", "POST", pathPay, nil},
		{"bss/cancel-order.request.json", "PUT", pathCancel, nil},
		{"bss/list-customer-orders.request.http", "", "", nil},
		{"bss/query-resources.request.json", "POST", pathQueryResources, nil},
		{"bss/free-resource-usages.request.json", "POST", pathFreeResources, nil},
		{"bss/autorenew.request.json", "POST", pathAutoRenew + a.ID, nil},
		{"bss/unsubscribe.request.json", "POST", pathUnsubscribe, nil},
		{"bss/subscribe-rate.request.json", "POST", pathSubscribeRate, nil},
		{"bss/renew-rate.request.json", "POST", pathRenewRate, nil},
		{"vpc/list-security-groups.request.http", "", "", nil},
		{"vpc/list-security-group-rules.request.http", "", "", nil},
		{"vpc/create-security-group-rule.request.json", "POST", vpcPath(sg, "/vpc/security-group-rules"), nil},
		{"iam/token.request.json", "POST", pathTokens, []reqOpt{noAuth}},
		{"iam/token.domain.request.json", "POST", pathTokens, []reqOpt{noAuth}},
		{"iam/token.token.request.json", "POST", pathTokens, []reqOpt{noAuth}},
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.file] = true
		t.Run(f.file, func(t *testing.T) {
			order := ""
			if strings.Contains(f.file, "pay-orders") || strings.Contains(f.file, "cancel-order") {
				order = pendingOrder()
			}
			body := wireWith(t, f.file, append(ids2(order), `"TOKEN"`, `"`+e.s.Token()+`"`)...)
			method, path := f.method, f.path
			var payload any = body
			if strings.HasSuffix(f.file, ".http") {
				method, path, _ = strings.Cut(strings.TrimSpace(body), " ")
				payload = nil
			}
			r := e.do(method, path, payload, f.opts...)
			if r.status < 200 || r.status > 299 {
				t.Fatalf("%s %s: %s", method, path, r)
			}
			if f.file == "bss/renew.request.json" || f.file == "bss/unsubscribe.request.json" {
				if fails := r.obj()["fail_resource_infos"].([]any); len(fails) > 0 {
					t.Errorf("refused for a resource: %s", r.body)
				}
			}
		})
	}
	// Every request example in testdata/wire is in the table.
	matches, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "wire", "*", "*.request.*"))
	sort.Strings(matches)
	for _, m := range matches {
		rel := filepath.ToSlash(strings.TrimPrefix(m, filepath.Join("..", "..", "testdata", "wire")+string(filepath.Separator)))
		if !seen[rel] {
			t.Errorf("%s is not sent by this test", rel)
		}
	}
}

// sortedKeys is a map's keys in order (for stable messages).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
