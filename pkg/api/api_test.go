package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/purchase"
)

const token = "MIIatAYJKoZIhvcNAQc-secret-token"
const crid = "85a56f6c-8aee-4e4b-bf76-5d98d1ac023d"

type recorded struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) add(req *http.Request) []byte {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.Header.Clone(), b})
	return b
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func newClient(url string, debug io.Writer) (*Client, *[]time.Duration) {
	hc, _ := NewHTTPClient(HTTPOptions{Timeout: 5 * time.Second, Debug: debug})
	var sleeps []time.Duration
	c := &Client{Endpoints: Endpoints{HCSS: url, BSS: url, IAM: url}, HTTP: hc, Auth: auth.Token{Value: token}, UserAgent: "flexusl/test", MaxRetries: 3,
		Sleep: func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }}
	return c, &sleeps
}

func pageExample(t *testing.T) *purchase.Request {
	data, err := os.ReadFile("../purchase/testdata/page-example.json")
	if err != nil {
		t.Fatal(err)
	}
	r, ps := purchase.Decode(data)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return r
}

// The bytes sent for the page's example equal the page's example body, with
// the page's headers.
func TestCreateSendsPageExampleBytes(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.WriteHeader(202)
		io.WriteString(w, `{"order_id":"CS24022811305H1EW","instance_ids":["65dea8d23005da564c78d9d2","65dea8d23005da564c78d9d3"]}`)
	}))
	defer srv.Close()
	c, _ := newClient(srv.URL, nil)
	p, err := c.PrepareCreate(crid, pageExample(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.CreateLightInstances(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.OrderID != "CS24022811305H1EW" || len(res.InstanceIDs) != 2 {
		t.Errorf("result %+v", res)
	}
	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	got := reqs[0]
	if got.Method != "POST" || got.Path != "/v1/light-instances" {
		t.Errorf("%s %s", got.Method, got.Path)
	}
	for k, v := range map[string]string{"Content-Type": "application/json", "Client-Request-Id": crid, "X-Auth-Token": token, "User-Agent": "flexusl/test"} {
		if got.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
		}
	}
	page, _ := os.ReadFile("../purchase/testdata/page-example.json")
	var a, b any
	json.Unmarshal(got.Body, &a)
	json.Unmarshal(page, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("body sent:\n%s\npage:\n%s", got.Body, page)
	}
	// Integers stay integers on the wire.
	if !bytes.Contains(got.Body, []byte(`"period_num":1,`)) || !bytes.Contains(got.Body, []byte(`"purchase_quantity":2,`)) {
		t.Errorf("integers not sent as JSON integers: %s", got.Body)
	}
}

func TestCreateRetries429WithSameRequestID(t *testing.T) {
	rec := &recorder{}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if n.Add(1) <= 2 {
			if n.Load() == 2 {
				w.Header().Set("Retry-After", "2")
			}
			w.WriteHeader(429)
			io.WriteString(w, `{"error_msg":"The throttling threshold has been reached","error_code":"APIGW.0308","request_id":"r"}`)
			return
		}
		w.WriteHeader(202)
		io.WriteString(w, `{"order_id":"CS1","instance_ids":["i1"]}`)
	}))
	defer srv.Close()
	c, sleeps := newClient(srv.URL, nil)
	var notes []string
	c.Notify = func(s string) { notes = append(notes, s) }
	p, _ := c.PrepareCreate(crid, pageExample(t))
	res, err := c.CreateLightInstances(context.Background(), p)
	if err != nil || res.OrderID != "CS1" {
		t.Fatalf("%v %v", res, err)
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("%d POSTs, want 3", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Client-Request-Id") != crid || !bytes.Equal(r.Body, reqs[0].Body) {
			t.Errorf("retry changed the request: %v", r.Header.Get("Client-Request-Id"))
		}
	}
	if len(*sleeps) != 2 || (*sleeps)[1] != 2*time.Second {
		t.Errorf("sleeps %v (Retry-After: 2 must give 2s)", *sleeps)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "did not take it") || !strings.Contains(notes[0], "same Client-Request-Id") {
		t.Errorf("notes %v", notes)
	}
}

