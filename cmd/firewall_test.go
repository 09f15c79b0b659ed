package cmd

import (
	"bytes"
	"context"
	"github.com/flexusl/flexusl/pkg/service"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/ui"
)

// fwWorld is a sandbox with two instances in ap-southeast-3 sharing
// sg-default-smb, and the environment that points flexusl at it.
type fwWorld struct {
	s   *sandbox.Server
	env map[string]string
	dir string
	ids []sandbox.InstanceSummary
}

func newFWWorld(t *testing.T) *fwWorld {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ids, err := s.Provision(sandbox.ProvisionRequest{Count: 2, Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := service.EnvAll(srv.URL)
	maps.Copy(env, map[string]string{"FLEXUSL_TOKEN": sandbox.DefaultToken, "FLEXUSL_DOMAIN_ID": sandbox.DefaultDomainID,
		"FLEXUSL_CONFIG": filepath.Join(dir, "config.yaml"), "XDG_STATE_HOME": filepath.Join(dir, "state"),
		"XDG_CACHE_HOME": filepath.Join(dir, "cache"), "HOME": dir, "FLEXUSL_TIMEOUT": "500ms"})
	return &fwWorld{s: s, env: env, dir: dir, ids: ids}
}

func (w *fwWorld) count(route string) int {
	n := 0
	for _, r := range w.s.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

func (w *fwWorld) journal(t *testing.T) []journal.Entry {
	t.Helper()
	es, _, err := journal.Read(filepath.Join(w.dir, "state", "flexusl", "orders.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (w *fwWorld) runTTY(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	io, in, out, errOut := ui.Test()
	io.SetTTY(true, true, true)
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return w.env[k] }}
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}
}

// The confirmation names the group and every instance it protects, says
// the source defaults to anywhere, and shows server text escaped; "no"
// sends nothing.
func TestFirewallConfirmation(t *testing.T) {
	w := newFWWorld(t)
	if _, err := w.s.AttachGroup(w.ids[0].ID, sandbox.AttachRequest{Name: "web\x1b[2Jgroup", Description: "d\x1b]0;pwn\a"}); err != nil {
		t.Fatal(err)
	}
	r := w.runTTY(t, "n\n", "firewall", "allow", "web-0001", "--port", "443")
	if r.code != 2 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"sg-default-smb", "protects 2 instances", "web-0001, web-0002", "allow tcp 443 from 0.0.0.0/0",
		"defaults to anywhere (0.0.0.0/0)", "--from", "Add the rule?", "cancelled: nothing was sent"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("no %q in:\n%s", want, r.err)
		}
	}
	if w.count(sandbox.RouteVPCRuleCreate) != 0 {
		t.Error("sent after no")
	}
	// The other group, named by its hostile name: escaped in the prompt
	// and in the list.
	r = w.runTTY(t, "y\n", "firewall", "allow", "web-0001", "--port", "443", "--from", "203.0.113.0/24", "--group", "web\x1b[2Jgroup")
	if r.code != 0 || strings.ContainsAny(r.err+r.out, "\x1b\a") || !strings.Contains(r.err, `web^[[2Jgroup`) || !strings.Contains(r.err, "protects 1 instance: web-0001") ||
		strings.Contains(r.err, "defaults to anywhere") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	r = run(t, w.env, "firewall", "list", "web-0001")
	if r.code != 0 || strings.ContainsAny(r.out, "\x1b\a") || !strings.Contains(r.out, "d^[]0;pwn^G") {
		t.Errorf("list:\n%s\n%s", r.out, r.err)
	}
	r = run(t, w.env, "firewall", "list", "web-0001", "-o", "json")
	if r.code != 0 || strings.ContainsAny(r.out, "\x1b\a") || !strings.Contains(r.out, `web\u001b[2Jgroup`) {
		t.Errorf("json:\n%s", r.out)
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
					r := run(t, w.env, "firewall", "allow", "web-0001", "--port", "8080", "--yes", "-o", "json")
					id := between(r.out, `"id": "`, `"`)
					route, args = sandbox.RouteVPCRuleDelete, []string{"firewall", "delete", id, "--region", "ap-southeast-3", "--yes"}
				}
				before := len(w.journal(t))
				if err := w.s.AddFault(sandbox.Fault{Route: route, Kind: tt.kind, Count: tt.count, LatencyMS: 1500}); err != nil {
					t.Fatal(err)
				}
				r := run(t, w.env, args...)
				es := w.journal(t)
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
					if r.code != 0 || e.State != journal.StateAccepted || reqs != tt.count+1 {
						t.Errorf("exit %d state %s, %d requests: %s", r.code, e.State, reqs, r.err)
					}
					return
				}
				if r.code != 1 || e.State != journal.StateUnknown || reqs != 1 {
					t.Errorf("exit %d state %s, %d requests\n%s", r.code, e.State, reqs, r.err)
				}
				if !strings.Contains(r.err, "flexusl firewall list") || strings.Contains(r.err, "order list") || strings.Contains(strings.ToLower(r.err), "try again") {
					t.Errorf("advice:\n%s", r.err)
				}
				// The next change warns about it.
				r = run(t, w.env, "firewall", "allow", "web-0002", "--port", "9090", "--yes")
				if !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, "flexusl firewall list") {
					t.Errorf("no warning about the unknown change:\n%s", r.err)
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
		r := run(t, w.env, "firewall", "delete", id, "--region", "ap-southeast-3", "--yes")
		if r.code != 2 || strings.Contains(r.err, "\x1b") {
			t.Errorf("%q: exit %d %s", id, r.code, r.err)
		}
	}
	if n := len(w.s.Requests()); n != 0 || time.Since(start) > 5*time.Second {
		t.Errorf("%d requests sent", n)
	}
}

