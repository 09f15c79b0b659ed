package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// provision makes n instances in region at once and returns them.
func (e *tenv) provision(n int, regions ...string) []InstanceSummary {
	e.t.Helper()
	out, err := e.s.Provision(ProvisionRequest{Count: n, Regions: regions})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *tenv) job(region, id string) jobView {
	e.t.Helper()
	r := e.do("GET", ecsPath(region, "/jobs/"+id), nil)
	want(e.t, r, 200, "")
	var v jobView
	json.Unmarshal(r.body, &v)
	return v
}

func (e *tenv) action(region, body string) string {
	e.t.Helper()
	r := e.do("POST", ecsPath(region, "/cloudservers/action"), body)
	want(e.t, r, 200, "")
	return r.obj()["job_id"].(string)
}

func servers(ids ...string) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, `{"id":"`+id+`"}`)
	}
	return `"servers":[` + strings.Join(parts, ",") + `]`
}

func TestECSShowAndProject(t *testing.T) {
	e := newEnv(t)
	a := e.provision(1, sg)[0]
	b := e.provision(1, "tr-west-1")[0]
	want(t, e.do("GET", ecsPath(sg, "/cloudservers/"+a.ServerID), nil), 200, "")
	// Another region's server is not found in this region.
	want(t, e.do("GET", ecsPath(sg, "/cloudservers/"+b.ServerID), nil), 404, "Ecs.0114")
	r := e.do("GET", ecsPath(sg, "/cloudservers/nope"), nil)
	want(t, r, 404, "Ecs.0114")
	if errorMessage(r) != "Instance[nope] could not be found." {
		t.Errorf("%s", r)
	}
	want(t, e.do("GET", "/v1/0123/cloudservers/"+a.ServerID, nil), 400, "Ecs.0005")
	// AK/SK: X-Project-Id must be the path's project.
	want(t, e.do("GET", ecsPath(sg, "/cloudservers/"+a.ServerID), nil, e.aksk(ProjectID(sg), "")), 200, "")
	want(t, e.do("GET", ecsPath(sg, "/cloudservers/"+a.ServerID), nil, e.aksk(ProjectID("tr-west-1"), "")), 401, "APIGW.0301")
	want(t, e.do("GET", ecsPath(sg, "/cloudservers/"+a.ServerID), nil, e.aksk("", DefaultDomainID)), 401, "APIGW.0301")
}

// UpdateServer: each field's rule (400 Ecs.0005 naming the field), the
// server after the change, visible in ShowServer.
func TestECSUpdate(t *testing.T) {
	e := newEnv(t)
	a := e.provision(1, sg)[0]
	path := ecsPath(sg, "/cloudservers/"+a.ServerID)
	for _, tt := range []struct{ body, field string }{
		{`{"server":{"name":""}}`, "server.name"},
		{`{"server":{"name":"` + strings.Repeat("n", 65) + `"}}`, "server.name"},
		{`{"server":{"name":"web 1"}}`, "server.name"},
		{`{"server":{"description":"` + strings.Repeat("d", 86) + `"}}`, "server.description"},
		{`{"server":{"description":"<b>"}}`, "server.description"},
		{`{"server":{"hostname":""}}`, "server.hostname"},
		{`{"server":{"hostname":"a..b"}}`, "server.hostname"},
		{`{"server":{"hostname":"a--b"}}`, "server.hostname"},
		{`{"server":{"hostname":"a.-b"}}`, "server.hostname"},
		{`{"server":{"hostname":"-ab"}}`, "server.hostname"},
		{`{"server":{"hostname":"ab."}}`, "server.hostname"},
		{`{"server":{"hostname":"a_b"}}`, "server.hostname"},
		{`{"server":{"hostname":"` + strings.Repeat("h", 65) + `"}}`, "server.hostname"},
		{`{"server":{"user_data":"***"}}`, "server.user_data"},
		{`{"server":{"flavor":"x"}}`, "flavor"},
		{`{"server":{"name":1}}`, "server.name"},
		{`{}`, "server"},
	} {
		r := e.do("PUT", path, tt.body)
		want(t, r, 400, "Ecs.0005")
		if !strings.Contains(errorMessage(r), tt.field) {
			t.Errorf("%s: message %q does not name %s", tt.body, errorMessage(r), tt.field)
		}
	}
	r := e.do("PUT", path, `{"server":{"name":"网站-1_a.b","description":"shop front","hostname":"web-1a.shop"}}`)
	want(t, r, 200, "")
	var u struct{ Server updatedServer }
	json.Unmarshal(r.body, &u)
	if u.Server.Name != "网站-1_a.b" || u.Server.Description != "shop front" || u.Server.Hostname != "web-1a.shop" || u.Server.Updated != fmtTime(e.clk.Now(), layoutSeconds) {
		t.Errorf("%s", r.body)
	}
	r = e.do("GET", path, nil)
	if !has(string(r.body), `"name":"网站-1_a.b"`) || !has(string(r.body), `"OS-EXT-SRV-ATTR:hostname":"web-1a.shop"`) {
		t.Errorf("show after update: %s", r.body)
	}
	want(t, e.do("PUT", ecsPath(sg, "/cloudservers/gone"), `{"server":{"name":"x"}}`), 404, "Ecs.0114")
}

