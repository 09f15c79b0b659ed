package apitest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// recorder is a testing.TB that keeps failures instead of failing.
type recorder struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper()                   {}
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatalf(f string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(f, a...))
	panic(r)
}

// end runs the cleanups (Verify) as the end of a test would.
func (r *recorder) end() {
	for _, f := range r.cleanups {
		f()
	}
}

func send(t *testing.T, c *http.Client, method, u, body string) (*http.Response, string, bool, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	connected := false
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected = true }})
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Test", "1")
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", connected, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), connected, nil
}

// A matched request gets its stub's answer and is recorded with the exact
// bytes sent; successive stubs of one matcher answer in turn, a persistent
// one repeats.
func TestRegistryAnswersAndRecords(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(apitest.REST("POST", "/v1/p/jobs"), apitest.String(202, `{"job_id":"j1"}`))
	reg.Register(apitest.REST("GET", "/v1/p/jobs/j1"), apitest.String(200, `{"status":"RUNNING"}`))
	reg.Register(apitest.REST("GET", "/v1/p/jobs/j1"), apitest.WithHeader(apitest.Status(503), "Retry-After", "1"))
	reg.Register(apitest.REST("GET", "/v1/p/jobs/j1"), apitest.String(200, `{"status":"SUCCESS"}`)).Persist()
	c := reg.Client()

	resp, body, connected, err := send(t, c, "POST", "https://ecs.example/v1/p/jobs", `{"a": 1}`)
	if err != nil || resp.StatusCode != 202 || body != `{"job_id":"j1"}` || !connected || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%v %v %q connected %v", resp, err, body, connected)
	}
	var got []string
	for range 5 {
		resp, body, _, err := send(t, c, "GET", "https://ecs.example/v1/p/jobs/j1", "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(resp.StatusCode, " ", resp.Header.Get("Retry-After"), body))
	}
	want := []string{`200 {"status":"RUNNING"}`, "503 1", `200 {"status":"SUCCESS"}`, `200 {"status":"SUCCESS"}`, `200 {"status":"SUCCESS"}`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("answers %q, want %q", got, want)
	}
	reqs := reg.Requests()
	if len(reqs) != 6 || reqs[0].String() != "POST /v1/p/jobs" || string(reqs[0].Body) != `{"a": 1}` || reqs[0].Header.Get("X-Test") != "1" || len(reqs[1].Body) != 0 {
		t.Errorf("%+v", reqs)
	}
	if n := reg.Count(apitest.REST("GET", "/v1/p/jobs/j1")); n != 5 {
		t.Errorf("count %d", n)
	}
}

// A request no stub matches fails the test (and the request); so does a
// stub no request used, named, when the test ends.
func TestRegistryFailsTest(t *testing.T) {
	rec := &recorder{TB: t}
	reg := apitest.New(rec)
	reg.Register(apitest.REST("GET", "/used"), apitest.Status(204))
	reg.Register(apitest.REST("DELETE", "/never"), apitest.Status(204))
	if _, _, _, err := send(t, reg.Client(), "GET", "https://h.example/used", ""); err != nil {
		t.Fatal(err)
	}
	// A used stub that does not persist answers once.
	if _, _, _, err := send(t, reg.Client(), "GET", "https://h.example/used", ""); err == nil {
		t.Error("a used stub answered again")
	}
	if _, _, _, err := send(t, reg.Client(), "PUT", "https://h.example/other?x=1", "payload"); err == nil || !strings.Contains(err.Error(), "no stub matches PUT /other?x=1") {
		t.Errorf("unmatched: %v", err)
	}
	if len(rec.errs) != 2 || !strings.Contains(rec.errs[0], "no stub matches GET /used") || !strings.Contains(rec.errs[1], `no stub matches PUT /other?x=1 (body "payload")`) {
		t.Errorf("%q", rec.errs)
	}
	rec.errs = nil
	rec.end()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "stub DELETE /never was registered but never requested") {
		t.Errorf("%q", rec.errs)
	}
	// Everything used: Verify is silent.
	rec = &recorder{TB: t}
	reg = apitest.New(rec)
	reg.Register(apitest.REST("GET", "/x"), apitest.Status(200)).Persist()
	send(t, reg.Client(), "GET", "https://h.example/x", "")
	rec.end()
	if len(rec.errs) != 0 {
		t.Errorf("%q", rec.errs)
	}
}

