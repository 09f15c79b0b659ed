package sandbox

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/service"
)

// param is a path parameter of a pattern ("{order_id}").
var param = regexp.MustCompile(`\{[^}/]+\}`)

// samePattern compares two path patterns whatever their parameters are
// called.
func samePattern(a, b string) bool {
	return param.ReplaceAllString(a, "{}") == param.ReplaceAllString(b, "{}")
}

// The router serves exactly its table: a request to each route's method
// and path reaches that route (the request log names it), never the
// unknown-API answer or another route.
func TestRouterServesItsTable(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, rt := range apiRoutes() {
		path := param.ReplaceAllString(rt.path, "x1")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(rt.method, path, strings.NewReader("{}")))
		reqs := s.Requests()
		if len(reqs) != i+1 {
			t.Fatalf("%s %s: %d requests logged, want %d", rt.method, path, len(reqs), i+1)
		}
		if got := reqs[i].Route; got != rt.name {
			t.Errorf("%s %s reached route %q, want %q (status %d)", rt.method, path, got, rt.name, rec.Code)
		}
	}
	// The control API's routes are served by the control API: an unknown
	// path would be logged as an API request (route "unknown").
	for _, rt := range controlRoutes() {
		s, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(rt.method, param.ReplaceAllString(rt.path, "x1"), strings.NewReader("{}")))
		if n := len(s.Requests()); n != 0 || strings.Contains(rec.Body.String(), "APIGW.0101") {
			t.Errorf("%s %s: not the control API (%d logged, %d %s)", rt.method, rt.path, n, rec.Code, rec.Body)
		}
	}
}

// Every operation of the service table (what flexusl calls) is served by
// a route with its method and path, and a route that names an operation
// has that operation's method and path: the sandbox keeps its own copy of
// the paths (it is checked against Huawei's examples, not the client), so
// this is where the two copies meet.
func TestRoutesServeEveryOperation(t *testing.T) {
	rs := apiRoutes()
	for _, op := range service.Ops() {
		row := op.Get()
		if !slices.ContainsFunc(rs, func(rt apiRoute) bool { return rt.method == row.Method && samePattern(rt.path, row.Path) }) {
			t.Errorf("no route serves %s %s", row.Method, row.Path)
		}
	}
	for _, rt := range rs {
		if rt.op == 0 {
			continue
		}
		if row := rt.op.Get(); rt.method != row.Method || !samePattern(rt.path, row.Path) || rt.svc != row.Service {
			t.Errorf("route %s (%s %s, %s) names the operation %s %s of %s", rt.name, rt.method, rt.path, rt.svc.Name(), row.Method, row.Path, row.Service.Name())
		}
	}
}

// A 403 fault names the permission of the route's operation, as the
// service table has it (ecs.action: the one its body asks for).
func TestForbiddenNamesTheOperationsPermission(t *testing.T) {
	for _, rt := range apiRoutes() {
		bodies := map[string]service.Op{"": rt.op}
		if rt.name == RouteECSAction {
			bodies = map[string]service.Op{`{"os-start":{"servers":[]}}`: service.StartServers, `{"os-stop":{"servers":[]}}`: service.StopServers,
				`{"reboot":{"type":"SOFT","servers":[]}}`: service.RebootServers}
		}
		for body, op := range bodies {
			forbidden(t, rt, body, op)
		}
	}
}

// forbidden queues a 403 fault for rt, sends body and checks the answer
// names op's permission.
func forbidden(t *testing.T, rt apiRoute, body string, op service.Op) {
	t.Helper()
	if op == 0 || op.Get().Permission == "" {
		return
	}
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddFault(Fault{Route: rt.name, Kind: FaultForbidden}); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(rt.method, param.ReplaceAllString(rt.path, "x1"), strings.NewReader(body)))
	if want := "Policy doesn't allow " + op.Get().Permission + " to be performed."; rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), want) {
		t.Errorf("%s %s %s: %d %s, want %q", rt.method, rt.path, body, rec.Code, rec.Body, want)
	}
}
