package instancecmd_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api/apitest"
)

// Review (i17b): a reset whose answer refuses only some of a region's
// servers leaves the others' outcome unknown (journaled unknown, the
// "do not repeat" advice). The one rule of every command that sends
// several requests says no further region may then be sent.
func TestResetPartlyRefusedStopsTheNextRegion(t *testing.T) {
	// web-1 and web-3 in ap-southeast-1, web-2 in ap-southeast-3.
	c := newCloud(t, 3, "ap-southeast-1", "ap-southeast-3")
	c.answer = func(n int, w http.ResponseWriter) bool {
		if n != 1 {
			return false
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"Ecs.0114","message":"Instance could not be found."},"internalError":[{"id":"72a270de-665a-4f46-8d64-000000000003","error_code":"Ecs.0114","error_message":"could not be found."}]}`)
		return true
	}
	r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "web-2", "web-3", "--password-stdin", "--yes", "-o", "json")
	var rs []map[string]string
	json.Unmarshal([]byte(r.out), &rs)
	if n := len(c.requests("PUT", "/os-reset-passwords")); n != 1 {
		t.Errorf("%d reset requests sent, want 1: after an unknown outcome no further region is sent\n%s\n%s", n, r.out, r.err)
	}
	if r.code != 1 || !strings.Contains(r.err, "Do not run the command again") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
	for _, x := range rs {
		if x["region"] == "ap-southeast-3" && x["status"] != "not_sent" {
			t.Errorf("web-2 (the second region): %v, want not_sent", x)
		}
	}
}

// Review (i17b): nothing in cmd/instance failed when attempt.Sequence's
// stop-after-unknown was switched off for renew (calls of 10) and
// auto-renew (per instance). These pin the one rule for both.
func TestRenewStopsAfterAnUnknownCall(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(stubRMS, stubListing(12))
	reg.Register(stubRenew, apitest.String(500, `{"error_code":"CBC.0999","error_msg":"internal"}`))
	args := []string{"instance", "renew", "--period", "1", "--auto-pay", "--yes", "--no-price", "-o", "json"}
	for i := range 12 {
		args = append(args, fmt.Sprintf("web-%d", i+1))
	}
	r := runReg(t, reg, bssEnv(t.TempDir()), false, "", args...)
	if n := reg.Count(stubRenew); n != 1 {
		t.Fatalf("%d renew calls after an unknown outcome, want 1\n%s\n%s", n, r.out, r.err)
	}
	if r.code != 1 || !strings.Contains(r.err, "Do not run the command again") || !strings.Contains(r.err, "order list --remote") ||
		!strings.Contains(r.out, "not sent: an earlier request's outcome is unknown") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
}

func TestAutoRenewStopsAfterAnUnknownCall(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(stubRMS, stubListing(2)).Persist()
	reg.Register(apitest.REST("POST", stubAutoRenew0), apitest.String(500, `{"error_code":"CBC.0999","error_msg":"internal"}`))
	r := runReg(t, reg, bssEnv(t.TempDir()), false, "", "instance", "auto-renew", "web-1", "web-2", "on", "-o", "json")
	if n := countPath(reg, "/v2/orders/subscriptions/resources/autorenew/"); n != 1 {
		t.Fatalf("%d auto-renew calls after an unknown outcome, want 1\n%s\n%s", n, r.out, r.err)
	}
	if r.code != 1 || !strings.Contains(r.err, "Do not run the command again") || !strings.Contains(r.out, "not sent: an earlier request's outcome is unknown") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
}