// Query matches exactly the parameters given; Body the exact bytes; Host
// the URL's host.
func TestMatchers(t *testing.T) {
	req := func(method, u, body string) *http.Request {
		r, err := http.NewRequest(method, u, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name string
		m    apitest.Matcher
		req  *http.Request
		want bool
	}{
		{"rest", apitest.REST("GET", "/a/b"), req("GET", "https://h/a/b?x=1", ""), true},
		{"rest method case", apitest.REST("get", "/a/b"), req("GET", "https://h/a/b", ""), true},
		{"rest other method", apitest.REST("POST", "/a/b"), req("GET", "https://h/a/b", ""), false},
		{"rest prefix only", apitest.REST("GET", "/a"), req("GET", "https://h/a/b", ""), false},
		{"rest escaped", apitest.REST("GET", "/a%2Fb"), req("GET", "https://h/a%2Fb", ""), true},
		{"query exact", apitest.Query("GET", "/l", url.Values{"limit": {"200"}, "type": {"a"}}), req("GET", "https://h/l?type=a&limit=200", ""), true},
		{"query extra param", apitest.Query("GET", "/l", url.Values{"limit": {"200"}}), req("GET", "https://h/l?limit=200&marker=m", ""), false},
		{"query missing param", apitest.Query("GET", "/l", url.Values{"limit": {"200"}, "marker": {"m"}}), req("GET", "https://h/l?limit=200", ""), false},
		{"query other value", apitest.Query("GET", "/l", url.Values{"limit": {"200"}}), req("GET", "https://h/l?limit=100", ""), false},
		{"query repeated", apitest.Query("GET", "/l", url.Values{"id": {"a", "b"}}), req("GET", "https://h/l?id=a&id=b", ""), true},
		{"query repeated order", apitest.Query("GET", "/l", url.Values{"id": {"a", "b"}}), req("GET", "https://h/l?id=b&id=a", ""), false},
		{"body exact", apitest.Body("POST", "/o", []byte(`{"a":1}`)), req("POST", "https://h/o", `{"a":1}`), true},
		{"body spacing", apitest.Body("POST", "/o", []byte(`{"a":1}`)), req("POST", "https://h/o", `{"a": 1}`), false},
		{"host", apitest.Host("bss.example", apitest.REST("GET", "/o")), req("GET", "https://bss.example/o", ""), true},
		{"other host", apitest.Host("bss.example", apitest.REST("GET", "/o")), req("GET", "https://evil.example/o", ""), false},
		{"func all", apitest.Func("anything", apitest.All), req("DELETE", "https://any.example/x/y?z=1", "b"), true},
		{"func sees the body", apitest.Func("body b", func(q apitest.Request) bool { return string(q.Body) == "b" }), req("PUT", "https://h/x", "b"), true},
		{"func refuses", apitest.Func("only GET", func(q apitest.Request) bool { return q.Method == "GET" }), req("PUT", "https://h/x", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			reg := apitest.New(rec)
			reg.Register(tt.m, apitest.Status(204))
			_, err := reg.RoundTrip(tt.req)
			if (err == nil) != tt.want {
				t.Errorf("%s matched %v, want %v (%v)", tt.m, err == nil, tt.want, err)
			}
		})
	}
}

// Wire serves a documented example byte for byte, found from any package's
// directory; a missing file fails the test when the stub is registered.
func TestWire(t *testing.T) {
	want, err := os.ReadFile("../../../testdata/wire/ecs/show-job.response.json")
	if err != nil {
		t.Fatal(err)
	}
	reg := apitest.New(t)
	reg.Register(apitest.REST("GET", "/v1/p/jobs/j"), apitest.Wire(t, 200, "ecs/show-job.response.json"))
	_, body, _, err := send(t, reg.Client(), "GET", "https://ecs.example/v1/p/jobs/j", "")
	if err != nil || body != string(want) {
		t.Errorf("%v: %s", err, body)
	}
	rec := &recorder{TB: t}
	func() {
		defer func() { recover() }()
		apitest.Wire(rec, 200, "ecs/no-such.json")
	}()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "no-such.json") {
		t.Errorf("%q", rec.errs)
	}
}

