package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// Every call of the client names its operation of the service table, and
// names it right: a 403 answer to each call is an *Error whose operation
// has the method and path pattern of the request that was sent (so the
// advice names that operation's permission). Together the calls cover
// every operation of the table.
func TestEveryCallNamesItsOperation(t *testing.T) {
	var mu sync.Mutex
	var last *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		last = r
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error_code":"X.0403","error_msg":"Policy doesn't allow it."}`))
	}))
	defer srv.Close()
	c := &Client{Endpoints: AllAt(srv.URL), HTTP: srv.Client(), Auth: auth.Token{Value: "t"}, UserAgent: "t",
		ProjectID: "p1", DomainID: "d1", Sleep: func(context.Context, time.Duration) error { return nil }}
	ctx := context.Background()
	id := "72a270de-665a-4f46-8d64-24ad6edccdd1"
	ecs := ECSCall{Region: "ap-southeast-3", ProjectID: "p1", RequestID: "r1"}
	vpc := VPCCall{Region: "ap-southeast-3", ProjectID: "p1", RequestID: "r1"}
	name := "n"
	send := func(p *Prepared, err error) error {
		if err != nil {
			return err
		}
		return c.Send(ctx, p)
	}
	calls := map[string]func() error{
		"create": func() error {
			p, err := c.PrepareCreate("r1", rawBody{})
			if err != nil {
				return err
			}
			_, err = c.CreateLightInstances(ctx, p)
			return err
		},
		"show order":  func() error { _, err := c.ShowOrder(ctx, "CS1"); return err },
		"list orders": func() error { _, err := c.ListCustomerOrders(ctx, ListOrdersOptions{}); return err },
		"pay":         func() error { return send(c.PreparePayOrder("r1", "CS1")) },
		"cancel":      func() error { return send(c.PrepareCancelOrder("r1", "CS1")) },
		"renew": func() error {
			p, err := c.PrepareRenew("r1", RenewRequest{ResourceIDs: []string{id}, PeriodType: 2, PeriodNum: 1})
			if err != nil {
				return err
			}
			_, err = c.RenewalResources(ctx, p)
			return err
		},
		"unsubscribe": func() error {
			p, err := c.PrepareUnsubscribe("r1", UnsubscribeRequest{ResourceIDs: []string{id}, UnsubscribeType: 1})
			if err != nil {
				return err
			}
			_, err = c.CancelResourcesSubscription(ctx, p)
			return err
		},
		"auto-renew on":  func() error { return send(c.PrepareAutoRenew("r1", id, true, AutoRenewRequest{})) },
		"auto-renew off": func() error { return send(c.PrepareAutoRenew("r1", id, false, AutoRenewRequest{})) },
		"subscriptions":  func() error { _, err := c.ListPayPerUseCustomerResources(ctx, []string{id}); return err },
		"traffic":        func() error { _, err := c.ListFreeResourceUsages(ctx, []string{id}); return err },
		"subscribe rate": func() error {
			_, err := c.ListRateOnPeriodDetail(ctx, "ap-southeast-3", []PeriodProductInfo{{ID: "1", Region: "ap-southeast-3"}})
			return err
		},
		"renew rate": func() error {
			_, err := c.ListRenewRateOnPeriod(ctx, RenewRateRequest{ResourceIDs: []string{id}, PeriodType: 2, PeriodNum: 1})
			return err
		},
		"list instances": func() error { _, err := c.ListInstances(ctx, ListInstancesOptions{}); return err },
		"show server": func() error {
			_, err := c.ShowServer(ctx, ServerRef{Region: "ap-southeast-3", ProjectID: "p1", ServerID: id})
			return err
		},
		"update server": func() error { _, err := c.UpdateServer(ctx, ecs, id, ServerUpdate{Name: &name}); return err },
		"start":         func() error { _, err := c.BatchServerAction(ctx, ecs, ActionStart, "", []string{id}); return err },
		"stop":          func() error { _, err := c.BatchServerAction(ctx, ecs, ActionStop, "SOFT", []string{id}); return err },
		"reboot":        func() error { _, err := c.BatchServerAction(ctx, ecs, ActionReboot, "SOFT", []string{id}); return err },
		"show job":      func() error { _, err := c.ShowJob(ctx, ecs, id); return err },
		"reset passwords": func() error {
			_, err := c.BatchResetServersPassword(ctx, ecs, "Xk7-pq9.Lm2", []string{id})
			return err
		},
		"security groups": func() error { _, err := c.ListSecurityGroups(ctx, vpc, []string{id}); return err },
		"rules":           func() error { _, err := c.ListSecurityGroupRules(ctx, vpc, []string{id}); return err },
		"show rule":       func() error { _, err := c.ShowSecurityGroupRule(ctx, vpc, id); return err },
		"create rule": func() error {
			p, err := c.PrepareCreateSecurityGroupRule(vpc, CreateRuleOption{SecurityGroupID: id, Direction: DirectionIngress})
			if err != nil {
				return err
			}
			_, err = c.CreateSecurityGroupRule(ctx, p)
			return err
		},
		"delete rule": func() error { return c.DeleteSecurityGroupRule(ctx, vpc, id) },
		"token":       func() error { _, err := c.IssueToken(ctx, "acct", "user", "pw", "ap-southeast-3"); return err },
		"projects":    func() error { _, err := c.ListProjects(ctx, "ap-southeast-3"); return err },
		"account ID": func() error {
			d := c.withAuth(c.Auth)
			d.DomainID = ""
			_, err := d.LookupDomainID(ctx)
			return err
		},
	}
	var covered []service.Op
	for what, call := range calls {
		mu.Lock()
		last = nil
		mu.Unlock()
		err := call()
		mu.Lock()
		r := last
		mu.Unlock()
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != http.StatusForbidden || r == nil {
			t.Errorf("%s: %v (sent: %v)", what, err, r != nil)
			continue
		}
		if e.Call.Method() != r.Method || !e.Call.Matches(r.URL.Path) {
			t.Errorf("%s sent %s %s but names the operation %s %s", what, r.Method, r.URL.Path, e.Call.Method(), e.Call.Get().Path)
		}
		covered = append(covered, e.Call)
	}
	for _, op := range service.Ops() {
		if !slices.Contains(covered, op) {
			t.Errorf("no call of the client is the operation %s %s", op.Method(), op.Get().Path)
		}
	}
}

// rawBody is a purchase body for tests that need no valid purchase.
type rawBody struct{}

func (rawBody) RegionID() string      { return "ap-southeast-3" }
func (rawBody) Body() ([]byte, error) { return []byte(`{}`), nil }

// An Op that names no operation of the table is refused before anything
// is sent: its service (the endpoint) and method would be guesses.
func TestOpWithoutOperationIsNotSent(t *testing.T) {
	c := &Client{Endpoints: AllAt("https://example.invalid")}
	if _, err := c.Prepare(&Op{Name: "probe", Path: "/x"}); err == nil || !strings.Contains(err.Error(), "probe: not an operation of the service table") {
		t.Errorf("%v", err)
	}
	if _, err := c.Prepare(&Op{Name: "probe", Call: service.ShowOrder, Path: "/x"}); err != nil {
		t.Errorf("%v", err)
	}
}
