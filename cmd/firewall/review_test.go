package firewallcmd_test

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/sandbox"
)

// Review (i17b): three rules; VPC refuses the first deletion (403) and
// the second's outcome is unknown (500). The third is not sent (the one
// rule), but the unknown deletion's "do not run the command again"
// advice, which says how to check, must still be printed: it is lost
// because the run returns only the first failure (the 403) and prints no
// other (start/stop print the rest with warnErrors).
func TestFirewallDeleteKeepsUnknownAdviceAfterARefusal(t *testing.T) {
	w := newFWWorld(t)
	var ids []string
	for _, port := range []string{"8080", "8081", "8082"} {
		r := w.Exec(t, "firewall", "allow", "web-0001", "--port", port, "--yes", "-o", "json")
		ids = append(ids, between(r.Out, `"id": "`, `"`))
	}
	for _, k := range []string{sandbox.FaultForbidden, sandbox.FaultServer} {
		if err := w.s.AddFault(sandbox.Fault{Route: sandbox.RouteVPCRuleDelete, Kind: k, Count: 1}); err != nil {
			t.Fatal(err)
		}
	}
	r := w.Exec(t, "firewall", "delete", ids[0], ids[1], ids[2], "--region", "ap-southeast-3", "--yes", "-o", "json")
	if !strings.Contains(r.Out, `"status": "unknown"`) || !strings.Contains(r.Out, "not sent: an earlier request's outcome is unknown") {
		t.Fatalf("exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	if !strings.Contains(r.Err, "Do not run the command again") {
		t.Errorf("the unknown deletion's advice is missing (exit %d):\n%s", r.Code, r.Err)
	}
}