// flexusl's client sees a stubbed error as it would a network's: after a
// connection (an error, or silence until the timeout), an at-most-once
// call's outcome is unknown and it is sent once; refused before any
// connection, it is sent again.
func TestConnectedOrNot(t *testing.T) {
	op := func() *api.Op {
		return &api.Op{Name: "pay", Call: service.PayOrder, Path: "/v2/orders/customer-orders/pay", Body: []byte(`{}`), Scope: auth.ScopeDomain, RequestID: "req-1"}
	}
	client := func(reg *apitest.Registry) *api.Client {
		return &api.Client{Endpoints: api.Endpoints{api.BSS: "https://bss.example"}, HTTP: reg.Client(), Auth: auth.Token{Value: "t"}, MaxRetries: 2,
			Sleep: func(context.Context, time.Duration) error { return nil }}
	}
	reg := apitest.New(t)
	reg.Register(apitest.REST("POST", "/v2/orders/customer-orders/pay"), apitest.Err(errors.New("connection reset by peer")))
	_, err := client(reg).Do(context.Background(), op(), api.AtMostOnce)
	var unknown *api.UnknownOutcomeError
	if !errors.As(err, &unknown) || len(reg.Requests()) != 1 {
		t.Errorf("%d requests: %v", len(reg.Requests()), err)
	}

	// A server that goes silent: the client's timeout ends the call, after
	// a connection, so the outcome is unknown too.
	reg = apitest.New(t)
	reg.Register(apitest.REST("POST", "/v2/orders/customer-orders/pay"), apitest.Hang())
	c := client(reg)
	c.HTTP.Timeout = 50 * time.Millisecond
	start := time.Now()
	_, err = c.Do(context.Background(), op(), api.AtMostOnce)
	if !errors.As(err, &unknown) || len(reg.Requests()) != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("hang: %d requests: %v", len(reg.Requests()), err)
	}

	reg = apitest.New(t)
	reg.Register(apitest.REST("POST", "/v2/orders/customer-orders/pay"), apitest.Refused())
	reg.Register(apitest.REST("POST", "/v2/orders/customer-orders/pay"), apitest.String(204, ""))
	if _, err := client(reg).Do(context.Background(), op(), api.AtMostOnce); err != nil || len(reg.Requests()) != 2 {
		t.Errorf("%d requests: %v", len(reg.Requests()), err)
	}
	if r := reg.Requests(); len(r) == 2 && (r[0].Header.Get("Client-Request-Id") != "req-1" || r[1].Header.Get("Client-Request-Id") != "req-1") {
		t.Errorf("request IDs %q %q", r[0].Header.Get("Client-Request-Id"), r[1].Header.Get("Client-Request-Id"))
	}
}

// Handler serves requests through a handler in-process: it sees what was
// sent, and a hijacked connection is an answer lost after the request was
// taken (an unknown outcome for an at-most-once call, sent once).
func TestHandler(t *testing.T) {
	var got []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.Host+r.URL.RequestURI()+" "+r.Header.Get("X-Auth-Token")+" "+string(b))
		if r.URL.Path == "/slow" {
			<-r.Context().Done() // a server that goes silent
			return
		}
		if r.URL.Path == "/drop" {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		w.Header().Set("X-Seen", "1")
		w.WriteHeader(201)
		io.WriteString(w, "made")
	})
	reg := apitest.New(t)
	reg.Register(apitest.Func("all", apitest.All), apitest.Handler(h)).Persist()
	resp, body, _, err := send(t, reg.Client(), "POST", "https://bss.example/v2/x?a=1", "body")
	if err != nil || resp.StatusCode != 201 || body != "made" || resp.Header.Get("X-Seen") != "1" {
		t.Errorf("%v %v %q", err, resp, body)
	}
	op := &api.Op{Name: "pay", Call: service.PayOrder, Path: "/drop", Body: []byte(`{}`), Scope: auth.ScopeDomain, RequestID: "req-1"}
	c := &api.Client{Endpoints: api.Endpoints{api.BSS: "https://bss.example"}, HTTP: reg.Client(), Auth: auth.Token{Value: "t"}, MaxRetries: 2,
		Sleep: func(context.Context, time.Duration) error { return nil }}
	_, err = c.Do(context.Background(), op, api.AtMostOnce)
	var unknown *api.UnknownOutcomeError
	if !errors.As(err, &unknown) || len(reg.Requests()) != 2 {
		t.Errorf("drop: %d requests: %v", len(reg.Requests()), err)
	}
	if len(got) != 2 || got[0] != "POST bss.example/v2/x?a=1  body" || got[1] != "POST bss.example/drop t {}" {
		t.Errorf("%q", got)
	}
	// Silence until the client gives up: the request fails, after it was
	// sent (an unknown outcome too), not as an empty 200.
	c.HTTP.Timeout = 50 * time.Millisecond
	op.Path = "/slow"
	if _, err := c.Do(context.Background(), op, api.AtMostOnce); !errors.As(err, &unknown) || len(reg.Requests()) != 3 {
		t.Errorf("slow: %d requests: %v", len(reg.Requests()), err)
	}
}
