package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/signer"
)

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

func start(t *testing.T) (*Server, *httptest.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Now()}
	s, err := New(Options{CompleteAfter: 5 * time.Second, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts, clk
}

const crid = "85a56f6c-8aee-4e4b-bf76-5d98d1ac023d"

func post(t *testing.T, url string, hdr map[string]string, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+api.CreatePath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func pageBody(t *testing.T) string {
	b, err := os.ReadFile("../purchase/testdata/page-example.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var tokenHdr = map[string]string{"X-Auth-Token": DefaultToken, "Client-Request-Id": crid}

func TestPageExampleAccepted(t *testing.T) {
	s, ts, _ := start(t)
	status, out := post(t, ts.URL, tokenHdr, pageBody(t))
	if status != 202 {
		t.Fatalf("status %d %v", status, out)
	}
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
	if o := s.Orders(); len(o) != 1 || o[0].ClientRequestID != crid || o[0].Status != api.StatusProcessing {
		t.Errorf("orders %+v", o)
	}
}

// Each rule of the page: 400 HCSS.14000001 naming the field; no order.
func TestValidationRules(t *testing.T) {
	base := map[string]any{}
	json.Unmarshal([]byte(pageBodyStatic), &base)
	tests := []struct {
		name  string
		set   map[string]any // keys to set (nil value deletes)
		hdr   map[string]string
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
		{"crid missing", nil, map[string]string{"X-Auth-Token": DefaultToken}, "Client-Request-Id"},
		{"crid short", nil, map[string]string{"X-Auth-Token": DefaultToken, "Client-Request-Id": "abc"}, "Client-Request-Id"},
		{"crid bad char", nil, map[string]string{"X-Auth-Token": DefaultToken, "Client-Request-Id": "85a56f6c_8aee-4e4b-bf76-5d98d1ac023d"}, "Client-Request-Id"},
	}
	s, ts, _ := start(t)
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
			b, _ := json.Marshal(body)
			hdr := tokenHdr
			if tt.hdr != nil {
				hdr = tt.hdr
			}
			status, out := post(t, ts.URL, hdr, string(b))
			msg, _ := out["error_msg"].(string)
			if status != 400 || out["error_code"] != "HCSS.14000001" || !strings.Contains(msg, tt.field) || out["request_id"] == "" {
				t.Errorf("status %d body %v; want 400 HCSS.14000001 naming %s", status, out, tt.field)
			}
		})
	}
	if n := len(s.Orders()); n != 0 {
		t.Errorf("%d orders placed by invalid requests", n)
	}
}

const pageBodyStatic = `{"instance_name":"test-0620-01","description":"test","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"BT","image_version":"6.8.35"},"region":"ap-southeast-3","charging_mode":"prePaid","period_type":"month","period_num":1,"purchase_quantity":2,"is_auto_renew":true,"is_auto_pay":true,"extra_resources":[{"type":"evs","size":20},{"type":"cbr","size":20},{"type":"hss"}]}`

func client(ts *httptest.Server, a auth.Authenticator) *api.Client {
	hc, _ := api.NewHTTPClient(api.HTTPOptions{Timeout: 5 * time.Second})
	return &api.Client{Endpoint: ts.URL, BSSEndpoint: ts.URL, IAMEndpoint: ts.URL, HTTP: hc, Auth: a, MaxRetries: 0, UserAgent: "test",
		Sleep: func(context.Context, time.Duration) error { return nil }}
}

func buy(t *testing.T, c *api.Client, mutate func(*purchase.Request)) (*api.CreateResult, error) {
	r, ps := purchase.Decode([]byte(pageBodyStatic))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if mutate != nil {
		mutate(r)
	}
	p, err := c.PrepareCreate(crid, r)
	if err != nil {
		t.Fatal(err)
	}
	return c.CreateLightInstances(context.Background(), p)
}

func TestOrderLifecycle(t *testing.T) {
	s, ts, clk := start(t)
	c := client(ts, auth.Token{Value: DefaultToken})
	res, err := buy(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	status := func(id string) int {
		d, err := c.ShowOrder(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return d.OrderInfo.Status
	}
	if got := status(res.OrderID); got != 3 {
		t.Errorf("new order status %d, want 3", got)
	}
	clk.Add(5 * time.Second)
	if got := status(res.OrderID); got != 5 {
		t.Errorf("after complete-after: %d, want 5", got)
	}

	// Auto-pay off: 6 until paid, then 3, then 5.
	res, err = buy(t, c, func(r *purchase.Request) { r.IsAutoPay = purchase.Ptr(false) })
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	if got := status(res.OrderID); got != 6 {
		t.Errorf("unpaid order status %d, want 6", got)
	}
	if err := s.Pay(res.OrderID); err != nil {
		t.Fatal(err)
	}
	if got := status(res.OrderID); got != 3 {
		t.Errorf("paid order status %d, want 3", got)
	}
	clk.Add(5 * time.Second)
	if got := status(res.OrderID); got != 5 {
		t.Errorf("paid order later: %d, want 5", got)
	}
	if err := s.Pay(res.OrderID); err == nil {
		t.Error("paid twice")
	}

	// Cancel.
	res, _ = buy(t, c, func(r *purchase.Request) { r.IsAutoPay = nil })
	if err := s.Cancel(res.OrderID); err != nil {
		t.Fatal(err)
	}
	if got := status(res.OrderID); got != 4 {
		t.Errorf("cancelled: %d", got)
	}

	// Unknown order: Huawei's error shape.
	_, err = c.ShowOrder(context.Background(), "CS000000000000000")
	var e *api.Error
	if !errors.As(err, &e) || e.Code != "CBC.0101" || !strings.Contains(e.Message, "does not exist") {
		t.Errorf("unknown order: %v", err)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		kind   string
		status int
		code   string
	}{
		{FaultRateLimit, 429, "APIGW.0308"},
		{FaultServer, 500, "HCSS.15000001"},
		{FaultSoldOut, 400, "HCSS.14000010"},
		{FaultQuota, 400, "HCSS.14000011"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			s, ts, _ := start(t)
			if err := s.AddFault(Fault{Route: RouteCreate, Kind: tt.kind, Count: 2}); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				status, out := post(t, ts.URL, tokenHdr, pageBodyStatic)
				if status != tt.status || out["error_code"] != tt.code {
					t.Errorf("try %d: %d %v", i, status, out)
				}
			}
			if status, _ := post(t, ts.URL, tokenHdr, pageBodyStatic); status != 202 {
				t.Errorf("fault outlived its count: %d", status)
			}
			if n := len(s.Orders()); n != 1 {
				t.Errorf("%d orders", n)
			}
		})
	}
	t.Run("latency", func(t *testing.T) {
		s, ts, _ := start(t)
		s.AddFault(Fault{Route: RouteOrder, Kind: FaultLatency, LatencyMS: 150})
		c := client(ts, auth.Token{Value: DefaultToken})
		res, _ := buy(t, c, nil)
		begin := time.Now()
		if _, err := c.ShowOrder(context.Background(), res.OrderID); err != nil {
			t.Fatal(err)
		}
		if time.Since(begin) < 150*time.Millisecond {
			t.Error("no latency")
		}
	})
	t.Run("drop places the order but loses the answer", func(t *testing.T) {
		s, ts, _ := start(t)
		s.AddFault(Fault{Route: RouteCreate, Kind: FaultDrop})
		c := client(ts, auth.Token{Value: DefaultToken})
		_, err := buy(t, c, nil)
		var u *api.UnknownOutcomeError
		if !errors.As(err, &u) {
			t.Fatalf("err %v", err)
		}
		if n := len(s.Orders()); n != 1 {
			t.Errorf("%d orders", n)
		}
	})
	s, _, _ := start(t)
	if err := s.AddFault(Fault{Route: "x", Kind: "429"}); err == nil {
		t.Error("bad route accepted")
	}
	if err := s.AddFault(Fault{Route: RouteCreate, Kind: "teapot"}); err == nil {
		t.Error("bad kind accepted")
	}
}

func TestAuth(t *testing.T) {
	s, ts, _ := start(t)
	for name, hdr := range map[string]map[string]string{
		"none":        {"Client-Request-Id": crid},
		"wrong token": {"X-Auth-Token": "nope", "Client-Request-Id": crid},
		"bad scheme":  {"Authorization": "Basic x", "Client-Request-Id": crid},
	} {
		status, out := post(t, ts.URL, hdr, pageBodyStatic)
		if status != 401 || out["error_code"] != "APIGW.0301" {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}
	// AK/SK, signed by the client: accepted with a project ID.
	aksk := func(a auth.AKSK, project, domain string) *api.Client {
		c := client(ts, a)
		c.ProjectID, c.DomainID = project, domain
		return c
	}
	c := aksk(auth.AKSK{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}, ProjectID("ap-southeast-3"), DefaultDomainID)
	res, err := buy(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ShowOrder(context.Background(), res.OrderID); err != nil {
		t.Fatal(err)
	}
	// Looked up through IAM when not configured.
	if _, err := buy(t, aksk(auth.AKSK{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}, "", ""), nil); err != nil {
		t.Fatalf("project ID looked up: %v", err)
	}
	// Wrong secret, unknown key: 401 (exit 3).
	for name, a := range map[string]auth.AKSK{
		"wrong secret":   {AccessKey: DefaultAccessKey, SecretKey: "x"},
		"unknown access": {AccessKey: "OTHER", SecretKey: DefaultSecretKey},
	} {
		_, err := buy(t, aksk(a, ProjectID("ap-southeast-3"), DefaultDomainID), nil)
		var e *api.Error
		if !errors.As(err, &e) || e.StatusCode != 401 || e.ExitCode() != 3 {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = aksk(auth.AKSK{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}, "", "other").ShowOrder(context.Background(), res.OrderID)
	if err == nil {
		t.Error("wrong domain accepted")
	}
	// A tampered body fails the signature.
	r, _ := http.NewRequest("POST", ts.URL+api.CreatePath, strings.NewReader(pageBodyStatic))
	r.Header.Set("Client-Request-Id", crid)
	r.Header.Set("X-Project-Id", "p")
	signer.Sign(r, []byte(strings.Replace(pageBodyStatic, "test-0620-01", "other", 1)), DefaultAccessKey, DefaultSecretKey, time.Now(), true)
	resp, _ := http.DefaultClient.Do(r)
	if resp.StatusCode != 401 {
		t.Errorf("tampered body: %d", resp.StatusCode)
	}
	// The log redacts credentials.
	for _, lr := range s.Requests() {
		for k, v := range lr.Header {
			if (k == "X-Auth-Token" || k == "Authorization") && v[0] != "REDACTED" {
				t.Errorf("%s logged: %v", k, v)
			}
		}
	}
}

func TestIAM(t *testing.T) {
	_, ts, _ := start(t)
	c := client(ts, auth.Token{Value: DefaultToken})
	tok, err := c.IssueToken(context.Background(), "acct", "user", DefaultPassword, "tr-west-1")
	if err != nil || tok.Value != DefaultToken || tok.ExpiresAt.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("%+v %v", tok, err)
	}
	if _, err := c.IssueToken(context.Background(), "acct", "user", "wrong", "tr-west-1"); err == nil {
		t.Error("wrong password accepted")
	}
	ak := client(ts, auth.AKSK{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey})
	if id, err := ak.LookupProjectID(context.Background(), "me-east-1"); err != nil || id != ProjectID("me-east-1") {
		t.Errorf("%s %v", id, err)
	}
	if id, err := ak.LookupDomainID(context.Background()); err != nil || id != DefaultDomainID {
		t.Errorf("%s %v", id, err)
	}
}

func TestControlAPI(t *testing.T) {
	s, ts, _ := start(t)
	do := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if st, b := do("POST", "/_sandbox/faults", `{"route":"create","kind":"quota","count":1}`); st != 200 {
		t.Fatalf("%d %s", st, b)
	}
	if st, _ := post(t, ts.URL, tokenHdr, pageBodyStatic); st != 400 {
		t.Errorf("fault not applied: %d", st)
	}
	if st, _ := do("POST", "/_sandbox/faults", `{"route":"create","kind":"quota","cnt":1}`); st != 400 {
		t.Error("unknown fault field accepted")
	}
	body := strings.Replace(pageBodyStatic, `"is_auto_pay":true`, `"is_auto_pay":false`, 1)
	_, out := post(t, ts.URL, tokenHdr, body)
	id := out["order_id"].(string)
	if st, b := do("POST", "/_sandbox/orders/"+id+"/pay", ""); st != 200 {
		t.Errorf("pay: %d %s", st, b)
	}
	if st, _ := do("POST", "/_sandbox/orders/CSNOPE/cancel", ""); st != 400 {
		t.Error("cancel of unknown order")
	}
	st, b := do("GET", "/_sandbox/requests", "")
	var reqs []LoggedRequest
	json.Unmarshal(b, &reqs)
	if st != 200 || len(reqs) != 2 || reqs[0].Status != 400 || reqs[1].Status != 202 || !strings.Contains(reqs[1].Body, "test-0620-01") {
		t.Errorf("requests: %d %+v", st, reqs)
	}
	if st, _ := do("POST", "/_sandbox/reset", ""); st != 200 || len(s.Orders()) != 0 || len(s.Requests()) != 0 {
		t.Error("reset")
	}
	if st, b := do("GET", "/v1/nothing", ""); st != 404 || !bytes.Contains(b, []byte("APIGW.0101")) {
		t.Errorf("unknown route: %d %s", st, b)
	}
}

// Concurrent purchases: all answered, none lost or duplicated (run with -race).
func TestConcurrentPurchases(t *testing.T) {
	s, ts, _ := start(t)
	c := client(ts, auth.Token{Value: DefaultToken})
	const n = 64
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, _ := purchase.Decode([]byte(pageBodyStatic))
			r.InstanceName = fmt.Sprintf("web-%d", i)
			p, _ := c.PrepareCreate(fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), r)
			res, err := c.CreateLightInstances(context.Background(), p)
			errs[i] = err
			if err == nil {
				ids[i] = res.OrderID
				c.ShowOrder(context.Background(), res.OrderID)
			}
		}(i)
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range ids {
		if errs[i] != nil || seen[ids[i]] {
			t.Fatalf("purchase %d: %v (dup %v)", i, errs[i], seen[ids[i]])
		}
		seen[ids[i]] = true
	}
	if len(s.Orders()) != n {
		t.Errorf("%d orders, want %d", len(s.Orders()), n)
	}
}

func TestServeStopsOnCancel(t *testing.T) {
	s, _, _ := start(t)
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !IsLoopback(l.Addr().String()) || IsLoopback("0.0.0.0:1") {
		t.Error("IsLoopback")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, l, s) }()
	resp, err := http.Get("http://" + l.Addr().String() + "/_sandbox/orders")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
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
