package sandbox

import (
	"fmt"
	"strings"
	"testing"
)

// testGroupID is the group ID of the documented examples.
const testGroupID = "0552091e-b83a-49dd-88a7-4a5c86fd9ec3"

func vpcPath(region, rest string) string { return "/v3/" + ProjectID(region) + rest }

// defaultGroupID is the region's sg-default-smb (made with a first
// instance when there is none yet).
func (e *tenv) defaultGroupID(region string) string {
	e.t.Helper()
	for _, g := range e.s.SecurityGroups() {
		if g.Region == region && g.Name == "sg-default-smb" {
			return g.ID
		}
	}
	if _, err := e.s.Provision(ProvisionRequest{Count: 1, Regions: []string{region}}); err != nil {
		e.t.Fatal(err)
	}
	return e.defaultGroupID(region)
}

func (e *tenv) firstRuleID(region string) string {
	e.t.Helper()
	r := e.do("GET", vpcPath(region, "/vpc/security-group-rules?security_group_id="+e.defaultGroupID(region)), nil)
	want(e.t, r, 200, "")
	return r.obj()["security_group_rules"].([]any)[0].(map[string]any)["id"].(string)
}

func ruleBody(group, extra string) string {
	return `{"security_group_rule":{"security_group_id":"` + group + `","direction":"ingress","protocol":"tcp"` + extra + `}}`
}

