package instancecmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

const showServer = `{"server":{"id":"srv-6743d0e3708be6007b8c8012","name":"web-1-srv","status":"ACTIVE","description":"shop front",
 "OS-EXT-SRV-ATTR:hostname":"web-1a","image":"img-1","metadata":{"image_name":"Ubuntu 22.04"},
 "addresses":{"net-1":[{"version":"4","addr":"192.168.0.16","OS-EXT-IPS:type":"fixed"},{"version":4,"addr":"203.0.113.7","OS-EXT-IPS:type":"floating"}]},
 "flavor":{"id":"f-1","name":"hf.large.1","vcpus":"2","ram":"2048","disk":"0"}}}`

// The instances the show tests find in RMS.
var (
	showWeb1 = entry("6743d0e3708be6007b8c8012", "web-1", "ap-southeast-3", "RUNNING", "203.0.113.7", map[string]string{"env": "prod"})
	showDup3 = entry("6743d0e3708be6007b8c8013", "dup", "tr-west-1", "RUNNING", "", nil)
	showDup4 = entry("6743d0e3708be6007b8c8014", "dup", "ap-southeast-3", "RUNNING", "", nil)

	showServer8012 = apitest.REST("GET", "/v1/proj-ap-southeast-3/cloudservers/srv-6743d0e3708be6007b8c8012")
)

func TestShowByIDAndName(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", showWeb1, showDup3, showDup4)).Persist()
	reg.Register(showServer8012, apitest.String(200, showServer)).Persist()
	reg.Register(subsQuery, subscriptions(subscription)).Persist()
	for _, arg := range []string{"6743d0e3708be6007b8c8012", "web-1"} {
		out, errOut, code := runStub(t, reg, nil, "instance", "show", arg, "-o", "json")
		var d map[string]any
		if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 || errOut != "" {
			t.Fatalf("%s: exit %d %v %s %s", arg, code, err, out, errOut)
		}
		if keysOf(d) != "auto_renew,charging_mode,created,description,effective,expires,flavor,hostname,id,image,name,order_id,private_ip,public_ip,region,resources,server_id,server_name,server_status,spec,status,tags" {
			t.Errorf("keys %s", keysOf(d))
		}
		if d["id"] != "6743d0e3708be6007b8c8012" || d["server_status"] != "ACTIVE" || d["private_ip"] != "192.168.0.16" || d["public_ip"] != "203.0.113.7" ||
			d["expires"] != "2026-12-20T15:59:59Z" || d["auto_renew"] != true || d["flavor"] != "hf.large.1" || d["effective"] != "2026-11-20T10:00:00Z" ||
			// What instance update changes, and the plan and image (#22 trap 5).
			d["server_name"] != "web-1-srv" || d["description"] != "shop front" || d["hostname"] != "web-1a" || d["image"] != "Ubuntu 22.04" || d["spec"] != "hf.large.1.30m.linux" {
			t.Errorf("%v", d)
		}
		res, _ := json.Marshal(d["resources"])
		if string(res) != `[{"id":"srv-6743d0e3708be6007b8c8012","type":"huaweicloudinternal_ecs_instance"},{"id":"eip-6743d0e3708be6007b8c8012","type":"huaweicloudinternal_eip"}]` {
			t.Errorf("resources %s", res)
		}
	}
	// ECS in the instance's region with RMS's project ID; BSS by instance ID.
	if reg.Count(showServer8012) != 2 || reg.Count(subsQuery) != 2 {
		t.Errorf("%v", lines(reg))
	}

	out, _, code := runStub(t, reg, nil, "instance", "show", "web-1")
	for _, w := range []string{"ID             6743d0e3708be6007b8c8012\n", "SERVER STATUS  ACTIVE\n", "PRIVATE IP     192.168.0.16\n",
		"AUTO RENEW     on\n", "TAGS           env=prod\n", "RESOURCES      huaweicloudinternal_ecs_instance srv-6743d0e3708be6007b8c8012\n",
		"               huaweicloudinternal_eip eip-6743d0e3708be6007b8c8012\n"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("table lacks %q:\n%s", w, out)
		}
	}
}

