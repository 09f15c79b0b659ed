package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
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
		{&api.Error{Op: "create instances", StatusCode: 403}, "hcss:instances:create"},
		{&api.Error{Op: "show order CS1", StatusCode: 403}, "bss:order:view"},
		{&api.Error{Op: "pay order CS1", StatusCode: 403}, "bss:order:update"},
		{&api.Error{Op: "renew instances", StatusCode: 403}, "bss:renewal:*"},
		{&api.Error{Op: "turn auto-renew on for x", StatusCode: 403}, "bss:renewal:*"},
		{&api.Error{Op: "unsubscribe instances", StatusCode: 403}, "bss:unsubscribe:*"},
		{&api.Error{Op: api.OpSubscribeRate, StatusCode: 403}, "bss:discount:view"},
		{&api.Error{Op: api.OpRenewRate, StatusCode: 403}, "billing:contract:viewDiscount"},
		{&api.Error{Op: "create security group rule", StatusCode: 403}, "vpc:securityGroupRules:create"},
		{&api.Error{Op: "delete security group rule 7c1e", StatusCode: 403}, "vpc:securityGroupRules:delete"},
		{&api.Error{Op: "list security group rules", StatusCode: 403}, "vpc:securityGroupRules:get"},
		{&api.Error{Op: "show security group rule 7c1e", StatusCode: 403}, "vpc:securityGroupRules:get"},
		{&api.Error{Op: "list security groups", StatusCode: 403}, "vpc:securityGroups:get"},
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
