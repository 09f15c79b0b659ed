package cmd

import (
	"context"
	"github.com/flexusl/flexusl/pkg/service"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/ui"
)

// priceSandbox is the sandbox (made-up prices) with n instances, and the
// environment pointing flexusl at it.
func priceSandbox(t *testing.T, n int) (*sandbox.Server, map[string]string) {
	s, err := sandbox.New(sandbox.Options{CompleteAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	if n > 0 {
		if _, err := s.Provision(sandbox.ProvisionRequest{Count: n}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_TOKEN": sandbox.DefaultToken, "XDG_STATE_HOME": dir, "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml")}
	maps.Copy(env, service.EnvAll(srv.URL))
	return s, env
}

func routeCount(s *sandbox.Server, route string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

// On a terminal the renewal's confirmation shows the sandbox's price (two
// instances, a year: 2 x 100 list, less the made-up 15%) before asking;
// declining sends no renewal.
func TestRenewConfirmationShowsPrice(t *testing.T) {
	s, env := priceSandbox(t, 2)
	r := runIn(t, env, true, "n\n", "instance", "renew", "sandbox-0001", "sandbox-0002", "--period-type", "year", "--period", "1")
	if r.code != 2 || routeCount(s, sandbox.RouteBSSRenew) != 0 || routeCount(s, sandbox.RouteBSSRenewRate) != 1 {
		t.Fatalf("exit %d, %d renewals, %d inquiries\n%s", r.code, routeCount(s, sandbox.RouteBSSRenew), routeCount(s, sandbox.RouteBSSRenewRate), r.err)
	}
	want := "Auto-pay: no: each renewal order will wait for payment (flexusl order pay ORDER_ID)\n" +
		"Price: 170.00 USD (list price 200.00 USD, discount 30.00 USD: sandbox: made-up yearly discount (15%))\n"
	if !strings.Contains(r.err, want) || strings.Index(r.err, want) > strings.Index(r.err, "Renew? [y/N]") {
		t.Errorf("confirmation lacks %q before the prompt:\n%s", want, r.err)
	}
	// The inquiry fails: the confirmation says why, and the renewal still
	// goes on when accepted.
	s.AddFault(sandbox.Fault{Route: sandbox.RouteBSSRenewRate, Kind: sandbox.FaultForbidden})
	r = runIn(t, env, true, "y\n", "instance", "renew", "sandbox-0001", "--period", "1")
	if r.code != 0 || routeCount(s, sandbox.RouteBSSRenew) != 1 || !strings.Contains(r.err, "Price: not available (price inquiry (renew-rate): HTTP 403 CBC.0151") ||
		!strings.Contains(r.err, "bss:discount:view") {
		t.Errorf("exit %d\n%s", r.code, r.err)
	}
	// --no-price: no inquiry, and the confirmation says so.
	r = runIn(t, env, true, "n\n", "instance", "renew", "sandbox-0002", "--period", "1", "--no-price")
	if routeCount(s, sandbox.RouteBSSRenewRate) != 2 || !strings.Contains(r.err, "Price: not asked (--no-price)") {
		t.Errorf("%d inquiries\n%s", routeCount(s, sandbox.RouteBSSRenewRate), r.err)
	}
}

// On a terminal the purchase's confirmation shows its price as one more
// line of the summary; a price the inquiry cannot get is said so, and the
// purchase is still confirmed and sent once.
func TestBuyConfirmationShowsPrice(t *testing.T) {
	s, env := priceSandbox(t, 0)
	args := []string{"instance", "buy", "--region", "ap-southeast-3", "--name", "web-1", "--image", "BT", "--spec", "hf.large.2.30m.linux", "--quantity", "3"}
	r := runIn(t, env, true, "n\n", args...)
	// hf.large.2.30m.linux: 3 + 2 + 2.5 x 4 = 15 a month, x 3 instances.
	if r.code != 2 || len(s.Orders()) != 0 || !strings.Contains(r.err, "  Extras:      none\n  Price:       45.00 USD\nBuy? [y/N]") {
		t.Fatalf("exit %d, %d orders\n%s", r.code, len(s.Orders()), r.err)
	}
	s.AddFault(sandbox.Fault{Route: sandbox.RouteBSSSubscribeRate, Kind: sandbox.FaultProductNotFound})
	r = runIn(t, env, true, "y\n", args...)
	if r.code != 0 || len(s.Orders()) != 1 || !strings.Contains(r.err, "  Price:       not available (no API price for this plan") {
		t.Errorf("exit %d, %d orders\n%s", r.code, len(s.Orders()), r.err)
	}
}

// Ctrl-C while the price is being asked stops the run at once (exit 130):
// the purchase is not sent, and nothing is journaled.
func TestInterruptDuringPriceInquiry(t *testing.T) {
	s, env := priceSandbox(t, 0)
	s.AddFault(sandbox.Fault{Route: sandbox.RouteBSSSubscribeRate, Kind: sandbox.FaultLatency, LatencyMS: 60000})
	io, _, out, errOut := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	code := Run(ctx, f, []string{"instance", "buy", "--region", "ap-southeast-3", "--name", "web-1", "--image", "BT", "--spec", "hf.large.1.30m.linux", "--yes"})
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s", took)
	}
	if code != 130 || out.Len() != 0 || len(s.Orders()) != 0 || routeCount(s, sandbox.RouteCreate) != 0 ||
		!strings.Contains(errOut.String(), "interrupted while asking for the price: the purchase was not sent") {
		t.Errorf("exit %d, %d orders, stdout %q, stderr %q", code, len(s.Orders()), out, errOut)
	}
	if entries := journalOf(t, env["XDG_STATE_HOME"]); len(entries) != 0 {
		t.Errorf("journaled: %+v", entries)
	}
}