// An ambiguous name exits 2 listing the matches; an unknown one exits 2;
// neither reads ECS or BSS.
func TestShowAmbiguousAndUnknown(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", showWeb1, showDup3, showDup4)).Persist()
	reg.Register(rmsList("region_id", "tr-west-1"), listing("", showDup3))
	reg.Register(apitest.REST("GET", "/v1/proj-tr-west-1/cloudservers/srv-6743d0e3708be6007b8c8013"), apitest.String(200, strings.ReplaceAll(showServer, "8012", "8013")))
	reg.Register(subsQuery, subscriptions())
	out, errOut, code := runStub(t, reg, nil, "instance", "show", "dup")
	if code != 2 || out != "" || !strings.Contains(errOut, `the name "dup" matches 2 instances; name one by ID:`) ||
		!strings.Contains(errOut, "6743d0e3708be6007b8c8013  tr-west-1") || !strings.Contains(errOut, "6743d0e3708be6007b8c8014  ap-southeast-3") {
		t.Errorf("exit %d %q", code, errOut)
	}
	// --region narrows the search: then the name is unique.
	out, _, code = runStub(t, reg, nil, "instance", "show", "dup", "--region", "tr-west-1", "-o", "json")
	if code != 0 || !strings.Contains(out, `"id": "6743d0e3708be6007b8c8013"`) {
		t.Errorf("exit %d %s", code, out)
	}
	_, errOut, code = runStub(t, reg, nil, "instance", "show", "nosuch")
	if code != 2 || !strings.Contains(errOut, `no instance with ID or name "nosuch" in any region`) {
		t.Errorf("exit %d %q", code, errOut)
	}
	_, errOut, code = runStub(t, reg, nil, "instance", "show")
	if code != 2 || !strings.Contains(errOut, "flexusl instance show takes an instance ID or name, got 0 arguments; see: flexusl instance show --help") {
		t.Errorf("exit %d %q", code, errOut)
	}
	if countPrefix(reg, "GET /v1/proj") != 1 || countPrefix(reg, "POST") != 1 { // only the dup --region show
		t.Errorf("%v", lines(reg))
	}
}

// A part that cannot be read: the rest is printed, the error names the
// part, exit 1 (3 for permission).
func TestShowPartial(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", showWeb1, showDup3, showDup4)).Persist()
	reg.Register(showServer8012, apitest.String(200, showServer))
	reg.Register(subsQuery, apitest.String(403, injected403))
	out, errOut, code := runStub(t, reg, nil, "instance", "show", "web-1", "-o", "json")
	if code != 3 || !strings.Contains(out, `"server_status": "ACTIVE"`) || !strings.Contains(out, `"auto_renew": null`) ||
		!strings.Contains(errOut, "Error: the subscription (BSS) could not be read: list subscriptions: HTTP 403 FAKE.403") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// An instance with no server in ECS: Ecs.0114, exit 1, the rest shown.
	reg.Register(apitest.REST("GET", "/v1/proj-ap-southeast-3/cloudservers/srv-6743d0e3708be6007b8c8014"),
		apitest.String(404, `{"error":{"message":"Instance[srv-6743d0e3708be6007b8c8014] could not be found.","code":"Ecs.0114"}}`))
	reg.Register(subsQuery, subscriptions())
	out, errOut, code = runStub(t, reg, nil, "instance", "show", "6743d0e3708be6007b8c8014", "-o", "json")
	if code != 1 || !strings.Contains(out, `"server_status": ""`) || !strings.Contains(errOut, "the server (ECS) could not be read: show server srv-6743d0e3708be6007b8c8014: HTTP 404 Ecs.0114") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// A failing listing is the listing's error, and nothing else is asked.
	reg = apitest.New(t)
	reg.Register(rmsList(), apitest.String(500, `{"error_code":"FAKE.500","error_msg":"injected","request_id":"r-1"}`))
	_, errOut, code = runStub(t, reg, nil, "instance", "show", "web-1")
	if code != 1 || len(reg.Requests()) != 1 || !strings.Contains(errOut, "list instances: HTTP 500") {
		t.Errorf("exit %d %q %v", code, errOut, lines(reg))
	}
}

// BSS figures as strings (the SDK reads them as decimal.Decimal): the
// subscription is read as if they were numbers (issue 18, item 2).
func TestShowReadsBSSFiguresAsStrings(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(rmsList(), listing("", showWeb1, showDup3, showDup4))
	reg.Register(showServer8012, apitest.String(200, showServer))
	reg.Register(subsQuery, subscriptions(`{"resource_id":"6743d0e3708be6007b8c8012","region_code":"ap-southeast-3","is_main_resource":"1","status":"2",`+
		`"effective_time":"2026-11-20T10:00:00Z","expire_time":"2026-12-20T15:59:59Z","expire_policy":"3","spec_size":"40.00","spec_size_measure_id":17}`))
	out, errOut, code := runStub(t, reg, nil, "instance", "show", "web-1", "-o", "json")
	if code != 0 || errOut != "" || !strings.Contains(out, `"auto_renew": true`) || !strings.Contains(out, `"expires": "2026-12-20T15:59:59Z"`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