// instance show hints at RDP (3389) on a Windows server whose groups do
// not let it in, and not once a rule does; a Linux server gets no hint
// there (instance ssh warns about 22).
func TestShowHintsRDPOnWindows(t *testing.T) {
	w := newFWWorld(t)
	if _, err := w.s.Provision(sandbox.ProvisionRequest{Count: 1, Name: "win", Spec: "hf.large.1.30m.byol"}); err != nil {
		t.Fatal(err)
	}
	r := run(t, w.env, "instance", "show", "win-0001")
	if r.code != 0 || !strings.Contains(r.err, "Hint: no inbound rule of security group sg-default-smb lets TCP 3389 (RDP) in") ||
		!strings.Contains(r.err, "--port 3389") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
	r = run(t, w.env, "instance", "show", "web-0001")
	if r.code != 0 || strings.Contains(r.err, "Hint") {
		t.Errorf("linux: exit %d\n%s", r.code, r.err)
	}
	if r = run(t, w.env, "firewall", "allow", "win-0001", "--port", "3389", "--from", "198.51.100.0/24", "--yes"); r.code != 0 {
		t.Fatalf("allow: %s", r.err)
	}
	r = run(t, w.env, "instance", "show", "win-0001")
	if r.code != 0 || strings.Contains(r.err, "Hint") {
		t.Errorf("after allow: exit %d\n%s", r.code, r.err)
	}
}

// buy --open is in the purchase's one confirmation: the ports, where
// from, and that the group is shared by the region's instances.
func TestBuyOpenConfirmation(t *testing.T) {
	w := newFWWorld(t)
	r := w.runTTY(t, "n\n", "instance", "buy", "--region", "ap-southeast-3", "--name", "web-9", "--image", "BT", "--spec", "hf.large.1.30m.linux",
		"--wait", "--open", "22,80,443")
	if r.code != 2 || !strings.Contains(r.err, "Then open TCP 22,80,443 from anywhere (0.0.0.0/0") ||
		!strings.Contains(r.err, "shared by every FlexusL instance of your account in ap-southeast-3") || !strings.Contains(r.err, "Buy?") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
	if w.count(sandbox.RouteCreate) != 0 || w.count(sandbox.RouteVPCRuleCreate) != 0 {
		t.Error("sent after no")
	}
}

// firewall delete's confirmation shows each rule and every instance its
// group protects; a rule already gone is reported, not an error.
func TestFirewallDeleteConfirmation(t *testing.T) {
	w := newFWWorld(t)
	r := run(t, w.env, "firewall", "allow", "web-0001", "--port", "8080", "--yes", "-o", "json")
	id := between(r.out, `"id": "`, `"`)
	r = w.runTTY(t, "n\n", "firewall", "delete", id, "6f1e0000-0000-4000-8000-000000000000", "--region", "ap-southeast-3")
	for _, want := range []string{"delete 1 rule(s) in ap-southeast-3", id, "allow tcp 8080 from 0.0.0.0/0 (inbound, priority 1)",
		"security group sg-default-smb", "protects 2 instances", "web-0001, web-0002", "Delete?"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("no %q in:\n%s", want, r.err)
		}
	}
	if r.code != 2 || w.count(sandbox.RouteVPCRuleDelete) != 0 {
		t.Errorf("exit %d, %d deletes after no", r.code, w.count(sandbox.RouteVPCRuleDelete))
	}
	r = w.runTTY(t, "y\n", "firewall", "delete", id, "6f1e0000-0000-4000-8000-000000000000", "--region", "ap-southeast-3", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"status": "deleted"`) || !strings.Contains(r.out, `"status": "already_gone"`) || w.count(sandbox.RouteVPCRuleDelete) != 1 {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
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
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_RMS_ENDPOINT": srv.URL, "FLEXUSL_ECS_ENDPOINT": srv.URL, "FLEXUSL_VPC_ENDPOINT": srv.URL,
		"FLEXUSL_TOKEN": sandbox.DefaultToken, "FLEXUSL_DOMAIN_ID": sandbox.DefaultDomainID, "XDG_STATE_HOME": dir, "XDG_CACHE_HOME": dir, "HOME": dir}
	r := run(t, env, "firewall", "allow", "web-0001", "--port", "22", "--yes", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"status": "already_present"`) || !strings.Contains(r.err, "VPC answered that the rule exists") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
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
