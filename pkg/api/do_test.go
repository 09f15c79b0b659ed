package api

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
)

// counting is an httptest server whose handler answers by try number.
func counting(t *testing.T, h func(try int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		h(int(n.Add(1)), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func drop(w http.ResponseWriter) {
	conn, _, _ := w.(http.Hijacker).Hijack()
	conn.Close()
}

// The at-most-once table (the purchase one, for any operation) and the
// idempotent one, side by side: how many requests reach the server and what
// the caller is told.
func TestDoPolicies(t *testing.T) {
	ok := func(w http.ResponseWriter) { w.WriteHeader(200); io.WriteString(w, `{}`) }
	tests := []struct {
		name    string
		h       func(try int, w http.ResponseWriter, r *http.Request)
		policy  Policy
		tries   int32
		outcome string // ok, unknown, error, transient, redirect
	}{
		{"429,429,200 at-most-once", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n < 3 {
				w.WriteHeader(429)
				return
			}
			ok(w)
		}, AtMostOnce, 3, "ok"},
		{"429,429,200 idempotent", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n < 3 {
				w.WriteHeader(429)
				return
			}
			ok(w)
		}, Idempotent, 3, "ok"},
		{"500 once at-most-once", func(n int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }, AtMostOnce, 1, "unknown"},
		{"503 at-most-once", func(n int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }, AtMostOnce, 1, "unknown"},
		{"500,200 idempotent", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.WriteHeader(500)
				return
			}
			ok(w)
		}, Idempotent, 2, "ok"},
		{"500 always idempotent", func(n int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }, Idempotent, 4, "transient"},
		{"dropped at-most-once", func(n int, w http.ResponseWriter, _ *http.Request) { drop(w) }, AtMostOnce, 1, "unknown"},
		{"dropped,200 idempotent", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				drop(w)
				return
			}
			ok(w)
		}, Idempotent, 2, "ok"},
		{"400 at-most-once", func(n int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, `{"error_code":"CBC.0100","error_msg":"bad"}`)
		}, AtMostOnce, 1, "error"},
		{"400 idempotent", func(n int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(400) }, Idempotent, 1, "error"},
		{"2xx unreadable at-most-once", func(n int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(200)
			io.WriteString(w, `{"order_ids":`)
		}, AtMostOnce, 1, "unknown"},
		{"307 at-most-once", func(n int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
		}, AtMostOnce, 1, "unknown"},
		{"302 idempotent", func(n int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, Idempotent, 1, "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := counting(t, tt.h)
			c, _ := newClient(srv.URL, nil)
			op := &Op{Name: "renew instances", Call: service.Renew, Path: "/v2/orders/subscriptions/resources/renew", Body: []byte(`{}`), Scope: auth.ScopeDomain, RequestID: "rid-1"}
			var out struct {
				OrderIDs []string `json:"order_ids"`
			}
			_, err := c.DoJSON(context.Background(), op, tt.policy, &out)
			if n.Load() != tt.tries {
				t.Errorf("%d requests, want %d", n.Load(), tt.tries)
			}
			var (
				u  *UnknownOutcomeError
				e  *Error
				tr *TransientError
				re *RedirectError
			)
			got := "ok"
			switch {
			case errors.As(err, &u):
				got = "unknown"
				if u.RequestID != "rid-1" || u.Op != "renew instances" || !strings.HasPrefix(err.Error(), "renew instances: ") {
					t.Errorf("unknown outcome names %q %q: %v", u.Op, u.RequestID, err)
				}
				if strings.Contains(strings.ToLower(err.Error()), "try again") {
					t.Errorf("suggests trying again: %v", err)
				}
			case errors.As(err, &tr):
				got = "transient"
			case errors.As(err, &re):
				got = "redirect"
			case errors.As(err, &e):
				got = "error"
			case err != nil:
				got = err.Error()
			}
			if got != tt.outcome {
				t.Errorf("outcome %s (%v), want %s", got, err, tt.outcome)
			}
		})
	}
}

// Every try of an at-most-once call carries the same Client-Request-Id; a
// call without one is refused before sending.
func TestDoAtMostOnceRequestID(t *testing.T) {
	var seen []string
	srv, _ := counting(t, func(n int, w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Client-Request-Id"))
		if n < 3 {
			w.WriteHeader(429)
			return
		}
		w.WriteHeader(204)
	})
	c, _ := newClient(srv.URL, nil)
	op := &Op{Name: "pay order", Call: service.PayOrder, Path: "/v3/orders/customer-orders/pay", Body: []byte(`{}`), Scope: auth.ScopeDomain, RequestID: "same"}
	if _, err := c.Do(context.Background(), op, AtMostOnce); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, ",") != "same,same,same" {
		t.Errorf("request IDs %v", seen)
	}
	op.RequestID = ""
	if _, err := c.Do(context.Background(), op, AtMostOnce); err == nil || len(seen) != 3 {
		t.Errorf("sent without a request ID: %v", err)
	}
}