func TestECSActionValidation(t *testing.T) {
	e := newEnv(t)
	a := e.provision(1, sg)[0]
	many := make([]string, 1001)
	for i := range many {
		many[i] = "s" + strings.Repeat("0", 3) + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
	}
	for _, tt := range []struct{ body, field string }{
		{`{}`, "exactly one"},
		{`{"os-start":{` + servers(a.ServerID) + `},"os-stop":{` + servers(a.ServerID) + `}}`, "exactly one"},
		{`{"reboot":{` + servers(a.ServerID) + `}}`, "reboot.type"},
		{`{"reboot":{"type":"SOFTLY",` + servers(a.ServerID) + `}}`, "reboot.type"},
		{`{"os-stop":{"type":"soft",` + servers(a.ServerID) + `}}`, "os-stop.type"},
		{`{"os-start":{"type":"SOFT",` + servers(a.ServerID) + `}}`, "type"},
		{`{"os-start":{"servers":[]}}`, "os-start.servers"},
		{`{"os-start":{}}`, "os-start.servers"},
		{`{"os-start":{` + servers(many...) + `}}`, "1 to 1000"},
		{`{"os-start":{"servers":[{"id":""}]}}`, "os-start.servers[0].id"},
		{`{"os-start":{` + servers(a.ServerID, a.ServerID) + `}}`, "os-start.servers[1].id"},
		{`{"os-suspend":{` + servers(a.ServerID) + `}}`, "os-suspend"},
	} {
		r := e.do("POST", ecsPath(sg, "/cloudservers/action"), tt.body)
		want(t, r, 400, "Ecs.0005")
		if !strings.Contains(errorMessage(r), tt.field) {
			t.Errorf("%.60s: message %q does not name %s", tt.body, errorMessage(r), tt.field)
		}
		checkShape(t, "ecs/batch-action.error.json", r.body)
	}
	// 1,000 servers is the limit, not an error.
	if r := e.do("POST", ecsPath(sg, "/cloudservers/action"), `{"os-start":{`+servers(many[:1000]...)+`}}`); r.status != 200 {
		t.Errorf("1000 servers: %s", r)
	}
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if len(e.s.jobs) != 1 {
		t.Errorf("%d jobs after invalid requests", len(e.s.jobs))
	}
}