func TestCreate429ExhaustedIsNotUnknown(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(429)
		io.WriteString(w, `{"error_code":"HCSS.14290001","error_msg":"Too many requests."}`)
	}))
	defer srv.Close()
	c, _ := newClient(srv.URL, nil)
	p, _ := c.PrepareCreate(crid, pageExample(t))
	_, err := c.CreateLightInstances(context.Background(), p)
	var e *Error
	if !errors.As(err, &e) || e.Code != "HCSS.14290001" || n.Load() != 4 || IsUnknownOutcome(err) {
		t.Errorf("err %v after %d POSTs", err, n.Load())
	}
}

func TestCreateNeverRetries5xxOrLostConnection(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"500": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, `{"error_code":"HCSS.15000001","error_msg":"Server exception."}`)
		},
		"503 html": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			io.WriteString(w, "<html>busy</html>")
		},
		"dropped": func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		},
		"202 without order": func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(202); io.WriteString(w, "{}") },
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); io.ReadAll(r.Body); h(w, r) }))
			defer srv.Close()
			c, _ := newClient(srv.URL, nil)
			p, _ := c.PrepareCreate(crid, pageExample(t))
			_, err := c.CreateLightInstances(context.Background(), p)
			var u *UnknownOutcomeError
			if !errors.As(err, &u) || u.RequestID != crid {
				t.Fatalf("err = %v, want UnknownOutcomeError", err)
			}
			if n.Load() != 1 {
				t.Errorf("%d POSTs, want exactly 1", n.Load())
			}
			if exitcode.Of(err) != 1 || !strings.Contains(err.Error(), crid) || !strings.Contains(err.Error(), "outcome is unknown") || strings.Contains(strings.ToLower(err.Error()), "try again") {
				t.Errorf("exit %d: %v", exitcode.Of(err), err)
			}
		})
	}
}

func TestCreateTimeoutIsUnknown(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(300 * time.Millisecond)
	}))
	defer srv.Close()
	c, _ := newClient(srv.URL, nil)
	c.HTTP.Timeout = 50 * time.Millisecond
	p, _ := c.PrepareCreate(crid, pageExample(t))
	_, err := c.CreateLightInstances(context.Background(), p)
	var u *UnknownOutcomeError
	if !errors.As(err, &u) || n.Load() != 1 {
		t.Errorf("err %v, %d POSTs", err, n.Load())
	}
}

// A dial that fails is provably not sent: retried with the same request.
func TestCreateRetriesDialErrors(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.WriteHeader(202)
		io.WriteString(w, `{"order_id":"CS2","instance_ids":["i"]}`)
	}))
	defer srv.Close()
	c, sleeps := newClient(srv.URL, nil)
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= 2 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	c.HTTP = &http.Client{Transport: tr}
	p, _ := c.PrepareCreate(crid, pageExample(t))
	res, err := c.CreateLightInstances(context.Background(), p)
	if err != nil || res.OrderID != "CS2" || len(rec.all()) != 1 || len(*sleeps) != 2 {
		t.Fatalf("res %v err %v posts %d sleeps %v", res, err, len(rec.all()), *sleeps)
	}

	// Nothing listening at all: NotSentError after the retries.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c, sleeps = newClient("http://"+addr, nil)
	p, _ = c.PrepareCreate(crid, pageExample(t))
	_, err = c.CreateLightInstances(context.Background(), p)
	var ns *NotSentError
	if !errors.As(err, &ns) || len(*sleeps) != 3 || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("err %v sleeps %v", err, *sleeps)
	}
}