// A connection refused is provably not sent: retried, then NotSentError.
func TestDoNotSent(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c, sleeps := newClient("http://"+addr, nil)
	op := &Op{Name: "cancel order", Call: service.CancelOrder, Path: "/v2/orders/customer-orders/cancel", Body: []byte(`{}`), Scope: auth.ScopeDomain, RequestID: "r"}
	_, err := c.Do(context.Background(), op, AtMostOnce)
	var ns *NotSentError
	if !errors.As(err, &ns) || len(*sleeps) != 3 || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("%v after %d sleeps", err, len(*sleeps))
	}
}

func listenOn(t *testing.T, ip string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// No credential, signature or body follows a redirect to another host:
// every status, HCSS, BSS and IAM, token and AK/SK. The redirect's target
// (on 127.0.0.2) never sees a request.
func TestRedirectsNeverFollowed(t *testing.T) {
	var other atomic.Int32
	target := listenOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	for _, status := range []int{301, 302, 303, 307, 308} {
		var hits atomic.Int32
		srv := listenOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Location", target.URL+r.URL.Path)
			w.WriteHeader(status)
		}))
		for _, a := range []auth.Authenticator{auth.Token{Value: token}, auth.AKSK{AccessKey: "AK", SecretKey: "SK", SecurityToken: "sec"}} {
			c, _ := newClient(srv.URL, nil)
			c.Auth, c.ProjectID, c.DomainID = a, "p", "d"
			p, _ := c.PrepareCreate(crid, pageExample(t))
			_, err := c.CreateLightInstances(context.Background(), p)
			if !IsUnknownOutcome(err) || !strings.Contains(err.Error(), "redirect to "+target.URL) || !strings.Contains(err.Error(), "not followed") {
				t.Errorf("%d purchase: %v", status, err)
			}
			if _, err := c.ShowOrder(context.Background(), "CS1"); err == nil || !strings.Contains(err.Error(), "not followed") {
				t.Errorf("%d order: %v", status, err)
			}
			if _, err := c.IssueToken(context.Background(), "a", "u", "hunter2", "ap-southeast-3"); err == nil {
				t.Errorf("%d token: no error", status)
			} else if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("password in error: %v", err)
			}
		}
		if hits.Load() != 6 {
			t.Errorf("%d: %d requests at the endpoint, want 6 (one each, no retry)", status, hits.Load())
		}
	}
	if other.Load() != 0 {
		t.Errorf("%d requests reached the redirect target", other.Load())
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{"0", 0, true},
		{"10000000000", 60 * time.Second, true},
		{"99999999999999999999999", 60 * time.Second, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"Fri, 27 Nov 2026 12:00:10 GMT", 10 * time.Second, true},
		{"Fri, 27 Nov 2026 11:00:00 GMT", 0, true},
		{"Fri, 27 Nov 2026 18:00:00 GMT", 60 * time.Second, true},
	}
	for _, tt := range tests {
		d, ok := RetryAfter(http.Header{"Retry-After": {tt.v}}, now)
		if d != tt.want || ok != tt.ok {
			t.Errorf("%q: %s %v, want %s %v", tt.v, d, ok, tt.want, tt.ok)
		}
	}
}

// Errors: IAM's shape, ECS's details, the X-Request-Id header.
func TestDecodeErrorServices(t *testing.T) {
	e := decodeError("get token", 401, nil, []byte(`{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`))
	if e.Code != "401" || e.Title != "Unauthorized" || !strings.Contains(e.Error(), "wrong") {
		t.Errorf("%+v", e)
	}
	e = decodeError("stop servers", 400, http.Header{"X-Request-Id": {"hdr-1"}}, []byte(`{"error":{"message":"bad","code":"Ecs.0005","details":[{"code":"Ecs.0005","message":"servers"}]}}`))
	if e.Code != "Ecs.0005" || e.RequestID != "hdr-1" || !strings.Contains(e.Error(), "Ecs.0005: servers") {
		t.Errorf("%+v", e)
	}
	e = decodeError("reset password", 400, nil, []byte(`{"error":{"code":"Ecs.0011","message":"weak"},"internalError":[{"id":"s1","error_code":"Ecs.0011","error_message":"weak"}]}`))
	if !strings.Contains(e.Error(), "s1: Ecs.0011 weak") {
		t.Errorf("%s", e)
	}
	e = decodeError("x", 500, nil, []byte(strings.Repeat("é", 2000)))
	if len(e.Body) > maxErrorText+3 || !strings.HasSuffix(e.Body, "...") || strings.ContainsRune(e.Body, '\uFFFD') {
		t.Errorf("cap: %d %q", len(e.Body), e.Body[len(e.Body)-8:])
	}
}