// Jobs: a batch across servers, a server of another region and an unknown
// one fail their own sub-jobs; starting a running server or stopping a
// stopped one fails with Ecs.0103; reboot shows REBOOT / HARD_REBOOT.
func TestECSJobs(t *testing.T) {
	e := newEnv(t)
	in := e.provision(3, sg)
	other := e.provision(1, "me-east-1")[0]
	a, b, c := in[0].ServerID, in[1].ServerID, in[2].ServerID

	j := e.action(sg, `{"os-stop":{`+servers(a, b, other.ServerID, "nope")+`}}`)
	v := e.job(sg, j)
	if v.Status != "INIT" || v.Entities.SubJobsTotal != 4 || v.EndTime != "" || v.ErrorCode != nil || v.JobType != "batchStopServers" {
		t.Errorf("new job %+v", v)
	}
	e.clk.Add(testJob)
	v = e.job(sg, j)
	if v.Status != "FAIL" || *v.ErrorCode != "Ecs.0114" || !strings.Contains(*v.FailReason, other.ServerID) || v.EndTime == "" {
		t.Errorf("ended job %+v", v)
	}
	for i, want := range []string{"SUCCESS", "SUCCESS", "FAIL", "FAIL"} {
		sj := v.Entities.SubJobs[i]
		if sj.Status != want || sj.JobType != "stopServer" {
			t.Errorf("sub-job %d: %+v", i, sj)
		}
		if want == "FAIL" && (sj.Entities.ErrorcodeMessage == "" || !strings.Contains(sj.Entities.ErrorcodeMessage, sj.Entities.ServerID)) {
			t.Errorf("sub-job %d names no server: %+v", i, sj)
		}
	}
	if e.inst(in[0].ID).ServerStatus != "SHUTOFF" || e.inst(in[2].ID).ServerStatus != "ACTIVE" || e.inst(other.ID).ServerStatus != "ACTIVE" {
		t.Error("statuses after stop")
	}

	// Stop a stopped server, start a running one: Ecs.0103 on those sub-jobs.
	j = e.action(sg, `{"os-stop":{"type":"HARD",`+servers(a)+`}}`)
	j2 := e.action(sg, `{"os-start":{`+servers(b, c)+`}}`)
	e.clk.Add(testJob)
	v = e.job(sg, j)
	if v.Status != "FAIL" || *v.ErrorCode != "Ecs.0103" || !strings.Contains(v.Entities.SubJobs[0].Entities.ErrorcodeMessage, "already stopped") {
		t.Errorf("stop stopped: %+v", v)
	}
	v = e.job(sg, j2)
	if v.Status != "FAIL" || v.Entities.SubJobs[0].Status != "SUCCESS" || v.Entities.SubJobs[1].Status != "FAIL" ||
		!strings.Contains(v.Entities.SubJobs[1].Entities.ErrorcodeMessage, "already running") {
		t.Errorf("start: %+v", v)
	}

	// Reboot: REBOOT while running (HARD_REBOOT for HARD), then ACTIVE.
	j = e.action(sg, `{"reboot":{"type":"HARD",`+servers(b)+`}}`)
	e.clk.Add(testJob / 2)
	if st := e.inst(in[1].ID).ServerStatus; st != "HARD_REBOOT" {
		t.Errorf("rebooting: %s", st)
	}
	list, _ := e.listAll("type=hcss.l-instance&id=" + in[1].ID)
	if list[0].Properties.Status != "REBOOTING" {
		t.Errorf("RMS while rebooting: %s", list[0].Properties.Status)
	}
	e.clk.Add(testJob / 2)
	if v := e.job(sg, j); v.Status != "SUCCESS" || e.inst(in[1].ID).ServerStatus != "ACTIVE" {
		t.Errorf("rebooted: %+v", v)
	}
	j = e.action(sg, `{"reboot":{"type":"SOFT",`+servers(a)+`}}`) // a is SHUTOFF
	e.clk.Add(testJob)
	if v := e.job(sg, j); v.Status != "FAIL" || *v.ErrorCode != "Ecs.0103" {
		t.Errorf("reboot stopped: %+v", v)
	}

	// Jobs are per project; unknown jobs are 404.
	want(t, e.do("GET", ecsPath("me-east-1", "/jobs/"+j), nil), 404, "Ecs.0005")
	want(t, e.do("GET", ecsPath(sg, "/jobs/nope"), nil), 404, "Ecs.0005")

	// Job after 0: ended at once.
	e.s.SetJobAfter(0)
	j = e.action(sg, `{"os-start":{`+servers(a)+`}}`)
	if v := e.job(sg, j); v.Status != "SUCCESS" || e.inst(in[0].ID).ServerStatus != "ACTIVE" {
		t.Errorf("job-after 0: %+v", v)
	}
}

// ECS's password rules, each named (400 Ecs.0011), the password never in
// the answer.
func TestPasswordRules(t *testing.T) {
	for _, tt := range []struct{ pw, rule string }{
		{"Ab1-x", "8 to 26"},
		{"Ab1-" + strings.Repeat("x", 23), "8 to 26"},
		{"abcdefgh", "three of"},
		{"abcdefg1", "three of"},
		{"ABCDEFG1", "three of"},
		{"Abcdef1 x", "not allowed"},
		{"Abcdef1#x", "not allowed"},
		{"Abcdef1$x", "not allowed"},
		{"Abcdef1\"x", "not allowed"},
		{"Abcdef1中x", "Chinese"},
		{"xRoot-9abc", "root"},
		{"xtoor-9ABC", "root"},
		{"Administrator1", "root or Administrator"},
		{"9-rotartsinimdA", "root or Administrator"},
		{"Xk7-adm.Lm2", "three consecutive characters of Administrator"},
		{"Xk7-Tor.Lm2", "three consecutive characters of Administrator"},
	} {
		if got := checkPassword(tt.pw); !strings.Contains(got, tt.rule) {
			t.Errorf("%q: %q, want the rule %q", tt.pw, got, tt.rule)
		} else if strings.Contains(got, tt.pw) {
			t.Errorf("%q: the message holds the password", tt.pw)
		}
	}
	for _, ok := range []string{"Xk7-pq9.Lm2", "Zz9!@%-_=+[]:./?", "Abcdefg1", "abcdefg1!"} {
		if got := checkPassword(ok); got != "" {
			t.Errorf("%q refused: %s", ok, got)
		}
	}
}