// The first instance of a region gets sg-default-smb with FlexusL's
// default rules (ICMP in, everything out, nothing on 22 or 3389); later
// ones join it; ECS lists it on the server.
func TestDefaultGroupShared(t *testing.T) {
	e := newEnv(t)
	ins, err := e.s.Provision(ProvisionRequest{Count: 3, Regions: []string{sg, sg, "tr-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	groups := e.s.SecurityGroups()
	if len(groups) != 2 {
		t.Fatalf("groups: %+v", groups)
	}
	g := groups[0]
	if g.Name != "sg-default-smb" || g.Region != sg || len(g.Instances) != 2 || g.Rules != 5 {
		t.Errorf("%+v", g)
	}
	r := e.do("GET", ecsPath(sg, "/cloudservers/"+ins[0].ServerID), nil)
	want(t, r, 200, "")
	if !has(string(r.body), `"security_groups":[{"name":"sg-default-smb","id":"`+g.ID+`"}]`) {
		t.Errorf("server: %s", r.body)
	}
	r = e.do("GET", vpcPath(sg, "/vpc/security-group-rules?security_group_id="+g.ID+"&direction=ingress"), nil)
	want(t, r, 200, "")
	body := string(r.body)
	if !has(body, `"protocol":"icmp"`) || has(body, `"multiport":"22"`) || has(body, "3389") {
		t.Errorf("default ingress rules: %s", body)
	}
	// Another region's project sees neither the group nor its rules.
	r = e.do("GET", vpcPath("tr-west-1", "/vpc/security-groups?id="+g.ID), nil)
	want(t, r, 200, "")
	if n := len(r.obj()["security_groups"].([]any)); n != 0 {
		t.Errorf("group visible in another region: %s", r.body)
	}
}

// Rules honour the documented limits (each refused with 400 and nothing
// made), duplicates are refused with 409 naming the existing rule,
// unknown groups and rules are 404, dry_run makes nothing.
func TestRuleLimits(t *testing.T) {
	e := newEnv(t)
	gid := e.defaultGroupID(sg)
	path := vpcPath(sg, "/vpc/security-group-rules")
	bad := []string{
		`,"multiport":"0"`, `,"multiport":"65536"`, `,"multiport":"30-20"`, `,"multiport":"a"`,
		`,"multiport":"` + strings.TrimSuffix(strings.Repeat("1,", 21), ",") + `"`,
		`,"priority":"0"`, `,"priority":101`, `,"priority":"x"`,
		`,"remote_ip_prefix":"::/0"`, `,"remote_ip_prefix":"300.1.1.1"`,
		`,"remote_ip_prefix":"1.2.3.4/32","remote_group_id":"` + gid + `"`,
		`,"description":"<b>"`, `,"description":"` + strings.Repeat("x", 256) + `"`,
		`,"action":"reject"`, `,"ethertype":"IPv5"`, `,"unknown":1`,
	}
	for _, extra := range bad {
		r := e.do("POST", path, ruleBody(gid, extra))
		want(t, r, 400, "")
	}
	r := e.do("POST", path, `{"security_group_rule":{"security_group_id":"`+gid+`","direction":"ingress","protocol":"icmp","ethertype":"IPv6"}}`)
	want(t, r, 400, "")
	r = e.do("POST", path, `{"security_group_rule":{"security_group_id":"`+gid+`","direction":"sideways"}}`)
	want(t, r, 400, "")
	r = e.do("POST", path, ruleBody("6f1e0000-0000-4000-8000-000000000000", ""))
	want(t, r, 404, "")
	if n := e.s.SecurityGroups()[0].Rules; n != 5 {
		t.Fatalf("%d rules after refusals, want the 5 defaults", n)
	}

	r = e.do("POST", path, `{"dry_run":true,"security_group_rule":{"security_group_id":"`+gid+`","direction":"ingress","protocol":"tcp","multiport":"22"}}`)
	want(t, r, 202, "")
	ok := ruleBody(gid, `,"multiport":"22,80-81","remote_ip_prefix":"203.0.113.7","priority":1`)
	r = e.do("POST", path, ok)
	want(t, r, 201, "")
	rule := r.obj()["security_group_rule"].(map[string]any)
	if rule["remote_ip_prefix"] != "203.0.113.7/32" || rule["priority"] != float64(1) || rule["multiport"] != "22,80-81" {
		t.Errorf("stored: %s", r.body)
	}
	id := rule["id"].(string)
	r = e.do("POST", path, ok)
	want(t, r, 409, vpcDuplicate)
	if !has(errorMessage(r), id) {
		t.Errorf("duplicate does not name %s: %s", id, r.body)
	}
	// Another priority is another rule.
	r = e.do("POST", path, ruleBody(gid, `,"multiport":"22,80-81","remote_ip_prefix":"203.0.113.7/32","priority":"2"`))
	want(t, r, 201, "")

	r = e.do("DELETE", vpcPath(sg, "/vpc/security-group-rules/"+id), nil)
	want(t, r, 204, "")
	r = e.do("DELETE", vpcPath(sg, "/vpc/security-group-rules/"+id), nil)
	want(t, r, 404, vpcNotFound)
	r = e.do("GET", vpcPath(sg, "/vpc/security-group-rules/"+id), nil)
	want(t, r, 404, vpcNotFound)
	// A rule of another region's project is not found there.
	other := e.firstRuleID(sg)
	r = e.do("DELETE", vpcPath("tr-west-1", "/vpc/security-group-rules/"+other), nil)
	want(t, r, 404, "")
}

// The per-group quota: the rule past it is refused.
func TestRuleQuota(t *testing.T) {
	e := newEnv(t)
	gid := e.defaultGroupID(sg)
	for i := 5; i < maxRulesPerGroup; i++ {
		r := e.do("POST", vpcPath(sg, "/vpc/security-group-rules"), ruleBody(gid, fmt.Sprintf(`,"multiport":"%d"`, 1000+i)))
		want(t, r, 201, "")
	}
	r := e.do("POST", vpcPath(sg, "/vpc/security-group-rules"), ruleBody(gid, `,"multiport":"9"`))
	want(t, r, 400, vpcQuota)
}

// Listings page with limit and marker; a bad limit is 400.
func TestRulePaging(t *testing.T) {
	e := newEnv(t)
	gid := e.defaultGroupID(sg)
	var ids []string
	marker := ""
	for pages := 0; pages < 10; pages++ {
		q := "/vpc/security-group-rules?limit=2&security_group_id=" + gid
		if marker != "" {
			q += "&marker=" + marker
		}
		r := e.do("GET", vpcPath(sg, q), nil)
		want(t, r, 200, "")
		for _, x := range r.obj()["security_group_rules"].([]any) {
			ids = append(ids, x.(map[string]any)["id"].(string))
		}
		next, _ := r.obj()["page_info"].(map[string]any)["next_marker"].(string)
		if next == "" {
			break
		}
		marker = next
	}
	if len(ids) != 5 {
		t.Errorf("%d rules paged, want 5", len(ids))
	}
	want(t, e.do("GET", vpcPath(sg, "/vpc/security-group-rules?limit=2001"), nil), 400, vpcInvalid)
	want(t, e.do("GET", vpcPath("nowhere", "/vpc/security-groups"), nil), 400, vpcProject)
}

// The control API attaches another group to a server; faults apply to
// the VPC routes as to the others.
func TestAttachGroupAndFaults(t *testing.T) {
	e := newEnv(t)
	ins, _ := e.s.Provision(ProvisionRequest{Count: 1})
	g, err := e.s.AttachGroup(ins[0].ID, AttachRequest{Name: "web\x1b[31m", Description: "extra"})
	if err != nil || len(g.Instances) != 1 || g.Rules != 0 {
		t.Fatalf("%+v %v", g, err)
	}
	r := e.do("GET", ecsPath(sg, "/cloudservers/"+ins[0].ServerID), nil)
	if !has(string(r.body), g.ID) || !has(string(r.body), "sg-default-smb") {
		t.Errorf("server groups: %s", r.body)
	}
	if _, err := e.s.AttachGroup(ins[0].ID, AttachRequest{GroupID: "nope"}); err == nil {
		t.Error("attached a group that does not exist")
	}
	if err := e.s.AddFault(Fault{Route: RouteVPCRuleCreate, Kind: FaultServer}); err != nil {
		t.Fatal(err)
	}
	r = e.do("POST", vpcPath(sg, "/vpc/security-group-rules"), ruleBody(g.ID, `,"multiport":"22"`))
	want(t, r, 500, vpcFailed)
	if err := e.s.AddFault(Fault{Route: RouteVPCRules, Kind: FaultRateLimit}); err != nil {
		t.Fatal(err)
	}
	want(t, e.do("GET", vpcPath(sg, "/vpc/security-group-rules"), nil), 429, "APIGW.0308")
}
