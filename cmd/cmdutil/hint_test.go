package cmdutil

import (
	"context"
	"errors"
	"github.com/flexusl/flexusl/pkg/auth"
	"net/http"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
)

// The CLI's advice for API errors: what the old pkg/api hints said, now
// decided in cmd, and never an invitation to repeat an unknown outcome.
func TestAdvice(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&api.Error{Op: "create instances", StatusCode: 400, Code: "HCSS.14000010"}, "sold out"},
		{&api.Error{Op: "create instances", StatusCode: 400, Code: "HCSS.14000011"}, "quota"},
		{&api.Error{Op: "create instances", StatusCode: 400, Code: "HCSS.14000001"}, "flexusl specs list"},
		{&api.Error{Op: "create instances", StatusCode: 429, Code: "APIGW.0308"}, "did not take the request"},
		{&api.Error{Op: "show order CS1", StatusCode: 401, Code: "APIGW.0301"}, "flexusl auth login"},
		{&api.Error{Op: "create instances", Call: service.CreateInstances, StatusCode: 403}, "hcss:instances:create"},
		{&api.Error{Op: "show order CS1", Call: service.ShowOrder, StatusCode: 403}, "bss:order:view"},
		{&api.Error{Op: "pay order CS1", Call: service.PayOrder, StatusCode: 403}, "bss:order:update"},
		{&api.Error{Op: "renew instances", Call: service.Renew, StatusCode: 403}, "bss:renewal:*"},
		{&api.Error{Op: "turn auto-renew on for x", Call: service.AutoRenewOn, StatusCode: 403}, "bss:renewal:*"},
		{&api.Error{Op: "unsubscribe instances", Call: service.Unsubscribe, StatusCode: 403}, "bss:unsubscribe:*"},
		{&api.Error{Op: api.OpSubscribeRate, Call: service.SubscribeRate, StatusCode: 403}, "bss:discount:view"},
		{&api.Error{Op: api.OpRenewRate, Call: service.RenewRate, StatusCode: 403}, "billing:contract:viewDiscount"},
		{&api.Error{Op: "create security group rule", Call: service.CreateSecurityGroupRule, StatusCode: 403}, "vpc:securityGroupRules:create"},
		{&api.Error{Op: "delete security group rule 7c1e", Call: service.DeleteSecurityGroupRule, StatusCode: 403}, "vpc:securityGroupRules:delete"},
		{&api.Error{Op: "list security group rules", Call: service.ListSecurityGroupRules, StatusCode: 403}, "vpc:securityGroupRules:get"},
		{&api.Error{Op: "show security group rule 7c1e", Call: service.ShowSecurityGroupRule, StatusCode: 403}, "vpc:securityGroupRules:get"},
		{&api.Error{Op: "list security groups", Call: service.ListSecurityGroups, StatusCode: 403}, "vpc:securityGroups:get"},
		{&api.RedirectError{Op: "x", StatusCode: 302}, "endpoint"},
		{&api.UnknownOutcomeError{Op: "renew instances", RequestID: "r"}, "Do not repeat"},
		{WithAdvice(&api.UnknownOutcomeError{Op: "create instances"}, "look for the order"), "look for the order"},
		{errors.New("plain"), ""},
	}
	for _, tt := range tests {
		got := Advice(tt.err)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%v: %q, want %q", tt.err, got, tt.want)
		}
		if api.IsUnknownOutcome(tt.err) && strings.Contains(strings.ToLower(got), "try again") {
			t.Errorf("unknown outcome invites a retry: %q", got)
		}
	}
	if exitcode.Of(WithAdvice(exitcode.Errorf(exitcode.Auth, "x"), "a")) != exitcode.Auth {
		t.Error("advice lost the exit code")
	}
}

// A 403 on each operation of the service table names that operation's
// permission, whatever flexusl calls the operation in its messages: the
// advice reads the table by operation, not the message by substring. The
// error comes from a real 403 answer through api.Client.Do, so the test
// also shows that the client names the operation it sent.
func TestAdviceFor403NamesEachOperationsPermission(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(apitest.Func("every call", apitest.All), apitest.String(http.StatusForbidden, `{"error_code":"X.403","error_msg":"Policy doesn't allow it."}`)).Persist()
	c := &api.Client{Endpoints: api.AllAt("https://cloud.example"), HTTP: reg.Client(), Auth: auth.None{}, DomainID: "d", ProjectID: "p"}
	for _, op := range service.Ops() {
		row := op.Get()
		// A name that matches no substring the old advice looked for.
		_, err := c.Do(context.Background(), &api.Op{Name: "operation", Call: op, Path: "/x", Region: "ap-southeast-3"}, api.Idempotent)
		got := Advice(err)
		if row.Permission == "" {
			if !strings.Contains(got, "see the policy of the service") {
				t.Errorf("%s %s (no documented permission): %q", row.Method, row.Path, got)
			}
			continue
		}
		if !strings.Contains(got, "the credentials lack permission for this call ("+row.Does+" needs "+row.Permission) {
			t.Errorf("%s %s: %q, want %s", row.Method, row.Path, got, row.Permission)
		}
		if row.Note != "" && !strings.Contains(got, row.Note) {
			t.Errorf("%s %s: %q lacks %q", row.Method, row.Path, got, row.Note)
		}
	}
}
