package cmdtest

import (
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// Sandbox is flexusl's sandbox answering a test's runs in-process, through
// an apitest registry as the Factory's HTTP client (apitest.Handler): no
// server is started and no endpoint configured. It is for command tests of
// long flows (buy then wait, firewall rules, faults); shorter ones stub
// each call with apitest.
type Sandbox struct {
	S   *sandbox.Server
	Reg *apitest.Registry
	// Env authenticates with the sandbox's token and domain, and keeps
	// config, journal and cache in Dir.
	Env map[string]string
	Dir string

	once sync.Once
}

// NewSandbox is a sandbox made with so.
func NewSandbox(t testing.TB, so sandbox.Options) *Sandbox {
	t.Helper()
	s, err := sandbox.New(so)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return &Sandbox{S: s, Reg: apitest.New(t), Dir: dir, Env: map[string]string{
		"FLEXUSL_TOKEN": sandbox.DefaultToken, "FLEXUSL_DOMAIN_ID": sandbox.DefaultDomainID,
		"FLEXUSL_CONFIG": filepath.Join(dir, "config.yaml"), "XDG_STATE_HOME": filepath.Join(dir, "state"),
		"XDG_CACHE_HOME": filepath.Join(dir, "cache"), "HOME": dir}}
}

// NewWorld is a sandbox with two instances, web-0001 and web-0002, in
// ap-southeast-3 sharing sg-default-smb, whose reads time out after
// 500ms: the world of the firewall, apply and hint tests.
func NewWorld(t testing.TB) (*Sandbox, []sandbox.InstanceSummary) {
	t.Helper()
	sb := NewSandbox(t, sandbox.Options{})
	ids, err := sb.S.Provision(sandbox.ProvisionRequest{Count: 2, Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	sb.Env["FLEXUSL_TIMEOUT"] = "500ms"
	return sb, ids
}

// HTTPClient is the Factory's HTTP client: every request goes to the
// sandbox. The registry's stub is made at the first request, so a test
// that sends nothing (and asserts so) leaves no unused stub.
func (w *Sandbox) HTTPClient() (*http.Client, error) {
	c := w.Reg.Client()
	c.Transport = firstRequest{w}
	return c, nil
}

type firstRequest struct{ w *Sandbox }

func (f firstRequest) RoundTrip(req *http.Request) (*http.Response, error) {
	f.w.once.Do(func() {
		f.w.Reg.Register(apitest.Func("any request to the sandbox", apitest.All), apitest.Handler(f.w.S)).Persist()
	})
	return f.w.Reg.RoundTrip(req)
}

// Count is how many requests the sandbox received for route.
func (w *Sandbox) Count(route string) int {
	n := 0
	for _, r := range w.S.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

// Journal is the order journal of the runs so far.
func (w *Sandbox) Journal(t testing.TB) []journal.Entry {
	t.Helper()
	es, _, err := journal.Read(filepath.Join(w.Dir, "state", "flexusl", "orders.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// Run runs flexusl against the sandbox with w.Env plus o.Env.
func (w *Sandbox) Run(t testing.TB, o Options, args ...string) Result {
	t.Helper()
	env := map[string]string{}
	for k, v := range w.Env {
		env[k] = v
	}
	for k, v := range o.Env {
		env[k] = v
	}
	o.Env = env
	o.client = w.HTTPClient
	return Run(t, o, args...)
}

// Exec runs args against the sandbox with no terminal.
func (w *Sandbox) Exec(t testing.TB, args ...string) Result {
	t.Helper()
	return w.Run(t, Options{}, args...)
}

// ExecTTY runs args against the sandbox with every stream a terminal and
// stdin answering prompts.
func (w *Sandbox) ExecTTY(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	return w.Run(t, Options{TTY: true, Stdin: stdin}, args...)
}