func TestCreateClientErrors(t *testing.T) {
	tests := []struct {
		status int
		body   string
		code   int
		text   string
	}{
		{400, `{"error_code":"HCSS.14000001","error_msg":"Invalid parameter: plan_spec","request_id":"abc"}`, 1, "HCSS.14000001: Invalid parameter: plan_spec (request_id abc)"},
		{400, `{"error_code":"HCSS.14000010","error_msg":"Insufficient specifications."}`, 1, "HCSS.14000010"},
		{400, `{"error_code":"HCSS.14000011","error_msg":"Insufficient quota."}`, 1, "HCSS.14000011"},
		{401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`, 3, "APIGW.0301"},
		{403, `{"error":{"code":"IAM.0003","message":"Policy doesn't allow"}}`, 3, "IAM.0003: Policy doesn't allow"},
		{404, `not json`, 1, "HTTP 404: not json"},
	}
	for _, tt := range tests {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(tt.status)
			io.WriteString(w, tt.body)
		}))
		c, _ := newClient(srv.URL, nil)
		p, _ := c.PrepareCreate(crid, pageExample(t))
		_, err := c.CreateLightInstances(context.Background(), p)
		srv.Close()
		if err == nil || exitcode.Of(err) != tt.code || !strings.Contains(err.Error(), tt.text) || n.Load() != 1 {
			t.Errorf("%d: exit %d err %v posts %d", tt.status, exitcode.Of(err), err, n.Load())
		}
		if strings.Contains(err.Error(), token) {
			t.Error("token in error")
		}
	}
}

func TestDebugRedactsSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", "issued-"+token)
		w.WriteHeader(201)
		io.WriteString(w, `{"token":{"expires_at":"2026-11-28T10:00:00Z"},"order_id":"CS1","instance_ids":[]}`)
	}))
	defer srv.Close()
	var dbg bytes.Buffer
	c, _ := newClient(srv.URL, &dbg)
	p, _ := c.PrepareCreate(crid, pageExample(t))
	if _, err := c.CreateLightInstances(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	c.Auth = auth.AKSK{AccessKey: "AKIDEXAMPLEKEY01", SecretKey: "SKsecretsecret", SecurityToken: "sec-token-value"}
	c.ProjectID = "p"
	c.CreateLightInstances(context.Background(), p)
	if _, err := c.IssueToken(context.Background(), "acct", "user", "hunter2-password", "ap-southeast-3"); err != nil {
		t.Fatal(err)
	}
	out := dbg.String()
	for _, secret := range []string{token, "SKsecretsecret", "sec-token-value", "hunter2-password"} {
		if strings.Contains(out, secret) {
			t.Errorf("debug output holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"> POST " + srv.URL + "/v1/light-instances", "> X-Auth-Token: REDACTED", "> Authorization: REDACTED", "< 201 Created", "X-Subject-Token: REDACTED", `"plan_spec":"hf.large.1.30m.linux"`, "[body redacted: it holds a password]"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q", want)
		}
	}
}

func TestShowOrderRetriesAndDecodes(t *testing.T) {
	var n atomic.Int32
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch n.Add(1) {
		case 1:
			w.WriteHeader(500)
		case 2:
			w.WriteHeader(429)
		default:
			io.WriteString(w, `{"total_count":1,"order_info":{"order_id":"CS1","status":5,"order_type":1,"amount_after_discount":12.5,"currency":"USD","create_time":"2026-11-27T10:00:00Z","payment_time":"2026-11-27T10:00:05Z","unknown_field":1},"order_line_items":[{"order_line_item_id":"CS1-1","period_num":1}]}`)
		}
	}))
	defer srv.Close()
	c, sleeps := newClient(srv.URL, nil)
	c.Auth = auth.AKSK{AccessKey: "AK", SecretKey: "SK"}
	c.DomainID, c.ProjectID = "dom-1", "proj-1"
	d, err := c.ShowOrder(context.Background(), "CS1")
	if err != nil {
		t.Fatal(err)
	}
	if d.OrderInfo.Status != 5 || d.OrderInfo.AmountAfterDiscount != 12.5 || d.OrderLineItems[0].OrderLineItemID != "CS1-1" || len(*sleeps) != 2 {
		t.Errorf("%+v sleeps %v", d, *sleeps)
	}
	r := rec.all()[2]
	if r.Path != "/v2/orders/customer-orders/details/CS1" || r.Header.Get("X-Domain-Id") != "dom-1" || r.Header.Get("X-Project-Id") != "" {
		t.Errorf("path %s headers %v", r.Path, r.Header)
	}
}

func TestShowOrderAuthAndTransient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/AUTH") {
			w.WriteHeader(401)
			io.WriteString(w, `{"error_code":"APIGW.0301","error_msg":"token expired"}`)
			return
		}
		w.WriteHeader(502)
	}))
	defer srv.Close()
	c, _ := newClient(srv.URL, nil)
	_, err := c.ShowOrder(context.Background(), "AUTH")
	if exitcode.Of(err) != 3 || IsTransient(err) {
		t.Errorf("401: %v", err)
	}
	_, err = c.ShowOrder(context.Background(), "X")
	if !IsTransient(err) {
		t.Errorf("502: %v", err)
	}
	if _, err := c.ShowOrder(context.Background(), "../x"); err == nil {
		t.Error("bad order ID accepted")
	}
}

func TestStatusText(t *testing.T) {
	for s, want := range map[int]string{1: "pending review", 2: "pending refund", 3: "processing", 4: "cancelled", 5: "completed", 6: "pending payment", 9: "pending confirmation", 11: "status 11"} {
		if got := StatusText(s); got != want {
			t.Errorf("%d: %s", s, got)
		}
	}
}

func TestIAM(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3/auth/tokens":
			var body map[string]any
			json.NewDecoder(r.Body).Decode(&body)
			if r.Header.Get("X-Auth-Token") != "" {
				t.Error("token request carried a token")
			}
			w.Header().Set("X-Subject-Token", "new-token")
			w.WriteHeader(201)
			io.WriteString(w, `{"token":{"expires_at":"2026-11-28T10:00:00.000000Z"}}`)
		case "/v3/projects":
			io.WriteString(w, `{"projects":[{"id":"p-123","name":"`+r.URL.Query().Get("name")+`"}]}`)
		case "/v3/auth/domains":
			io.WriteString(w, `{"domains":[{"id":"d-9","name":"acct"}]}`)
		}
	}))
	defer srv.Close()
	c, _ := newClient(srv.URL, nil)
	tok, err := c.IssueToken(context.Background(), "acct", "u", "pw", "tr-west-1")
	if err != nil || tok.Value != "new-token" || tok.ExpiresAt.Day() != 28 {
		t.Errorf("%+v %v", tok, err)
	}
	if id, err := c.LookupProjectID(context.Background(), "tr-west-1"); err != nil || id != "p-123" {
		t.Errorf("%s %v", id, err)
	}
	if id, err := c.LookupDomainID(context.Background()); err != nil || id != "d-9" {
		t.Errorf("%s %v", id, err)
	}
}

func TestDecodeErrorShapes(t *testing.T) {
	e := decodeError("op", 429, nil, []byte(`{"error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute","error_code":"APIGW.0308","request_id":"d4e8"}`))
	if e.Code != "APIGW.0308" || e.RequestID != "d4e8" {
		t.Errorf("%+v", e)
	}
	e = decodeError("op", 403, nil, []byte(`{"error":{"code":"IAM.0001","message":"forbidden"},"request_id":"x"}`))
	if e.Code != "IAM.0001" || e.Message != "forbidden" {
		t.Errorf("%+v", e)
	}
	e = decodeError("op", 502, nil, nil)
	if e.Body != "Bad Gateway" {
		t.Errorf("%+v", e)
	}
}

func FuzzDecodeError(f *testing.F) {
	f.Add(500, []byte(`{"error_code":"HCSS.15000001","error_msg":"Server exception."}`))
	f.Add(403, []byte(`{"error":{"code":"x","message":"y"}}`))
	f.Add(400, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := decodeError("op", status, http.Header{"X-Request-Id": {"hdr"}}, body)
		s := e.Error()
		if !strings.HasPrefix(s, "op: HTTP ") {
			t.Fatalf("error text %q", s)
		}
		if e.Code == "" && e.Message == "" && e.Title == "" && e.Body == "" && len(bytes.TrimSpace(body)) > 0 && status >= 100 && status < 600 {
			t.Fatalf("lost the body %q", body)
		}
		if len(e.Body) > 600 {
			t.Fatalf("raw body not truncated: %d", len(e.Body))
		}
	})
}