// Password resets: synchronous, dry run, unknown servers (nothing reset),
// and the password never in the request log or the control API.
func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	in := e.provision(2, sg)
	const secret = "Xk7-pq9.Lm2"
	path := ecsPath(sg, "/cloudservers/os-reset-passwords")
	r := e.do("PUT", path, `{"new_password":"`+secret+`",`+servers(in[0].ServerID, in[1].ServerID)+`}`)
	want(t, r, 200, "")
	if !has(string(r.body), in[0].ServerID) || !has(string(r.body), in[1].ServerID) || e.inst(in[0].ID).PasswordResets != 1 {
		t.Errorf("%s", r)
	}
	r = e.do("PUT", path, `{"dry_run":true,`+servers(in[0].ServerID)+`}`)
	want(t, r, 200, "")
	if e.inst(in[0].ID).PasswordResets != 1 {
		t.Error("dry run reset the password")
	}
	r = e.do("PUT", path, `{"new_password":"weak",`+servers(in[0].ServerID)+`}`)
	want(t, r, 400, "Ecs.0011")
	want(t, e.do("PUT", path, `{`+servers(in[0].ServerID)+`}`), 400, "Ecs.0005")
	want(t, e.do("PUT", path, `{"new_password":"`+secret+`","servers":[]}`), 400, "Ecs.0005")
	r = e.do("PUT", path, `{"new_password":"`+secret+`",`+servers(in[1].ServerID, "nope")+`}`)
	want(t, r, 404, "Ecs.0114")
	var pe passwordError
	json.Unmarshal(r.body, &pe)
	if len(pe.InternalError) != 1 || pe.InternalError[0].ID != "nope" || e.inst(in[1].ID).PasswordResets != 1 {
		t.Errorf("unknown server: %s (resets %d)", r.body, e.inst(in[1].ID).PasswordResets)
	}
	// Faults on the route: the log still holds no password.
	e.s.AddFault(Fault{Route: RouteECSPassword, Kind: FaultServer})
	want(t, e.do("PUT", path, `{"new_password":"`+secret+`",`+servers(in[0].ServerID)+`}`), 500, "Ecs.0000")
	var logged []string
	e.s.mu.Lock()
	e.s.opts.Log = func(l string) { logged = append(logged, l) }
	e.s.mu.Unlock()
	e.do("PUT", path, `{"new_password":"`+secret+`",`+servers(in[0].ServerID)+`}`)
	res, err := http.Get(e.url + "/_sandbox/requests")
	if err != nil {
		t.Fatal(err)
	}
	control, _ := io.ReadAll(res.Body)
	res.Body.Close()
	instances, _ := json.Marshal(e.s.Instances())
	for name, text := range map[string]string{"control API": string(control), "log lines": strings.Join(logged, "\n"),
		"Requests()": jsonString(e.s.Requests()), "instances": string(instances)} {
		if strings.Contains(text, secret) || strings.Contains(text, "weak") {
			t.Errorf("%s holds the password:\n%s", name, text)
		}
	}
	n := 0
	for _, lr := range e.s.Requests() {
		if lr.Route == RouteECSPassword {
			n++
			if !strings.Contains(lr.Body, "redacted") {
				t.Errorf("body %q", lr.Body)
			}
		}
	}
	if n != 8 || len(logged) != 1 {
		t.Errorf("%d password requests logged, %d lines", n, len(logged))
	}
	// A password sent to a mistyped path is not logged either.
	want(t, e.do("PUT", ecsPath(sg, "/cloudservers/os-reset-password"), `{"new_password":"`+secret+`"}`), 400, "Ecs.0005")
	want(t, e.do("POST", ecsPath(sg, "/cloudservers/os-reset-passwords"), `{"new_password":"`+secret+`"}`), 404, "APIGW.0101")
	if lr := e.s.Requests(); strings.Contains(jsonString(lr), secret) {
		t.Error("a password sent to an unknown route was logged")
	}
}