// ECS endpoints take the call's region; project IDs are looked up once per
// region and filled into the path; the domain ID too.
func TestScopeResolution(t *testing.T) {
	var iam atomic.Int32
	var paths []string
	srv, _ := counting(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v3/projects":
			iam.Add(1)
			name := r.URL.Query().Get("name")
			io.WriteString(w, `{"projects":[{"id":"proj-`+name+`","name":"`+name+`","domain_id":"dom","enabled":true}]}`)
		case r.URL.Path == "/v3/auth/domains":
			iam.Add(1)
			io.WriteString(w, `{"domains":[{"id":"dom"}]}`)
		default:
			paths = append(paths, r.Host+" "+r.URL.Path+" "+r.Header.Get("X-Project-Id")+r.Header.Get("X-Domain-Id"))
			io.WriteString(w, `{}`)
		}
	})
	c, _ := newClient(srv.URL, nil)
	c.Auth = auth.AKSK{AccessKey: "AK", SecretKey: "SK"}
	c.Endpoints[ECS] = strings.Replace(srv.URL, "127.0.0.1", "{region}.localhost", 1)
	c.ProjectID, c.ProjectRegion = "configured", "tr-west-1"
	c.Endpoints[RMS] = srv.URL
	ctx := context.Background()
	for _, region := range []string{"me-east-1", "me-east-1", "tr-west-1", "ap-southeast-1"} {
		op := &Op{Name: "show server", Call: service.ShowServer, Path: "/v1/{project_id}/cloudservers/s", Scope: auth.ScopeProject, Region: region}
		p, err := c.Prepare(op)
		if err != nil || !strings.Contains(p.URL, region+".localhost") {
			t.Fatalf("%v %v", p, err)
		}
	}
	// Resolution without dialling the {region}.localhost names: send to the
	// server by IP with the same client.
	c.Endpoints[ECS] = srv.URL
	for _, region := range []string{"me-east-1", "me-east-1", "tr-west-1", "ap-southeast-1"} {
		op := &Op{Name: "show server", Call: service.ShowServer, Path: "/v1/{project_id}/cloudservers/s", Scope: auth.ScopeProject, Region: region}
		if _, err := c.Do(ctx, op, Idempotent); err != nil {
			t.Fatal(err)
		}
	}
	op := &Op{Name: "list instances", Call: service.ListInstances, Path: "/v1/resource-manager/domains/{domain_id}/all-resources", Scope: auth.ScopeDomain}
	for range 2 {
		if _, err := c.Do(ctx, op, Idempotent); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"/v1/proj-me-east-1/cloudservers/s proj-me-east-1", "/v1/proj-me-east-1/cloudservers/s proj-me-east-1",
		"/v1/configured/cloudservers/s configured", "/v1/proj-ap-southeast-1/cloudservers/s proj-ap-southeast-1",
		"/v1/resource-manager/domains/dom/all-resources dom", "/v1/resource-manager/domains/dom/all-resources dom"}
	for i, w := range want {
		if i >= len(paths) || !strings.HasSuffix(paths[i], w) {
			t.Errorf("request %d: %v, want ...%s", i, paths, w)
		}
	}
	if iam.Load() != 3 {
		t.Errorf("%d IAM look-ups, want 3 (two regions, one domain)", iam.Load())
	}
	// A token scoped to another region is refused per call, before sending.
	c.Auth = auth.Token{Value: token, Region: "tr-west-1"}
	before := len(paths)
	_, err := c.Do(ctx, &Op{Name: "show server", Call: service.ShowServer, Path: "/v1/{project_id}/cloudservers/s", Scope: auth.ScopeProject, Region: "me-east-1"}, Idempotent)
	if exitcode.Of(err) != exitcode.Auth || len(paths) != before {
		t.Errorf("other region's token: %v", err)
	}
	// An ECS call without a region cannot pick an endpoint.
	c.Endpoints[ECS] = "https://ecs.{region}.example"
	if _, err := c.Prepare(&Op{Name: "show server", Call: service.ShowServer, Path: "/x"}); err == nil || !strings.Contains(err.Error(), "needs a region") {
		t.Errorf("no region: %v", err)
	}
}

// An answer larger than the limit is an error, never silently cut.
func TestAnswerTooLarge(t *testing.T) {
	srv, _ := counting(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"x":"`))
		w.Write([]byte(strings.Repeat("a", maxAnswer)))
		w.Write([]byte(`"}`))
	})
	c, _ := newClient(srv.URL, nil)
	c.MaxRetries = 0
	_, err := c.Do(context.Background(), &Op{Name: "list orders", Call: service.ShowOrder, Path: "/x"}, Idempotent)
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("%v", err)
	}
}
