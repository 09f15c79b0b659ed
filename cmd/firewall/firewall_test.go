package firewallcmd_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// The confirmation names the group and every instance it protects, says
// the source defaults to anywhere, and shows server text escaped; "no"
// sends nothing.
func TestFirewallConfirmation(t *testing.T) {
	w := newFWWorld(t)
	if _, err := w.s.AttachGroup(w.ids[0].ID, sandbox.AttachRequest{Name: "web\x1b[2Jgroup", Description: "d\x1b]0;pwn\a"}); err != nil {
		t.Fatal(err)
	}
	r := w.ExecTTY(t, "n\n", "firewall", "allow", "web-0001", "--port", "443")
	if r.Code != 2 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	for _, want := range []string{"sg-default-smb", "protects 2 instances", "web-0001, web-0002", "allow tcp 443 from 0.0.0.0/0",
		"defaults to anywhere (0.0.0.0/0)", "--from", "Add the rule?", "cancelled: nothing was sent"} {
		if !strings.Contains(r.Err, want) {
			t.Errorf("no %q in:\n%s", want, r.Err)
		}
	}
	if w.Count(sandbox.RouteVPCRuleCreate) != 0 {
		t.Error("sent after no")
	}
	// The other group, named by its hostile name: escaped in the prompt
	// and in the list.
	r = w.ExecTTY(t, "y\n", "firewall", "allow", "web-0001", "--port", "443", "--from", "203.0.113.0/24", "--group", "web\x1b[2Jgroup")
	if r.Code != 0 || strings.ContainsAny(r.Err+r.Out, "\x1b\a") || !strings.Contains(r.Err, `web^[[2Jgroup`) || !strings.Contains(r.Err, "protects 1 instance: web-0001") ||
		strings.Contains(r.Err, "defaults to anywhere") {
		t.Errorf("exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	r = w.Exec(t, "firewall", "list", "web-0001")
	if r.Code != 0 || strings.ContainsAny(r.Out, "\x1b\a") || !strings.Contains(r.Out, "d^[]0;pwn^G") {
		t.Errorf("list:\n%s\n%s", r.Out, r.Err)
	}
	r = w.Exec(t, "firewall", "list", "web-0001", "-o", "json")
	if r.Code != 0 || strings.ContainsAny(r.Out, "\x1b\a") || !strings.Contains(r.Out, `web\u001b[2Jgroup`) {
		t.Errorf("json:\n%s", r.Out)
	}
}

// The money-safety table, end to end: a create or delete that meets a
// 500, a connection lost after sending or a timeout is sent once, exits
// 1 with an unknown outcome, is journaled (kind firewall), and the advice
// says to look with firewall list, not order list; 429s are retried with
// the same Client-Request-Id.
func TestFirewallUnknownOutcomes(t *testing.T) {
	for _, tt := range []struct {
		kind    string
		count   int
		unknown bool
	}{
		{sandbox.FaultServer, 1, true},
		{sandbox.FaultDrop, 1, true},
		{sandbox.FaultLatency, 1, true},
		{sandbox.FaultRateLimit, 2, false},
	} {
		for _, verb := range []string{"allow", "delete"} {
			t.Run(verb+"/"+tt.kind, func(t *testing.T) {
				w := newFWWorld(t)
				w.env["FLEXUSL_MAX_RETRIES"] = "3"
				route, args := sandbox.RouteVPCRuleCreate, []string{"firewall", "allow", "web-0001", "--port", "22", "--yes"}
				if verb == "delete" {
					r := w.Exec(t, "firewall", "allow", "web-0001", "--port", "8080", "--yes", "-o", "json")
					id := between(r.Out, `"id": "`, `"`)
					route, args = sandbox.RouteVPCRuleDelete, []string{"firewall", "delete", id, "--region", "ap-southeast-3", "--yes"}
				}
				before := len(w.Journal(t))
				if err := w.s.AddFault(sandbox.Fault{Route: route, Kind: tt.kind, Count: tt.count, LatencyMS: 1500}); err != nil {
					t.Fatal(err)
				}
				r := w.Exec(t, args...)
				es := w.Journal(t)
				if len(es) != before+1 {
					t.Fatalf("%d journal entries, want %d", len(es), before+1)
				}
				e := es[len(es)-1]
				if e.Kind != journal.KindFirewall || e.RequestID == "" {
					t.Errorf("entry %+v", e)
				}
				reqs := 0
				for _, lr := range w.s.Requests() {
					if lr.Route == route {
						reqs++
						if got := lr.Header["Client-Request-Id"]; len(got) != 1 || got[0] != e.RequestID {
							t.Errorf("Client-Request-Id %v, journaled %s", got, e.RequestID)
						}
					}
				}
				if !tt.unknown {
					if r.Code != 0 || e.State != journal.StateAccepted || reqs != tt.count+1 {
						t.Errorf("exit %d state %s, %d requests: %s", r.Code, e.State, reqs, r.Err)
					}
					return
				}
				if r.Code != 1 || e.State != journal.StateUnknown || reqs != 1 {
					t.Errorf("exit %d state %s, %d requests\n%s", r.Code, e.State, reqs, r.Err)
				}
				if !strings.Contains(r.Err, "flexusl firewall list") || strings.Contains(r.Err, "order list") || strings.Contains(strings.ToLower(r.Err), "try again") {
					t.Errorf("advice:\n%s", r.Err)
				}
				// The next change warns about it.
				r = w.Exec(t, "firewall", "allow", "web-0002", "--port", "9090", "--yes")
				if !strings.Contains(r.Err, "outcome is unknown") || !strings.Contains(r.Err, "flexusl firewall list") {
					t.Errorf("no warning about the unknown change:\n%s", r.Err)
				}
			})
		}
	}
}

func between(s, a, b string) string {
	_, rest, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, b)
	return v
}

// Rule IDs a server lists are checked before they enter a path; a delete
// of a hostile ID sends nothing.
func TestFirewallHostileRuleIDs(t *testing.T) {
	w := newFWWorld(t)
	start := time.Now()
	for _, id := range []string{"../../v3/x", "a%2Fb", "x?y=1", strings.Repeat("a", 65), "\x1b[31m"} {
		r := w.Exec(t, "firewall", "delete", id, "--region", "ap-southeast-3", "--yes")
		if r.Code != 2 || strings.Contains(r.Err, "\x1b") {
			t.Errorf("%q: exit %d %s", id, r.Code, r.Err)
		}
	}
	if n := len(w.s.Requests()); n != 0 || time.Since(start) > 5*time.Second {
		t.Errorf("%d requests sent", n)
	}
}

// firewall delete's confirmation shows each rule and every instance its
// group protects; a rule already gone is reported, not an error.
func TestFirewallDeleteConfirmation(t *testing.T) {
	w := newFWWorld(t)
	r := w.Exec(t, "firewall", "allow", "web-0001", "--port", "8080", "--yes", "-o", "json")
	id := between(r.Out, `"id": "`, `"`)
	r = w.ExecTTY(t, "n\n", "firewall", "delete", id, "6f1e0000-0000-4000-8000-000000000000", "--region", "ap-southeast-3")
	for _, want := range []string{"delete 1 rule(s) in ap-southeast-3", id, "allow tcp 8080 from 0.0.0.0/0 (inbound, priority 1)",
		"security group sg-default-smb", "protects 2 instances", "web-0001, web-0002", "Delete?"} {
		if !strings.Contains(r.Err, want) {
			t.Errorf("no %q in:\n%s", want, r.Err)
		}
	}
	if r.Code != 2 || w.Count(sandbox.RouteVPCRuleDelete) != 0 {
		t.Errorf("exit %d, %d deletes after no", r.Code, w.Count(sandbox.RouteVPCRuleDelete))
	}
	r = w.ExecTTY(t, "y\n", "firewall", "delete", id, "6f1e0000-0000-4000-8000-000000000000", "--region", "ap-southeast-3", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Out, `"status": "deleted"`) || !strings.Contains(r.Out, `"status": "already_gone"`) || w.Count(sandbox.RouteVPCRuleDelete) != 1 {
		t.Errorf("exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
}

// A rule that appears between the listing and the create (VPC answers
// 409) is reported as already present, exit 0, and not sent again.
func TestFirewallAllowConflictIsAlreadyPresent(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Provision(sandbox.ProvisionRequest{Count: 1, Name: "web"}); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	reg := apitest.New(t)
	reg.Register(apitest.Func("any request to the sandbox", apitest.All), apitest.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/vpc/security-group-rules") {
			body, _ := io.ReadAll(r.Body)
			once.Do(func() { // someone else adds the same rule first
				r2 := httptest.NewRequest(r.Method, r.URL.String(), bytes.NewReader(body))
				r2.Header = r.Header.Clone()
				s.ServeHTTP(httptest.NewRecorder(), r2)
			})
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		s.ServeHTTP(w, r)
	}))).Persist()
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_TOKEN": sandbox.DefaultToken, "FLEXUSL_DOMAIN_ID": sandbox.DefaultDomainID, "XDG_STATE_HOME": dir, "XDG_CACHE_HOME": dir, "HOME": dir}
	r := cmdtest.Run(t, cmdtest.Options{Reg: reg, Env: env}, "firewall", "allow", "web-0001", "--port", "22", "--yes", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Out, `"status": "already_present"`) || !strings.Contains(r.Err, "VPC answered that the rule exists") {
		t.Errorf("exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	n := 0
	for _, lr := range s.Requests() {
		if lr.Route == sandbox.RouteVPCRuleCreate {
			n++
		}
	}
	if n != 2 { // the other's and ours, once
		t.Errorf("%d creates", n)
	}
}

// firewall delete sends several requests: after one whose outcome is
// unknown it sends no more (the one rule of every such command), and
// --dry-run reads the rules and prints the DELETEs, sending none.
func TestFirewallDeleteStopsAfterUnknownAndDryRun(t *testing.T) {
	w := newFWWorld(t)
	var ids []string
	for _, port := range []string{"8080", "8081"} {
		r := w.Exec(t, "firewall", "allow", "web-0001", "--port", port, "--yes", "-o", "json")
		ids = append(ids, between(r.Out, `"id": "`, `"`))
	}
	deletes := func() int {
		n := 0
		for _, lr := range w.s.Requests() {
			if lr.Route == sandbox.RouteVPCRuleDelete {
				n++
			}
		}
		return n
	}
	r := w.Exec(t, "firewall", "delete", ids[0], ids[1], "--region", "ap-southeast-3", "--dry-run", "-o", "json")
	if r.Code != 0 || deletes() != 0 || strings.Count(r.Out, `"method": "DELETE"`) != 2 || !strings.Contains(r.Out, ids[1]) || !strings.Contains(r.Out, "CLIENT-REQUEST-ID") {
		t.Fatalf("dry run: exit %d, %d deletes\n%s\n%s", r.Code, deletes(), r.Out, r.Err)
	}
	if err := w.s.AddFault(sandbox.Fault{Route: sandbox.RouteVPCRuleDelete, Kind: sandbox.FaultServer, Count: 1}); err != nil {
		t.Fatal(err)
	}
	r = w.Exec(t, "firewall", "delete", ids[0], ids[1], "--region", "ap-southeast-3", "--yes", "-o", "json")
	var res []DeleteResultView
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil || r.Code != 1 || deletes() != 1 || len(res) != 2 {
		t.Fatalf("exit %d, %d deletes, %v\n%s\n%s", r.Code, deletes(), err, r.Out, r.Err)
	}
	if res[0].Status != "unknown" || res[1].Status != "not_sent" || res[1].Error != "not sent: an earlier request's outcome is unknown" {
		t.Errorf("results %+v", res)
	}
}

// DeleteResultView is the part of firewall delete's JSON these tests read.
type DeleteResultView struct {
	ID, Status, Error string
}
