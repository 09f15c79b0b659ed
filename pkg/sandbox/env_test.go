package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/signer"
)

// The tests talk to the sandbox over HTTP with their own requests (never
// the client in package api), so the sandbox is checked against the
// documented examples in testdata/wire, not against the client.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tenv is a sandbox on a fake clock behind an httptest server.
type tenv struct {
	t   testing.TB
	s   *Server
	url string
	clk *clock
}

// Test clocks: orders complete after 5s, instances appear 2s later, jobs
// run 3s.
const (
	testComplete  = 5 * time.Second
	testProvision = 2 * time.Second
	testJob       = 3 * time.Second
)

func newEnv(t *testing.T, mod ...func(*Options)) *tenv {
	t.Helper()
	clk := &clock{t: time.Date(2025, 1, 25, 10, 51, 12, 0, time.UTC)}
	o := Options{CompleteAfter: testComplete, ProvisionAfter: testProvision, JobAfter: testJob, Now: clk.Now}
	for _, m := range mod {
		m(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &tenv{t: t, s: s, url: ts.URL, clk: clk}
}

// resp is an answer.
type resp struct {
	status int
	body   []byte
	hdr    http.Header
}

func (r *resp) obj() map[string]any {
	var m map[string]any
	json.Unmarshal(r.body, &m)
	return m
}

func (r *resp) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// reqOpt changes a request before it is sent.
type reqOpt func(*http.Request, []byte)

// header sets a header.
func header(k, v string) reqOpt { return func(r *http.Request, _ []byte) { r.Header.Set(k, v) } }

// aksk signs the request with the sandbox's key pair and the scope
// headers, at the sandbox's time.
func (e *tenv) aksk(projectID, domainID string) reqOpt {
	return func(r *http.Request, body []byte) {
		r.Header.Del("X-Auth-Token")
		if projectID != "" {
			r.Header.Set("X-Project-Id", projectID)
		}
		if domainID != "" {
			r.Header.Set("X-Domain-Id", domainID)
		}
		signer.Sign(r, body, DefaultAccessKey, DefaultSecretKey, e.clk.Now(), true)
	}
}

// noAuth removes the token.
func noAuth(r *http.Request, _ []byte) { r.Header.Del("X-Auth-Token") }

// do sends a request with the sandbox token; body is a string, []byte or
// a value to marshal.
func (e *tenv) do(method, path string, body any, opts ...reqOpt) *resp {
	e.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Auth-Token", DefaultToken)
	for _, o := range opts {
		o(req, b)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return &resp{status: res.StatusCode, body: out, hdr: res.Header}
}

// want fails unless r has the status (and, when given, the error code in
// any of the documented shapes).
func want(t testing.TB, r *resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if code != "" && errorCode(r) != code {
		t.Fatalf("error code %q, want %q: %s", errorCode(r), code, r.body)
	}
}

// errorCode reads a code from any of the error shapes.
func errorCode(r *resp) string {
	m := r.obj()
	if c, ok := m["error_code"].(string); ok {
		return c
	}
	if e, ok := m["error"].(map[string]any); ok {
		switch c := e["code"].(type) {
		case string:
			return c
		case float64:
			return fmt.Sprint(int(c))
		}
	}
	return ""
}

func errorMessage(r *resp) string {
	m := r.obj()
	if c, ok := m["error_msg"].(string); ok {
		return c
	}
	if e, ok := m["error"].(map[string]any); ok {
		s, _ := e["message"].(string)
		return s
	}
	return ""
}

// wire reads a documented example from testdata/wire.
func wire(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wire", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const crid = "85a56f6c-8aee-4e4b-bf76-5d98d1ac023d"

// pageBody is the purchase page's example request (two instances, EVS,
// CBR and HSS, auto-pay, auto-renew).
const pageBody = `{"instance_name":"test-0620-01","description":"test","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"BT","image_version":"6.8.35"},"region":"ap-southeast-3","charging_mode":"prePaid","period_type":"month","period_num":1,"purchase_quantity":2,"is_auto_renew":true,"is_auto_pay":true,"extra_resources":[{"type":"evs","size":20},{"type":"cbr","size":20},{"type":"hss"}]}`

// buy places a purchase; edit changes the page's example first.
func (e *tenv) buy(edit func(map[string]any)) (orderID string, instanceIDs []string) {
	e.t.Helper()
	body := map[string]any{}
	json.Unmarshal([]byte(pageBody), &body)
	if edit != nil {
		edit(body)
	}
	r := e.do("POST", pathCreate, body, header("Client-Request-Id", crid))
	want(e.t, r, http.StatusAccepted, "")
	var out createResult
	json.Unmarshal(r.body, &out)
	return out.OrderID, out.InstanceIDs
}

// buyProvisioned buys and moves the clock until the instances are visible.
func (e *tenv) buyProvisioned(edit func(map[string]any)) (string, []string) {
	e.t.Helper()
	o, ids := e.buy(edit)
	e.clk.Add(testComplete + testProvision)
	return o, ids
}

// inst is the control API's view of an instance.
func (e *tenv) inst(id string) InstanceSummary {
	e.t.Helper()
	for _, in := range e.s.Instances() {
		if in.ID == id {
			return in
		}
	}
	e.t.Fatalf("no instance %s", id)
	return InstanceSummary{}
}

// ecsPath is an ECS path in region's project.
func ecsPath(region, rest string) string { return "/v1/" + ProjectID(region) + rest }

const sg = "ap-southeast-3"

func rmsPath(query string) string {
	return pathRMSPrefix + DefaultDomainID + "/all-resources?" + query
}

// listAll reads every RMS page; it returns the instances and the number of
// requests.
func (e *tenv) listAll(query string) ([]rmsResource, int) {
	e.t.Helper()
	var all []rmsResource
	marker, n := "", 0
	for {
		q := query
		if marker != "" {
			q += "&marker=" + marker
		}
		r := e.do("GET", rmsPath(q), nil)
		n++
		want(e.t, r, 200, "")
		var p rmsPage
		if err := json.Unmarshal(r.body, &p); err != nil {
			e.t.Fatal(err)
		}
		if p.PageInfo.CurrentCount != len(p.Resources) {
			e.t.Fatalf("current_count %d for %d resources", p.PageInfo.CurrentCount, len(p.Resources))
		}
		all = append(all, p.Resources...)
		if p.PageInfo.NextMarker == nil {
			return all, n
		}
		marker = *p.PageInfo.NextMarker
		if n > 10000 {
			e.t.Fatal("endless paging")
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func has(s, sub string) bool { return strings.Contains(s, sub) }
