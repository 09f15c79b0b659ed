// Package apitest answers flexusl's API calls in tests without a server: a
// Registry is an http.RoundTripper holding stubs (a matcher and a
// responder each). A command test hands its client to the Factory
// (cmdutil.Factory.HTTPClient = reg.HTTPClient), registers the answers the
// command needs, often the documented examples in testdata/wire (Wire),
// and asserts the exact requests sent (Requests).
//
// A test fails on a request no stub matches and, when it ends, on a stub
// no request used: every answer a test sets up is an answer it expects to
// be asked for.
package apitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Request is a request the registry received, body included (the exact
// bytes sent).
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte

	ctx context.Context
}

// Context is the request's context: done when the client gives up (its
// timeout, a cancelled run).
func (r Request) Context() context.Context {
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

// String is the request line: "GET /path?query".
func (r Request) String() string { return r.Method + " " + r.URL.RequestURI() }

// Stub answers the requests its matcher matches, once unless Persist is
// called.
type Stub struct {
	m       Matcher
	resp    Responder
	persist bool
	used    int
}

// Persist lets the stub answer every matching request, not only the first
// (a poll that repeats an answer). It must still be used at least once.
func (s *Stub) Persist() *Stub {
	s.persist = true
	return s
}

// Registry is the set of stubs of one test and the requests they received.
// It is safe for concurrent requests.
type Registry struct {
	t        testing.TB
	mu       sync.Mutex
	stubs    []*Stub
	requests []Request
}

// New returns an empty registry that fails t on an unmatched request and,
// when t ends, on an unused stub (Verify).
func New(t testing.TB) *Registry {
	r := &Registry{t: t}
	t.Cleanup(func() { r.Verify(t) })
	return r
}

// Register adds a stub. Stubs are tried in the order registered; a used
// stub that does not persist is skipped, so registering one matcher
// several times answers successive requests in turn.
func (r *Registry) Register(m Matcher, resp Responder) *Stub {
	s := &Stub{m: m, resp: resp}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stubs = append(r.stubs, s)
	return s
}

// T is the test the registry belongs to.
func (r *Registry) T() testing.TB { return r.t }

// Verify fails t for every stub no request used, naming its matcher.
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if s.used == 0 {
			t.Errorf("apitest: stub %s was registered but never requested (requests: %s)", s.m, requestLines(r.requests))
		}
	}
}

// Requests are the requests received so far, in order, matched or not.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Count is how many requests received so far m matches.
func (r *Registry) Count(m Matcher) int {
	n := 0
	for _, q := range r.Requests() {
		if m.Matches(q) {
			n++
		}
	}
	return n
}

// Client is an HTTP client that sends through the registry and, like
// flexusl's own, follows no redirect.
func (r *Registry) Client() *http.Client {
	return &http.Client{Transport: r, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// HTTPClient is Client in the shape of cmdutil.Factory.HTTPClient.
func (r *Registry) HTTPClient() (*http.Client, error) { return r.Client(), nil }

// RoundTrip records req and answers it with the first stub that matches.
// The request counts as having reached a server (httptrace's GotConn is
// called) unless the responder says no connection was made (NotConnected),
// so flexusl's at-most-once rules see what they would over a network. A
// request no stub matches fails the test.
func (r *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL // a copy: what was sent, whatever the client does later
	q := Request{Method: req.Method, URL: &u, Header: req.Header.Clone(), ctx: req.Context()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("apitest: read the request body: %w", err)
		}
		q.Body = b
	}
	r.mu.Lock()
	r.requests = append(r.requests, q)
	var stub *Stub
	for _, s := range r.stubs {
		if (s.used == 0 || s.persist) && s.m.match(&q) {
			stub = s
			s.used++
			break
		}
	}
	r.mu.Unlock()
	if stub == nil {
		r.t.Errorf("apitest: no stub matches %s (body %q)", q, q.Body)
		return nil, fmt.Errorf("apitest: no stub matches %s", q)
	}
	resp, err := stub.resp(&q)
	if !errors.Is(err, ErrNotConnected) {
		if tr := httptrace.ContextClientTrace(req.Context()); tr != nil && tr.GotConn != nil {
			tr.GotConn(httptrace.GotConnInfo{})
		}
	}
	if err != nil {
		return nil, err
	}
	resp.Request = req
	return resp, nil
}

func requestLines(rs []Request) string {
	if len(rs) == 0 {
		return "none"
	}
	lines := make([]string, len(rs))
	for i, q := range rs {
		lines[i] = q.String()
	}
	return strings.Join(lines, ", ")
}

// Matcher picks the requests a stub answers.
type Matcher struct {
	desc  string
	match func(*Request) bool
}

// Matches reports whether m matches q (a recorded request).
func (m Matcher) Matches(q Request) bool { return m.match(&q) }

// String describes the matcher (in failures).
func (m Matcher) String() string { return m.desc }

// REST matches method and the exact path (escaped, as sent), whatever the
// host and query.
func REST(method, path string) Matcher {
	return Matcher{desc: method + " " + path, match: func(q *Request) bool {
		return strings.EqualFold(q.Method, method) && q.URL.EscapedPath() == path
	}}
}

// Query matches method and path with exactly the query parameters q (no
// more, no fewer, values in order).
func Query(method, path string, q url.Values) Matcher {
	rest := REST(method, path)
	return Matcher{desc: method + " " + path + "?" + q.Encode(), match: func(r *Request) bool {
		if !rest.match(r) {
			return false
		}
		got := r.URL.Query()
		if len(got) != len(q) {
			return false
		}
		for k, vs := range q {
			if strings.Join(got[k], "\x00") != strings.Join(vs, "\x00") || len(got[k]) != len(vs) {
				return false
			}
		}
		return true
	}}
}

// Body matches method, path and the exact body bytes.
func Body(method, path string, body []byte) Matcher {
	rest := REST(method, path)
	return Matcher{desc: fmt.Sprintf("%s %s with body %q", method, path, body), match: func(r *Request) bool {
		return rest.match(r) && bytes.Equal(r.Body, body)
	}}
}

// Func matches the requests f accepts; desc names them in failures. For a
// stateful fake that routes requests itself (Func("…", All)).
func Func(desc string, f func(Request) bool) Matcher {
	return Matcher{desc: desc, match: func(r *Request) bool { return f(*r) }}
}

// All accepts every request (for Func).
func All(Request) bool { return true }

// Host restricts m to requests for host (the URL's host, port included).
func Host(host string, m Matcher) Matcher {
	return Matcher{desc: m.desc + " on " + host, match: func(r *Request) bool {
		return strings.EqualFold(r.URL.Host, host) && m.match(r)
	}}
}
