//go:build linux

package e2e

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/service"
)

// On a real terminal, renew's and buy's confirmations show the price the
// sandbox computed, as plain text before the prompt; accepting renews and
// buys once, and the JSON result carries the same figures.
func TestPriceInConfirmationOnPTY(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Token: E2EToken, CompleteAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if _, err := s.Provision(sandbox.ProvisionRequest{Count: 1, Name: "pty"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"FLEXUSL_TOKEN=" + E2EToken, "PATH=" + os.Getenv("PATH"), "TERM=xterm"}
	env = append(env, service.EnvList(srv.URL)...)
	count := func(route string) int {
		n := 0
		for _, r := range s.Requests() {
			if r.Route == route {
				n++
			}
		}
		return n
	}
	// before is what the terminal showed up to the prompt, as a screen
	// (failing on any control character).
	before := func(term, prompt string) string {
		i := strings.Index(term, prompt)
		if i < 0 {
			t.Fatalf("no %q in:\n%s", prompt, term)
		}
		return strings.Join(screen(t, []byte(term[:i])), "\n")
	}

	term, stdout, code := runOnPTY(t, env, "Renew? [y/N]: ", "y", "instance", "renew", "pty-0001", "--period-type", "year", "--period", "1", "--auto-pay", "-o", "json")
	shown := before(term, "Renew? [y/N]: ")
	if code != 0 || count(sandbox.RouteBSSRenew) != 1 || count(sandbox.RouteBSSRenewRate) != 1 ||
		!strings.Contains(shown, "Price: 85.00 USD (list price 100.00 USD, discount 15.00 USD: sandbox: made-up yearly discount (15%))") ||
		!strings.Contains(stdout, `"official_amount": 100,`) || !strings.Contains(stdout, `"amount": 85,`) {
		t.Errorf("renew: exit %d, %d renewals\n%s\nstdout %s", code, count(sandbox.RouteBSSRenew), term, stdout)
	}

	term, stdout, code = runOnPTY(t, env, "Buy? [y/N]: ", "y", "instance", "buy", "--region", "ap-southeast-3", "--name", "web-1", "--image", "BT",
		"--spec", "hf.xlarge.4.30m.linux", "--period", "2", "-o", "json")
	shown = before(term, "Buy? [y/N]: ")
	// hf.xlarge.4.30m.linux: 3 + 4 + 2.5 x 16 = 47 a month.
	if code != 0 || count(sandbox.RouteCreate) != 1 || !strings.Contains(shown, "  Price:       94.00 USD") || !strings.Contains(stdout, `"amount": 94,`) {
		t.Errorf("buy: exit %d, %d purchases\n%s\nstdout %s", code, count(sandbox.RouteCreate), term, stdout)
	}
}
